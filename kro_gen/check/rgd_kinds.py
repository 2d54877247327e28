"""Register the kinds RGDs generate in a :class:`~kro_gen.registry.SchemaRegistry` (RGD chaining).

kro types the status of the CRD it generates from the status expressions, and those are typed against
the kinds the RGD uses, so an RGD whose resources are another RGD's instances is registered after it.
The schema registered is :func:`kro_gen.check.rgd_openapi.instance_schema`, the same one the CRD of
:func:`kro_gen.emit.crd.crd_for_rgd` carries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kro_gen.check.rules_base import as_list, as_map
from kro_gen.errors import Location
from kro_gen.registry import SchemaRegistry, split_api_version

Gvk = tuple[str, str, str]


def rgd_kind(rgd: Mapping[str, Any]) -> Gvk | None:
    """``(group, version, kind)`` of the instances of ``rgd`` (group defaults to kro.run), or None."""
    schema = schema_section(rgd)
    version, kind, group = schema.get("apiVersion"), schema.get("kind"), schema.get("group", "kro.run")
    if not isinstance(version, str) or not isinstance(kind, str) or not isinstance(group, str):
        return None
    return group, version, kind


def schema_section(rgd: Mapping[str, Any]) -> Mapping[str, Any]:
    """``spec.schema`` of an RGD (empty when missing or malformed)."""
    return as_map(as_map(rgd.get("spec")).get("schema"))


def status_types(rgd: Mapping[str, Any], registry: SchemaRegistry, parsed: Any = None) -> Any:
    """The inferred types of the status fields of ``rgd`` (path below ``spec.schema.status`` -> type)."""
    from kro_gen.check.typecheck import analyse_types
    from kro_gen.schema.openapi import parse_section

    if parsed is None:
        parsed = parse_section(schema_section(rgd))
    return analyse_types(rgd, parsed, registry, Location()).status_types


def register_rgd(registry: SchemaRegistry, rgd: Mapping[str, Any]) -> tuple[str, str] | None:
    """Add the kind ``rgd`` generates: spec from its SimpleSchema, status as kro infers it.

    Register the kinds the RGD uses first (see :func:`register_rgds`). Returns ``(apiVersion, kind)``,
    or None when the RGD lacks ``spec.schema.apiVersion``/``kind``. Problems inside the RGD are not
    reported here (the RGD checks do that); the fields that parse are kept.
    """
    from kro_gen.schema.openapi import parse_section

    gvk = rgd_kind(rgd)
    if gvk is None:
        return None
    parsed = parse_section(schema_section(rgd))
    _register(registry, rgd, gvk, parsed, status_types(rgd, registry, parsed))
    return f"{gvk[0]}/{gvk[1]}", gvk[2]


def register_rgds(registry: SchemaRegistry, rgds: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Add the kinds several RGDs generate, inner graphs first.

    An RGD whose resources are instances of another RGD's kind (chaining) is typed against the inner
    kind's inferred status. Each kind is registered with an open status and typed lazily, the first
    time its schema is looked up (typing it looks the inner kinds up, which types them first); so a
    fleet pays for the status types only of the kinds something reads, and graphs that use each other
    in a cycle (kro refuses those) still get their spec checked. Returns the ``(apiVersion, kind)``
    pairs added.
    """
    import functools

    from kro_gen.check.rgd_openapi import instance_schema
    from kro_gen.schema.openapi import parse_section

    added = []
    for rgd, gvk in _inner_first(rgds):
        schema = schema_section(rgd)
        parsed = parse_section(schema)
        registry.register_lazy_kind(
            f"{gvk[0]}/{gvk[1]}",
            gvk[2],
            instance_schema(schema, parsed, None),
            functools.partial(_typed_schema, registry, rgd, parsed),
            namespaced=schema.get("scope", "Namespaced") != "Cluster",
            source=_source(rgd),
        )
        added.append((f"{gvk[0]}/{gvk[1]}", gvk[2]))
    return added


def _typed_schema(registry: SchemaRegistry, rgd: Mapping[str, Any], parsed: Any) -> Mapping[str, Any]:
    from kro_gen.check.rgd_openapi import instance_schema

    schema: Mapping[str, Any] = instance_schema(
        schema_section(rgd), parsed, status_types(rgd, registry, parsed)
    )
    return schema


def _source(rgd: Mapping[str, Any]) -> str:
    return f"RGD {as_map(rgd.get('metadata')).get('name') or schema_section(rgd).get('kind')}"


def _register(registry: SchemaRegistry, rgd: Mapping[str, Any], gvk: Gvk, parsed: Any, types: Any) -> None:
    from kro_gen.check.rgd_openapi import instance_schema

    schema = schema_section(rgd)
    registry.register_kind(
        f"{gvk[0]}/{gvk[1]}",
        gvk[2],
        instance_schema(schema, parsed, types),
        namespaced=schema.get("scope", "Namespaced") != "Cluster",
        source=_source(rgd),
    )


def _inner_first(rgds: Sequence[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], Gvk]]:
    """The RGDs with a kind, each after the RGDs whose kinds it uses (a cycle: in the given order)."""
    waiting = [(rgd, gvk) for rgd in rgds if (gvk := rgd_kind(rgd)) is not None]
    ordered: list[tuple[Mapping[str, Any], Gvk]] = []
    while waiting:
        pending = {gvk for _, gvk in waiting}
        ready = [item for item in waiting if not (_used_kinds(item[0]) & (pending - {item[1]}))]
        batch = ready or waiting[:1]
        ordered += batch
        waiting = [item for item in waiting if not any(item is done for done in batch)]
    return ordered


def _used_kinds(rgd: Mapping[str, Any]) -> set[Gvk]:
    """The kinds of the resources of ``rgd`` (templates and externalRefs with literal apiVersion/kind)."""
    used: set[Gvk] = set()
    for entry in as_list(as_map(rgd.get("spec")).get("resources")):
        entry = as_map(entry)
        target = as_map(entry.get("template") or entry.get("externalRef"))
        api_version, kind = target.get("apiVersion"), target.get("kind")
        if isinstance(api_version, str) and isinstance(kind, str):
            used.add((*split_api_version(api_version), kind))
    return used
