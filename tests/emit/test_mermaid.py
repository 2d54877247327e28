"""Mermaid diagrams: one node per resource, one arrow per reference, stable and escaped."""

from __future__ import annotations

import re

from kro_gen.emit.mermaid import graph_mermaid

DEPENDENCIES = {
    "userDeployment": ["appConfig", "dbSecret"],
    "gatewayDeployment": ["gatewayConfig", "userService"],
    "userService": ["userDeployment"],
}
KINDS = {
    "appConfig": "ConfigMap",
    "dbSecret": "Secret (externalRef)",
    "userDeployment": "Deployment",
    "userService": "Service",
    "gatewayDeployment": "Deployment",
    "gatewayConfig": "ConfigMap",
    "workers": "Deployment (collection)",
}


def node_lines(diagram: str) -> dict[str, str]:
    """node name -> its definition line."""
    found = {}
    for line in diagram.splitlines()[2:]:
        match = re.match(r"\s+(\w+)[\[(]", line)
        if match and "-->" not in line:
            found[match.group(1)] = line.strip()
    return found


def test_one_node_per_resource_and_one_edge_per_reference() -> None:
    diagram = graph_mermaid("microservices-app", DEPENDENCIES, KINDS)
    lines = diagram.splitlines()
    assert lines[0] == "graph TD"
    nodes = node_lines(diagram)
    assert len(nodes) == len(KINDS)
    edges = [line.strip() for line in lines if "-->" in line]
    assert len(edges) == sum(len(targets) for targets in DEPENDENCIES.values())
    assert "r_userDeployment --> r_appConfig" in edges
    assert nodes["r_userDeployment"] == 'r_userDeployment["userDeployment<br/>Deployment"]'


def test_shapes_mark_external_refs_and_collections() -> None:
    nodes = node_lines(graph_mermaid("g", DEPENDENCIES, KINDS))
    assert nodes["r_dbSecret"] == 'r_dbSecret[/"dbSecret<br/>Secret (externalRef)"/]'
    assert nodes["r_workers"] == 'r_workers[["workers<br/>Deployment (collection)"]]'


def test_output_does_not_depend_on_input_order() -> None:
    reordered_deps = {key: list(reversed(value)) for key, value in reversed(list(DEPENDENCIES.items()))}
    reordered_kinds = dict(reversed(list(KINDS.items())))
    assert graph_mermaid("g", DEPENDENCIES, KINDS) == graph_mermaid("g", reordered_deps, reordered_kinds)


def test_keywords_and_unsafe_ids_and_labels_are_escaped() -> None:
    diagram = graph_mermaid("g", {"end": ["o-x", "o_x"]}, {"end": 'Weird "Kind" <b>#1</b> & co', "o-x": "A"})
    nodes = node_lines(diagram)
    assert set(nodes) == {"r_end", "r_o_x", "r_o_x_2"}
    label = nodes["r_end"]
    assert '"Kind"' not in label and "<b>" not in label
    assert "#34;Kind#34;" in label and "#60;b#62;#35;1" in label and "#38; co" in label
    assert "r_end --> r_o_x" in diagram and "r_end --> r_o_x_2" in diagram
    # a referenced id without a kind still gets a node, labelled with its id only
    assert nodes["r_o_x_2"] == 'r_o_x_2["o_x"]'


def test_graph_name_cannot_break_out_of_its_comment() -> None:
    diagram = graph_mermaid("evil\nname", {}, {"a": "ConfigMap"})
    assert diagram.splitlines()[1].startswith("    %% evil name")
    assert diagram.endswith("\n")
