"""Flux objects of the infrastructure layer: a HelmRepository and a HelmRelease per component.

``flux/infrastructure/<component>/`` holds them (identical for every cluster, so once in the tree);
each cluster syncs it with a ``kro-infra-<component>`` Kustomization that waits for the HelmRelease to
be Ready, and ``kro-rgds`` and the environments ``dependsOn`` those Kustomizations, so nothing of the
graphs is applied before its operator's CRDs are established. CRDs are created and replaced with the
chart (``crds: CreateReplace``); the release installs into the component's namespace, created on install.
"""

from __future__ import annotations

from typing import Any

from kro_gen.gitops.infrastructure.catalog import Component

INFRA_DIR = "flux/infrastructure"
HELM_API = "helm.toolkit.fluxcd.io/v2"
SOURCE_API = "source.toolkit.fluxcd.io/v1"


def component_dir(name: str) -> str:
    """Folder of one component's Flux objects."""
    return f"{INFRA_DIR}/{name}"


def infra_kustomization_name(name: str) -> str:
    """Name of the Flux Kustomization that installs component (or unit) ``name`` on a cluster."""
    return f"kro-infra-{name}"


def helm_repository(component: Component, namespace: str) -> dict[str, Any]:
    """The chart's repository (``type: oci`` for an ``oci://`` registry)."""
    spec: dict[str, Any] = {"interval": "1h", "url": component.repository}
    if component.is_oci:
        spec["type"] = "oci"
    return {
        "apiVersion": SOURCE_API,
        "kind": "HelmRepository",
        "metadata": {"name": component.name, "namespace": namespace},
        "spec": spec,
    }


def helm_release(component: Component, namespace: str) -> dict[str, Any]:
    """The pinned release, remediated by retries, CRDs created and replaced with the chart."""
    spec: dict[str, Any] = {
        "interval": "1h",
        "releaseName": component.release_name,
        "targetNamespace": component.namespace,
        "storageNamespace": component.namespace,
        "chart": {
            "spec": {
                "chart": component.chart,
                "version": component.version,
                "sourceRef": {"kind": "HelmRepository", "name": component.name},
                "interval": "1h",
            }
        },
        "install": {"createNamespace": True, "crds": "CreateReplace", "remediation": {"retries": 3}},
        "upgrade": {"crds": "CreateReplace", "remediation": {"retries": 3}},
    }
    if component.values:
        spec["values"] = dict(component.values)
    return {
        "apiVersion": HELM_API,
        "kind": "HelmRelease",
        "metadata": {"name": component.name, "namespace": namespace},
        "spec": spec,
    }
