"""Custom status conditions (kro v0.9.3): cel.new_condition / cel.condition in status.conditions."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from pydantic import BaseModel

from kro_gen import ResourceGraph, Schema, cel, k8s
from kro_gen.check import check_rgd, errors
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import DefinitionError, ExpressionError, Location
from kro_gen.graph import Condition
from kro_gen.k8s import kinds


class Spec(BaseModel):
    image: str
    workers: list[str] = []


class Status(BaseModel):
    url: str
    conditions: list[Condition] = []


class Resources(NamedTuple):
    web: kinds.Deployment
    workers: kinds.Deployment


def _graph(conditions: object) -> ResourceGraph[Spec, Status]:
    graph = ResourceGraph(
        "cond", api_version="cond.example.com/v1alpha1", kind="Cond", spec=Spec, status=Status
    )

    @graph.resources
    def resources(schema: Schema[Spec]) -> Resources:
        worker = cel.var("worker", "string")
        workers = k8s.Deployment(
            f"worker-{worker}",
            image=schema.spec.image,
            for_each={"worker": schema.spec.workers},
            id="workers",
        )
        return Resources(k8s.Deployment("web", image=schema.spec.image), workers)

    @graph.status
    def status(schema: Schema[Spec], r: Resources) -> dict[str, object]:
        made = conditions(schema, r) if callable(conditions) else conditions
        return {"url": f"http://{r.web.metadata.name}", "conditions": made}

    return graph


def _typed_conditions(schema: Schema[Spec], r: Resources) -> list[Condition | list[Condition]]:
    ready = cel.default(r.web.status.readyReplicas, 0) > 0
    lifecycle = cel.condition(schema, "ResourcesReady").status == "True"
    return [
        cel.new_condition(type="AppReady", status=ready, reason=cel.cond(ready, "Replicas", "NoReplicas")),
        cel.new_condition(type="Ready", status=lifecycle & ready, reason="Composed", message=""),
        cel.map_(
            r.workers.each(),
            lambda w: cel.new_condition(
                type="Worker-" + w.metadata.name + "-Ready", status=cel.default(w.status.readyReplicas, 0) > 0
            ),
        ),
    ]


def test_conditions_are_emitted_in_kros_form_and_pass_every_check() -> None:
    rgd = rgd_document(_graph(_typed_conditions).build())
    conditions = rgd["spec"]["schema"]["status"]["conditions"]
    ready = "web.status.?readyReplicas.orValue(0) > 0"
    assert conditions == [
        '${runtime.newCondition({type: "AppReady", status: '
        f'{ready} ? "True" : "False", reason: {ready} ? "Replicas" : "NoReplicas", message: ""}})}}',
        '${runtime.newCondition({type: "Ready", status: runtime.condition(schema, "ResourcesReady").status'
        f' == "True" && {ready} ? "True" : "False", reason: "Composed", message: ""}})}}',
        '${workers.map(x, runtime.newCondition({type: "Worker-" + x.metadata.name + "-Ready", status: '
        'x.status.?readyReplicas.orValue(0) > 0 ? "True" : "False", reason: "", message: ""}))}',
    ]
    assert errors(check_rgd(rgd, location=Location(graph="cond"))) == []


def test_kros_rules_for_conditions_are_checked_on_generated_graphs() -> None:
    def duplicate(schema: Schema[Spec], r: Resources) -> list[Condition]:
        return [cel.new_condition("Up", True), cel.new_condition("Up", r.web.status.readyReplicas > 0)]

    rgd = rgd_document(_graph(duplicate).build())
    rules = {f.rule for f in errors(check_rgd(rgd, location=Location(graph="cond")))}
    assert rules == {"status-condition-type-duplicate"}

    def self_reference(schema: Schema[Spec], r: Resources) -> list[Condition]:
        return [cel.new_condition("Mine", cel.condition(schema, "AppReady").status == "True")]

    rgd = rgd_document(_graph(self_reference).build())
    rules = {f.rule for f in errors(check_rgd(rgd, location=Location(graph="cond")))}
    assert rules == {"status-condition-call"}


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ("Ready", "must be a list of cel.new_condition"),
        (["Ready"], r"conditions\[0\] is the literal 'Ready', not a condition"),
    ],
)
def test_conditions_that_are_no_conditions_are_refused(conditions: object, message: str) -> None:
    with pytest.raises(DefinitionError, match=message) as caught:
        _graph(conditions).build()
    assert caught.value.rule == "status-conditions"


def test_a_condition_with_a_wrong_status_or_type_is_refused_at_once() -> None:
    with pytest.raises(ExpressionError, match="status 'Yes' is not True, False or Unknown"):
        cel.new_condition("Up", "Yes")
    with pytest.raises(ExpressionError, match="type is empty"):
        cel.new_condition("", "True")
    with pytest.raises(ExpressionError, match="reason must be a string, got a int"):
        cel.new_condition("Up", "True", reason=cel.size(cel.raw("schema.spec.workers")))


def test_runtime_outside_conditions_is_a_finding() -> None:
    graph = ResourceGraph("rt", api_version="cond.example.com/v1alpha1", kind="Rt", spec=Spec)

    @graph.resources
    def resources(schema: Schema[Spec]) -> dict[str, k8s.Resource]:
        ready = cel.condition(schema, "Ready").status
        return {"config": k8s.ConfigMap("c", {"READY": ready})}

    rules = {f.rule for f in errors(check_rgd(rgd_document(graph.build()), location=Location(graph="rt")))}
    assert "runtime-outside-conditions" in rules


def test_each_reads_a_collection_and_refuses_a_single_resource() -> None:
    with pytest.raises(DefinitionError, match="not a collection") as caught:
        k8s.Deployment("web", image="x").each()
    assert caught.value.rule == "not-a-collection"
