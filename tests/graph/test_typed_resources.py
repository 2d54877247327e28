"""Typed authoring at run time: Schema[...], NamedTuple/dataclass returns, kind classes, the one rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pytest
from pydantic import BaseModel, Field

from kro_gen import Resource, ResourceGraph, Schema, cel, k8s
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import DefinitionError, ExpressionError
from kro_gen.k8s import kinds


class Spec(BaseModel):
    image: str
    replicas: int = Field(default=1, ge=0)
    tags: list[str] = []


class Status(BaseModel):
    ready: bool
    url: str


class Backend(NamedTuple):
    deployment: kinds.Deployment
    service: kinds.Service


class Resources(NamedTuple):
    config: kinds.ConfigMap
    user: Backend
    extra: Resource | None


def _graph() -> ResourceGraph[Spec, Status]:
    return ResourceGraph(
        "typed", api_version="typed.example.com/v1alpha1", kind="Typed", spec=Spec, status=Status
    )


def _plain_graph() -> ResourceGraph[Spec]:
    return ResourceGraph("plain", api_version="typed.example.com/v1alpha1", kind="Plain", spec=Spec)


def _backend(schema: Schema[Spec], name: str) -> Backend:
    deployment = k8s.Deployment(name, image=schema.spec.image, replicas=schema.spec.replicas)
    return Backend(deployment, k8s.Service(name, selector=deployment, ports=[80]))


def test_a_named_tuple_return_names_ids_by_field_and_joins_groups_in_camel_case() -> None:
    graph = _graph()
    seen: list[object] = []

    @graph.resources
    def resources(schema: Schema[Spec]) -> Resources:
        assert isinstance(schema, Schema)
        return Resources(config=k8s.ConfigMap("cfg", {"A": "1"}), user=_backend(schema, "user"), extra=None)

    @graph.status
    def status(schema: Schema[Spec], r: Resources) -> dict[str, object]:
        seen.append(r)
        return {
            "ready": cel.default(r.user.deployment.status.readyReplicas, 0)
            == r.user.deployment.spec.replicas,
            "url": f"http://{r.user.service.metadata.name}",
        }

    built = graph.build()
    assert list(built.resources) == ["config", "userDeployment", "userService"]
    assert isinstance(seen[0], Resources)  # the status builder gets the object the resources builder made
    schema = rgd_document(built)["spec"]["schema"]
    assert schema["status"]["ready"] == (
        "${userDeployment.status.?readyReplicas.orValue(0) == userDeployment.spec.replicas}"
    )
    assert schema["status"]["url"] == "http://${userService.metadata.name}"


def test_a_dataclass_return_with_a_dict_of_groups() -> None:
    @dataclass
    class Fleet:
        backends: dict[str, Backend]

    graph = _plain_graph()

    @graph.resources
    def resources(schema: Schema[Spec]) -> Fleet:
        return Fleet({name: _backend(schema, name) for name in ("api", "web")})

    assert list(graph.build().resources) == [
        "backendsApiDeployment",
        "backendsApiService",
        "backendsWebDeployment",
        "backendsWebService",
    ]


def test_a_group_field_that_is_no_resource_is_an_error_naming_it() -> None:
    class Bad(NamedTuple):
        web: kinds.Deployment
        port: int

    graph = _plain_graph()

    @graph.resources
    def resources(schema: Schema[Spec]) -> Bad:
        return Bad(k8s.Deployment("web", image=schema.spec.image), 80)

    with pytest.raises(DefinitionError, match=r"returned int at port, not a resource") as caught:
        graph.build()
    assert caught.value.rule == "resources-builder"


def test_builders_return_their_kind_class_and_generic_resources_find_theirs() -> None:
    assert type(k8s.Deployment("web", image="x")) is kinds.Deployment
    assert type(k8s.ConfigMap("c", {})) is kinds.ConfigMap
    assert type(k8s.resource("apps/v1", "Deployment", "web", spec={})) is kinds.Deployment
    assert type(k8s.resource("cert-manager.io/v1", "Certificate", "tls", spec={})) is Resource
    assert kinds.KIND_CLASSES[("networking.k8s.io/v1", "Ingress")] is kinds.Ingress


def test_object_fields_of_kind_classes_read_like_any_field() -> None:
    graph = _plain_graph()

    @graph.resources
    def resources(schema: Schema[Spec]) -> dict[str, Resource]:
        role = k8s.Role("reader", rules=[k8s.policy_rule(api_groups=[""], resources=["pods"], verbs=["get"])])
        config = k8s.ConfigMap("rules", {"COUNT": cel.size(role.rules), "FIRST": role.rules[0].verbs[0]})
        return {"role": role, "config": config}

    data = rgd_document(graph.build())["spec"]["resources"][1]["template"]["data"]
    assert data == {"COUNT": "${string(size(role.rules))}", "FIRST": "${string(role.rules[0].verbs[0])}"}
    assert isinstance(kinds.Role.rules, type(kinds.Role.__dict__["rules"]))  # the descriptor on the class


@pytest.mark.parametrize(
    ("misuse", "message"),
    [
        (lambda s: range(s.spec.replicas), "not a Python integer"),
        (lambda s: ["a", "b"][s.spec.replicas], "not a Python integer"),
        (lambda s: s.spec.image.upper(), r"\.upper\(\): a value read from schema"),
        (lambda s: s.spec.tags.append("x"), r"\.append\(\)"),
        (lambda s: round(s.spec.replicas), "round"),
        (lambda s: s.spec.replicas**2, r"'\*\*'"),
        (lambda s: s.spec.image if s.spec.replicas else "", "no Python truth value"),
        (lambda s: [t for t in s.spec.tags], "cannot be iterated"),
        (lambda s: len(s.spec.tags), "len"),
        (lambda s: int(s.spec.replicas), "int"),
    ],
)
def test_deciding_in_python_with_a_cluster_value_is_a_clear_error(misuse: object, message: str) -> None:
    schema = _graph().schema_ref()
    with pytest.raises(ExpressionError, match=message):
        misuse(schema)  # type: ignore[operator]


def test_a_typo_in_a_spec_field_is_still_an_error_at_run_time() -> None:
    schema = _graph().schema_ref()
    with pytest.raises(DefinitionError, match="did you mean 'replicas'"):
        _ = schema.spec.replica  # type: ignore[attr-defined]
