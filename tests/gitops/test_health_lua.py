"""The argocd-cm Lua health checks, run in a Lua 5.1 interpreter the way Argo CD (gopher-lua) runs them,
against recorded kro statuses for each condition and state (fixtures/kro_statuses.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml

from kro_gen.expr.engine import evaluate
from kro_gen.gitops.argocd.health import APPLICATION_KEY, RGD_KEY, health_key, lua_script
from kro_gen.gitops.model import TreePlan

from .kro_statuses import case, cases, ids

lua51 = pytest.importorskip("lupa.lua51")  # Argo CD runs gopher-lua, a Lua 5.1 implementation

#: The seed's RGD as the pipeline emits it (tests/test_seed.py keeps it byte-identical to the output).
SEED_RGD = Path(__file__).resolve().parents[1] / "golden" / "microservices-app.rgd.yaml"


def run(script: str, obj: dict[str, Any]) -> dict[str, str]:
    """Run a health script with ``obj`` bound as Argo CD binds it; return ``{status, message}``."""
    runtime = lua51.LuaRuntime(unpack_returned_tuples=True)
    assert runtime.lua_version == (5, 1)
    runtime.globals().obj = runtime.table_from(obj, recursive=True)
    result = runtime.execute(script)
    return {"status": result["status"], "message": result["message"]}


@pytest.mark.parametrize("recorded", cases("rgd"), ids=ids("rgd"))
def test_rgd_health(recorded: dict[str, Any]) -> None:
    assert run(lua_script("kro_rgd"), recorded["object"]) == recorded["argocd"]


@pytest.mark.parametrize("recorded", cases("instance"), ids=ids("instance"))
def test_instance_health(recorded: dict[str, Any]) -> None:
    assert run(lua_script("kro_instance"), recorded["object"]) == recorded["argocd"]


def test_every_false_rgd_condition_is_degraded_not_a_hang() -> None:
    """KindReady and ControllerReady False used to stay Progressing forever."""
    degraded = {item["case"] for item in cases("rgd") if item["argocd"]["status"] == "Degraded"}
    failed_types = {
        condition["type"]
        for item in cases("rgd")
        if item["case"] in degraded
        for condition in item["object"]["status"]["conditions"]
        if condition["status"] == "False" and condition["type"] != "Ready"
    }
    assert failed_types == {"GraphRevisionsResolved", "GraphAccepted", "KindReady", "ControllerReady"}


def test_an_instance_whose_deployment_is_not_available_is_not_healthy() -> None:
    """The seed's readyWhen is false for the recorded Deployment, which is why kro reports the instance
    in progress; the Lua check then says Progressing with kro's reason, never Healthy."""
    recorded = case("instance", "a Deployment is not available")
    seed_rgd = pyyaml.safe_load(SEED_RGD.read_text("utf-8"))
    entry = next(e for e in seed_rgd["spec"]["resources"] if e["id"] == "userDeployment")
    observed = {"userDeployment": recorded["deployment"]}
    verdicts = [evaluate(text[2:-1], observed) for text in entry["readyWhen"]]
    assert False in verdicts
    failing = entry["readyWhen"][verdicts.index(False)][2:-1]
    assert failing in recorded["object"]["status"]["conditions"][2]["message"]
    verdict = run(lua_script("kro_instance"), recorded["object"])
    assert verdict["status"] == "Progressing" and "userDeployment" in verdict["message"]


def test_application_health() -> None:
    script = lua_script("application")
    assert run(script, {"metadata": {}})["status"] == "Progressing"
    healthy = {"status": {"health": {"status": "Healthy", "message": "ok"}}}
    assert run(script, healthy) == {"status": "Healthy", "message": "ok"}
    assert run(script, {"status": {"health": {"status": "Degraded"}}})["status"] == "Degraded"


def test_the_emitted_patch_runs(plan: TreePlan) -> None:
    """The scripts as they come out of the YAML (not just the package files) work."""
    data = pyyaml.safe_load(plan.files["argocd/config/health/argocd-cm.yaml"])["data"]
    healthy = case("instance", "active")["object"]
    assert run(data[health_key("example.com", "MicroservicesApp")], healthy)["status"] == "Healthy"
    assert run(data[RGD_KEY], case("rgd", "active")["object"])["status"] == "Healthy"
    assert run(data[APPLICATION_KEY], {"status": {"health": {"status": "Missing"}}})["status"] == "Missing"
