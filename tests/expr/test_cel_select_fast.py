"""evaluate's shortcut for plain field chains gives what cel-python gives: the same values and types,
and the same errors (it steps aside for anything it is not sure of)."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.errors import KroGenError
from kro_gen.expr import engine
from kro_gen.expr import nodes as n
from kro_gen.expr.engine import evaluate, to_cel
from kro_gen.expr.parser import parse_cel

VALUES: dict[str, Any] = {
    "schema": {
        "metadata": {"name": "shop", "labels": {"a.b/c": "x"}},
        "spec": {
            "replicas": 3,
            "ratio": 0.5,
            "whole": 2.0,
            "on": True,
            "off": False,
            "nothing": None,
            "name": "web",
            "empty": {},
            "tags": ["a", {"b": [1, None, 2.5]}],
            "nested": {"deep": {"deeper": {"value": -9}}},
            "big": 2**63 - 1,
        },
    },
    "deployment": {"status": {"readyReplicas": 2}, "spec": "not a map"},
}

TEXTS = [
    "schema.spec.replicas",
    "schema.spec.ratio",
    "schema.spec.whole",
    "schema.spec.on",
    "schema.spec.off",
    "schema.spec.nothing",
    "schema.spec.name",
    "schema.spec.empty",
    "schema.spec.tags",
    "schema.spec.nested",
    "schema.spec.nested.deep.deeper.value",
    "schema.spec.big",
    "schema.metadata",
    "schema",
    "deployment.status.readyReplicas",
    # not there, or not a map: the shortcut steps aside and cel-python reports
    "schema.spec.missing",
    "schema.spec.missing.more",
    "schema.spec.name.length",
    "schema.spec.nothing.field",
    "schema.spec.tags.first",
    "deployment.spec.replicas",
    "deployment.status.readyReplicas.x",
    # other shapes
    "schema.?spec.replicas",
    "schema.?spec",
    "schema.spec.?name",
    "schema.spec.?missing",
    'schema.spec["replicas"]',
    'schema.metadata.labels["a.b/c"]',
    "unknown.field",
]


def outcome(text: str, *, converted: bool) -> tuple[str, Any]:
    node = parse_cel(text)
    activation = {name: VALUES[name] for name in n.free_identifiers(node) if name in VALUES}
    if not activation:
        activation = dict(VALUES)
    cel = {name: to_cel(value) for name, value in activation.items()} if converted else None
    try:
        result = evaluate(node, activation, converted=cel)
    except KroGenError as error:
        return "error", (type(error), error.message, error.hint, error.rule)
    return "value", (type(result), result, repr(result))


@pytest.mark.parametrize("converted", [True, False])
@pytest.mark.parametrize("text", TEXTS)
def test_the_shortcut_agrees_with_cel_python(
    text: str, converted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = outcome(text, converted=converted)
    monkeypatch.setattr(engine, "_selected", lambda *args: engine._UNSURE)
    assert outcome(text, converted=converted) == fast


def test_the_shortcut_is_taken_for_a_converted_field_chain() -> None:
    node = parse_cel("schema.spec.nested.deep")
    converted = {"schema": to_cel(VALUES["schema"])}
    assert engine._selected(node, {"schema": VALUES["schema"]}, converted) is not engine._UNSURE
    # a value _run would still have to convert: no shortcut (its conversion could fail)
    assert engine._selected(node, {"schema": VALUES["schema"], "x": 1}, converted) is engine._UNSURE


def test_results_are_fresh_objects() -> None:
    converted = {"schema": to_cel(VALUES["schema"])}
    first = evaluate("schema.spec.tags", {"schema": VALUES["schema"]}, converted=converted)
    assert first == VALUES["schema"]["spec"]["tags"]
    assert isinstance(first, list)
    first.append("mutated")
    assert evaluate("schema.spec.tags", {"schema": VALUES["schema"]}, converted=converted) == [
        "a",
        {"b": [1, None, 2.5]},
    ]
