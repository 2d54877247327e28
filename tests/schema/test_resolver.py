"""Typed spec references: unknown fields fail at build time; CEL types drive string() wrapping."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from kro_gen.errors import DefinitionError
from kro_gen.expr import nodes as n
from kro_gen.expr.render import render_cel
from kro_gen.expr.wrapper import Expr, lift_strings, node_of
from kro_gen.schema import LIST_ITEM, MAP_VALUE, FieldFacts, field_facts, model_facts, spec_resolver


class Database(BaseModel):
    host: str
    port: int = 5432


class Service(BaseModel):
    image: str
    replicas: int = Field(1, ge=0)
    database: Database


class Ingress(BaseModel):
    enabled: bool = False
    host: str | None = None


class Spec(BaseModel):
    name: str
    environment: Literal["dev", "prod"] = "dev"
    ratio: float = 0.5
    services: dict[str, Service] = {}
    ports: list[int] = [80]
    ingress: Ingress = Field(default_factory=Ingress)
    extra: dict[str, Any] = {}
    zone_name: str = Field("a", alias="zoneName")


def spec_expr() -> Expr:
    return Expr(n.Select(n.Ident("schema"), "spec"), "map", spec_resolver(Spec))


def test_resolver_types_each_field() -> None:
    resolve = spec_resolver(Spec)
    expected = {
        "name": "string",
        "environment": "string",
        "ratio": "double",
        "services": "map",
        "ports": "list",
        "ingress": "map",
        "extra": None,
        "zoneName": "string",
    }
    assert {name: resolve(name)[0] for name in expected} == expected
    assert resolve("ports")[1] is None  # lists have no dotted children
    assert resolve("name")[1] is None


def test_map_of_models_keeps_types_under_any_key() -> None:
    spec = spec_expr()
    replicas = spec.services.user.replicas
    assert render_cel(node_of(replicas)) == "schema.spec.services.user.replicas"
    assert replicas._type == "int"
    assert spec.services["user"].database.port._type == "int"


def test_fstring_wraps_only_non_strings_in_string() -> None:
    spec = spec_expr()
    text = lift_strings(f"{spec.name}-{spec.services.web.replicas}-{spec.ratio}")
    assert render_cel(node_of(text)) == (
        'schema.spec.name + "-" + string(schema.spec.services.web.replicas) + "-" + string(schema.spec.ratio)'
    )


def test_typo_names_the_model_path_and_suggests() -> None:
    spec = spec_expr()
    with pytest.raises(DefinitionError) as caught:
        _ = spec.services.user.replcas
    error = caught.value
    assert error.rule == "unknown-spec-field"
    assert error.message == "Service has no field 'replcas'"
    assert error.location.path == "schema.spec.services.user.replcas"
    assert "did you mean 'replicas'?" in (error.hint or "")


def test_unknown_field_without_close_match_lists_the_fields() -> None:
    with pytest.raises(DefinitionError) as caught:
        _ = spec_expr().ingress.tls
    assert "fields of Ingress: enabled, host" in (caught.value.hint or "")


def test_python_name_of_an_aliased_field_points_to_the_alias() -> None:
    with pytest.raises(DefinitionError) as caught:
        _ = spec_expr().zone_name
    assert "'zoneName'" in (caught.value.hint or "")


def test_free_form_fields_are_untyped_and_unchecked() -> None:
    anything = spec_expr().extra.whatever.deeper
    assert anything._type is None
    assert render_cel(node_of(anything)) == "schema.spec.extra.whatever.deeper"


def test_field_facts() -> None:
    assert field_facts(Spec, ("name",)) == FieldFacts(required=True, has_default=False, cel_type="string")
    assert field_facts(Spec, ("environment",)) == FieldFacts(False, True, "string")
    # kro derives default {} for ingress: every child optional, one defaulted
    assert field_facts(Spec, ("ingress",)) == FieldFacts(False, True, "map")
    assert field_facts(Spec, ("ingress", "host")) == FieldFacts(False, False, "string")
    assert not field_facts(Spec, ("ingress", "host")).always_present
    assert field_facts(Spec, ("services", "user", "replicas")) == FieldFacts(False, True, "int")
    assert field_facts(Spec, ("services", MAP_VALUE, "database")) == FieldFacts(True, False, "map")
    assert field_facts(Spec, ("ports", LIST_ITEM)) == FieldFacts(False, False, "int")


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        (("nmae",), "has no field 'nmae'"),
        (("ports", "0"), "has no child '0'"),
        (("name", "x"), "has no child 'x'"),
        ((), "empty field path"),
    ],
)
def test_field_facts_of_missing_paths(path: tuple[str, ...], fragment: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        field_facts(Spec, path)
    assert fragment in caught.value.message


def test_model_facts_lists_every_path_depth_first() -> None:
    facts = model_facts(Spec)
    assert list(facts)[:8] == [
        ("name",),
        ("environment",),
        ("ratio",),
        ("services",),
        ("services", "{}"),
        ("services", "{}", "image"),
        ("services", "{}", "replicas"),
        ("services", "{}", "database"),
    ]
    assert facts[("services", "{}")] == FieldFacts(False, False, "map")  # Service has required children
    assert all(facts[path] == field_facts(Spec, path) for path in facts)
