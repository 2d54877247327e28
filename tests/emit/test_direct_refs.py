"""What direct mode's static analysis says an expression reads (kro_gen.emit.direct_refs)."""

from __future__ import annotations

import pytest

from kro_gen.emit.direct_refs import (
    DYNAMIC,
    Usage,
    accesses,
    format_path,
    missing_step,
    path_of,
    walk_strings,
)
from kro_gen.expr.parser import parse_cel

ROOTS = ("schema", "deployment", "services", "config")


def reads(text: str, **kwargs: object) -> list[tuple[str, tuple[object, ...], Usage]]:
    return [(a.root, a.steps, a.usage) for a in accesses(parse_cel(text), ROOTS, **kwargs)]  # type: ignore[arg-type]


def test_a_plain_chain_is_one_read_with_its_steps() -> None:
    assert reads("deployment.spec.replicas + 1") == [("deployment", ("spec", "replicas"), Usage.VALUE)]


def test_literal_indexes_are_steps_and_computed_ones_are_dynamic() -> None:
    assert reads('services[0].metadata["name"]') == [("services", (0, "metadata", "name"), Usage.VALUE)]
    found = reads("services[schema.spec.i].metadata.name")
    assert found[0] == ("services", (DYNAMIC, "metadata", "name"), Usage.VALUE)
    # the index expression is itself a read
    assert ("schema", ("spec", "i"), Usage.VALUE) in found


def test_unknown_roots_are_not_reported() -> None:
    assert reads("other.status.x") == []


def test_comprehension_variables_follow_the_collection_path() -> None:
    found = reads("services.map(s, s.status.ready)")
    assert found == [
        ("services", (), Usage.FOLLOWED),
        ("services", (DYNAMIC, "status", "ready"), Usage.VALUE),
    ]


def test_two_variable_comprehensions_follow_the_value_not_the_index() -> None:
    found = reads("services.all(i, s, i < 3 && s.spec.x > 0)")
    assert ("services", (DYNAMIC, "spec", "x"), Usage.VALUE) in found
    assert all(root == "services" for root, _, _ in found)


def test_a_comprehension_variable_shadows_a_resource_id() -> None:
    assert reads("[1, 2].map(deployment, deployment + 1)") == []


def test_filter_keeps_the_element_path_but_forgets_positions() -> None:
    found = reads("services.filter(s, s.spec.x == 1)[0].metadata.name")
    assert ("services", (DYNAMIC, "metadata", "name"), Usage.VALUE) in found
    assert ("services", (DYNAMIC, "spec", "x"), Usage.VALUE) in found


def test_size_and_has_are_told_apart_from_value_use() -> None:
    assert reads("size(services)") == [("services", (), Usage.SIZE)]
    assert reads("services.size()") == [("services", (), Usage.SIZE)]
    assert reads("has(schema.spec.a.b)") == [("schema", ("spec", "a", "b"), Usage.PRESENCE)]


def test_cel_bind_aliases_its_variable() -> None:
    found = reads("cel.bind(d, deployment.spec, d.replicas * 2)")
    assert ("deployment", ("spec",), Usage.FOLLOWED) in found
    assert ("deployment", ("spec", "replicas"), Usage.VALUE) in found


def test_aliases_stand_for_paths() -> None:
    found = reads("svc.metadata.name", aliases={"svc": ("services", (DYNAMIC,))})
    assert found == [("services", (DYNAMIC, "metadata", "name"), Usage.VALUE)]


@pytest.mark.parametrize(
    ("text", "required"),
    [
        ("schema.spec.a.b", ("spec", "a", "b")),
        ("schema.spec.?a.b.orValue(1)", ("spec",)),
        ("schema.spec.a[?'k'].orValue(1)", ("spec", "a")),
        ("has(schema.spec.a.b)", ("spec", "a")),
    ],
)
def test_required_steps_stop_at_optional_access_and_at_the_has_test(
    text: str, required: tuple[str, ...]
) -> None:
    (access,) = accesses(parse_cel(text), ROOTS)
    assert access.required_steps() == required


def test_path_of_only_accepts_pure_chains() -> None:
    assert path_of(parse_cel("schema.spec.regions"), ROOTS) == ("schema", ("spec", "regions"))
    assert path_of(parse_cel("schema.spec.regions + ['x']"), ROOTS) is None
    assert path_of(parse_cel("lists.range(3)"), ROOTS) is None


def test_missing_step_walks_maps_lists_and_every_element() -> None:
    value = {"a": {"b": [1, 2]}, "items": [{"x": 1}, {"y": 2}]}
    assert missing_step(value, ("a", "b", 1)) is None
    assert missing_step(value, ("a", "b", 2)) == 2
    assert missing_step(value, ("a", "c")) == 1
    assert missing_step(value, ("items", DYNAMIC, "x")) == 2  # the second item has no x
    assert missing_step(value, ("a", DYNAMIC, "x")) is None  # map keys: unknown until evaluation
    assert missing_step([], (0,)) == 0


def test_format_path_is_readable() -> None:
    assert format_path("services", (DYNAMIC, "metadata", "app.kubernetes.io/name", 0)) == (
        "services[*].metadata['app.kubernetes.io/name'][0]"
    )


def test_walk_strings_gives_field_paths() -> None:
    value = {"metadata": {"name": "x"}, "spec": {"ports": [{"name": "http", "port": 80}]}}
    assert list(walk_strings(value, "template")) == [
        ("template.metadata.name", "x"),
        ("template.spec.ports[0].name", "http"),
    ]
