"""What a resources builder returns, turned into ``{id: resource}``.

A builder returns one of:

- a dict ``{id: resource}``;
- a list of resources (ids derived from kind and name: ``user-service`` Deployment →
  ``userServiceDeployment``);
- a typed object, a ``NamedTuple`` or a dataclass whose fields are resources. The field name is the
  id; a field holding another such object (a group) contributes its fields with the names joined in
  camelCase (``user: Backend`` with ``deployment`` → ``userDeployment``), a dict field likewise with its
  keys, and a field that is ``None`` is no resource. The status builder then receives the same
  object, so ``r.user.deployment.status.readyReplicas`` is typed by the type checker.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from kro_gen.errors import DefinitionError, Location
from kro_gen.graph.ids import derive_id, require_valid_id
from kro_gen.graph.resource import Resource


def is_group(value: object) -> bool:
    """Whether ``value`` is a typed object of resources (a NamedTuple or dataclass instance)."""
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return True
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _group_fields(group: object) -> list[tuple[str, object]]:
    if isinstance(group, tuple):
        return list(zip(type(group)._fields, group, strict=True))  # type: ignore[attr-defined]
    return [(f.name, getattr(group, f.name)) for f in dataclasses.fields(group)]  # type: ignore[arg-type]


def _join(prefix: str, name: str) -> str:
    if not prefix:
        return name
    return prefix + name[:1].upper() + name[1:]


def _flatten(value: object, prefix: str, path: str) -> Iterator[tuple[str, Resource]]:
    if value is None:
        return
    if isinstance(value, Resource):
        yield prefix, value
    elif is_group(value):
        for name, item in _group_fields(value):
            yield from _flatten(item, _join(prefix, name), f"{path}.{name}" if path else name)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _flatten(item, _join(prefix, str(key)), f"{path}[{key!r}]")
    else:
        raise DefinitionError(
            f"the resources builder returned {type(value).__name__} at {path}, not a resource",
            location=Location(resource=prefix or None),
            hint="fields of the returned object hold resources, groups of resources (a NamedTuple or "
            "dataclass), dicts of them, or None",
            rule="resources-builder",
        )


def returned_items(returned: object) -> list[tuple[str | None, Any]]:
    """``(id or None, value)`` for each returned item, in order (None: derive the id)."""
    if is_group(returned):
        return list(_flatten(returned, "", ""))
    if isinstance(returned, Mapping):
        return list(returned.items())
    if isinstance(returned, list | tuple):
        return [(None, r) for r in returned]
    raise DefinitionError(
        f"the resources builder returned {type(returned).__name__}",
        hint="return a dict {id: resource}, a list of resources, or a NamedTuple/dataclass of resources",
        rule="resources-builder",
    )


def name_resources(returned: object) -> dict[str, Resource]:
    """Give every returned resource its id and check ids are valid and unique."""
    resources: dict[str, Resource] = {}
    for key, resource in returned_items(returned):
        if not isinstance(resource, Resource):
            raise DefinitionError(
                f"the resources builder returned {type(resource).__name__} under {key!r}, not a resource",
                location=Location(resource=key),
                hint="return resources made with kro_gen.k8s builders or k8s.resource(...)",
                rule="resources-builder",
            )
        # Before the id checks: the first pass already gave this object its id.
        first = next((rid for rid, seen in resources.items() if seen is resource), None)
        if first is not None:
            where = f"under both {first!r} and {key!r}" if key else f"twice in the list (as {first!r})"
            raise DefinitionError(
                f"the same resource is returned {where}",
                location=resource.location(),
                hint="return each resource once; build another resource for another id",
                rule="resource-id-unique",
            )
        resource_id = resource.id if resource.id else key
        if resource.id and key and resource.id != key:
            raise DefinitionError(
                f"resource returned under key {key!r} was given id {resource.id!r}",
                location=resource.location(),
                hint="use the same name for both, or drop id=",
                rule="resource-id-mismatch",
            )
        if resource_id is None:
            if not isinstance(resource.name, str):
                raise DefinitionError(
                    f"a {resource.kind} with a computed name needs an explicit id",
                    location=resource.location(),
                    hint="return it under a key ({'myId': resource}) or pass id='myId'",
                    rule="resource-id-missing",
                )
            resource_id = derive_id(resource.kind, resource.name)
        require_valid_id(resource_id, what="resource id", location=resource.location())
        if resource_id in resources:
            raise DefinitionError(
                f"two resources have the id {resource_id!r}",
                location=resource.location(),
                hint="give each resource a distinct id",
                rule="resource-id-unique",
            )
        resource.id = resource_id
        for iterator in resource.for_each:
            require_valid_id(iterator, what="forEach iterator", location=resource.location())
        resources[resource_id] = resource
    for resource_id, resource in resources.items():
        collisions = set(resource.for_each) & set(resources)
        if collisions:
            raise DefinitionError(
                f"forEach iterator {sorted(collisions)[0]!r} has the name of a resource id",
                location=Location(resource=resource_id),
                hint="rename the iterator",
                rule="iterator-name",
            )
    return resources


class ResourceNamespace:
    """The ``r`` argument of a status builder: ``r.userDeployment`` is the resource with that id."""

    def __init__(self, resources: Mapping[str, Resource], graph: str) -> None:
        self._resources = dict(resources)
        self._graph = graph

    def __getattr__(self, name: str) -> Resource:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> Resource:
        try:
            return self._resources[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, self._resources, n=3)
            raise DefinitionError(
                f"the status refers to resource {name!r}, which the graph does not have",
                location=Location(graph=self._graph),
                hint=f"did you mean {', '.join(close)}?"
                if close
                else f"ids are: {', '.join(self._resources)}",
                rule="unknown-resource",
            ) from None
