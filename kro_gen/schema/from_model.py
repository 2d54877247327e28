"""A pydantic model → kro SimpleSchema (``spec.schema.spec`` and ``spec.schema.types``).

Field by field (decisions in :mod:`kro_gen.schema.fields` and :mod:`kro_gen.schema.constraints`):
``str``→``string``, ``int``→``integer`` (never float), ``float``→``float``, ``bool``→``boolean``,
``Literal``/``Enum``→``enum="a,b"``, ``Any``/``dict``→``object``, ``list[T]``→``[]T``,
``set[T]``→``[]T | uniqueItems=true``, ``dict[str, T]``→``map[string]T``.

A nested model is written inline as a nested map when the field needs no marker (it has a default
and no description); kro cannot put markers on a nested map, so a required or described nested
model becomes a reference to a custom type named after the class (``"Database | required=true"``).
Models inside lists and maps are always custom types (never ``[]object``), and so are Enums inside
lists and maps (``Zone: string | enum="a,b"``, field ``"[]Zone"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from kro_gen.errors import DefinitionError, Location
from kro_gen.schema.fields import FIELD_NAME, FieldSpec, check_acyclic, enum_marker, field_specs
from kro_gen.schema.markers import render_field
from kro_gen.schema.shapes import TypeShape

#: kro's own type keywords, which a custom type name must not shadow.
BUILTIN_TYPES = frozenset({"string", "integer", "boolean", "float", "object"})
#: kro rejects ``[]``/``map[string]`` nesting deeper than this.
MAX_NESTING = 16


@dataclass(frozen=True)
class SimpleSchema:
    """A SimpleSchema ready for YAML: ``spec`` (model field order) and ``types`` (sorted by name)."""

    spec: dict[str, Any]
    types: dict[str, Any] = field(default_factory=dict)


def to_simple_schema(model: type[BaseModel]) -> SimpleSchema:
    """The kro SimpleSchema of ``model`` (the graph's spec model).

    Raises:
        DefinitionError: a field kro cannot express, a recursive model, or two classes with one name.
    """
    check_acyclic(model)
    writer = _Writer()
    spec = writer.struct(model)
    return SimpleSchema(spec=spec, types={name: writer.types[name] for name in sorted(writer.types)})


class _Writer:
    """Writes fields and collects the custom types they use."""

    def __init__(self) -> None:
        self.types: dict[str, Any] = {}
        self._owners: dict[str, object] = {}

    def struct(self, model: type[BaseModel]) -> dict[str, Any]:
        return {spec.wire: self.field(spec) for spec in field_specs(model)}

    def field(self, spec: FieldSpec) -> str | dict[str, Any]:
        shape = spec.shape
        if shape.kind == "model" and shape.model is not None and not spec.markers:
            return self.struct(shape.model)
        return render_field(self.type_text(shape, spec.location, depth=0), spec.markers)

    def type_text(self, shape: TypeShape, where: Location, depth: int) -> str:
        if depth > MAX_NESTING:
            raise DefinitionError(
                f"type nests lists and maps deeper than kro's limit of {MAX_NESTING}",
                location=where,
                hint="flatten the type",
                rule="schema-type",
            )
        if shape.kind == "list" and shape.item is not None:
            return "[]" + self.type_text(shape.item, where, depth + 1)
        if shape.kind == "map" and shape.item is not None:
            return "map[string]" + self.type_text(shape.item, where, depth + 1)
        if shape.kind == "model" and shape.model is not None:
            model = shape.model
            return self._register(model.__name__, model, lambda: self.struct(model), where)
        if depth > 0 and shape.enum_values is not None and shape.enum_name is not None:
            owner = ("enum", shape.kind, shape.enum_values)
            marker = enum_marker(shape, where)
            return self._register(shape.enum_name, owner, lambda: render_field(shape.kind, [marker]), where)
        return shape.kind

    def _register(self, name: str, owner: object, build: Any, where: Location) -> str:
        if name in self._owners:
            if self._owners[name] != owner:
                raise DefinitionError(
                    f"two different types are both named {name!r}; kro custom types need unique names",
                    location=where,
                    hint="rename one of the classes",
                    rule="schema-type-name",
                )
            return name
        if not FIELD_NAME.match(name) or name in BUILTIN_TYPES:
            raise DefinitionError(
                f"class name {name!r} cannot be a kro type name",
                location=where,
                hint="use a plain class name (letters, digits, '_') that is not a kro type keyword",
                rule="schema-type-name",
            )
        self._owners[name] = owner
        self.types[name] = build()
        return name
