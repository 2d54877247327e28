"""Reading hand-written SimpleSchemas: facts of every field, and every problem kro would reject."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kro_gen.schema import MISSING, FieldFacts, parse_simple_schema
from tests.support_reference import (
    KRO_E2E,
    KRO_REFERENCE,
    REFERENCE_E2E_RGDS,
    needs_reference,
    require_reference,
)

KRO_RGDS = sorted(KRO_REFERENCE.glob("*-rgd.yaml")) + REFERENCE_E2E_RGDS
TYPEKRO_SCHEMA_TYPES = ("typekro", "out", "features", "05-schema-types.yaml")


def rgd_schemas(path: Path) -> list[dict[str, Any]]:
    documents = YAML(typ="safe").load_all(path.read_text())
    return [
        d["spec"]["schema"]
        for d in documents
        if isinstance(d, dict) and d.get("kind") == "ResourceGraphDefinition"
    ]


def problems_of(spec: Any, types: Any = None) -> list[tuple[str, str]]:
    return [(p.path, p.rule) for p in parse_simple_schema(spec, types).problems]


@pytest.mark.parametrize("path", KRO_RGDS, ids=lambda p: p.name if p.name != "rgd.yaml" else p.parent.name)
def test_reference_rgds_parse_without_problems(path: Path) -> None:
    schemas = rgd_schemas(path)
    assert schemas, f"{path} holds no RGD"
    for schema in schemas:
        parsed = parse_simple_schema(schema.get("spec", {}), schema.get("types"))
        assert parsed.problems == ()
        assert parsed.fields


def test_custom_types_aliases_and_derived_defaults() -> None:
    [schema] = rgd_schemas(KRO_REFERENCE / "example-simpleschema-types-markers-rgd.yaml")
    parsed = parse_simple_schema(schema["spec"], schema["types"])
    facts = parsed.facts()
    # RequiredString: string | required=true makes the field required
    assert facts[("appName",)] == FieldFacts(required=True, has_default=False, cel_type="string")
    # port: Port, where Port: integer | default=8080 minimum=1 maximum=65535
    port = parsed.get(("database", "port"))
    assert port is not None
    assert (port.kind, port.default, port.type_text) == ("integer", 8080, "Port")
    assert ("minimum", "1") in port.markers
    # DatabaseConfig has required children: no derived default; RetryConfig: all defaulted -> default {}
    assert facts[("database",)] == FieldFacts(False, False, "map")
    assert facts[("retry",)] == FieldFacts(False, True, "map")
    assert facts[("resources",)] == FieldFacts(False, True, "map")  # nested map, all defaulted
    endpoints = parsed.get(("endpoints",))
    assert endpoints is not None and endpoints.kind == "list"
    assert facts[("endpoints", "[]")] == FieldFacts(False, False, "map")
    assert facts[("endpoints", "[]", "name")].required
    assert facts[("annotations", "{}")] == FieldFacts(False, False, "string")
    environment = parsed.get(("environment",))
    assert environment is not None
    assert environment.enum == ("development", "staging", "production")
    assert environment.default == "development"
    assert parsed.get(("clusterId",)).default is MISSING  # type: ignore[union-attr]


def test_fields_come_parent_first_in_document_order() -> None:
    parsed = parse_simple_schema({"b": {"y": "string", "x": "integer"}, "a": "[]T"}, {"T": {"k": "string"}})
    assert list(parsed.fields) == [("b",), ("b", "y"), ("b", "x"), ("a",), ("a", "[]"), ("a", "[]", "k")]


@needs_reference(*TYPEKRO_SCHEMA_TYPES)
def test_typekro_float_default_undefined_is_caught() -> None:
    # peer bug (PEER-NOTES §9.6): arktype 'number = 8080' became `float | default="undefined"`
    [schema] = rgd_schemas(require_reference(*TYPEKRO_SCHEMA_TYPES))
    parsed = parse_simple_schema(schema["spec"], schema.get("types"))
    assert [(p.path, p.rule) for p in parsed.problems] == [("spec.port", "default-invalid")]


@pytest.mark.parametrize(
    ("field", "rule", "fragment"),
    [
        ("number", "schema-type-unknown", "use float"),
        ("Missing | required=true", "schema-type-unknown", "unknown type: Missing"),
        ("map[int]string", "schema-type-syntax", "map key must be string"),
        ("[]", "schema-type-syntax", "empty slice element"),
        ("map[string]", "schema-type-syntax", "map value type is required"),
        (" | required=true", "schema-type-syntax", "empty type"),
        ("[]" * 18 + "string", "schema-type-syntax", "too deep"),
        ("string | required=true | default=a", "marker-second-pipe", "one '|'"),
        ("integer | default = 3", "marker-syntax", "no spaces around '='"),
        ("string | bogus=1", "marker-unknown", "unknown marker"),
        ('string | description="open', "marker-syntax", "unclosed quote"),
        ("string | required=maybe", "marker-value", "not a boolean"),
        ('float | enum="1,2"', "marker-not-applicable", "string/integer"),
        ('boolean | enum="true"', "marker-not-applicable", "string/integer"),
        ('integer | enum="1,x"', "marker-value", "not an integer"),
        ('string | enum="a,,b"', "marker-value", "empty value"),
        ('integer | pattern="^a$"', "marker-not-applicable", "string"),
        ("integer | minLength=1", "marker-not-applicable", "string"),
        ("string | minItems=1", "marker-not-applicable", "list"),
        ("string | uniqueItems=true", "marker-not-applicable", "list"),
        ("string | minimum=1", "marker-not-applicable", "integer/float"),
        ("integer | minimum=abc", "marker-value", "not a number"),
        ("string | maxLength=1.5", "marker-value", "not an integer"),
        ('string | pattern="^(?=a)"', "pattern-invalid", "lookahead"),
        (r'string | pattern="(a)\1"', "pattern-invalid", "backreference"),
        ('string | default="a\\"b"', "default-string-escape", "quote, backslash"),
        (r'string | default="C:\path"', "default-string-escape", "quote, backslash"),
        ("integer | default=abc", "default-invalid", "not valid JSON"),
        ("integer | default=1.5", "default-invalid", "not a integer"),
        # kro: strconv.ParseInt(v, 10, 64) -> "default value must be a valid integer"
        ("integer | default=9223372036854775808", "default-invalid", "not a integer"),
        ('integer | enum="1,9223372036854775808"', "marker-value", "not an integer"),
        ("boolean | default=yes", "default-invalid", "not valid JSON"),
        ("[]string | default={}", "default-invalid", "not a list"),
        ('validation=""', "schema-type-unknown", "validation"),
        ("[]string | listType=bag", "marker-value", "listType"),
        ("[]string | uniqueItems=true listType=atomic", "marker-conflict", "conflicts"),
        ("[]Item | listMapKey=name", "marker-conflict", "requires listType=map"),
        ("[]Item | listType=map", "marker-conflict", "at least one listMapKey"),
        ("[]Item | listType=map listMapKey=note", "marker-value", "must be required or defaulted"),
        ("[]Item | listType=map listMapKey=nope", "marker-value", "not a field"),
    ],
)
def test_field_problems(field: str, rule: str, fragment: str) -> None:
    types = {"Item": {"name": "string | required=true", "note": "string"}}
    parsed = parse_simple_schema({"f": field}, types)
    assert [(p.path, p.rule) for p in parsed.problems] == [("spec.f", rule)]
    assert fragment in parsed.problems[0].message


def test_valid_list_map_keys() -> None:
    types = {"Item": {"name": "string | required=true", "port": "integer | default=80"}}
    spec = {"items": "[]Item | listType=map listMapKey=name listMapKey=port"}
    assert problems_of(spec, types) == []


@pytest.mark.parametrize("value", [3, None, ["string"], 1.5, True])
def test_field_values_must_be_strings_or_maps(value: Any) -> None:
    assert problems_of({"nested": {"f": value}}) == [("spec.nested.f", "schema-value-type")]


def test_problems_in_a_type_are_reported_once_at_the_type() -> None:
    types = {"Db": {"port": "number", "host": "string | bogus=1"}, "Unused": "string | enum=x y"}
    spec = {"a": "Db", "b": "[]Db", "c": "map[string]Db"}
    assert problems_of(spec, types) == [
        ("types.Db.port", "schema-type-unknown"),
        ("types.Db.host", "marker-unknown"),
        ("types.Unused", "marker-syntax"),
    ]


def test_own_markers_on_an_alias_reference_are_still_checked() -> None:
    types = {"Port": "integer | minimum=1"}
    assert problems_of({"p": 'Port | pattern="x"'}, types) == [("spec.p", "marker-not-applicable")]


def test_alias_markers_merge_with_the_fields_own() -> None:
    types = {"Name": "string | required=true maxLength=10", "Short": 'Name | default="x"'}
    parsed = parse_simple_schema({"n": 'Short | description="d"'}, types)
    assert parsed.problems == ()
    field = parsed.get(("n",))
    assert field is not None
    assert (field.kind, field.required, field.default) == ("string", True, "x")
    assert field.markers == (
        ("required", "true"),
        ("maxLength", "10"),
        ("default", "x"),
        ("description", "d"),
    )


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ({"A": {"b": "B"}, "B": {"a": "[]A"}}, [("types.A", "schema-type-cycle")]),
        ({"A": "A | required=true"}, [("types.A", "schema-type-cycle")]),
        ({"A": {"self": "map[string]A"}}, [("types.A", "schema-type-cycle")]),
    ],
)
def test_cyclic_types(types: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    parsed = parse_simple_schema({"x": "A"}, types)
    assert [(p.path, p.rule) for p in parsed.problems] == expected
    assert "cyclic dependency in type A" in parsed.problems[0].message


@pytest.mark.parametrize(
    ("spec", "types"),
    [
        (None, None),
        ([], {}),
        ({"a": "string"}, "types"),
        ({1: "string", "b": {2: {3: []}}}, {"T": 5}),
        ({"a": "T"}, {"T": None}),
        ({"a": "|||"}, None),
        ({"a": 'string | default="'}, None),
    ],
)
def test_never_raises_on_garbage(spec: Any, types: Any) -> None:
    parsed = parse_simple_schema(spec, types)
    assert not parsed.ok


def test_problem_text() -> None:
    [problem] = parse_simple_schema({"n": "number"}).problems
    assert str(problem) == "spec.n: unknown type: number (use float for numbers) [schema-type-unknown]"


def crd_facts(
    node: dict[str, Any], path: tuple[str, ...], out: dict[tuple[str, ...], dict[str, Any]]
) -> None:
    """What kro's generated CRD says about every field below ``node``."""
    required = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        child_path = (*path, name)
        out[child_path] = {**child, "is_required": name in required}
        crd_facts(child, child_path, out)
    for key, segment in (("items", "[]"), ("additionalProperties", "{}")):
        if isinstance(node.get(key), dict):
            out[(*path, segment)] = {**node[key], "is_required": False}
            crd_facts(node[key], (*path, segment), out)


