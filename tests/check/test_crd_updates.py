"""Changes kro v0.9.3 does not write to an existing CRD: printer columns and CRD metadata alone, and
schema details its comparison does not read."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kro_gen.check.crd_updates import kro_sees_change, unapplied_changes, unapplied_findings
from kro_gen.errors import Location
from kro_gen.registry import SchemaRegistry

from .rgd_samples import build_rgd

REGISTRY = SchemaRegistry.default()
COLUMNS = [{"name": "Image", "type": "string", "jsonPath": ".spec.image"}]


def changed(**schema: Any) -> dict[str, Any]:
    rgd = build_rgd()
    rgd["spec"]["schema"].update(copy.deepcopy(schema))
    return rgd


def test_printer_columns_or_crd_metadata_alone_are_not_applied() -> None:
    old = build_rgd()
    assert unapplied_changes(old, changed(additionalPrinterColumns=COLUMNS), registry=REGISTRY) == [
        "the printer columns (spec.schema.additionalPrinterColumns)"
    ]
    both = changed(metadata={"labels": {"tier": "gold"}, "annotations": {"a": "b"}})
    assert unapplied_changes(old, both, registry=REGISTRY) == [
        "the CRD's labels (spec.schema.metadata.labels)",
        "the CRD's annotations (spec.schema.metadata.annotations)",
    ]
    [found] = unapplied_findings(
        old, changed(additionalPrinterColumns=COLUMNS), location=Location(graph="web"), registry=REGISTRY
    )
    assert (found.rule, found.severity.value, found.location.path) == (
        "crd-change-not-applied",
        "warning",
        "spec.schema",
    )
    assert "description" in found.fix


def test_paired_with_a_change_kro_sees_everything_is_written() -> None:
    spec = {"name": "string | required=true", "image": 'string | default=nginx description="The image"'}
    assert (
        unapplied_changes(
            build_rgd(), changed(additionalPrinterColumns=COLUMNS, spec=spec), registry=REGISTRY
        )
        == []
    )
    # and a new field is a change kro sees too
    spec = {
        "name": "string | required=true",
        "image": "string | default=nginx",
        "port": "integer | default=80",
    }
    assert (
        unapplied_changes(
            build_rgd(), changed(additionalPrinterColumns=COLUMNS, spec=spec), registry=REGISTRY
        )
        == []
    )


@pytest.mark.parametrize(
    "image",
    [
        "string | default=nginx immutable=true",
        "string | default=nginx validation=\"self != ''\"",
        'string | default=nginx enum="nginx,httpd"',
    ],
)
def test_schema_details_kros_comparison_does_not_read_are_not_applied(image: str) -> None:
    new = changed(spec={"name": "string | required=true", "image": image})
    [what] = unapplied_changes(build_rgd(), new, registry=REGISTRY)
    assert what.startswith("schema details kro does not compare")


def test_nothing_changed_or_another_crd_is_no_finding() -> None:
    assert unapplied_findings(build_rgd(), build_rgd(), location=Location(), registry=REGISTRY) == []
    assert unapplied_findings(None, build_rgd(), location=Location(), registry=REGISTRY) == []
    other_kind = changed(kind="Website", additionalPrinterColumns=COLUMNS)
    assert unapplied_changes(build_rgd(), other_kind, registry=REGISTRY) == []


@pytest.mark.parametrize(
    ("old", "new", "seen"),
    [
        ({"type": "string"}, {"type": "string", "description": "x"}, True),
        ({"type": "string"}, {"type": "integer"}, True),
        ({"type": "string", "default": "a"}, {"type": "string", "default": "b"}, True),
        (
            {"type": "object", "properties": {}},
            {"type": "object", "properties": {"a": {"type": "string"}}},
            True,
        ),
        ({"type": "object", "required": ["a"]}, {"type": "object"}, True),
        ({"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["a", "b"]}, True),
        ({"type": "string"}, {"type": "string", "enum": ["a"]}, False),
        (
            {"type": "array", "items": {"type": "string"}},
            {"type": "array", "items": {"type": "integer"}},
            True,
        ),
        (
            {"type": "string"},
            {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf"}]},
            False,
        ),
        ({"type": "object"}, {"type": "object", "additionalProperties": {"type": "string"}}, False),
    ],
)
def test_kro_sees_what_its_compat_package_compares(
    old: dict[str, Any], new: dict[str, Any], seen: bool
) -> None:
    assert kro_sees_change(old, new) is seen
