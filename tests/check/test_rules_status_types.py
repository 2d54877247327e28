"""``status-type``: a kro-gen graph's declared status types against the types kro infers."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check import check_rgd
from kro_gen.check.findings import Finding

from .rgd_samples import LOCATION, build_rgd, where

DEPLOYMENT: dict[str, Any] = {
    "id": "d",
    "template": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "${schema.spec.name}"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "${schema.spec.image}"}]},
            },
        },
    },
}


def typed(status: dict[str, Any], declared: dict[tuple[str, ...], str] | None) -> list[Finding]:
    rgd = build_rgd([DEPLOYMENT], status=status)
    return [f for f in check_rgd(rgd, location=LOCATION, declared_status=declared) if f.rule == "status-type"]


def test_each_field_whose_declared_type_differs_from_the_inferred_one_is_an_error() -> None:
    status = {
        "available": "${d.status.availableReplicas}",
        "n": "${d.status.conditions}",
        "name": "${d.metadata.name}",
    }
    found = typed(status, {("available",): "string", ("n",): "int", ("name",): "string"})
    assert where(found) == {
        ("status-type", None, "spec.schema.status.available"),
        ("status-type", None, "spec.schema.status.n"),
    }
    by_path = {f.location.path: f for f in found}
    available, n = by_path["spec.schema.status.available"], by_path["spec.schema.status.n"]
    assert "status.available is declared string" in available.message
    assert available.message.endswith("returns int")
    assert "declare the field int" in available.fix and "cel.string" in available.fix
    assert "list(" in n.message and "declare the field list[...]" in n.fix and "cel.size" in n.fix
    assert all(f.severity.value == "error" and f.location.graph for f in found)


def test_a_hand_written_rgd_declares_nothing_so_nothing_is_reported() -> None:
    assert typed({"available": "${d.status.availableReplicas}"}, None) == []


@pytest.mark.parametrize(
    ("expression", "declared"),
    [
        ("${d.status.availableReplicas}", "double"),  # an int fills a float
        ("${d.status.availableReplicas}", "int"),
        ("${d.status.?availableReplicas.orValue(0)}", "int"),
        ("${d.metadata.creationTimestamp}", "string"),  # a timestamp is a date-time string
        ("${d.metadata.labels}", "map"),
        ("${d.status}", "map"),
        ("${d.status.conditions}", "list"),
        ("${d.status.availableReplicas > 0}", "bool"),
        ("http://${d.metadata.name}", "string"),  # a template is a string
        ("${schema.spec.name}", "string"),
    ],
)
def test_matching_and_lenient_pairs_pass(expression: str, declared: str) -> None:
    assert typed({"x": expression}, {("x",): declared}) == []


def test_nested_fields_are_checked_at_their_path() -> None:
    found = typed({"web": {"ready": "${d.status.readyReplicas}"}}, {("web", "ready"): "bool"})
    assert where(found) == {("status-type", None, "spec.schema.status.web.ready")}


def test_a_double_does_not_fill_an_int() -> None:
    [found] = typed({"x": "${double(d.status.availableReplicas) / 2.0}"}, {("x",): "int"})
    assert "cel.int_" in found.fix
