"""SimpleSchema rules: parser problems at YAML paths, untyped items, optional reads (kro#893)."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check.findings import Severity
from kro_gen.check.rules_schema import check_schema, parse_schema, yaml_path

from .rgd_samples import build_rgd, config_map, sites_of, where


def schema(spec: dict[str, Any], entries: list[dict[str, Any]] | None = None, **kwargs: Any) -> list[Any]:
    view, sites = sites_of(build_rgd(entries or [config_map()], spec=spec, **kwargs))
    return check_schema(view, sites, parse_schema(view))


@pytest.mark.parametrize(
    "problem,path",
    [
        ("spec.db.port", ("spec", "schema", "spec", "db", "port")),
        ("types.Port", ("spec", "schema", "types", "Port")),
        ("spec.endpoints[].url", ("spec", "schema", "spec", "endpoints")),
        ("spec.labels{}", ("spec", "schema", "spec", "labels")),
    ],
)
def test_problem_paths_map_to_yaml(problem: str, path: tuple[str, ...]) -> None:
    assert yaml_path(problem) == path


@pytest.mark.parametrize(
    "field,rule",
    [
        ("number", "schema-type-unknown"),
        ("integer | default=1 | minimum=0", "schema-marker-second-pipe"),
        ('float | default="undefined"', "schema-default-invalid"),
        ('boolean | enum="true,false"', "schema-marker-not-applicable"),
        ("integer | default = 3", "schema-marker-syntax"),
    ],
)
def test_simple_schema_problems_become_errors_at_the_field(field: str, rule: str) -> None:
    found = schema({"name": "string | required=true", "x": field})
    assert where(found) == {(rule, None, "spec.schema.spec.x")}
    assert found[0].severity is Severity.ERROR and found[0].fix


def test_problems_in_types_point_at_the_type() -> None:
    found = schema({"name": "string | required=true", "p": "Port"}, types={"Port": "number"})
    assert where(found) == {("schema-type-unknown", None, "spec.schema.types.Port")}


@pytest.mark.parametrize("type_text", ["'[]object'", "map[string]object", "[][]object"])
def test_untyped_item_lists_warn(type_text: str) -> None:
    found = schema({"name": "string | required=true", "items": type_text.strip("'")})
    assert [(f.rule, f.severity) for f in found] == [("schema-untyped-items", Severity.WARNING)]


def test_object_fields_themselves_do_not_warn() -> None:
    assert schema({"name": "string | required=true", "free": "object"}) == []


SPEC = {
    "name": "string | required=true",
    "opt": "string",
    "withDefault": "string | default=x",
    "db": {"host": "string | required=true", "port": "integer | default=5432"},
    "retry": {"max": "integer | default=3"},
    "opts": {"a": "string"},
}


@pytest.mark.parametrize(
    "text,unsafe",
    [
        ("${schema.spec.name}", None),
        ("${schema.spec.withDefault}", None),
        ("${schema.spec.opt}", "schema.spec.opt"),
        ("${schema.spec.?opt.orValue('x')}", None),
        ("${has(schema.spec.opt) ? schema.spec.opt : 'x'}", None),
        ("${has(schema.spec.opt) && schema.spec.opt != ''}", None),
        ("${has(schema.spec.opt) ? 'x' : schema.spec.opt}", "schema.spec.opt"),
        ("${has(schema.spec.opts.a)}", "schema.spec.opts"),
        ("${string(schema.spec.db.port)}", "schema.spec.db"),
        ("${string(schema.spec.retry.max)}", None),
        ("${schema.spec.opts.?a.orValue('')}", "schema.spec.opts"),
        ("${schema.spec.?opts.a.orValue('')}", None),
        ("${schema.metadata.name}", None),
    ],
)
def test_optional_reads(text: str, unsafe: str | None) -> None:
    found = schema(SPEC, [config_map(v=text)])
    if unsafe is None:
        assert found == []
    else:
        [warning] = found
        assert (warning.rule, warning.severity) == ("spec-field-optional-read", Severity.WARNING)
        assert f"{unsafe} is read" in warning.message
        assert warning.location.path == "spec.resources[0].template.data.v"


def test_optional_read_is_reported_once_with_a_count() -> None:
    found = schema(
        SPEC, [config_map(a="${schema.spec.opt}", b="${schema.spec.opt}-x", c="${schema.spec.opt}")]
    )
    [warning] = found
    assert "(and 2 more places)" in warning.message
    assert warning.location.path == "spec.resources[0].template.data.a"
    assert "schema.spec.?opt.orValue" in warning.fix
