"""The OpenAPI schema of the CRD an RGD generates, rebuilt offline (KRO-RULES §3.2, §6).

- :func:`~kro_gen.schema.openapi.spec_openapi` (in the schema layer) turns the SimpleSchema into the
  ``spec`` schema kro emits;
- :func:`status_openapi` turns inferred status types into the ``status`` schema, the way kro's
  ``inferSchemaFromCELType`` does (int → integer, double → number, list → array, map →
  additionalProperties, an object → its properties, dyn/optional → preserve-unknown).
- :func:`instance_schema` is the whole instance (spec, and the inferred status with the ``state`` and
  ``conditions`` kro always adds), for the schema registry.

Fields with SimpleSchema problems are kept as far as they parse; the RGD rules report the problems.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kro_gen.check.cel_types import CelType
from kro_gen.registry.crd_schema import PRESERVE
from kro_gen.schema.openapi import parse_section, spec_openapi

__all__ = [
    "KRO_STATUS_FIELDS",
    "instance_schema",
    "instance_status",
    "parse_section",
    "spec_openapi",
    "status_openapi",
    "type_openapi",
]

_MAX_STATUS_DEPTH = 16


def status_openapi(status_types: Mapping[tuple[str | int, ...], CelType]) -> dict[str, Any]:
    """The ``status`` schema kro infers from the types of the status expressions.

    ``status_types`` maps paths below ``spec.schema.status`` to inferred types (see
    :func:`kro_gen.check.typecheck.analyse_types`); nested maps become nested objects.
    """
    root: dict[str, Any] = {"type": "object", "properties": {}}
    for path, value in sorted(status_types.items(), key=lambda item: [str(p) for p in item[0]]):
        node = root
        for part in path[:-1]:
            node = node.setdefault("properties", {}).setdefault(
                str(part), {"type": "object", "properties": {}}
            )
        node.setdefault("properties", {})[str(path[-1])] = type_openapi(value)
    return root


_PRIMITIVES: dict[str, dict[str, Any]] = {
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "uint": {"type": "integer"},
    "double": {"type": "number"},
    "string": {"type": "string"},
    "bytes": {"type": "string", "format": "byte"},
    "null": {"description": "null type - any value allowed", PRESERVE: True},
}


def type_openapi(value: CelType, depth: int = 0, *, declared: bool = False) -> dict[str, Any]:
    """The OpenAPI schema kro writes for a status field of CEL type ``value``
    (``inferSchemaFromCELType``; ``declared``: inside a schema-typed object, where kro follows the
    declared type instead, and a timestamp, duration or optional field is preserve-unknown)."""
    if depth > _MAX_STATUS_DEPTH:
        return {PRESERVE: True}
    simple = _PRIMITIVES.get(value.kind)
    if simple is not None:
        return copy.deepcopy(simple)
    if value.kind == "list":
        return {"type": "array", "items": type_openapi(value.args[0], depth + 1, declared=declared)}
    if value.kind == "map":
        items = type_openapi(value.args[1], depth + 1, declared=declared)
        return {"type": "object", "additionalProperties": items}
    if value.kind == "object":
        properties = {}
        for name in value.field_names():
            field = value.field(name)
            if field is not None:
                properties[name] = type_openapi(field, depth + 1, declared=True)
        return {"type": "object", "properties": properties}
    if value.kind == "dyn" or declared:
        return {PRESERVE: True}
    if value.kind == "timestamp":
        return {
            "description": "Timestamp representing a creation time",
            "type": "string",
            "format": "date-time",
        }
    return {"description": f"unknown CEL type: {_cel_go_name(value)}", PRESERVE: True}


def _cel_go_name(value: CelType) -> str:
    """The type's name as cel-go prints it (``optional_type(int)``, ``google.protobuf.Duration``)."""
    if value.kind == "optional":
        return f"optional_type({_cel_go_name(value.args[0])})"
    if value.kind == "list":
        return f"list({_cel_go_name(value.args[0])})"
    if value.kind == "map":
        return f"map({_cel_go_name(value.args[0])}, {_cel_go_name(value.args[1])})"
    return {"duration": "google.protobuf.Duration", "timestamp": "google.protobuf.Timestamp"}.get(
        value.kind, value.kind
    )


#: The status fields kro adds to every generated CRD (kro's ``pkg/graph/crd`` defaults), unless the
#: inferred status already has a field of that name.
KRO_STATUS_FIELDS: dict[str, dict[str, Any]] = {
    "state": {"type": "string"},
    "conditions": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "status": {"type": "string"},
                "reason": {"type": "string"},
                "message": {"type": "string"},
                "lastTransitionTime": {"type": "string"},
                "observedGeneration": {"type": "integer"},
            },
        },
    },
}


def instance_status(status_types: Mapping[tuple[str | int, ...], CelType]) -> dict[str, Any]:
    """The ``status`` of the CRD kro generates: the inferred fields plus ``state`` and ``conditions``."""
    status = status_openapi(status_types)
    for name, node in KRO_STATUS_FIELDS.items():
        status["properties"].setdefault(name, copy.deepcopy(node))
    return status


def instance_schema(
    schema_section: Mapping[str, Any],
    parsed: Any = None,
    status_types: Mapping[tuple[str | int, ...], CelType] | None = None,
) -> dict[str, Any]:
    """The structural schema of the instances an RGD defines: its spec, and its status as kro infers it
    from ``status_types`` (see :func:`instance_status`); without ``status_types`` the status is open."""
    status = {"type": "object", PRESERVE: True} if status_types is None else instance_status(status_types)
    return {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": spec_openapi(schema_section, parsed),
            "status": status,
        },
    }
