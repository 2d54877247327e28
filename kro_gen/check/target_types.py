"""Whether a standalone expression's type fits the field it fills (kro's ``validateExpressionType``).

kro accepts a value when CEL's nominal assignability holds or when the types are structurally
compatible (KRO-RULES §4.4): kinds must match for scalars (``int`` into ``number`` is an error, as is
``double`` into ``integer``: convert with ``double()``/``int()``), lists and maps recurse, an object
result may carry a subset of the target's fields but no extra ones, a map may fill an object when its
values fit every field, and ``optional(T)`` counts as ``T``. ``dyn`` fits anything.

Two places are more lenient than kro, on purpose (a false error is worse than a missed one):
preserve-unknown and untyped targets accept anything, and a ``date-time``/``byte``/``duration`` string
field accepts a string as well as a timestamp/bytes/duration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kro_gen.check.cel_types import CelType, schema_type, strip_optional
from kro_gen.registry.crd_schema import INT_OR_STRING, PRESERVE

if TYPE_CHECKING:
    from kro_gen.registry import SchemaRegistry

_MAX_DEPTH = 12
_SCALARS = {"integer": "int", "number": "double", "boolean": "bool"}
_STRING_FORMATS = {"date-time": "timestamp", "date": "timestamp", "byte": "bytes", "duration": "duration"}


def describe_target(node: Mapping[str, Any]) -> str:
    """How a field's schema is named in messages: ``integer``, ``string``, ``int-or-string``, ..."""
    if _union(node) is not None:
        return " or ".join(sorted(_union(node) or ()))
    kind = schema_type(node)
    if kind == "object" and isinstance(node.get("additionalProperties"), Mapping):
        return "map"
    return kind or "any value"


def _union(node: Mapping[str, Any]) -> frozenset[str] | None:
    """The scalar kinds an int-or-string/oneOf field accepts, or None when it is not a union."""
    if node.get(INT_OR_STRING) is True:
        return frozenset({"integer", "string"})
    branches = node.get("oneOf") or node.get("anyOf")
    if not isinstance(branches, list):
        return None
    kinds = {schema_type(b) for b in branches if isinstance(b, Mapping)}
    return frozenset(k for k in kinds if k) or None


def mismatch(
    value: CelType, target: Mapping[str, Any], registry: SchemaRegistry, depth: int = 0
) -> str | None:
    """Why a value of type ``value`` cannot fill a field described by ``target``; None when it can."""
    target = registry.deref(target)
    value = strip_optional(value)
    if value.is_dyn or depth > _MAX_DEPTH:
        return None
    union = _union(target)
    if union is not None:
        accepted = {"int" if k == "integer" else "double" if k == "number" else k for k in union}
        if "number" in union:  # a quantity: JSON numbers include integers
            accepted.add("int")
        return None if value.kind in accepted else _expected(describe_target(target), value)
    kind = schema_type(target)
    if kind is None or (target.get(PRESERVE) is True and not target.get("properties")):
        return None
    if kind == "string":
        allowed = {"string", _STRING_FORMATS.get(str(target.get("format")), "string")}
        return None if value.kind in allowed else _expected("string", value)
    if kind in _SCALARS:
        return None if value.kind == _SCALARS[kind] else _expected(kind, value)
    if kind == "array":
        if value.kind != "list":
            return _expected("array", value)
        items = target.get("items")
        inner = mismatch(value.elem, items, registry, depth + 1) if isinstance(items, Mapping) else None
        return f"list items: {inner}" if inner else None
    if kind == "object":
        return _object_mismatch(value, target, registry, depth)
    return None


def _object_mismatch(
    value: CelType, target: Mapping[str, Any], registry: SchemaRegistry, depth: int
) -> str | None:
    properties: Mapping[str, Any] = target.get("properties") or {}
    additional = target.get("additionalProperties")
    if value.kind == "map":
        if value.args[0].kind not in ("string", "dyn"):
            return f"map keys must be strings, got {value.args[0]}"
        fields = (
            properties.items()
            if properties
            else [("*", additional)]
            if isinstance(additional, Mapping)
            else []
        )
        for name, schema in fields:
            inner = mismatch(value.elem, schema, registry, depth + 1)
            if inner:
                return f"map values do not fit field {name!r}: {inner}"
        return None
    if value.kind != "object" or value.schema is None:
        return _expected(describe_target(target), value)
    for name in value.field_names():
        field_type = value.field(name)
        if name in properties:
            schema = properties[name]
        elif isinstance(additional, Mapping):
            schema = additional
        elif target.get(PRESERVE) is True:
            continue
        else:
            return f"field {name!r} of the value does not exist in the target"
        inner = mismatch(field_type, schema, registry, depth + 1) if field_type is not None else None
        if inner:
            return f"field {name!r}: {inner}"
    return None


def _expected(target: str, value: CelType) -> str:
    return f"expected {target}, got {value}"


def conversion_hint(value: CelType, target: Mapping[str, Any], registry: SchemaRegistry) -> str:
    """A concrete fix for a scalar mismatch (``wrap it in int(...)``), else a general one."""
    kind = schema_type(registry.deref(target))
    value = strip_optional(value)
    if kind == "string" and value.kind in ("int", "uint", "double", "bool", "timestamp", "duration"):
        return "wrap the expression in string(...)"
    if kind == "integer" and value.kind in ("double", "uint", "string"):
        return "wrap the expression in int(...)"
    if kind == "number" and value.kind in ("int", "uint", "string"):
        return "wrap the expression in double(...)"
    if kind == "boolean" and value.kind == "string":
        return 'compare instead, e.g. x == "true"'
    return "change the expression so it returns the field's type"
