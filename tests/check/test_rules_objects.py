"""duplicate-object: two templates of one RGD rendering the same Kubernetes object."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check import check_rgd
from kro_gen.check.findings import Finding, Severity
from kro_gen.check.rules_objects import check_duplicate_objects

from .rgd_samples import LOCATION, build_rgd, sites_of, where


def obj(
    resource_id: str,
    name: str,
    kind: str = "ConfigMap",
    api_version: str = "v1",
    **extra: Any,
) -> dict[str, Any]:
    """A template resource; ``namespace=`` goes into metadata, anything else into the entry."""
    metadata: dict[str, Any] = {"name": name}
    if "namespace" in extra:
        metadata["namespace"] = extra.pop("namespace")
    template = {"apiVersion": api_version, "kind": kind, "metadata": metadata}
    return {"id": resource_id, "template": template, **extra}


def duplicates(entries: list[dict[str, Any]], scope: str = "Namespaced") -> list[Finding]:
    view, sites = sites_of(build_rgd(entries, scope=scope))
    return check_duplicate_objects(view, sites, None)


def test_two_templates_with_one_literal_name_are_an_error_on_the_second() -> None:
    [found] = duplicates([obj("first", "settings"), obj("other", "web"), obj("second", "settings")])
    assert where([found]) == {("duplicate-object", "second", "spec.resources[2].template.metadata.name")}
    assert found.severity is Severity.ERROR
    assert "resource second renders the same object as resource first" in found.message
    assert "ConfigMap 'settings'" in found.message


def test_identical_expression_text_is_the_same_name() -> None:
    entries = [obj("a", "${schema.spec.name}-db"), obj("b", "${schema.spec.name}-db")]
    assert where(duplicates(entries)) == {
        ("duplicate-object", "b", "spec.resources[1].template.metadata.name")
    }
    # different text may evaluate to different names: not reported
    assert duplicates([obj("a", "${schema.spec.name}-db"), obj("b", "${schema.spec.name}-cache")]) == []


def test_the_group_matters_but_not_the_version() -> None:
    hpa_v1 = obj("a", "web", "HorizontalPodAutoscaler", "autoscaling/v1")
    hpa_v2 = obj("b", "web", "HorizontalPodAutoscaler", "autoscaling/v2")
    [found] = duplicates([hpa_v1, hpa_v2])
    assert "HorizontalPodAutoscaler.autoscaling 'web'" in found.message
    assert duplicates([obj("a", "web"), obj("b", "web", "Secret")]) == []
    assert (
        duplicates(
            [obj("a", "web", "Widget", "a.example.com/v1"), obj("b", "web", "Widget", "b.example.com/v1")]
        )
        == []
    )


def test_namespaces_must_match_and_the_instance_namespace_is_the_default() -> None:
    assert duplicates([obj("a", "web", namespace="blue"), obj("b", "web", namespace="green")]) == []
    assert duplicates([obj("a", "web", namespace="blue"), obj("b", "web")]) == []
    [found] = duplicates([obj("a", "web", namespace="blue"), obj("b", "web", namespace="blue")])
    assert "in namespace 'blue'" in found.message
    inherited = [obj("a", "web"), obj("b", "web", namespace="${schema.metadata.namespace}")]
    assert where(duplicates(inherited)) == {
        ("duplicate-object", "b", "spec.resources[1].template.metadata.name")
    }
    # a cluster-scoped instance has no namespace to inherit
    cluster = [
        obj("a", "web", namespace="${schema.spec.ns}"),
        obj("b", "web", namespace="${schema.metadata.namespace}"),
    ]
    assert duplicates(cluster, scope="Cluster") == []


def test_cluster_scoped_kinds_ignore_the_namespace() -> None:
    entries = [
        obj("a", "admin", "ClusterRole", "rbac.authorization.k8s.io/v1", namespace="x"),
        obj("b", "admin", "ClusterRole", "rbac.authorization.k8s.io/v1"),
    ]
    assert where(duplicates(entries)) == {
        ("duplicate-object", "b", "spec.resources[1].template.metadata.name")
    }


def test_collections_are_compared_by_what_they_iterate_over() -> None:
    regions = {"forEach": [{"region": "${schema.spec.regions}"}]}
    zones = {"forEach": [{"region": "${schema.spec.zones}"}]}
    per_region = "${schema.spec.name}-${region}"
    # the item names depend on the list: only the same list renders the same objects
    assert duplicates([obj("a", per_region, **regions), obj("b", per_region, **zones)]) == []
    assert duplicates([obj("a", per_region, **regions), obj("b", per_region)]) == []
    [found] = duplicates([obj("a", per_region, **regions), obj("b", per_region, **regions)])
    assert found.location.resource == "b"
    # a collection whose name ignores its iterator renders that one name (iterator-unused-in-identity too)
    assert len(duplicates([obj("a", "web", **regions), obj("b", "web")])) == 1


def test_different_include_when_conditions_may_be_alternatives() -> None:
    ha = {"includeWhen": ["${schema.spec.ha}"]}
    single = {"includeWhen": ["${!schema.spec.ha}"]}
    assert duplicates([obj("a", "web", **ha), obj("b", "web", **single)]) == []
    # one of them always applied, or both under the same condition: they meet
    assert len(duplicates([obj("a", "web", **ha), obj("b", "web")])) == 1
    assert len(duplicates([obj("a", "web", **ha), obj("b", "web", **ha)])) == 1


def test_external_refs_only_read_and_are_not_compared() -> None:
    reader = {
        "id": "existing",
        "externalRef": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}},
    }
    assert duplicates([obj("a", "web"), reader]) == []


@pytest.mark.parametrize("name", [None, 3, ""])
def test_missing_or_malformed_names_are_left_to_the_template_rules(name: Any) -> None:
    assert duplicates([obj("a", name), obj("b", name)]) == []


def test_check_rgd_runs_the_rule() -> None:
    rgd = build_rgd([obj("a", "web"), obj("b", "web")])
    assert "duplicate-object" in {f.rule for f in check_rgd(rgd, location=LOCATION)}
