"""The CEL types the type checker infers, and how a schema maps to them (as kro does).

A small lattice: ``string int uint double bool bytes null timestamp duration dyn``, ``list(T)``,
``map(K, V)``, ``optional(T)`` and ``object`` (a struct described by a JSON schema node, whose fields
are typed lazily so recursive schemas cost nothing). ``dyn`` is the escape hatch: it is assignable to
everything and everything to it, so an unknown type never causes an error.

The schema mapping follows kro v0.9.3 (``SchemaDeclTypeWithMetadata``): ``integer`` → int, ``number``
→ double, ``format: date-time``/``date`` → timestamp, ``duration`` → duration, int-or-string and
untyped nodes → dyn, a preserve-unknown object without properties → dyn, ``additionalProperties`` →
map. One deliberate difference: ``format: byte`` strings (Secret ``data``) are dyn, not bytes, because
kro's runtime hands them to CEL as base64 strings; dyn never reports a false error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kro_gen.registry.crd_schema import INT_OR_STRING, PRESERVE

if TYPE_CHECKING:
    from kro_gen.registry import SchemaRegistry

_NUMERIC = frozenset({"int", "uint", "double"})


@dataclass(frozen=True)
class CelType:
    """One inferred type. ``args`` holds element/key/value/inner types; ``schema`` the object's schema."""

    kind: str
    args: tuple[CelType, ...] = ()
    schema: Mapping[str, Any] | None = field(default=None, compare=False, hash=False, repr=False)
    registry: SchemaRegistry | None = field(default=None, compare=False, hash=False, repr=False)

    def __str__(self) -> str:
        if self.kind == "list":
            return f"list({self.args[0]})"
        if self.kind == "map":
            return f"map({self.args[0]}, {self.args[1]})"
        if self.kind == "optional":
            return f"optional({self.args[0]})"
        return self.kind

    @property
    def is_dyn(self) -> bool:
        """True for dyn (and null, which is assignable anywhere kro checks)."""
        return self.kind in ("dyn", "null")

    @property
    def numeric(self) -> bool:
        """True for int, uint and double."""
        return self.kind in _NUMERIC

    @property
    def elem(self) -> CelType:
        """Element type of a list, value type of a map, dyn otherwise."""
        if self.kind == "list":
            return self.args[0]
        if self.kind == "map":
            return self.args[1]
        return DYN

    def field(self, name: str) -> CelType | None:
        """The type of field ``name`` of an object (dyn for preserve-unknown extras), None if absent."""
        if self.kind != "object" or self.schema is None or self.registry is None:
            return DYN
        properties = self.schema.get("properties") or {}
        if name in properties:
            return from_schema(properties[name], self.registry)
        if self.schema.get(PRESERVE) is True:
            return DYN
        return None

    def field_names(self) -> list[str]:
        """The declared fields of an object (empty for other kinds)."""
        if self.kind != "object" or self.schema is None:
            return []
        return sorted((self.schema.get("properties") or {}).keys())


STRING = CelType("string")
INT = CelType("int")
UINT = CelType("uint")
DOUBLE = CelType("double")
BOOL = CelType("bool")
BYTES = CelType("bytes")
NULL = CelType("null")
DYN = CelType("dyn")
TIMESTAMP = CelType("timestamp")
DURATION = CelType("duration")
#: kro v0.9.3's ``kro.run.Condition`` (``runtime.newCondition``, ``runtime.condition``): four string fields.
CONDITION = CelType("condition")
CONDITION_FIELDS = ("type", "status", "reason", "message")


def list_of(elem: CelType) -> CelType:
    """``list(elem)``."""
    return CelType("list", (elem,))


def map_of(key: CelType, value: CelType) -> CelType:
    """``map(key, value)``."""
    return CelType("map", (key, value))


def optional_of(inner: CelType) -> CelType:
    """``optional(inner)``; an optional of an optional stays single."""
    return inner if inner.kind == "optional" else CelType("optional", (inner,))


def strip_optional(value: CelType) -> CelType:
    """The inner type of ``optional(T)``, else the type itself."""
    return value.args[0] if value.kind == "optional" else value


def from_schema(node: Mapping[str, Any], registry: SchemaRegistry) -> CelType:
    """The CEL type of values described by a JSON schema node (``$ref`` followed through ``registry``)."""
    node = registry.deref(node)
    if node.get(INT_OR_STRING) is True or any(k in node for k in ("oneOf", "anyOf")):
        return DYN
    kind = schema_type(node)
    if kind == "string":
        return {"date-time": TIMESTAMP, "date": TIMESTAMP, "duration": DURATION, "byte": DYN}.get(
            str(node.get("format")), STRING
        )
    if kind in ("integer", "number", "boolean"):
        return {"integer": INT, "number": DOUBLE, "boolean": BOOL}[kind]
    if kind == "array":
        items = node.get("items")
        return list_of(from_schema(items, registry) if isinstance(items, Mapping) else DYN)
    if kind == "object":
        if node.get("properties"):
            return CelType("object", schema=node, registry=registry)
        additional = node.get("additionalProperties")
        if isinstance(additional, Mapping):
            return map_of(STRING, from_schema(additional, registry))
    return DYN


def schema_type(node: Mapping[str, Any]) -> str | None:
    """The declared type of a (dereferenced) schema node, ignoring ``null``; ``object`` when only
    ``properties`` are given; None when untyped."""
    declared = node.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    if isinstance(declared, str):
        return declared
    return "object" if "properties" in node else None


def join(left: CelType, right: CelType) -> CelType | None:
    """The common type of two branches (None when they cannot meet; dyn/null give way)."""
    if left == right:
        return left
    if left.kind == "null":
        return right
    if right.kind == "null":
        return left
    if left.kind == "dyn" or right.kind == "dyn":
        return DYN
    if left.kind == right.kind and left.kind in ("list", "map", "optional"):
        parts = [join(a, b) for a, b in zip(left.args, right.args, strict=True)]
        return CelType(left.kind, tuple(p or DYN for p in parts))
    if left.kind == right.kind == "object":
        return left
    if {left.kind, right.kind} == {"object", "map"}:
        return DYN
    return None


def join_all(types: list[CelType]) -> CelType:
    """The common type of list/map literal members: dyn when they differ (as CEL does for literals)."""
    result: CelType | None = types[0] if types else DYN
    for item in types[1:]:
        result = join(result, item) if result is not None else None
    return result or DYN


def comparable(left: CelType, right: CelType) -> bool:
    """Whether ``==`` between these types type-checks (numbers compare across int/uint/double)."""
    left, right = strip_optional(left), strip_optional(right)
    if left.is_dyn or right.is_dyn or left.kind == right.kind:
        return True
    if left.numeric and right.numeric:
        return True
    return {left.kind, right.kind} == {"object", "map"}
