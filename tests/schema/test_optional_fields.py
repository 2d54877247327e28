"""Optional spec fields with no default (``x: T | None = None``): kro accepts them, instances may omit
them, reads are guarded (``cel.default``/``cel.has``), and direct mode renders both cases."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, Field

from kro_gen import Resource, ResourceGraph, Schema, cel, k8s
from kro_gen.check import check_instance
from kro_gen.emit.direct import render_direct
from kro_gen.emit.instance import instance_document
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import DefinitionError, Location
from kro_gen.pipeline.checks import check_graph_rgd
from kro_gen.registry import SchemaRegistry
from kro_gen.schema import to_simple_schema


class Database(BaseModel):
    host: str
    port: int = 5432


class Spec(BaseModel):
    image: str
    note: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    tags: list[str] | None = None
    database: Database | None = None


def graph(read: Any = None) -> ResourceGraph[Spec]:
    built = ResourceGraph("app", api_version="app.example.com/v1alpha1", kind="App", spec=Spec)

    @built.resources
    def resources(schema: Schema[Spec]) -> dict[str, Resource]:
        spec = schema.spec
        data = {
            "NOTE": cel.default(spec.note, "none"),
            "PORT": cel.string(cel.default(spec.port, 8080)),
            "TAGGED": cel.cond(cel.has(spec.tags), "yes", "no"),
            "DB_HOST": cel.default(spec.database.host, "localhost"),
        }
        if read is not None:
            data["RAW"] = read(spec)
        return {"config": k8s.ConfigMap("app-config", data)}

    return built


def test_the_schema_marks_them_neither_required_nor_defaulted() -> None:
    simple = to_simple_schema(Spec)
    assert simple.spec["note"] == "string"
    assert simple.spec["port"] == "integer | minimum=1 maximum=65535"
    assert simple.spec["tags"] == "[]string"
    assert simple.spec["database"] == {"host": "string | required=true", "port": "integer | default=5432"}


def test_guarded_reads_pass_every_check_and_guard_an_optional_parent() -> None:
    rgd = rgd_document(graph().build())
    data = rgd["spec"]["resources"][0]["template"]["data"]
    assert data["NOTE"] == '${schema.spec.?note.orValue("none")}'
    # database itself may be omitted: every step below schema.spec is optional
    assert data["DB_HOST"] == '${schema.spec.?database.?host.orValue("localhost")}'
    assert check_graph_rgd(rgd, Location(graph="app"), SchemaRegistry.default()) == []


@pytest.mark.parametrize(
    ("read", "field"),
    [
        (lambda spec: spec.note, "note"),
        (lambda spec: spec.database.host, "database"),
        # cel.present only drops None from the type: the read is as unguarded
        (lambda spec: cel.present(spec.note) + "!", "note"),
        (lambda spec: cel.present(spec.database).host, "database"),
    ],
)
def test_an_unguarded_read_is_an_error_saying_how_to_guard_it(read: Any, field: str) -> None:
    rgd = rgd_document(graph(read).build())
    [found] = check_graph_rgd(rgd, Location(graph="app"), SchemaRegistry.default())
    assert (found.rule, found.severity.value) == ("spec-field-optional-read", "error")
    assert f"schema.spec.{field} is read here" in found.message and "cel.default" in found.fix


def test_instances_may_omit_them_and_direct_mode_renders_either_way() -> None:
    app = graph()
    rgd = rgd_document(app.build())
    omitted = instance_document(app, app.instance("dev", {"image": "app:1"}), "dev").document
    given = instance_document(
        app,
        app.instance(
            "prod", {"image": "app:1", "note": "hi", "port": 9000, "tags": [], "database": {"host": "pg"}}
        ),
        "prod",
    ).document
    assert omitted["spec"] == {"image": "app:1"}
    for document in (omitted, given):
        assert [
            f for f in check_instance(document, rgd, location=Location()) if f.severity.value == "error"
        ] == []
    [dev] = render_direct(rgd, omitted, environment="dev")
    [prod] = render_direct(rgd, given, environment="prod")
    assert dev.body["data"] == {"NOTE": "none", "PORT": "8080", "TAGGED": "no", "DB_HOST": "localhost"}
    assert prod.body["data"] == {"NOTE": "hi", "PORT": "9000", "TAGGED": "yes", "DB_HOST": "pg"}


def test_none_without_a_default_is_refused_with_the_way_to_say_optional() -> None:
    class Nullable(BaseModel):
        note: str | None

    with pytest.raises(DefinitionError) as caught:
        to_simple_schema(Nullable)
    assert caught.value.rule == "schema-nullable" and "`= None` means optional" in str(caught.value)
