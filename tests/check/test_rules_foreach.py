"""forEach rules: dimension shape, iterator names, identity use."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check.rules_foreach import check_for_each

from .rgd_samples import build_rgd, sites_of, where


def collection(
    for_each: Any, name: str = "${schema.metadata.name + '-' + region}", **extra: Any
) -> dict[str, Any]:
    template = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, **extra}}
    return {"id": "configs", "forEach": for_each, "template": template}


def for_each(*entries: dict[str, Any]) -> list[Any]:
    view, sites = sites_of(build_rgd(list(entries)))
    return check_for_each(view, sites, None)


def test_valid_collection() -> None:
    assert for_each(collection([{"region": "${schema.spec.regions}"}])) == []


def test_iterator_in_a_string_template_name_counts() -> None:
    assert for_each(collection([{"region": "${schema.spec.regions}"}], name="app-${region}")) == []


@pytest.mark.parametrize(
    "dimensions,expected",
    [
        ({"region": "${x}"}, ("foreach-shape", "configs", "spec.resources[0].forEach")),
        (
            [{"region": "${schema.spec.a}", "zone": "${schema.spec.b}"}],
            ("foreach-shape", "configs", "spec.resources[0].forEach[0]"),
        ),
        (["${schema.spec.a}"], ("foreach-shape", "configs", "spec.resources[0].forEach[0]")),
        ([{"region": ["a", "b"]}], ("foreach-shape", "configs", "spec.resources[0].forEach[0].region")),
    ],
)
def test_dimension_shape(dimensions: Any, expected: tuple[str, str, str]) -> None:
    assert expected in where(for_each(collection(dimensions)))


@pytest.mark.parametrize(
    "name,rule",
    [
        ("my_region", "iterator-name-format"),
        ("Region", "iterator-name-format"),
        ("item", "iterator-name-reserved"),
        ("each", "iterator-name-reserved"),
        ("configs", "iterator-id-collision"),
    ],
)
def test_iterator_names(name: str, rule: str) -> None:
    found = for_each(
        collection([{name: "${schema.spec.regions}"}], name="${schema.metadata.name + '-' + " + name + "}")
    )
    assert where(found) == {(rule, "configs", f"spec.resources[0].forEach[0].{name}")}


def test_iterator_colliding_with_another_resource_id() -> None:
    other = {"id": "region", "template": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}}
    found = for_each(collection([{"region": "${schema.spec.regions}"}]), other)
    assert ("iterator-id-collision", "configs", "spec.resources[0].forEach[0].region") in where(found)


def test_duplicate_iterator_across_dimensions() -> None:
    found = for_each(collection([{"region": "${schema.spec.a}"}, {"region": "${schema.spec.b}"}]))
    assert where(found) == {("iterator-name-duplicate", "configs", "spec.resources[0].forEach[1].region")}


def test_every_iterator_must_reach_the_name() -> None:
    found = for_each(collection([{"region": "${schema.spec.a}"}, {"tier": "${schema.spec.b}"}]))
    assert where(found) == {
        ("iterator-unused-in-identity", "configs", "spec.resources[0].template.metadata.name")
    }
    assert "'tier'" in found[0].message


def test_namespace_counts_for_namespaced_kinds_only() -> None:
    dims = [{"region": "${schema.spec.a}"}, {"tier": "${schema.spec.b}"}]
    assert for_each(collection(dims, namespace="${tier}")) == []
    cluster = collection(dims, namespace="${tier}")
    cluster["template"]["kind"] = "Namespace"
    assert where(for_each(cluster)) == {
        ("iterator-unused-in-identity", "configs", "spec.resources[0].template.metadata.name")
    }


def test_too_many_dimensions() -> None:
    names = [f"d{i}" for i in range(11)]
    entry = collection([{n: "${schema.spec.a}"} for n in names], name="${" + " + ".join(names) + "}")
    assert where(for_each(entry)) == {("foreach-dimensions", "configs", "spec.resources[0].forEach")}
