"""The API server's admission of a custom resource (prune, default, validate), offline, with its words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kro_gen.check.admission import admit
from kro_gen.check.assertions import partial_match
from kro_gen.emit.crd import crd_for_rgd
from tests.support_reference import KRO_E2E

MARKERS = KRO_E2E / "check-validation-markers"
DEFAULTS = KRO_E2E / "check-required-default-interactions"


def load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text())


def schema_of(case: Path) -> dict[str, Any]:
    crd = crd_for_rgd(load(case / "rgd.yaml"))
    schema: dict[str, Any] = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return schema


#: kro's e2e case expects each of these instances to be refused; the texts are the API server's.
REFUSED = {
    "invalid-instance-min-items.yaml": [
        "spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items"
    ],
    "invalid-instance-max-items.yaml": ["spec.tags: Too many: 4: must have at most 3 items"],
    "invalid-instance-array-limits.yaml": [
        "spec.priorities: Too many: 4: must have at most 3 items",
        "spec.tags: Too many: 6: must have at most 3 items",
    ],
    "invalid-instance-priorities-max.yaml": ["spec.priorities: Too many: 4: must have at most 3 items"],
    "invalid-length-instance.yaml": [
        'spec.username: Invalid value: "ab": spec.username in body should be at least 3 chars long'
    ],
    "invalid-pattern-instance.yaml": [
        'spec.email: Invalid value: "invalid-email-format": spec.email in body should match '
        "'^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$'"
    ],
    "invalid-unique-instance.yaml": ['spec.tags[2]: Duplicate value: "production"'],
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_invalid_instances_of_kros_e2e_case_are_refused(name: str) -> None:
    admission = admit(load(MARKERS / name), schema_of(MARKERS))
    assert [str(error) for error in admission.errors] == REFUSED[name]


def test_every_invalid_instance_of_the_e2e_case_is_covered() -> None:
    assert sorted(
        p.name for p in MARKERS.glob("invalid-*.yaml") if not p.name.endswith("-error.yaml")
    ) == sorted(REFUSED)


@pytest.mark.parametrize("case", [MARKERS, DEFAULTS])
def test_valid_instance_is_admitted_and_defaulted_as_the_cluster_showed(case: Path) -> None:
    admission = admit(load(case / "valid-instance.yaml"), schema_of(case))
    assert admission.errors == []
    expected = load(case / "valid-instance-assert.yaml")
    expected.pop("status")  # written by kro in the cluster
    result = partial_match(expected, admission.object)
    assert result.ok, "\n".join(map(str, result.mismatches))


def test_defaults_reach_into_defaulted_objects() -> None:
    schema = schema_of(DEFAULTS)
    instance = {"apiVersion": "kro.run/v1alpha1", "kind": "ComplexApp", "metadata": {"name": "a"}, "spec": {}}
    admission = admit(instance, schema)
    assert admission.object["spec"]["retry"] == {"backoffMs": 1000, "exponential": True, "maxRetries": 3}
    assert admission.object["spec"]["resources"] == {"cpu": "100m", "memory": "128Mi"}
    assert [str(e) for e in admission.errors] == ["spec.appName: Required value"]


def obj(spec: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "kro.run/v1alpha1", "kind": "X", "metadata": {"name": "a"}, "spec": spec, **extra}


ODD = {"rule": "self % 2 == 1", "message": "validation failed"}
IMMUTABLE = {"rule": "self == oldSelf", "message": "field is immutable"}
SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "mode": {"type": "string", "enum": ["a", "b"]},
                "count": {"type": "integer", "minimum": 1, "maximum": 10},
                "ratio": {"type": "number", "maximum": 0.5},
                "name": {"type": "string", "maxLength": 3},
                "odd": {"type": "integer", "x-kubernetes-validations": [ODD]},
                "frozen": {"type": "string", "x-kubernetes-validations": [IMMUTABLE]},
                "ports": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                },
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}  # fmt: skip


TYPE = 'Invalid value: "{0}": spec.{1} in body must be of type {2}: "{0}"'
BOUND = "Invalid value: {0}: spec.{1} in body should be {2}"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"mode": "c"}, 'spec.mode: Unsupported value: "c": supported values: "a", "b"'),
        ({"count": 0}, "spec.count: " + BOUND.format(0, "count", "greater than or equal to 1")),
        ({"count": 11}, "spec.count: " + BOUND.format(11, "count", "less than or equal to 10")),
        ({"ratio": 0.75}, "spec.ratio: " + BOUND.format(0.75, "ratio", "less than or equal to 0.5")),
        ({"count": "3"}, "spec.count: " + TYPE.format("string", "count", "integer")),
        ({"count": True}, "spec.count: " + TYPE.format("boolean", "count", "integer")),
        ({"name": "abcd"}, "spec.name: Too long: may not be more than 3 bytes"),
        ({"odd": 2}, 'spec.odd: Invalid value: "integer": validation failed'),
        ({"ports": [{"name": "a"}, {"name": "a"}]}, 'spec.ports[1]: Duplicate value: {"name":"a"}'),
        ({"labels": {"a": 1}}, "spec.labels.a: " + TYPE.format("integer", "labels.a", "string")),
        ({"other": 1}, 'spec.other: unknown field "spec.other"'),
    ],
)  # fmt: skip
def test_api_server_messages(spec: dict[str, Any], expected: str) -> None:
    assert [str(error) for error in admit(obj(spec), SCHEMA).errors] == [expected]


def test_accepted_values_pruning_and_what_is_ignored() -> None:
    spec = {"count": 3.0, "odd": 3, "frozen": "x", "free": {"any": [1]}, "labels": {"a": "b"}, "mode": None}
    admission = admit(obj(spec, status={"state": "ACTIVE"}), SCHEMA)
    assert admission.errors == []  # 3.0 is an integer; transition rules are skipped on create
    assert "status" not in admission.object
    assert "mode" not in admission.object["spec"]  # a null is dropped
    other = admit(obj({"other": 1, "free": {"x": 1}}), SCHEMA)
    assert other.unknown == ["spec.other"]
    assert other.object["spec"] == {"free": {"x": 1}}


def test_metadata_name_is_required() -> None:
    instance = {"apiVersion": "kro.run/v1alpha1", "kind": "X", "metadata": {}, "spec": {}}
    assert [str(e) for e in admit(instance, SCHEMA).errors] == [
        "metadata.name: Required value: name or generateName is required"
    ]
