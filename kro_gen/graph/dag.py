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
    """A cycle as a path ``[a, b, a]``, or None. Deterministic: ids are visited in mapping order."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in dependencies.get(node, []):
            if target not in dependencies:
                continue
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if state.get(target) is None:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in dependencies:
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


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
