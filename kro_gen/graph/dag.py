"""Dependencies between resources, from the expressions that reference them, and their order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kro_gen.errors import DefinitionError
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr
from kro_gen.graph.resource import Resource


def expressions_in(value: Any) -> Iterator[n.Node]:
    """Every expression tree inside a nested template value."""
    if isinstance(value, Expr):
        yield value._node
    elif isinstance(value, n.Node):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from expressions_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from expressions_in(item)


def referenced_roots(node: n.Node) -> list[n.Node]:
    """The identifier and resource-root nodes ``node`` uses (comprehension variables excluded)."""
    found: list[n.Node] = []

    def visit(current: n.Node, bound: frozenset[str]) -> None:
        if isinstance(current, n.Ident):
            if current.name not in bound:
                found.append(current)
            return
        if isinstance(current, n.ResourceRoot):
            found.append(current)
            return
        if isinstance(current, n.Comprehension):
            visit(current.target, bound)
            for body in current.body:
                visit(body, bound | frozenset(current.variables))
            return
        for child in current.children():
            visit(child, bound)

    visit(node, frozenset())
    return found


def _resource_edges(resource: Resource, ids: Mapping[str, Resource]) -> list[str]:
    """Ids that ``resource`` depends on (template, externalRef, includeWhen, forEach, depends_on)."""
    trees: list[n.Node] = []
    trees.extend(expressions_in(resource.body))
    trees.extend(e._node for e in resource.include_when)
    trees.extend(e._node for e in resource.for_each.values())
    edges: dict[str, None] = {}
    for tree in trees:
        for root in referenced_roots(tree):
            if isinstance(root, n.ResourceRoot):
                target = root.resource
                if target.id is None or ids.get(target.id) is not target:
                    raise DefinitionError(
                        f"{resource.id!r} refers to a {getattr(target, 'kind', 'resource')} that is not part "
                        "of the graph",
                        location=resource.location(),
                        hint="return the referenced resource from the resources builder too",
                        rule="unknown-resource",
                    )
                name = target.id
            else:
                name = root.name  # type: ignore[attr-defined]
                if name not in ids:
                    continue
            if name == resource.id:
                raise DefinitionError(
                    f"resource {resource.id!r} refers to itself",
                    location=resource.location(),
                    hint="kro rejects self references; compute the value from schema.spec instead",
                    rule="self-reference",
                )
            edges.setdefault(name, None)
    for dependency in resource.depends_on:
        if dependency.id is None or ids.get(dependency.id) is not dependency:
            raise DefinitionError(
                f"{resource.id!r} depends on a resource that is not part of the graph",
                location=resource.location(),
                hint="return that resource from the resources builder too",
                rule="unknown-resource",
            )
        edges.setdefault(dependency.id, None)
    return list(edges)


def dependencies_of(resources: Mapping[str, Resource]) -> dict[str, list[str]]:
    """Resource id → ids it depends on; raises on self references, unknown resources and cycles."""
    dependencies = {rid: _resource_edges(resource, resources) for rid, resource in resources.items()}
    cycle = find_cycle(dependencies)
    if cycle:
        raise DefinitionError(
            "the resources form a cycle: " + " -> ".join(cycle),
            location=resources[cycle[0]].location(),
            hint="break the cycle: one of these resources must not reference the next",
            rule="cycle",
        )
    return dependencies


def find_cycle(dependencies: Mapping[str, list[str]]) -> list[str] | None:
    """The first cycle (in mapping order) as a path ``[a, b, a]``, or None."""
    cycles = find_cycles(dependencies)
    return cycles[0] if cycles else None


def find_cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one (or a self edge), as ``[a, b, ..., a]``.

    Components and the node a cycle starts from follow the graph's key order, so the output is
    deterministic.
    """
    order = {node: index for index, node in enumerate(graph)}
    cycles: list[list[str]] = []
    for component in _components(graph):
        if len(component) < 2 and component[0] not in graph.get(component[0], []):
            continue
        start = min(component, key=order.__getitem__)
        cycles.append(_cycle_through(graph, start, set(component)))
    cycles.sort(key=lambda cycle: order[cycle[0]])
    return cycles


def _components(graph: Mapping[str, list[str]]) -> list[list[str]]:
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


def _cycle_through(graph: Mapping[str, list[str]], start: str, members: set[str]) -> list[str]:
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


def topological_order(dependencies: Mapping[str, list[str]]) -> list[str]:
    """Ids with every dependency before its dependents; ties keep mapping order (stable)."""
    remaining = {rid: [d for d in deps if d in dependencies] for rid, deps in dependencies.items()}
    order: list[str] = []
    placed: set[str] = set()
    while remaining:
        ready = [rid for rid, deps in remaining.items() if all(d in placed for d in deps)]
        if not ready:
            raise ValueError("cycle in dependencies")
        for rid in ready:
            order.append(rid)
            placed.add(rid)
            del remaining[rid]
    return order


def depths(dependencies: Mapping[str, list[str]]) -> dict[str, int]:
    """Depth of each id: 0 without dependencies, else 1 + the deepest dependency."""
    result: dict[str, int] = {}
    for rid in topological_order(dependencies):
        deps = [d for d in dependencies[rid] if d in result]
        result[rid] = 1 + max(result[d] for d in deps) if deps else 0
    return result
