"""Field paths, the defensive RGD view, and the unknown-field helper."""

from __future__ import annotations

import pytest

from kro_gen.check.rules_base import RgdView, format_path, parse_path, unknown_keys, walk_keys, walk_values

from .rgd_samples import LOCATION, build_rgd, view_of


@pytest.mark.parametrize(
    "path,text",
    [
        (("spec", "resources", 0, "template", "metadata"), "spec.resources[0].template.metadata"),
        (("metadata", "labels", "app.kubernetes.io/name"), 'metadata.labels["app.kubernetes.io/name"]'),
        (("data", "x-y_z"), "data.x-y_z"),
        (("labels", "${schema.spec.name}"), 'labels["${schema.spec.name}"]'),
        (("a", 'quote"d', 3), 'a["quote\\"d"][3]'),
        ((), ""),
    ],
)
def test_paths_format_and_parse_back(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text
    assert parse_path(text) == path


def test_walkers_yield_every_leaf_and_key_with_its_path() -> None:
    value = {"a": [1, {"b": "x"}], "c": {}}
    assert list(walk_values(value, ("root",))) == [(("root", "a", 0), 1), (("root", "a", 1, "b"), "x")]
    assert [p for p, _ in walk_keys(value, ())] == [("a",), ("a", 1, "b"), ("c",)]


def test_view_is_defensive_about_wrong_types() -> None:
    view = RgdView({"spec": {"resources": ["not a map", {"id": 3, "template": "x"}], "schema": []}}, LOCATION)
    assert [r.index for r in view.resources] == [1]
    resource = view.resources[0]
    assert resource.id is None and resource.template is None and resource.label == "#1"
    assert view.schema == {} and view.scope == "Namespaced" and view.name is None


def test_view_knows_collections_and_locations() -> None:
    rgd = build_rgd(
        [
            {"id": "pods", "forEach": [{"w": "${schema.spec.ws}"}], "template": {}},
            {"id": "all", "externalRef": {"apiVersion": "v1", "kind": "Pod", "metadata": {"selector": {}}}},
            {"id": "one", "externalRef": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}},
        ]
    )
    view = view_of(rgd)
    assert [r.is_collection for r in view.resources] == [True, True, False]
    assert view.resources[0].iterators == ["w"]
    location = view.at(("spec", "resources", 0, "id"), view.resources[0])
    assert (location.file, location.graph, location.resource, location.path) == (
        "graph.yaml",
        "webapps.example.com",
        "pods",
        "spec.resources[0].id",
    )


def test_unknown_keys_suggest_the_close_name() -> None:
    view = view_of(build_rgd())
    [found] = unknown_keys({"tempalte": {}}, frozenset({"template", "id"}), ("r",), view, where="a resource")
    assert found.rule == "unknown-field" and "did you mean 'template'" in found.message
    assert found.location.path == "r.tempalte"
