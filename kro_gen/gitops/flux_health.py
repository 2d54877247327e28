"""Flux ``healthCheckExprs`` for kro's kinds: the CEL twin of the Argo CD Lua checks (``argocd/lua``).

kustomize-controller evaluates ``inProgress``, ``failed`` and ``current`` in that order and takes the
first that holds (none: in progress); an evaluation error also leaves the object in progress until the
Kustomization's timeout, so every read of a field Kubernetes may omit uses optional access. The verdicts
match the Lua checks on the same recorded kro statuses (tests/gitops/fixtures/kro_statuses.yaml):

* deleting: in progress;
* a condition kro wrote for the current generation counts, others (stale or without
  ``observedGeneration``) do not;
* RGD: any of its conditions False is failed (kro sets False only for failures: a rejected graph, a
  refused CRD change, a controller that did not start); Ready True is current;
* instance: a False condition is failed only with ``status.state`` ERROR (ResourcesReady is also False
  while kro waits for a ``readyWhen``); Ready True is current.
"""

from __future__ import annotations

from collections.abc import Sequence

#: The conditions kro v0.9.3 writes on an RGD (``Ready`` aggregates the others).
RGD_CONDITIONS = ("GraphRevisionsResolved", "GraphAccepted", "KindReady", "ControllerReady", "Ready")
#: The conditions kro v0.9.3 writes on an instance (``Ready`` aggregates the others).
INSTANCE_CONDITIONS = ("InstanceManaged", "GraphResolved", "ResourcesReady", "Ready")

DELETING = "has(metadata.deletionTimestamp)"


def _current_condition(test: str) -> str:
    """Some condition of the current generation satisfies ``test`` (CEL over ``c``)."""
    return (
        "status.?conditions.orValue([]).exists(c, "
        f"{test} && c.?observedGeneration.orValue(0) == metadata.generation)"
    )


def _any_false(types: Sequence[str]) -> str:
    listed = ", ".join(f"'{name}'" for name in types)
    return _current_condition(f"c.type in [{listed}] && c.status == 'False'")


READY = _current_condition("c.type == 'Ready' && c.status == 'True'")


def rgd_health() -> dict[str, str]:
    """The ``healthCheckExprs`` entry of ``kro.run/v1alpha1`` ResourceGraphDefinition."""
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "inProgress": DELETING,
        "failed": _any_false(RGD_CONDITIONS),
        "current": READY,
    }


def instance_health(api_version: str, kind: str) -> dict[str, str]:
    """The ``healthCheckExprs`` entry of one generated instance kind."""
    return {
        "apiVersion": api_version,
        "kind": kind,
        "inProgress": DELETING,
        "failed": f"status.?state.orValue('') in ['ERROR', 'FAILED'] && {_any_false(INSTANCE_CONDITIONS)}",
        "current": READY,
    }
