"""Status rules: expression leaves, state, custom conditions."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check.findings import Severity
from kro_gen.check.rules_status import check_status

from .rgd_samples import build_rgd, sites_of, where

BASE = "spec.schema.status"


def status(value: dict[str, Any]) -> list[Any]:
    view, sites = sites_of(build_rgd(status=value))
    return check_status(view, sites)


def cond(body: str) -> str:
    return "${runtime.newCondition({" + body + "})}"


def test_valid_status() -> None:
    value = {
        "image": "${config.data.image}",
        "nested": {"name": "${schema.spec.name}", "url": "https://${config.metadata.name}"},
        "conditions": [
            cond('type: "Up", status: config.data != null ? "True" : "False", reason: "R", message: ""')
        ],
        "ready": '${runtime.condition(schema, "Ready").status == "True"}',
    }
    assert status(value) == []


@pytest.mark.parametrize("literal", ["TCP", 80, True, None, "$x", "${unterminated"])
def test_literal_leaves_are_rejected(literal: Any) -> None:
    assert where(status({"a": {"b": literal}})) == {("status-literal", None, f"{BASE}.a.b")}


def test_leaf_must_reference_schema_or_a_resource() -> None:
    found = status({"v": '${"v" + string(1)}', "w": "${[1, 2].map(x, x * 2)}"})
    assert where(found) == {
        ("status-no-reference", None, f"{BASE}.v"),
        ("status-no-reference", None, f"{BASE}.w"),
    }


def test_state_is_reserved() -> None:
    assert where(status({"state": "${config.metadata.name}"})) == {
        ("status-state-reserved", None, f"{BASE}.state")
    }


def test_lists_of_expressions_warn_and_items_are_still_checked() -> None:
    found = status({"names": ["${config.metadata.name}", "fixed"]})
    assert {(f.rule, f.severity, f.location.path) for f in found} == {
        ("status-expression-list", Severity.WARNING, f"{BASE}.names"),
        ("status-literal", Severity.ERROR, f"{BASE}.names[1]"),
    }


@pytest.mark.parametrize(
    "conditions,path",
    [
        ({"ready": "${config.data != null}"}, f"{BASE}.conditions"),
        ("${config.data}", f"{BASE}.conditions"),
        ([{"type": "Ready"}], f"{BASE}.conditions[0]"),
    ],
)
def test_conditions_must_be_the_custom_list_form(conditions: Any, path: str) -> None:
    assert ("status-conditions-form", None, path) in where(status({"conditions": conditions}))


@pytest.mark.parametrize(
    "body,words",
    [
        ('type: "A", status: "Yes", reason: "", message: ""', "True, False or Unknown"),
        ('type: "", status: "True"', "must not be empty"),
        ('type: "A"', "needs a 'status' key"),
        ('type: "A", status: "True", severity: "high"', "no key 'severity'"),
        ('type: "A", status: "True", type: "B"', "given twice"),
        ('"type": "A", status: "True"', "bare identifiers"),
    ],
)
def test_new_condition_arguments(body: str, words: str) -> None:
    found = status({"conditions": [cond(body)]})
    assert [f.rule for f in found] == ["status-condition-call"]
    assert words in found[0].message


def test_condition_lookups_read_only_builtin_types() -> None:
    entries = [
        cond('type: "A", status: "True"'),
        cond('type: "B", status: runtime.condition(schema, "A").status'),
        cond('type: "C", status: runtime.condition(schema, "ResourcesReady").status'),
    ]
    found = status({"conditions": entries})
    assert where(found) == {("status-condition-call", None, f"{BASE}.conditions[1]")}
    assert "cannot reference each other" in found[0].message


def test_condition_types_are_unique_across_entries() -> None:
    entries = [cond('type: "A", status: "True"'), cond('type: "A", status: "False"')]
    assert where(status({"conditions": entries})) == {
        ("status-condition-type-duplicate", None, f"{BASE}.conditions[1]")
    }
