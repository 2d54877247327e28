"""Identity rules: RGD header, annotations, spec.schema identity fields."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check.findings import Severity
from kro_gen.check.rules_identity import check_identity
from tests.support_reference import KRO_REFERENCE

from .rgd_samples import build_rgd, rules, view_of, where


def identity(rgd: dict[str, Any]) -> list[Any]:
    return check_identity(view_of(rgd))


def test_a_complete_rgd_has_no_identity_findings() -> None:
    assert identity(build_rgd()) == []


@pytest.mark.parametrize(
    "field,value,rule",
    [
        ("apiVersion", "alpha1", "schema-api-version"),
        ("apiVersion", "v1.2", "schema-api-version"),
        ("apiVersion", None, "schema-api-version"),
        ("kind", "webApp", "schema-kind"),
        ("kind", "Web-App", "schema-kind"),
        ("kind", "A" * 64, "schema-kind"),
        ("group", "example", "schema-group"),
        ("group", "Example.COM", "schema-group"),
        ("scope", "cluster", "schema-scope"),
    ],
)
def test_schema_identity_fields_follow_the_crd_patterns(field: str, value: Any, rule: str) -> None:
    rgd = build_rgd()
    rgd["spec"]["schema"][field] = value
    found = identity(rgd)
    assert where(found) == {(rule, None, f"spec.schema.{field}")}
    assert found[0].severity is Severity.ERROR


@pytest.mark.parametrize("version", ["v1", "v1alpha1", "v2beta3", "v10"])
def test_valid_versions_pass(version: str) -> None:
    rgd = build_rgd()
    rgd["spec"]["schema"]["apiVersion"] = version
    assert identity(rgd) == []


def test_missing_group_and_scope_are_fine_the_rgd_crd_defaults_them() -> None:
    """The RGD CRD defaults group to kro.run and scope to Namespaced; the stored object is the same as
    with both written, so no GitOps tool shows a diff (evidence in rules_identity's docstring)."""
    assert identity(build_rgd(group=None, scope=None)) == []
    crd = KRO_REFERENCE / "kro.run_resourcegraphdefinitions.v0.9.3.yaml"
    if crd.is_file():  # the evidence itself, where the reference material is at hand
        from ruamel.yaml import YAML

        schema = YAML(typ="safe", pure=True).load(crd.read_text())["spec"]["versions"][0]["schema"]
        props = schema["openAPIV3Schema"]["properties"]["spec"]["properties"]["schema"]["properties"]
        assert (props["group"]["default"], props["scope"]["default"]) == ("kro.run", "Namespaced")


def test_header_errors() -> None:
    rgd = build_rgd()
    rgd["apiVersion"] = "kro.run/v1"
    rgd["kind"] = "ResourceGraph"
    rgd["metadata"]["name"] = "Web_App"
    rgd["extra"] = 1
    assert rules(identity(rgd)) == ["rgd-api-version", "rgd-kind", "unknown-field", "rgd-name"]


def test_missing_spec_or_schema_stops_with_one_finding() -> None:
    assert where(
        identity(
            {"apiVersion": "kro.run/v1alpha1", "kind": "ResourceGraphDefinition", "metadata": {"name": "x"}}
        )
    ) == {("rgd-spec", None, "spec")}
    rgd = build_rgd()
    del rgd["spec"]["schema"]
    assert where(identity(rgd)) == {("rgd-spec", None, "spec.schema")}


def test_removed_and_unreleased_schema_fields() -> None:
    rgd = build_rgd()
    rgd["spec"]["schema"]["validation"] = [{"expression": "true"}]
    rgd["spec"]["schema"]["shortNames"] = ["wa"]
    rgd["spec"]["schema"]["specs"] = {}
    found = where(identity(rgd))
    assert ("schema-validation-removed", None, "spec.schema.validation") in found
    assert ("unknown-field", None, "spec.schema.shortNames") in found
    assert ("unknown-field", None, "spec.schema.specs") in found
    assert len(found) == 3


def test_schema_metadata_labels_must_be_strings() -> None:
    rgd = build_rgd()
    rgd["spec"]["schema"]["metadata"] = {"labels": {"tier": 1}, "owners": {}}
    assert where(identity(rgd)) == {
        ("rgd-field-type", None, "spec.schema.metadata.labels.tier"),
        ("unknown-field", None, "spec.schema.metadata.owners"),
    }


def test_annotations_only_allow_breaking_changes_is_known() -> None:
    rgd = build_rgd()
    rgd["metadata"]["annotations"] = {
        "kro.run/allow-breaking-changes": True,
        "kro.run/paused": "true",
        "example.com/owner": "team",
    }
    found = identity(rgd)
    assert all(f.severity is Severity.WARNING and f.rule == "rgd-annotation" for f in found)
    assert {f.location.path for f in found} == {
        'metadata.annotations["kro.run/allow-breaking-changes"]',
        'metadata.annotations["kro.run/paused"]',
    }
    rgd["metadata"]["annotations"] = {"kro.run/allow-breaking-changes": "true"}
    assert identity(rgd) == []
