"""Metadata rules: namespace vs. scope, kro labels/annotations, dynamic keys, CRD templates."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check.findings import Severity
from kro_gen.check.rules_metadata import check_metadata, is_namespaced

from .rgd_samples import build_rgd, config_map, view_of, where


def metadata(entries: list[dict[str, Any]], scope: str = "Namespaced", registry: Any = None) -> list[Any]:
    return check_metadata(view_of(build_rgd(entries, scope=scope)), registry)


def obj(kind: str, api_version: str = "v1", resource_id: str = "thing", **meta: Any) -> dict[str, Any]:
    return {
        "id": resource_id,
        "template": {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x", **meta}},
    }


@pytest.mark.parametrize(
    "api_version,kind,expected",
    [
        ("v1", "Namespace", False),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", False),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition", False),
        ("apps/v1", "Deployment", True),
        ("v1", "ConfigMap", True),
        ("ec2.services.k8s.aws/v1alpha1", "VPC", None),
    ],
)
def test_builtin_scope_table(api_version: str, kind: str, expected: bool | None) -> None:
    assert is_namespaced(api_version, kind, None) is expected


def test_registry_answers_first() -> None:
    class Registry:
        def is_namespaced(self, api_version: str, kind: str) -> bool | None:
            return False if kind == "VPC" else None

    assert is_namespaced("ec2.services.k8s.aws/v1alpha1", "VPC", Registry()) is False
    assert is_namespaced("v1", "ConfigMap", Registry()) is True


def test_cluster_scoped_kinds_must_not_set_a_namespace() -> None:
    found = metadata([obj("ClusterRole", "rbac.authorization.k8s.io/v1", namespace="")])
    assert where(found) == {
        ("cluster-scoped-namespace", "thing", "spec.resources[0].template.metadata.namespace")
    }


def test_cluster_scoped_instance_needs_namespaces_on_namespaced_objects() -> None:
    entries = [
        obj("ConfigMap", resource_id="a"),
        obj("ConfigMap", resource_id="b", namespace="${schema.spec.namespace}"),
        obj("Namespace", resource_id="c"),
        {"id": "d", "externalRef": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}},
        {"id": "e", "externalRef": {"apiVersion": "v1", "kind": "Secret", "metadata": {"selector": {}}}},
        obj("VPC", "ec2.services.k8s.aws/v1alpha1", resource_id="f"),
    ]
    assert where(metadata(entries, scope="Cluster")) == {
        ("namespace-required", "a", "spec.resources[0].template.metadata.namespace"),
        ("namespace-required", "d", "spec.resources[3].externalRef.metadata.namespace"),
    }
    assert metadata(entries[:1], scope="Namespaced") == []


def test_kro_labels_are_errors_and_kro_annotations_warnings() -> None:
    entry = obj(
        "ConfigMap",
        labels={"kro.run/owned": "true", "internal.kro.run/x": "y", "app": "web"},
        annotations={"kro.run/note": "n", "example.com/a": "b"},
    )
    found = {(f.rule, f.severity, f.location.path) for f in metadata([entry])}
    base = "spec.resources[0].template.metadata"
    assert found == {
        ("kro-label", Severity.ERROR, f'{base}.labels["kro.run/owned"]'),
        ("kro-reserved-metadata", Severity.WARNING, f'{base}.labels["internal.kro.run/x"]'),
        ("kro-reserved-metadata", Severity.WARNING, f'{base}.annotations["kro.run/note"]'),
    }


def test_dynamic_keys_anywhere_in_templates_and_refs() -> None:
    entry = config_map()
    entry["template"]["data"] = {"${schema.spec.key}": "v", "nested": [{"${x}": 1}]}
    found = where(metadata([entry]))
    assert found == {
        ("dynamic-map-key", "config", 'spec.resources[0].template.data["${schema.spec.key}"]'),
        ("dynamic-map-key", "config", 'spec.resources[0].template.data.nested[0]["${x}"]'),
    }


def test_crd_templates_allow_expressions_only_in_metadata() -> None:
    crd = obj("CustomResourceDefinition", "apiextensions.k8s.io/v1", labels={"team": "${schema.spec.team}"})
    crd["template"]["spec"] = {"group": "example.com", "names": {"kind": "${schema.spec.kind}"}}
    assert where(metadata([crd])) == {
        ("crd-template-expression", "thing", "spec.resources[0].template.spec.names.kind")
    }
