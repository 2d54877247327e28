"""The ``spec.resources`` of an RGD document, read for direct mode: parsed entries and dependencies.

Dependencies are what kro derives too: every resource id an expression of a resource uses
(template, externalRef, includeWhen, forEach). Self references, unknown identifiers and cycles are
errors here, before anything is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kro_gen.emit.direct_eval import Context, Field, parse_fields
from kro_gen.errors import DefinitionError, Location
from kro_gen.expr.nodes import free_identifiers
from kro_gen.graph.dag import find_cycle


@dataclass(frozen=True)
class ParsedResource:
    """One ``spec.resources`` entry with its ``${}`` strings parsed.

    Exactly one of ``template`` and ``external`` is set; ``fields`` are the strings of that one
    holding ``${}``, by path (``template.spec.replicas``).
    """

    id: str
    template: Mapping[str, Any] | None
    external: Mapping[str, Any] | None
    include_when: tuple[Field, ...]
    for_each: tuple[tuple[str, Field], ...]
    fields: Mapping[str, Field]

    def expression_fields(self) -> list[Field]:
        """Every field with an expression: includeWhen, forEach, then template/externalRef."""
        return [*self.include_when, *(f for _, f in self.for_each), *self.fields.values()]


def parse_resources(entries: list[Any], context: Context) -> dict[str, ParsedResource]:
    """The entries by id, in document order; a malformed entry is a DefinitionError."""
    resources: dict[str, ParsedResource] = {}
    for position, entry in enumerate(entries):
        where = context.location(None, f"spec.resources[{position}]")
        rid = entry.get("id") if isinstance(entry, Mapping) else None
        if not isinstance(rid, str) or not rid:
            raise DefinitionError("a resource has no id", location=where, rule="direct-resource-shape")
        where = context.location(rid, None)
        if rid in resources:
            raise DefinitionError(
                f"two resources have the id {rid!r}", location=where, rule="direct-resource-shape"
            )
        template, external = entry.get("template"), entry.get("externalRef")
        if (template is None) == (external is None):
            raise DefinitionError(
                "a resource needs exactly one of template and externalRef",
                location=where,
                rule="direct-resource-shape",
            )
        body = template if template is not None else external
        if not isinstance(body, Mapping):
            raise DefinitionError(
                "template/externalRef must be a map", location=where, rule="direct-resource-shape"
            )
        conditions = parse_fields(list(entry.get("includeWhen") or []), "includeWhen", where)
        resource = ParsedResource(
            id=rid,
            template=template,
            external=external,
            include_when=tuple(conditions.values()),
            for_each=_for_each(entry.get("forEach") or [], where),
            fields=parse_fields(body, "template" if template is not None else "externalRef", where),
        )
        _require_standalone(resource, where)
        resources[rid] = resource
    return resources


def _for_each(dimensions: list[Any], where: Location) -> tuple[tuple[str, Field], ...]:
    result: list[tuple[str, Field]] = []
    for position, dimension in enumerate(dimensions):
        if not isinstance(dimension, Mapping) or len(dimension) != 1:
            raise DefinitionError(
                "each forEach entry must be a map with one key: {iterator: ${list}}",
                location=Location(path=f"forEach[{position}]").merged(where),
                rule="direct-resource-shape",
            )
        ((name, text),) = dimension.items()
        path = f"forEach[{position}].{name}"
        parsed = parse_fields(text, path, where)
        if path not in parsed:
            raise DefinitionError(
                f"forEach {name!r} must be a ${{}} expression, got {text!r}",
                location=Location(path=path).merged(where),
                rule="direct-resource-shape",
            )
        result.append((str(name), parsed[path]))
    return tuple(result)


def _require_standalone(resource: ParsedResource, where: Location) -> None:
    for found in [*resource.include_when, *(f for _, f in resource.for_each)]:
        if not found.standalone:
            raise DefinitionError(
                f"{found.text!r} must be exactly one ${{...}} expression",
                location=Location(path=found.path).merged(where),
                hint="kro allows only standalone expressions in includeWhen and forEach",
                rule="direct-standalone",
            )


def resource_dependencies(resources: Mapping[str, ParsedResource], context: Context) -> dict[str, list[str]]:
    """Resource id -> ids its expressions use, in first-use order.

    Raises:
        DefinitionError: a self reference, an identifier that is neither ``schema``, a resource id
            nor (in a template) one of the resource's iterators, or a cycle (with its path).
    """
    dependencies = {rid: _edges(resource, resources, context) for rid, resource in resources.items()}
    cycle = find_cycle(dependencies)
    if cycle:
        raise DefinitionError(
            "the resources form a cycle: " + " -> ".join(cycle),
            location=context.location(cycle[0], None),
            hint="break the cycle: one of these resources must not reference the next",
            rule="cycle",
        )
    return dependencies


def _edges(resource: ParsedResource, resources: Mapping[str, ParsedResource], context: Context) -> list[str]:
    iterators = {name for name, _ in resource.for_each}
    edges: dict[str, None] = {}
    for found in resource.expression_fields():
        allowed = {"schema", *iterators} if found.path.startswith("template") else {"schema"}
        names = [name for node in found.expressions() for name in free_identifiers(node)]
        for name in names:
            where = context.location(resource.id, found.path)
            if name == resource.id:
                raise DefinitionError(
                    f"resource {resource.id!r} refers to itself in {found.text!r}",
                    location=where,
                    hint="kro rejects self references; compute the value from schema.spec instead",
                    rule="self-reference",
                )
            if name in resources:
                edges.setdefault(name, None)
            elif name not in allowed:
                raise DefinitionError(
                    f"{found.text!r} references the unknown identifier {name!r}",
                    location=where,
                    hint="use schema, a resource id, or (in a template) the resource's forEach iterators",
                    rule="unknown-identifier",
                )
    return list(edges)
