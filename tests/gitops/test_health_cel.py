"""The Flux ``healthCheckExprs``, evaluated with cel-python the way kustomize-controller evaluates them,
against the same recorded kro statuses as the Lua checks (fixtures/kro_statuses.yaml).

Flux (fluxcd/pkg ``runtime/cel``) parses each expression without declarations and evaluates it with the
object's top-level fields (``metadata``, ``spec``, ``status``...) as variables: an evaluation error
leaves the object "in progress" until the Kustomization's timeout. Before the expressions it checks
``status.observedGeneration`` against ``metadata.generation``; then ``inProgress``, ``failed`` and
``current`` in that order, the first that holds wins; if none holds the object is in progress.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml as pyyaml

from kro_gen.errors import ExpressionError
from kro_gen.expr.engine import evaluate
from kro_gen.gitops.flux_health import instance_health, rgd_health
from kro_gen.gitops.model import TreePlan

from .kro_statuses import cases, ids

#: Argo CD's verdict -> Flux's, for the same object.
SAME_AS_ARGOCD = {"Healthy": "Current", "Degraded": "Failed", "Progressing": "InProgress"}


def flux_status(check: dict[str, str], obj: dict[str, Any]) -> str:
    """Flux's verdict for ``obj`` under one ``healthCheckExprs`` entry."""
    status = obj.get("status") or {}
    generation = obj["metadata"].get("generation")
    if status.get("observedGeneration", generation) != generation:
        return "InProgress"
    try:
        for field, verdict in (("inProgress", "InProgress"), ("failed", "Failed"), ("current", "Current")):
            if field in check and evaluate(check[field], obj) is True:
                return verdict
    except ExpressionError:
        return "InProgress"  # Flux reports the error and keeps polling until the timeout
    return "InProgress"


@pytest.mark.parametrize("recorded", cases("rgd"), ids=ids("rgd"))
def test_rgd_health(recorded: dict[str, Any]) -> None:
    assert flux_status(rgd_health(), recorded["object"]) == recorded["flux"]


@pytest.mark.parametrize("recorded", cases("instance"), ids=ids("instance"))
def test_instance_health(recorded: dict[str, Any]) -> None:
    assert (
        flux_status(instance_health("example.com/v1alpha1", "MicroservicesApp"), recorded["object"])
        == (recorded["flux"])
    )


@pytest.mark.parametrize("kind", ["rgd", "instance"])
def test_flux_and_argo_cd_agree_on_every_recorded_status(kind: str) -> None:
    assert [SAME_AS_ARGOCD[item["argocd"]["status"]] for item in cases(kind)] == [
        item["flux"] for item in cases(kind)
    ]


def test_no_expression_errors_on_a_missing_status() -> None:
    """Every field read is optional: a fresh object is in progress, not an evaluation error."""
    fresh = {"metadata": {"name": "x", "generation": 1}, "status": {}}
    for check in (rgd_health(), instance_health("example.com/v1alpha1", "MicroservicesApp")):
        for field in ("inProgress", "failed", "current"):
            assert evaluate(check[field], fresh) is False


def test_the_generated_kustomizations_carry_these_expressions(plan: TreePlan) -> None:
    rgds = pyyaml.safe_load(plan.files["flux/clusters/prod/kro-rgds.yaml"])
    assert rgds["spec"]["healthCheckExprs"] == [rgd_health()]
    env = pyyaml.safe_load(plan.files["flux/clusters/prod/kro-env-production.yaml"])
    for check in env["spec"]["healthCheckExprs"]:
        assert check == instance_health(check["apiVersion"], check["kind"])
