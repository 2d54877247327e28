"""The OpenAPI ``spec`` schema kro v0.9.3 generates from a SimpleSchema (``pkg/simpleschema``).

:func:`spec_openapi` turns ``spec.schema.spec``/``types`` (read by :func:`parse_simple_schema`) into
the structural schema of the generated CRD's ``spec``, marker by marker as kro's ``applyMarker`` does:

- types: ``string``/``integer``/``boolean``, ``float`` → ``number``, ``object`` → an untyped object
  with ``x-kubernetes-preserve-unknown-fields``, ``[]T`` → ``items``, ``map[string]T`` →
  ``additionalProperties``, nested maps and struct types → ``properties``;
- ``required=true`` → the parent's ``required`` list (sorted, as kro's main branch does, so the
  output is stable; v0.9.3 lists them in Go map order);
- ``default``, ``description``, ``enum``, ``minimum``/``maximum``, ``minLength``/``maxLength``,
  ``pattern``, ``minItems``/``maxItems`` as written;
- ``uniqueItems=true`` → ``x-kubernetes-list-type: set`` (kro does not write ``uniqueItems``, which
  the API server refuses in structural schemas); ``listType`` → ``x-kubernetes-list-type``;
  ``listMapKey`` → ``x-kubernetes-list-map-keys``;
- ``immutable=true`` → the rule ``self == oldSelf`` (message ``field is immutable``), ``validation=``
  → its rule with the message ``validation failed``, in marker order;
- an object with no required and some defaulted children gets ``default: {}`` (bottom up).

Fields with SimpleSchema problems are kept as far as they parse; the RGD rules report the problems.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kro_gen.schema.facts import LIST_ITEM, MAP_VALUE
from kro_gen.schema.fields import MISSING
from kro_gen.schema.parse import ParsedField, ParsedSchema, parse_simple_schema

PRESERVE = "x-kubernetes-preserve-unknown-fields"
VALIDATIONS = "x-kubernetes-validations"
LIST_TYPE = "x-kubernetes-list-type"
LIST_MAP_KEYS = "x-kubernetes-list-map-keys"

_KIND_TYPES = {"string": "string", "integer": "integer", "float": "number", "boolean": "boolean"}
_NUMBER_MARKERS = ("minimum", "maximum")
_INT_MARKERS = ("minLength", "maxLength", "minItems", "maxItems")
_TRUE = ("true", "t", "1")


def parse_section(schema_section: Mapping[str, Any]) -> ParsedSchema:
    """The parsed SimpleSchema of an RGD's ``spec.schema`` (its ``spec`` and ``types``)."""
    spec = schema_section.get("spec")
    return parse_simple_schema(spec if isinstance(spec, Mapping) else {}, schema_section.get("types"))


def spec_openapi(schema_section: Mapping[str, Any], parsed: ParsedSchema | None = None) -> dict[str, Any]:
    """The OpenAPI ``spec`` schema for an RGD's ``spec.schema`` (``parsed``: its ParsedSchema, if known)."""
    if parsed is None:
        parsed = parse_section(schema_section)
    root: dict[str, Any] = {"type": "object", "properties": {}}
    nodes: dict[tuple[str, ...], dict[str, Any]] = {(): root}
    for path, field in parsed.fields.items():
        parent = nodes.get(path[:-1])
        if parent is None:
            continue
        node = field_openapi(field)
        nodes[path] = node
        name = path[-1]
        if name == LIST_ITEM:
            parent["items"] = node
        elif name == MAP_VALUE:
            parent["additionalProperties"] = node
        else:
            parent.setdefault("properties", {})[name] = node
            if field.required:
                parent.setdefault("required", []).append(name)
    _finish(root)
    return root


def field_openapi(field: ParsedField) -> dict[str, Any]:
    """The schema node of one field, without its children."""
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
        node["default"] = copy.deepcopy(field.default)  # parsed schemas are shared (memoised)
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
        elif key == "uniqueItems" and value.lower() in _TRUE:
            node[LIST_TYPE] = "set"
        elif key == "listType":
            node[LIST_TYPE] = value
        elif key == "listMapKey":
            node.setdefault(LIST_MAP_KEYS, []).append(value)
        elif key == "immutable" and value.lower() in _TRUE:
            node.setdefault(VALIDATIONS, []).append(
                {"rule": "self == oldSelf", "message": "field is immutable"}
            )
        elif key == "validation" and value.strip():
            node.setdefault(VALIDATIONS, []).append({"rule": value, "message": "validation failed"})
    except ValueError:
        pass  # a malformed marker value: reported by the SimpleSchema rules


def _finish(node: dict[str, Any]) -> None:
    """Sort ``required`` and give objects with no required and some defaulted children ``default: {}``
    (bottom up, as kro's ``buildSchema``)."""
    for child in (node.get("properties") or {}).values():
        _finish(child)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            _finish(node[key])
    if node.get("required"):
        node["required"] = sorted(set(node["required"]))
    properties = node.get("properties") or {}
    if (
        "default" not in node
        and properties
        and not node.get("required")
        and any("default" in child for child in properties.values())
    ):
        node["default"] = {}
