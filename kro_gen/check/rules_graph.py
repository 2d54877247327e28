"""Graph rules: the dependencies between resources must form a DAG.

A resource depends on every other resource id its template, externalRef, forEach values or
includeWhen conditions read (readyWhen and status do not add edges). kro refuses a cycle with
``graph contains a cycle: a -> b -> a``; this check reports each cycle the same way.
"""

from __future__ import annotations

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import RgdView, finding
from kro_gen.check.rules_sites import Place, Site
from kro_gen.graph.dag import find_cycles

__all__ = ["check_graph", "dependencies", "find_cycles"]

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
