"""The instance spec direct mode evaluates: SimpleSchema defaults as kro's CRD applies them."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.emit.direct_defaults import apply_defaults
from kro_gen.errors import DefinitionError, Location
from tests.emit.test_direct_support import custom, render

WHERE = Location(graph="demo", environment="production", path="spec")


def defaulted(spec: dict[str, Any], values: dict[str, Any], types: dict[str, Any] | None = None) -> dict:
    return apply_defaults(spec, types or {}, values, WHERE)


def test_missing_fields_get_their_defaults_and_set_fields_win() -> None:
    spec = {
        "replicas": "integer | default=3",
        "image": "string | default=nginx",
        "ports": "[]integer | default=[80]",
    }
    assert defaulted(spec, {"image": "httpd"}) == {"replicas": 3, "image": "httpd", "ports": [80]}


def test_keys_come_out_in_schema_order() -> None:
    spec = {"a": "string | default=x", "b": "integer", "c": "boolean | default=true"}
    assert list(defaulted(spec, {"b": 1, "a": "y"})) == ["a", "b", "c"]


def test_null_counts_as_not_set() -> None:
    assert defaulted({"a": "string | default=x"}, {"a": None}) == {"a": "x"}


def test_an_object_with_only_optional_children_and_a_default_materialises() -> None:
    spec = {
        "ingress": {"enabled": "boolean | default=false", "host": "string"},
        "db": {"host": "string | required=true", "port": "integer | default=5432"},
        "plain": {"note": "string"},
    }
    # ingress: no required child, one default -> {} then filled; db has a required child; plain no default
    assert defaulted(spec, {}) == {"ingress": {"enabled": False}}


def test_materialisation_recurses_through_nested_objects_and_custom_types() -> None:
    spec = {"app": {"web": "Web"}}
    types = {"Web": {"port": "integer | default=8080", "tls": {"enabled": "boolean | default=true"}}}
    assert defaulted(spec, {}, types) == {"app": {"web": {"port": 8080, "tls": {"enabled": True}}}}


def test_an_explicit_object_default_is_itself_defaulted() -> None:
    spec = {"cache": "Cache | default={}"}
    types = {"Cache": {"size": "integer | default=64", "name": "string | required=true"}}
    with pytest.raises(DefinitionError) as caught:
        defaulted(spec, {}, types)
    assert "spec.cache.name: required" in caught.value.message


def test_list_items_and_map_values_get_item_defaults() -> None:
    spec = {"workers": "[]Worker", "pools": "map[string]Worker"}
    types = {"Worker": {"name": "string | required=true", "size": "integer | default=1"}}
    values = {"workers": [{"name": "a"}, {"name": "b", "size": 5}], "pools": {"x": {"name": "c"}}}
    assert defaulted(spec, values, types) == {
        "workers": [{"name": "a", "size": 1}, {"name": "b", "size": 5}],
        "pools": {"x": {"name": "c", "size": 1}},
    }


def test_every_problem_is_listed_with_its_path() -> None:
    spec = {
        "name": "string | required=true",
        "mode": 'string | enum="a,b" default=a',
        "count": "integer",
        "items": "[]Item",
    }
    types = {"Item": {"id": "string | required=true"}}
    values = {"mode": "c", "count": "3", "items": [{}], "extra": 1}
    with pytest.raises(DefinitionError) as caught:
        defaulted(spec, values, types)
    error = caught.value
    assert error.rule == "direct-instance-spec"
    assert error.location.environment == "production"
    for expected in (
        "spec.extra: not in the schema",
        "spec.name: required, but not set",
        "spec.mode: 'c' is not one of 'a', 'b'",
        "spec.count: expected an integer, got str '3'",
        "spec.items[0].id: required, but not set",
    ):
        assert expected in error.message


def test_types_follow_kubernetes_json_rules() -> None:
    spec = {"ratio": "float", "flag": "boolean", "n": "integer", "free": "object"}
    values = {"ratio": 1, "flag": True, "n": 2, "free": {"any": ["thing"]}}
    assert defaulted(spec, values) == values  # an int is a valid float; objects are kept as given
    with pytest.raises(DefinitionError, match=r"spec\.n: expected an integer, got bool True"):
        defaulted(spec, {"n": True})


def test_an_invalid_simple_schema_is_refused() -> None:
    with pytest.raises(DefinitionError) as caught:
        defaulted({"port": "number | default=1"}, {})
    assert caught.value.rule == "simple-schema"
    assert "number" in caught.value.message


def test_render_direct_evaluates_against_the_defaulted_spec() -> None:
    spec = {"ingress": {"enabled": "boolean | default=false"}, "replicas": "integer | default=2"}
    (manifest,) = render(
        [custom("obj", {"ingress": "${schema.spec.ingress.enabled}", "spec": "${schema.spec}"})], spec
    )
    assert manifest.body["spec"] == {
        "ingress": False,
        "spec": {"ingress": {"enabled": False}, "replicas": 2},
    }


def test_render_direct_names_the_environment_of_a_missing_required_field() -> None:
    with pytest.raises(DefinitionError) as caught:
        render([], {"name": "string | required=true"})
    assert caught.value.location.environment == "development"
    assert caught.value.location.graph == "demo"
    assert "spec.name: required" in str(caught.value)
