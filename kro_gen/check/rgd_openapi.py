"""The OpenAPI schema of the CRD an RGD generates, rebuilt offline (KRO-RULES §3.2, §6).

- :func:`spec_openapi` turns the SimpleSchema (read by :func:`kro_gen.schema.parse_simple_schema`)
  into the ``spec`` schema kro emits: types, ``required`` lists, defaults (including the ``default: {}``
  kro derives for objects with no required and some defaulted children), enums, bounds, patterns and
  descriptions.
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
from kro_gen.check.crd_schema import PRESERVE

_KIND_TYPES = {"string": "string", "integer": "integer", "float": "number", "boolean": "boolean"}
_NUMBER_MARKERS = ("minimum", "maximum")
_INT_MARKERS = ("minLength", "maxLength", "minItems", "maxItems")
_MAX_STATUS_DEPTH = 16


def spec_openapi(schema_section: Mapping[str, Any], parsed: Any = None) -> dict[str, Any]:
    """The OpenAPI ``spec`` schema for an RGD's ``spec.schema`` (``parsed``: its ParsedSchema, if known)."""
    if parsed is None:
        parsed = parse_section(schema_section)
    root: dict[str, Any] = {"type": "object", "properties": {}}
    nodes: dict[tuple[str, ...], dict[str, Any]] = {(): root}
    for path, field in parsed.fields.items():
        parent = nodes.get(path[:-1])
        if parent is None:
            continue
        node = _field_node(field)
        nodes[path] = node
        name = path[-1]
        if name == "[]":
            parent["items"] = node
        elif name == "{}":
            parent["additionalProperties"] = node
        else:
            parent.setdefault("properties", {})[name] = node
            if field.required:
                parent.setdefault("required", []).append(name)
    _derive_defaults(root)
    return root


def parse_section(schema_section: Mapping[str, Any]) -> Any:
    """The ParsedSchema of an RGD's ``spec.schema`` (its ``spec`` and ``types``)."""
    from kro_gen.schema import parse_simple_schema

    spec = schema_section.get("spec")
    return parse_simple_schema(spec if isinstance(spec, Mapping) else {}, schema_section.get("types"))


def _field_node(field: Any) -> dict[str, Any]:
    from kro_gen.schema import MISSING

    kind = field.kind
    node: dict[str, Any]
    if kind in _KIND_TYPES:
        node = {"type": _KIND_TYPES[kind]}
    elif kind == "list":
        node = {"type": "array"}
    elif kind == "map":
        node = {"type": "object"}
    elif kind == "struct":
        node = {"type": "object", "properties": {}}
    else:  # object: untyped
        node = {"type": "object", PRESERVE: True}
    if field.default is not MISSING:
        node["default"] = field.default
    if field.enum:
        node["enum"] = list(field.enum)
    for key, value in field.markers:
        _apply_marker(node, key, value)
    return node


def _apply_marker(node: dict[str, Any], key: str, value: str) -> None:
    try:
        if key in _NUMBER_MARKERS:
            number = float(value)
            node[key] = int(number) if number.is_integer() else number
        elif key in _INT_MARKERS:
            node[key] = int(value)
        elif key in ("pattern", "description"):
            node[key] = value
        elif key == "uniqueItems" and value.lower() in ("true", "t", "1"):
            node["uniqueItems"] = True
    except ValueError:
        pass  # a malformed marker value: reported by the SimpleSchema rules


def _derive_defaults(node: dict[str, Any]) -> None:
    """Give objects with no required and some defaulted children ``default: {}`` (bottom up, as kro)."""
    for child in (node.get("properties") or {}).values():
        _derive_defaults(child)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            _derive_defaults(node[key])
    properties = node.get("properties") or {}
    if (
        "default" not in node
        and properties
        and not node.get("required")
        and any("default" in child for child in properties.values())
    ):
        node["default"] = {}


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


def type_openapi(value: CelType, depth: int = 0) -> dict[str, Any]:
    """The OpenAPI schema kro writes for a status field of CEL type ``value``."""
    if depth > _MAX_STATUS_DEPTH:
        return {PRESERVE: True}
    simple = {
        "bool": {"type": "boolean"},
        "int": {"type": "integer"},
        "uint": {"type": "integer"},
        "double": {"type": "number"},
        "string": {"type": "string"},
        "bytes": {"type": "string", "format": "byte"},
        "timestamp": {"type": "string", "format": "date-time"},
    }.get(value.kind)
    if simple is not None:
        return simple
    if value.kind == "list":
        return {"type": "array", "items": type_openapi(value.args[0], depth + 1)}
    if value.kind == "map":
        return {"type": "object", "additionalProperties": type_openapi(value.args[1], depth + 1)}
    if value.kind == "object":
        properties = {}
        for name in value.field_names():
            field = value.field(name)
            if field is not None:
                properties[name] = type_openapi(field, depth + 1)
        return {"type": "object", "properties": properties}
    return {PRESERVE: True}


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
