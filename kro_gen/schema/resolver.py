"""Typed references into a spec model, and what the model says about each field path.

:func:`spec_resolver` gives :class:`~kro_gen.expr.wrapper.Expr` its field checking:
``schema.spec.replcas`` fails at build time with "did you mean 'replicas'?", and every field carries
its CEL type, so f-strings wrap only non-strings in ``string()``. Map values (``dict[str, Model]``)
accept any key and keep the value's type.
"""

from __future__ import annotations

import difflib

from pydantic import BaseModel

from kro_gen.errors import DefinitionError, Location
from kro_gen.expr.wrapper import CelType, ChildResolver
from kro_gen.schema.facts import LIST_ITEM, MAP_VALUE, FieldFacts, cel_type_of_kind
from kro_gen.schema.fields import FieldSpec, check_acyclic, field_specs, has_default, materialises
from kro_gen.schema.shapes import TypeShape


def shape_cel_type(shape: TypeShape) -> CelType | None:
    """The CEL type hint of a shape: "string", "int", "double", "bool", "list", "map" or None."""
    return cel_type_of_kind("struct" if shape.kind == "model" else shape.kind)


def spec_resolver(model: type[BaseModel], *, path: str = "schema.spec") -> ChildResolver:
    """A resolver for ``Expr``: field name → (CEL type, resolver of that field's children).

    ``path`` is the CEL path of ``model`` itself, used in error messages.

    Raises (when called with an unknown name):
        DefinitionError: naming the model, the field path and close matches.
    """
    check_acyclic(model)

    def resolve(name: str) -> tuple[CelType | None, ChildResolver | None]:
        spec = _lookup(model, name, f"{path}.{name}")
        return shape_cel_type(spec.shape), _children(spec.shape, f"{path}.{name}")

    return resolve


def _children(shape: TypeShape, path: str) -> ChildResolver | None:
    if shape.kind == "model" and shape.model is not None:
        return spec_resolver(shape.model, path=path)
    if shape.kind == "map" and shape.item is not None:
        item = shape.item

        def resolve_value(key: str) -> tuple[CelType | None, ChildResolver | None]:
            return shape_cel_type(item), _children(item, f"{path}.{key}")

        return resolve_value
    return None


def _lookup(model: type[BaseModel], name: str, path: str) -> FieldSpec:
    specs = field_specs(model)
    for spec in specs:
        if spec.wire == name:
            return spec
    wires = [spec.wire for spec in specs]
    by_python_name = [spec.wire for spec in specs if spec.name == name]
    if by_python_name:
        hint = f"kro names this field {by_python_name[0]!r} (its alias); use that name"
    else:
        close = difflib.get_close_matches(name, wires, n=3, cutoff=0.6)
        known = f"fields of {model.__name__}: {', '.join(wires) or '(none)'}"
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? ({known})" if close else known
    raise DefinitionError(
        f"{model.__name__} has no field {name!r}",
        location=Location(path=path),
        hint=hint,
        rule="unknown-spec-field",
    )


def field_facts(model: type[BaseModel], path: tuple[str, ...]) -> FieldFacts:
    """Facts of the field at ``path`` (kro names; ``"[]"`` for list items; any key or ``"{}"`` in maps).

    Raises:
        DefinitionError: the path does not exist in ``model``.
    """
    check_acyclic(model)
    if not path:
        raise DefinitionError("an empty field path names no field", rule="unknown-spec-field")
    shape: TypeShape | None = None
    facts: FieldFacts | None = None
    text = "spec"
    current: type[BaseModel] | None = model
    for segment in path:
        if current is not None:
            spec = _lookup(current, segment, f"{text}.{segment}")
            shape, facts = (
                spec.shape,
                FieldFacts(spec.required, has_default(spec), shape_cel_type(spec.shape)),
            )
            text += f".{segment}"
        elif shape is not None and shape.item is not None and _segment_fits(shape, segment):
            shape = shape.item
            facts = _item_facts(shape)
            text += segment if segment in (LIST_ITEM, MAP_VALUE) else f".{segment}"
        else:
            raise DefinitionError(
                f"{text} has no child {segment!r}",
                location=Location(path=text),
                hint=f"list items are {LIST_ITEM!r}; map values take any key; scalars have no children",
                rule="unknown-spec-field",
            )
        current = shape.model if shape.kind == "model" else None
    assert facts is not None
    return facts


def _segment_fits(shape: TypeShape, segment: str) -> bool:
    if shape.kind == "list":
        return segment == LIST_ITEM
    return shape.kind == "map"


def _item_facts(shape: TypeShape) -> FieldFacts:
    defaulted = shape.kind == "model" and shape.model is not None and materialises(shape.model)
    return FieldFacts(required=False, has_default=defaulted, cel_type=shape_cel_type(shape))


def model_facts(model: type[BaseModel]) -> dict[tuple[str, ...], FieldFacts]:
    """Facts of every field path of ``model``, depth first in field order (``"[]"``/``"{}"`` for items)."""
    check_acyclic(model)
    out: dict[tuple[str, ...], FieldFacts] = {}
    _collect(model, (), out)
    return out


def _collect(model: type[BaseModel], prefix: tuple[str, ...], out: dict[tuple[str, ...], FieldFacts]) -> None:
    for spec in field_specs(model):
        path = (*prefix, spec.wire)
        out[path] = FieldFacts(spec.required, has_default(spec), shape_cel_type(spec.shape))
        _collect_shape(spec.shape, path, out)


def _collect_shape(shape: TypeShape, path: tuple[str, ...], out: dict[tuple[str, ...], FieldFacts]) -> None:
    if shape.kind == "model" and shape.model is not None:
        _collect(shape.model, path, out)
    elif shape.item is not None:
        item_path = (*path, LIST_ITEM if shape.kind == "list" else MAP_VALUE)
        out[item_path] = _item_facts(shape.item)
        _collect_shape(shape.item, item_path, out)