CEL_OF_OPENAPI = {
    "string": "string",
    "integer": "int",
    "number": "double",
    "boolean": "bool",
    "array": "list",
}


@pytest.mark.parametrize("case", ["check-required-default-interactions", "check-validation-markers"])
def test_facts_agree_with_the_crd_kro_generated(case: str) -> None:
    folder = KRO_E2E / case
    [schema] = rgd_schemas(folder / "rgd.yaml")
    crd = YAML(typ="safe").load((folder / "instancecrd-assert.yaml").read_text())
    spec_node = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    expected: dict[tuple[str, ...], dict[str, Any]] = {}
    crd_facts(spec_node, (), expected)
    parsed = parse_simple_schema(schema["spec"], schema.get("types"))
    assert set(parsed.fields) == set(expected)
    for path, node in expected.items():
        field = parsed.fields[path]
        object_type = None if node.get("x-kubernetes-preserve-unknown-fields") else "map"
        cel = CEL_OF_OPENAPI.get(node["type"], object_type)
        assert field.facts() == FieldFacts(node["is_required"], "default" in node, cel), path
        if "default" in node:
            assert field.default == node["default"], path
        if "enum" in node:
            assert list(field.enum or ()) == node["enum"], path
        if "pattern" in node:
            assert ("pattern", node["pattern"]) in field.markers, path
