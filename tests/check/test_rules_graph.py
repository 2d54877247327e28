"""Graph rules: dependencies and cycles."""

from __future__ import annotations

from kro_gen.check.rules_graph import check_graph, dependencies, find_cycles

from .rgd_samples import build_rgd, config_map, sites_of, where


def test_dependencies_come_from_templates_for_each_and_include_when_only() -> None:
    a = config_map("a", x="${b.data.x}")
    a["includeWhen"] = ["${c.data.on == 'true'}"]
    a["readyWhen"] = ["${a.data != null}"]
    b = config_map("b")
    b["forEach"] = [{"i": "${d.data.items}"}]
    b["template"]["metadata"]["name"] = "${i}"
    c = config_map("c", self="${c.metadata.name}")
    d = config_map("d")
    view, sites = sites_of(build_rgd([a, b, c, d], status={"s": "${d.data.x}"}))
    assert dependencies(view, sites) == {"a": ["b", "c"], "b": ["d"], "c": [], "d": []}


def test_find_cycles_reports_each_cycle_once_from_its_first_node() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["e"], "e": ["d", "a"], "f": []}
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["d", "e", "d"]]
    assert find_cycles({"a": ["b"], "b": []}) == []


def test_shortest_cycle_inside_a_component() -> None:
    graph = {"a": ["b", "c"], "b": ["c"], "c": ["a"]}
    assert find_cycles(graph) == [["a", "c", "a"]]


def test_cycle_finding_names_the_path() -> None:
    first = config_map("first", other="${second.metadata.name}")
    second = config_map("second", other="${first.metadata.name}")
    view, sites = sites_of(build_rgd([first, second]))
    [found] = check_graph(view, sites)
    assert found.message == "graph contains a cycle: first -> second -> first"
    assert where([found]) == {("graph-cycle", "first", "spec.resources[0]")}


def test_deep_graphs_do_not_recurse() -> None:
    graph = {f"n{i}": [f"n{i + 1}"] for i in range(5000)}
    graph["n5000"] = ["n0"]
    [cycle] = find_cycles(graph)
    assert len(cycle) == 5002 and cycle[0] == cycle[-1] == "n0"
