"""Graph rules: the dependencies between resources must form a DAG.

A resource depends on every other resource id its template, externalRef, forEach values or
includeWhen conditions read (readyWhen and status do not add edges). kro refuses a cycle with
``graph contains a cycle: a -> b -> a``; this check reports each cycle the same way.
"""

from __future__ import annotations

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import RgdView, finding
from kro_gen.check.rules_sites import Place, Site

_EDGE_PLACES = (Place.TEMPLATE, Place.EXTERNAL_REF, Place.FOR_EACH, Place.INCLUDE_WHEN)


def dependencies(view: RgdView, sites: list[Site]) -> dict[str, list[str]]:
    """resource id → the other ids it depends on, in first-use order (self references excluded)."""
    ids = set(view.ids)
    graph: dict[str, list[str]] = {resource_id: [] for resource_id in view.ids}
    for site in sites:
        if site.place not in _EDGE_PLACES or site.resource is None or site.resource.id is None:
            continue
        own = site.resource.id
        for name in site.identifiers():
            if name in ids and name != own and name not in graph[own]:
                graph[own].append(name)
    return graph


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one, each as ``[a, b, ..., a]``.

    Components and the node a cycle starts from follow the graph's key order, so the output is
    deterministic.
    """
    order = {node: index for index, node in enumerate(graph)}
    cycles: list[list[str]] = []
    for component in _components(graph):
        if len(component) < 2:
            continue
        start = min(component, key=order.__getitem__)
        cycles.append(_cycle_through(graph, start, set(component)))
    cycles.sort(key=lambda cycle: order[cycle[0]])
    return cycles


def _components(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_index = work.pop()
            if child_index == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = graph.get(node, [])
            if child_index < len(children):
                work.append((node, child_index + 1))
                child = children[child_index]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result


def _cycle_through(graph: dict[str, list[str]], start: str, members: set[str]) -> list[str]:
    """A shortest cycle from ``start`` back to itself inside one component (breadth first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in graph.get(node, []):
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return [start, start]


def check_graph(view: RgdView, sites: list[Site]) -> list[Finding]:
    """A ``graph-cycle`` error per dependency cycle."""
    found: list[Finding] = []
    for cycle in find_cycles(dependencies(view, sites)):
        resource = view.resource(cycle[0])
        found.append(
            finding(
                "graph-cycle",
                f"graph contains a cycle: {' -> '.join(cycle)}",
                view.at(resource.path if resource else ("spec", "resources"), resource),
                "break the cycle: read the shared value from schema.spec, or move it into a resource that "
                "does not depend on the others",
            )
        )
    return found
