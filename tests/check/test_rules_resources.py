"""Resource entry rules: ids, template/externalRef choice and shape, readyWhen/includeWhen types."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check.rules_resources import check_resources

from .rgd_samples import build_rgd, config_map, rules, view_of, where


def resources(entries: list[Any]) -> list[Any]:
    return check_resources(view_of(build_rgd(entries)))


def ref(**metadata: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata}


def test_valid_resources_have_no_findings() -> None:
    assert resources([config_map("config"), {"id": "shared", "externalRef": ref(name="shared")}]) == []


@pytest.mark.parametrize(
    "resource_id,rule",
    [
        ("web-server", "resource-id-format"),
        ("web_server", "resource-id-format"),
        ("WebServer", "resource-id-format"),
        ("1st", "resource-id-format"),
        ("item", "resource-id-reserved"),
        ("namespace", "resource-id-reserved"),
        ("schema", "resource-id-reserved"),
        ("if", "resource-id-reserved"),
        ("", "resource-id-format"),
    ],
)
def test_ids_must_be_lower_camel_case_and_not_reserved(resource_id: str, rule: str) -> None:
    entry = config_map()
    entry["id"] = resource_id
    assert rules(resources([entry])) == [rule]


def test_bad_id_fix_suggests_a_camel_case_name() -> None:
    entry = config_map()
    entry["id"] = "user-service"
    [found] = resources([entry])
    assert "'userService'" in found.fix


def test_missing_and_duplicate_ids() -> None:
    no_id = config_map()
    del no_id["id"]
    found = resources([config_map("a"), config_map("a"), no_id])
    assert where(found) == {
        ("resource-id-duplicate", "a", "spec.resources[1].id"),
        ("resource-id-format", None, "spec.resources[2].id"),
    }
    assert "resource #0" in next(f.message for f in found if f.rule == "resource-id-duplicate")


def test_exactly_one_of_template_and_external_ref() -> None:
    both = config_map("both")
    both["externalRef"] = ref(name="x")
    neither = {"id": "neither"}
    found = resources([both, neither])
    assert where(found) == {
        ("resource-template-or-externalref", "both", "spec.resources[0]"),
        ("resource-template-or-externalref", "neither", "spec.resources[1]"),
    }
    assert "both" in found[0].message and "neither" in found[1].message


def test_template_shape() -> None:
    no_kind = config_map("a")
    del no_kind["template"]["kind"]
    no_metadata = config_map("b")
    del no_metadata["template"]["metadata"]
    no_name = config_map("c")
    no_name["template"]["metadata"] = {"generateName": "x-"}
    not_a_map = {"id": "d", "template": "ConfigMap"}
    assert where(resources([no_kind, no_metadata, no_name, not_a_map])) == {
        ("template-shape", "a", "spec.resources[0].template.kind"),
        ("template-shape", "b", "spec.resources[1].template.metadata"),
        ("template-name", "c", "spec.resources[2].template.metadata.name"),
        ("rgd-field-type", "d", "spec.resources[3].template"),
    }


@pytest.mark.parametrize(
    "metadata,path",
    [
        ({"name": "a", "selector": {}}, "spec.resources[0].externalRef.metadata"),
        ({}, "spec.resources[0].externalRef.metadata"),
        ({"name": ""}, "spec.resources[0].externalRef.metadata.name"),
        ({"selector": "app=web"}, "spec.resources[0].externalRef.metadata.selector"),
        (
            {"selector": {"matchExpressions": [{"key": "app", "operator": "In"}]}},
            "spec.resources[0].externalRef.metadata.selector.matchExpressions[0].values",
        ),
        (
            {"selector": {"matchExpressions": [{"key": "app", "operator": "Equals"}]}},
            "spec.resources[0].externalRef.metadata.selector.matchExpressions[0]",
        ),
        # the RGD CRD types the selector: the API server refuses an expression for a list or map
        (
            {
                "selector": {
                    "matchExpressions": [{"key": "a", "operator": "In", "values": "${schema.spec.l}"}]
                }
            },
            "spec.resources[0].externalRef.metadata.selector.matchExpressions[0].values",
        ),
        (
            {"selector": {"matchExpressions": "${schema.spec.requirements}"}},
            "spec.resources[0].externalRef.metadata.selector.matchExpressions",
        ),
        (
            {"selector": {"matchLabels": "${schema.spec.labels}"}},
            "spec.resources[0].externalRef.metadata.selector.matchLabels",
        ),
        (
            {"selector": {"matchLabels": {"replicas": 3}}},
            "spec.resources[0].externalRef.metadata.selector.matchLabels",
        ),
    ],
)
def test_external_ref_metadata_shape(metadata: dict[str, Any], path: str) -> None:
    assert where(resources([{"id": "shared", "externalRef": ref(**metadata)}])) == {
        ("externalref-shape", "shared", path)
    }


def test_external_ref_needs_api_version_and_kind_and_no_for_each() -> None:
    entry = {"id": "shared", "externalRef": {"metadata": {"name": "x"}}, "forEach": [{"r": "${[1]}"}]}
    assert where(resources([entry])) == {
        ("externalref-foreach", "shared", "spec.resources[0].forEach"),
        ("externalref-shape", "shared", "spec.resources[0].externalRef.apiVersion"),
        ("externalref-shape", "shared", "spec.resources[0].externalRef.kind"),
    }


def test_selector_refs_are_valid_with_match_labels_or_empty() -> None:
    entries = [
        {"id": "all", "externalRef": ref(selector={})},
        {"id": "web", "externalRef": ref(selector={"matchLabels": {"app": "web"}})},
        {
            "id": "any",
            "externalRef": ref(selector={"matchExpressions": [{"key": "a", "operator": "Exists"}]}),
        },
        {
            "id": "dynamic",
            "externalRef": ref(
                selector={
                    "matchLabels": {"team": "${schema.spec.team}"},
                    "matchExpressions": [{"key": "env", "operator": "In", "values": ["${schema.spec.env}"]}],
                }
            ),
        },
    ]
    assert resources(entries) == []


def test_ready_when_and_include_when_must_be_lists_of_strings() -> None:
    entry = config_map()
    entry["readyWhen"] = "${config.data != null}"
    entry["includeWhen"] = [True, "${schema.spec.enabled}"]
    assert where(resources([entry])) == {
        ("rgd-field-type", "config", "spec.resources[0].readyWhen"),
        ("rgd-field-type", "config", "spec.resources[0].includeWhen[0]"),
    }


def test_unknown_keys_in_entries_and_refs() -> None:
    entry = {"id": "shared", "externalRef": {**ref(name="x", labels={}), "spec": {}}, "dependsOn": ["a"]}
    assert where(resources([entry])) == {
        ("unknown-field", "shared", "spec.resources[0].dependsOn"),
        ("unknown-field", "shared", "spec.resources[0].externalRef.spec"),
        ("unknown-field", "shared", "spec.resources[0].externalRef.metadata.labels"),
    }


def test_resources_not_a_list() -> None:
    rgd = build_rgd()
    rgd["spec"]["resources"] = {"config": {}}
    assert where(check_resources(view_of(rgd))) == {("rgd-field-type", None, "spec.resources")}
