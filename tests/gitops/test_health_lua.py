"""The argocd-cm Lua health checks, run in a Lua 5.1-compatible interpreter the way Argo CD runs them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml as pyyaml

from kro_gen.gitops.argocd.health import APPLICATION_KEY, RGD_KEY, health_key, lua_script
from kro_gen.gitops.model import TreePlan

lua51 = pytest.importorskip("lupa.lua51")  # Argo CD runs gopher-lua, a Lua 5.1 implementation


def run(script: str, obj: dict[str, Any]) -> dict[str, str]:
    """Run a health script with ``obj`` bound as Argo CD binds it; return ``{status, message}``."""
    runtime = lua51.LuaRuntime(unpack_returned_tuples=True)
    assert runtime.lua_version == (5, 1)
    runtime.globals().obj = runtime.table_from(obj, recursive=True)
    result = runtime.execute(script)
    return {"status": result["status"], "message": result["message"]}


def instance(status: dict[str, Any] | None = None, generation: int = 2, **metadata: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"metadata": {"name": "shop", "generation": generation, **metadata}}
    if status is not None:
        body["status"] = status
    return body


def ready(status: str, observed: int, message: str | None = None) -> dict[str, Any]:
    condition: dict[str, Any] = {"type": "Ready", "status": status, "observedGeneration": observed}
    if message:
        condition["message"] = message
    return condition


INSTANCE_CASES = [
    ("no status", instance(), "Progressing"),
    ("status without conditions", instance({"state": "IN_PROGRESS"}), "Progressing"),
    (
        "ready at current generation",
        instance({"state": "ACTIVE", "conditions": [ready("True", 2)]}),
        "Healthy",
    ),
    (
        "ready at stale generation",
        instance({"state": "ACTIVE", "conditions": [ready("True", 1)]}),
        "Progressing",
    ),
    ("state ERROR", instance({"state": "ERROR", "conditions": [ready("False", 2, "boom")]}), "Degraded"),
    ("state FAILED without conditions", instance({"state": "FAILED"}), "Degraded"),
    (
        "state ERROR left from the previous generation",
        instance({"state": "ERROR", "conditions": [ready("False", 1, "old spec was bad")]}),
        "Progressing",
    ),
    (
        "ready False, in progress",
        instance({"state": "IN_PROGRESS", "conditions": [ready("False", 2)]}),
        "Progressing",
    ),
    (
        "deleting",
        instance({"conditions": [ready("True", 2)]}, deletionTimestamp="2026-01-01T00:00:00Z"),
        "Progressing",
    ),
    (
        "Ready among other conditions",
        instance({"conditions": [{"type": "GraphResolved", "status": "True"}, ready("True", 2)]}),
        "Healthy",
    ),
]


@pytest.mark.parametrize(("case", "obj", "expected"), INSTANCE_CASES, ids=[c[0] for c in INSTANCE_CASES])
def test_instance_health(case: str, obj: dict[str, Any], expected: str) -> None:
    assert run(lua_script("kro_instance"), obj)["status"] == expected


def test_instance_health_messages() -> None:
    assert run(
        lua_script("kro_instance"), instance({"state": "ERROR", "conditions": [ready("False", 2, "boom")]})
    ) == {
        "status": "Degraded",
        "message": "boom",
    }
    stale = run(lua_script("kro_instance"), instance({"conditions": [ready("True", 1)]}))
    assert stale["message"] == "Waiting for kro to observe generation 2"


def rgd(*conditions: dict[str, Any], generation: int = 3) -> dict[str, Any]:
    return {"metadata": {"name": "g", "generation": generation}, "status": {"conditions": list(conditions)}}


def condition(kind: str, status: str, observed: int = 3, message: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": kind, "status": status, "observedGeneration": observed}
    if message:
        entry["message"] = message
    return entry


RGD_CASES = [
    ("no status", {"metadata": {"generation": 1}}, "Progressing"),
    ("Ready True", rgd(condition("GraphAccepted", "True"), condition("Ready", "True")), "Healthy"),
    ("GraphAccepted False", rgd(condition("GraphAccepted", "False", message="bad CEL")), "Degraded"),
    (
        "GraphAccepted False after Ready",
        rgd(condition("Ready", "True"), condition("GraphAccepted", "False")),
        "Degraded",
    ),
    ("stale Ready", rgd(condition("Ready", "True", observed=2)), "Progressing"),
    ("stale rejection", rgd(condition("GraphAccepted", "False", observed=2)), "Progressing"),
    (
        "kind not ready",
        rgd(condition("GraphAccepted", "True"), condition("KindReady", "False", message="breaking")),
        "Progressing",
    ),
]


@pytest.mark.parametrize(("case", "obj", "expected"), RGD_CASES, ids=[c[0] for c in RGD_CASES])
def test_rgd_health(case: str, obj: dict[str, Any], expected: str) -> None:
    assert run(lua_script("kro_rgd"), obj)["status"] == expected


def test_rgd_health_messages_explain() -> None:
    rejected = run(lua_script("kro_rgd"), rgd(condition("GraphAccepted", "False", message="bad CEL")))
    assert rejected["message"] == "bad CEL"
    blocked = run(
        lua_script("kro_rgd"), rgd(condition("KindReady", "False", message="breaking changes detected"))
    )
    assert blocked["message"] == "KindReady: breaking changes detected"


def test_application_health() -> None:
    script = lua_script("application")
    assert run(script, {"metadata": {}})["status"] == "Progressing"
    healthy = {"status": {"health": {"status": "Healthy", "message": "ok"}}}
    assert run(script, healthy) == {"status": "Healthy", "message": "ok"}
    assert run(script, {"status": {"health": {"status": "Degraded"}}})["status"] == "Degraded"


def test_the_emitted_patch_runs(plan: TreePlan) -> None:
    """The scripts as they come out of the YAML (not just the package files) work."""
    data = pyyaml.safe_load(plan.files["argocd/config/argocd-cm.health.patch.yaml"])["data"]
    healthy = instance({"state": "ACTIVE", "conditions": [ready("True", 2)]})
    assert run(data[health_key("example.com", "MicroservicesApp")], healthy)["status"] == "Healthy"
    assert run(data[RGD_KEY], rgd(condition("Ready", "True")))["status"] == "Healthy"
    assert run(data[APPLICATION_KEY], {"status": {"health": {"status": "Missing"}}})["status"] == "Missing"
