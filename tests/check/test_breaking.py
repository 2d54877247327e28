"""Breaking changes between RGD versions, as kro v0.9.3's CRD compatibility check sees them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kro_gen.check.breaking import ALLOW_BREAKING, BreakingChange, breaking_changes, breaking_findings
from kro_gen.check.findings import Severity
from kro_gen.errors import Location
from kro_gen.registry import SchemaRegistry

WHERE = Location(file="rgds/webapp.yaml", graph="webapp")


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry.default()


def rgd(spec: dict[str, Any], status: dict[str, Any] | None = None, **schema: Any) -> dict[str, Any]:
    section: dict[str, Any] = {"apiVersion": "v1alpha1", "kind": "WebApp", "spec": spec, **schema}
    if status is not None:
        section["status"] = status
    if "types" in schema and schema["types"] is None:
        del section["types"]
    deployment = {
        "id": "deployment",
        "template": {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "${schema.metadata.name}"},
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "nginx"}]},
                },
            },
        },
    }
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "webapp"},
        "spec": {"schema": section, "resources": [deployment]},
    }


def changes(old: dict[str, Any], new: dict[str, Any], registry: SchemaRegistry) -> list[tuple[str, str]]:
    return [(c.kind, c.path) for c in breaking_changes(old, new, registry=registry)]


BASE = {
    "name": "string | required=true",
    "replicas": "integer | default=1",
    "image": "string | default=nginx",
}


def with_field(name: str, value: str) -> dict[str, Any]:
    return {**BASE, name: value}


# each kind of breaking change -------------------------------------------------------------------------------


def test_identical_rgds_have_no_changes(registry: SchemaRegistry) -> None:
    assert breaking_changes(rgd(BASE), rgd(BASE), registry=registry) == []


def test_property_removed(registry: SchemaRegistry) -> None:
    new = {k: v for k, v in BASE.items() if k != "image"}
    [change] = breaking_changes(rgd(BASE), rgd(new), registry=registry)
    assert change == BreakingChange("PROPERTY_REMOVED", "spec.image", "the field was removed")


def test_type_changed(registry: SchemaRegistry) -> None:
    [change] = breaking_changes(
        rgd(BASE), rgd(with_field("replicas", "string | default=one")), registry=registry
    )
    assert (change.kind, change.path, change.detail) == ("TYPE_CHANGED", "spec.replicas", "integer -> string")


def test_required_added_to_an_existing_field(registry: SchemaRegistry) -> None:
    new = with_field("image", "string | required=true")
    assert changes(rgd(BASE), rgd(new), registry) == [("REQUIRED_ADDED", "spec.image")]


def test_new_required_field_needs_a_default(registry: SchemaRegistry) -> None:
    without_default = with_field("team", "string | required=true")
    assert changes(rgd(BASE), rgd(without_default), registry) == [("REQUIRED_ADDED", "spec.team")]
    with_default = with_field("team", "string | required=true default=platform")
    assert changes(rgd(BASE), rgd(with_default), registry) == []


def test_enum_restricted_but_not_expanded_or_added(registry: SchemaRegistry) -> None:
    old = rgd(with_field("tier", 'string | default=small enum="small,medium,large"'))
    restricted = rgd(with_field("tier", 'string | default=small enum="small,large"'))
    [change] = breaking_changes(old, restricted, registry=registry)
    assert (change.kind, change.path, change.detail) == ("ENUM_RESTRICTED", "spec.tier", "removed 'medium'")
    expanded = rgd(with_field("tier", 'string | default=small enum="small,medium,large,huge"'))
    assert changes(old, expanded, registry) == []
    # kro compares enums only when both versions have one, so adding an enum does not block the update
    assert changes(rgd(with_field("tier", "string | default=small")), old, registry) == []


def test_pattern_added_and_changed_but_not_removed(registry: SchemaRegistry) -> None:
    plain = rgd(BASE)
    pattern = rgd(with_field("name", 'string | required=true pattern="^[a-z]+$"'))
    other = rgd(with_field("name", 'string | required=true pattern="^[a-z0-9]+$"'))
    assert changes(plain, pattern, registry) == [("PATTERN_ADDED", "spec.name")]
    assert changes(pattern, other, registry) == [("PATTERN_CHANGED", "spec.name")]
    assert changes(pattern, plain, registry) == []


@pytest.mark.parametrize(
    ("old_markers", "new_markers", "expected"),
    [
        ("minimum=1", "minimum=2", "MINIMUM_INCREASED"),
        ("", "minimum=1", "MINIMUM_ADDED"),
        ("maximum=10", "maximum=5", "MAXIMUM_DECREASED"),
        ("", "maximum=10", "MAXIMUM_ADDED"),
    ],
)
def test_numeric_bounds_tightened(
    registry: SchemaRegistry, old_markers: str, new_markers: str, expected: str
) -> None:
    old = rgd(with_field("replicas", f"integer | default=3 {old_markers}".strip()))
    new = rgd(with_field("replicas", f"integer | default=3 {new_markers}".strip()))
    assert changes(old, new, registry) == [(expected, "spec.replicas")]
    assert changes(new, old, registry) == []  # relaxing is fine


@pytest.mark.parametrize(
    ("field", "old_markers", "new_markers", "expected"),
    [
        ("name", "required=true minLength=1", "required=true minLength=3", "MIN_LENGTH_INCREASED"),
        ("name", "required=true maxLength=40", "required=true maxLength=20", "MAX_LENGTH_DECREASED"),
        ("name", "required=true", "required=true maxLength=63", "MAX_LENGTH_ADDED"),
        ("ports", "default=[80] minItems=1", "default=[80] minItems=2", "MIN_ITEMS_INCREASED"),
        ("ports", "default=[80]", "default=[80] maxItems=4", "MAX_ITEMS_ADDED"),
        ("ports", "default=[80] maxItems=4", "default=[80] maxItems=2", "MAX_ITEMS_DECREASED"),
    ],
)
def test_length_and_item_bounds_tightened(
    registry: SchemaRegistry, field: str, old_markers: str, new_markers: str, expected: str
) -> None:
    kind = "string" if field == "name" else "[]integer"
    old, new = (
        rgd(with_field(field, f"{kind} | {old_markers}")),
        rgd(with_field(field, f"{kind} | {new_markers}")),
    )
    assert changes(old, new, registry) == [(expected, f"spec.{field}")]
    assert changes(new, old, registry) == []


def test_required_field_default_removed(registry: SchemaRegistry) -> None:
    old = rgd(with_field("region", "string | required=true default=eu-west-1"))
    new = rgd(with_field("region", "string | required=true"))
    assert changes(old, new, registry) == [("REQUIRED_DEFAULT_REMOVED", "spec.region")]
    # an optional field may lose its default
    assert changes(rgd(BASE), rgd(with_field("image", "string")), registry) == []


def test_derived_object_default_removed_with_a_new_required_child(registry: SchemaRegistry) -> None:
    # Db has no required child and a defaulted one, so kro gives it `default: {}`; making `host`
    # required takes that default away from the required `db` field.
    spec = with_field("db", "Db | required=true")
    old = rgd(spec, types={"Db": {"port": "integer | default=5432"}})
    new = rgd(spec, types={"Db": {"port": "integer | default=5432", "host": "string | required=true"}})
    assert changes(old, new, registry) == [
        ("REQUIRED_DEFAULT_REMOVED", "spec.db"),
        ("REQUIRED_ADDED", "spec.db.host"),
    ]


def test_changes_inside_list_items_of_custom_types(registry: SchemaRegistry) -> None:
    spec = with_field("endpoints", "[]Endpoint | default=[]")
    old = rgd(spec, types={"Endpoint": {"url": "string | required=true", "timeout": "integer | default=30"}})
    new = rgd(spec, types={"Endpoint": {"url": "integer | required=true", "timeout": "integer | default=30"}})
    assert changes(old, new, registry) == [("TYPE_CHANGED", "spec.endpoints[].url")]
    [finding] = breaking_findings(old, new, location=WHERE, registry=registry)
    assert finding.location.path == "spec.schema.spec.endpoints"  # where the RGD declares the list


# status -----------------------------------------------------------------------------------------------------


def test_status_field_removed_and_inferred_type_changed(registry: SchemaRegistry) -> None:
    old = rgd(
        BASE,
        status={
            "availableReplicas": "${deployment.status.availableReplicas}",
            "name": "${deployment.metadata.name}",
        },
    )
    retyped = rgd(BASE, status={"availableReplicas": "${string(deployment.status.availableReplicas)}"})
    assert changes(old, retyped, registry) == [
        ("TYPE_CHANGED", "status.availableReplicas"),
        ("PROPERTY_REMOVED", "status.name"),
    ]
    [typed, _] = breaking_changes(old, retyped, registry=registry)
    assert typed.detail == "integer -> string"
    # another expression of the same type is fine, and so is a new status field
    same_type = rgd(
        BASE,
        status={
            "availableReplicas": "${deployment.status.readyReplicas}",
            "name": "${schema.spec.name}",
            "ready": "${deployment.status.readyReplicas > 0}",
        },
    )
    assert changes(old, same_type, registry) == []


# identity ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("apiVersion", "v1beta1"),
        ("kind", "WebApplication"),
        ("group", "apps.example.com"),
        ("scope", "Cluster"),
    ],
)
def test_identity_changes_are_immutable(registry: SchemaRegistry, field: str, value: str) -> None:
    old = rgd(BASE, group="kro.run")
    new = copy.deepcopy(old)
    new["spec"]["schema"][field] = value
    new["spec"]["schema"]["spec"] = {"other": "string"}  # schema changes are not compared across identities
    [change] = breaking_changes(old, new, registry=registry)
    assert change.kind == "IMMUTABLE" and change.immutable and change.path == f"spec.schema.{field}"


def test_server_defaults_are_not_identity_changes(registry: SchemaRegistry) -> None:
    implicit = rgd(BASE)
    explicit = rgd(BASE, group="kro.run", scope="Namespaced")
    assert breaking_changes(implicit, explicit, registry=registry) == []


# non-breaking changes ---------------------------------------------------------------------------------------


def test_compatible_changes_are_not_reported(registry: SchemaRegistry) -> None:
    old = rgd(with_field("replicas", 'integer | default=1 minimum=1 maximum=5 description="how many"'))
    new = rgd(
        {
            **with_field("replicas", 'integer | default=2 minimum=0 maximum=10 description="Pods"'),
            "ingress": {"enabled": "boolean | default=false"},
            "notes": "string",
        }
    )
    assert breaking_changes(old, new, registry=registry) == []


# findings ---------------------------------------------------------------------------------------------------


def test_findings_are_errors_unless_allowed(registry: SchemaRegistry) -> None:
    old, new = rgd(BASE), rgd({k: v for k, v in BASE.items() if k != "image"})
    [finding] = breaking_findings(old, new, location=WHERE, registry=registry)
    assert finding.rule == "breaking-change" and finding.severity is Severity.ERROR
    assert finding.location == Location(
        file="rgds/webapp.yaml", graph="webapp", path="spec.schema.spec.image"
    )
    assert "PROPERTY_REMOVED at spec.image" in finding.message and ALLOW_BREAKING in finding.fix
    assert breaking_findings(old, new, location=WHERE, allowed=True, registry=registry) == []
    annotated = copy.deepcopy(new)
    annotated["metadata"]["annotations"] = {ALLOW_BREAKING: "true"}
    assert breaking_findings(old, annotated, location=WHERE, registry=registry) == []
    annotated["metadata"]["annotations"] = {ALLOW_BREAKING: "yes"}  # only "true" counts
    assert len(breaking_findings(old, annotated, location=WHERE, registry=registry)) == 1


def test_immutable_changes_are_errors_even_when_allowed(registry: SchemaRegistry) -> None:
    old = rgd(BASE)
    new = copy.deepcopy(old)
    new["spec"]["schema"]["kind"] = "Website"
    new["metadata"]["annotations"] = {ALLOW_BREAKING: "true"}
    [finding] = breaking_findings(old, new, location=WHERE, allowed=True, registry=registry)
    assert finding.rule == "immutable-change" and finding.location.path == "spec.schema.kind"
    assert "'WebApp' -> 'Website'" in finding.message and "new RGD" in finding.fix


def test_changes_are_sorted(registry: SchemaRegistry) -> None:
    new = {"name": "integer", "replicas": "integer | default=1 minimum=2", "zone": "string | required=true"}
    paths = [c.path for c in breaking_changes(rgd(BASE), rgd(new), registry=registry)]
    assert paths == sorted(paths) == ["spec.image", "spec.name", "spec.replicas", "spec.zone"]
