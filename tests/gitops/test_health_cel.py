"""The Flux ``healthCheckExprs``, evaluated with cel-python the way kustomize-controller evaluates them.

Flux (fluxcd/pkg ``runtime/cel``) parses each expression without declarations and evaluates it with the
object's top-level fields (``metadata``, ``spec``, ``status``...) as variables: a missing ``status`` is an
evaluation error, which leaves the object "in progress" until the Kustomization's timeout. Before the
expressions it checks ``status.observedGeneration`` against ``metadata.generation``; then ``failed``,
then ``current``; if neither holds the object is in progress. The same fixtures as the Argo CD Lua tests
must give the same verdicts (Healthy = Current, Degraded = Failed, Progressing = InProgress).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml as pyyaml

from kro_gen.errors import ExpressionError
from kro_gen.expr.engine import evaluate
from kro_gen.gitops.flux import RGD_HEALTH, instance_health
from kro_gen.gitops.model import TreePlan

from .test_health_lua import instance, ready, rgd


def condition(kind: str, status: str, observed: int) -> dict[str, Any]:
    return {"type": kind, "status": status, "observedGeneration": observed}


def flux_status(check: dict[str, str], obj: dict[str, Any]) -> str:
    """Flux's verdict for ``obj`` under one ``healthCheckExprs`` entry."""
    status = obj.get("status") or {}
    if status.get("observedGeneration", obj["metadata"].get("generation")) != obj["metadata"].get(
        "generation"
    ):
        return "InProgress"
    try:
        if evaluate(check["failed"], obj) is True:
            return "Failed"
        if evaluate(check["current"], obj) is True:
            return "Current"
    except ExpressionError:
        return "InProgress"  # Flux reports the error and keeps polling until the timeout
    return "InProgress"


INSTANCE = instance_health("example.com/v1alpha1", "WebApp")

INSTANCE_CASES = [
    ("no status", instance(), "InProgress"),
    ("status without conditions", instance({"state": "IN_PROGRESS"}), "InProgress"),
    (
        "ready at current generation",
        instance({"state": "ACTIVE", "conditions": [ready("True", 2)]}),
        "Current",
    ),
    (
        "ready at stale generation",
        instance({"state": "ACTIVE", "conditions": [ready("True", 1)]}),
        "InProgress",
    ),
    ("state ERROR", instance({"state": "ERROR", "conditions": [ready("False", 2, "boom")]}), "Failed"),
    ("state FAILED without conditions", instance({"state": "FAILED"}), "Failed"),
    (
        "state ERROR left from the previous generation",
        instance({"state": "ERROR", "conditions": [ready("False", 1, "old spec was bad")]}),
        "InProgress",
    ),
    (
        "ready False, in progress",
        instance({"state": "IN_PROGRESS", "conditions": [ready("False", 2)]}),
        "InProgress",
    ),
    (
        "Ready among other conditions",
        instance({"conditions": [condition("GraphResolved", "True", 2), ready("True", 2)]}),
        "Current",
    ),
]


@pytest.mark.parametrize(("case", "obj", "expected"), INSTANCE_CASES, ids=[c[0] for c in INSTANCE_CASES])
def test_instance_health(case: str, obj: dict[str, Any], expected: str) -> None:
    assert flux_status(INSTANCE, obj) == expected


RGD_CASES = [
    ("no status", {"metadata": {"name": "g", "generation": 3}}, "InProgress"),
    ("no conditions yet", rgd(), "InProgress"),
    (
        "ready at current generation",
        rgd(condition("GraphAccepted", "True", 3), condition("Ready", "True", 3)),
        "Current",
    ),
    ("ready at stale generation", rgd(condition("Ready", "True", 2)), "InProgress"),
    ("graph rejected", rgd(condition("GraphAccepted", "False", 3), condition("Ready", "False", 3)), "Failed"),
    ("rejected at stale generation", rgd(condition("GraphAccepted", "False", 2)), "InProgress"),
    ("kind not ready (breaking change refused)", rgd(condition("KindReady", "False", 3)), "InProgress"),
]


@pytest.mark.parametrize(("case", "obj", "expected"), RGD_CASES, ids=[c[0] for c in RGD_CASES])
def test_rgd_health(case: str, obj: dict[str, Any], expected: str) -> None:
    assert flux_status(RGD_HEALTH, obj) == expected


def test_the_generated_kustomizations_carry_these_expressions(plan: TreePlan) -> None:
    rgds = pyyaml.safe_load(plan.files["flux/clusters/prod/kro-rgds.yaml"])
    assert rgds["spec"]["healthCheckExprs"] == [RGD_HEALTH]
    env = pyyaml.safe_load(plan.files["flux/clusters/prod/kro-env-production.yaml"])
    for check in env["spec"]["healthCheckExprs"]:
        assert {k: v for k, v in check.items() if k not in ("apiVersion", "kind")} == {
            "failed": INSTANCE["failed"],
            "current": INSTANCE["current"],
        }
