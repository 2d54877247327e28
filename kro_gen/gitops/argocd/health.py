"""The argocd-cm health patch: one Lua health check per kind kro-gen makes Argo CD apply.

No released Argo CD understands kro (the built-in ``kro.run`` checks arrive in 3.6 and only match group
``kro.run``; managed offerings reject wildcards), so the patch names every generated instance kind as
``resource.customizations.health.<group>_<Kind>``, plus ``kro.run_ResourceGraphDefinition`` and
``argoproj.io_Application`` (app-of-apps waves only wait for an Application that has health).

The checks live in the tree, declaratively, in the two forms an Argo CD installation takes them: a kustomize
Component that merges the keys into ``argocd-cm`` (for Argo CD installed with kustomize) and a values file
for the argo-cd Helm chart (``configs.cm``; a one-off ``kubectl patch`` would be overwritten by the next
``helm upgrade``). Either way only these keys are added: the ConfigMap stays the installation's. The Lua
lives in ``lua/*.lua`` beside this module and is tested with a Lua 5.1 interpreter (lupa).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

KEY_PREFIX = "resource.customizations.health."
RGD_KEY = KEY_PREFIX + "kro.run_ResourceGraphDefinition"
APPLICATION_KEY = KEY_PREFIX + "argoproj.io_Application"


@cache
def lua_script(name: str) -> str:
    """The Lua health script ``name`` (``kro_instance``, ``kro_rgd`` or ``application``)."""
    folder = resources.files("kro_gen.gitops.argocd").joinpath("lua")
    text = folder.joinpath(f"{name}.lua").read_text(encoding="utf-8")
    if name.startswith("kro_"):  # a deleting or status-less kro object reads the same to both checks
        text = folder.joinpath("kro_common.lua").read_text(encoding="utf-8") + text
    return text


def health_key(group: str, kind: str) -> str:
    """The argocd-cm key of the health check of ``group``/``kind``."""
    return f"{KEY_PREFIX}{group}_{kind}"


def health_patch(instance_kinds: Iterable[tuple[str, str]], *, namespace: str) -> dict[str, Any]:
    """The argocd-cm patch with health checks for RGDs, Applications and every ``(group, kind)`` given."""
    data = {RGD_KEY: lua_script("kro_rgd"), APPLICATION_KEY: lua_script("application")}
    for group, kind in sorted(set(instance_kinds)):
        data[health_key(group, kind)] = lua_script("kro_instance")
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "argocd-cm", "namespace": namespace},
        "data": dict(sorted(data.items())),
    }


def health_component(patch_file: str) -> dict[str, Any]:
    """A kustomize Component that merges ``patch_file`` (the argocd-cm fragment) into argocd-cm."""
    return {
        "apiVersion": "kustomize.config.k8s.io/v1alpha1",
        "kind": "Component",
        "patches": [{"path": patch_file, "target": {"kind": "ConfigMap", "name": "argocd-cm"}}],
    }


def health_values(patch: dict[str, Any]) -> dict[str, Any]:
    """argo-cd Helm chart values carrying the same health checks (``configs.cm``)."""
    return {"configs": {"cm": dict(patch["data"])}}
