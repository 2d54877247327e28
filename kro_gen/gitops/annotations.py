"""GitOps annotations: which ones each kind of object gets, and the sync-wave formulas.

Every annotation is harmless to the tool that does not read it, so one tree serves Argo CD and Flux.

Waves (Argo CD ``argocd.argoproj.io/sync-wave``; lowest first, each wave waits for the previous one to
be healthy, pruning runs in reverse):

* RGD: ``-1 - (max_depth - depth)``. The deepest RGD (the one using the most other generated kinds)
  gets -1, the graphs it builds on get -2, -3, ... so chained RGDs are applied inner first: kro verifies
  referenced kinds when it accepts an RGD, so an outer RGD applied before the inner CRD exists flaps.
* Namespace: -2 (before anything namespaced).
* direct-mode manifests and support objects: by kind, ordering only what the API server needs first
  (:func:`manifest_wave`). Every value is resolved at generate time, so no object waits for another's
  health: -1 for CRDs and the inputs of pod admission, 0 for everything else.
* instance: ``1 + depth`` (after every RGD; an instance of a chained graph after the instances it uses).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kro_gen.errors import Location, ValidationError

SYNC_WAVE = "argocd.argoproj.io/sync-wave"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
FLUX_SUBSTITUTE = "kustomize.toolkit.fluxcd.io/substitute"
FLUX_PRUNE = "kustomize.toolkit.fluxcd.io/prune"
DISABLED = "disabled"

NAMESPACE_WAVE = -2
PREREQUISITE_WAVE = -1
MANIFEST_WAVE = 0

#: Kinds the API server needs before the objects that use them, by (API group, kind):
#: a CRD before its custom resources (else "no matches for kind"); a LimitRange and a ResourceQuota
#: before any pod is admitted (LimitRange defaults and quota checks apply only at pod creation, so pods
#: created first never get them); a PriorityClass before pods naming it (admission rejects them).
#: A ServiceAccount is not among them: admission rejects a Pod (not a Deployment) whose account is
#: missing, and the ReplicaSet controller retries, so a Deployment applied with it converges.
PREREQUISITE_KINDS = frozenset(
    {
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("", "LimitRange"),
        ("", "ResourceQuota"),
        ("scheduling.k8s.io", "PriorityClass"),
    }
)


def manifest_wave(body: Mapping[str, Any]) -> int:
    """Sync wave of a direct-mode manifest or support object (see the module docstring)."""
    pair = (api_group(str(body.get("apiVersion", ""))), str(body.get("kind", "")))
    if pair == ("", "Namespace"):
        return NAMESPACE_WAVE
    return PREREQUISITE_WAVE if pair in PREREQUISITE_KINDS else MANIFEST_WAVE


def rgd_wave(depth: int, max_depth: int) -> int:
    """Sync wave of an RGD of chaining ``depth`` in a tree whose deepest RGD has ``max_depth``."""
    return -1 - (max_depth - depth)


def instance_wave(depth: int) -> int:
    """Sync wave of an instance of a graph of chaining ``depth``."""
    return 1 + depth


def contains_expression(value: Any) -> bool:
    """True when any string inside ``value`` holds ``${`` (which Flux post-build would try to substitute).

    Keys count too. Plain data is scanned as its JSON text (C code; ``$`` and ``{`` are never escaped
    and no two strings touch in it, so ``${`` occurs in the text exactly when it occurs in a string);
    anything JSON cannot write is walked.
    """
    try:
        return "${" in json.dumps(value)
    except (TypeError, ValueError):
        return _walk_contains_expression(value)


def _walk_contains_expression(value: Any) -> bool:
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, Mapping):
        return any(
            _walk_contains_expression(key) or _walk_contains_expression(item) for key, item in value.items()
        )
    if isinstance(value, (list, tuple)):
        return any(_walk_contains_expression(item) for item in value)
    return False


def rgd_annotations(wave: int) -> dict[str, str]:
    """Annotations of every RGD: wave, confirm before pruning, no Flux substitution or pruning."""
    return {
        SYNC_WAVE: str(wave),
        SYNC_OPTIONS: "Prune=confirm",
        FLUX_SUBSTITUTE: DISABLED,
        FLUX_PRUNE: DISABLED,
    }


def instance_annotations(wave: int) -> dict[str, str]:
    """Annotations of every kro instance: wave, no dry-run while kro registers the CRD, no substitution."""
    return {
        SYNC_WAVE: str(wave),
        SYNC_OPTIONS: "SkipDryRunOnMissingResource=true",
        FLUX_SUBSTITUTE: DISABLED,
    }


def namespace_annotations() -> dict[str, str]:
    """Annotations of a Namespace: first wave, never pruned nor deleted with its Application (either
    would delete all it holds, including what other environments sharing the namespace put there)."""
    return {SYNC_WAVE: str(NAMESPACE_WAVE), SYNC_OPTIONS: "Prune=false,Delete=false", FLUX_PRUNE: DISABLED}


def manifest_annotations(wave: int, body: Mapping[str, Any]) -> dict[str, str]:
    """Annotations of a plain manifest or support object; substitution is disabled only if it holds ``${``."""
    annotations = {SYNC_WAVE: str(wave)}
    if contains_expression(body):
        annotations[FLUX_SUBSTITUTE] = DISABLED
    return annotations


def _merge_options(existing: str, added: str) -> str:
    options: list[str] = []
    for option in [*existing.split(","), *added.split(",")]:
        option = option.strip()
        if option and option not in options:
            options.append(option)
    return ",".join(options)


def stamp(body: Mapping[str, Any], annotations: Mapping[str, str], where: Location) -> dict[str, Any]:
    """A copy of ``body`` with ``annotations`` added to ``metadata.annotations``; ``body`` is not changed.

    Only the path that changes is copied (the object, its ``metadata`` and the annotations); the rest
    is shared with ``body``, so neither may be changed in place afterwards (the planner only dumps
    it). Annotations already present are kept first, in their order. ``argocd.argoproj.io/sync-options``
    values are merged (comma-separated, no duplicates). Any other annotation that is already set to a
    different value is an error: kro-gen never overrides a value silently.
    """
    stamped = dict(body)
    metadata = stamped.get("metadata", {})
    if isinstance(metadata, Mapping):
        metadata = stamped["metadata"] = dict(metadata)
    if not isinstance(metadata, dict):
        raise ValidationError(
            "metadata is not a mapping", location=where, hint="emit metadata as a dict", rule="object-shape"
        )
    current = dict(metadata.get("annotations") or {})
    for key, value in annotations.items():
        if key not in current:
            current[key] = value
        elif key == SYNC_OPTIONS:
            current[key] = _merge_options(str(current[key]), value)
        elif str(current[key]) != value:
            raise ValidationError(
                f"annotation {key} is already set to {current[key]!r}; kro-gen sets it to {value!r}",
                location=where,
                hint=f"remove {key} from the definition: kro-gen manages it",
                rule="gitops-annotation",
            )
    metadata["annotations"] = current
    return stamped


def api_group(api_version: str) -> str:
    """The API group of an ``apiVersion`` (``apps/v1`` -> ``apps``, ``v1`` -> ``""``)."""
    return api_version.rpartition("/")[0]


def sorted_group_kinds(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """``[{group, kind}]`` entries, deduplicated and sorted (for AppProject allow-lists)."""
    return [{"group": group, "kind": kind} for group, kind in sorted(set(pairs))]
