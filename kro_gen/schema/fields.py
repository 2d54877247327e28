"""One pydantic field read once, in kro terms: :class:`FieldSpec`.

The schema writer, typed references, facts and instance defaulting all read fields through
:func:`field_specs`, so they agree on names, types, required-ness and defaults.

Mapping decisions (see also :mod:`kro_gen.schema.constraints`):

- The kro field name is the field's alias when set (kro names are wire names), else its name; it
  must be a CEL identifier.
- A field without a default is ``required=true``. ``T | None = None`` is optional with no default
  (templates read it with ``cel.default``); a ``None`` default never emits a marker. A required
  ``T | None`` (no default) is an error: kro has no null.
- Defaults are validated against the field and written as JSON (``default=3``, ``default="x"``,
  ``default=["a","b"]``); sets are sorted. String defaults cannot hold ``"``, ``\\`` or control
  characters, because kro wraps them in quotes without escaping.
- A nested model's default is not written: kro itself gives an object ``default: {}`` when none of
  its children is required and one is defaulted. A model default must therefore equal ``Model()``.
  This holds for ``Model | None = None`` too: kro has no "absent object", so such a field still
  materialises when its model has a defaulted child (the effective values say so).
"""

from __future__ import annotations

import inspect
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from kro_gen.errors import DefinitionError, Location
from kro_gen.schema.constraints import constraint_markers
from kro_gen.schema.markers import Marker, quote
from kro_gen.schema.shapes import TypeShape, classify, flatten_metadata

FIELD_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: The value of :attr:`FieldSpec.default` when kro gets no ``default=`` marker.
MISSING: Any = _Missing()


@dataclass(frozen=True)
class FieldSpec:
    """A model field as kro sees it.

    Attributes:
        name: the Python attribute name.
        wire: the kro field name (alias or name).
        shape: the kro reading of the annotation.
        required: ``required=true``.
        default: the JSON value of ``default=``, or :data:`MISSING`.
        markers: every marker of the field (required, default, enum, constraints, description).
        location: where the field is, for errors (``path`` is ``Model.field``).
    """

    name: str
    wire: str
    shape: TypeShape
    required: bool
    default: Any
    markers: tuple[Marker, ...]
    location: Location


@cache
def field_specs(model: type[BaseModel]) -> tuple[FieldSpec, ...]:
    """The fields of ``model`` in declaration order.

    Raises:
        DefinitionError: the model or one of its fields cannot be expressed in kro.
    """
    _check_model(model)
    specs = tuple(_field_spec(model, name, info) for name, info in model.model_fields.items())
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.wire in seen:
            raise DefinitionError(
                f"fields {seen[spec.wire]!r} and {spec.name!r} of {model.__name__} "
                f"share the kro name {spec.wire!r}",
                location=spec.location,
                hint="give the fields different aliases",
                rule="schema-field-name",
            )
        seen[spec.wire] = spec.name
    return specs


def has_default(spec: FieldSpec) -> bool:
    """Whether kro fills the field when omitted: a ``default=`` or an object kro defaults to ``{}``."""
    if spec.default is not MISSING:
        return True
    return spec.shape.kind == "model" and spec.shape.model is not None and materialises(spec.shape.model)


def materialises(model: type[BaseModel]) -> bool:
    """Whether kro gives an object of ``model`` ``default: {}``: no required child, one defaulted child."""
    check_acyclic(model)
    return _materialises(model)


@cache
def _materialises(model: type[BaseModel]) -> bool:
    specs = field_specs(model)
    return not any(spec.required for spec in specs) and any(has_default(spec) for spec in specs)


@cache
def check_acyclic(model: type[BaseModel]) -> None:
    """Raise when ``model`` reaches itself through its fields (kro types cannot be recursive)."""
    _visit(model, ())


def _visit(model: type[BaseModel], stack: tuple[type[BaseModel], ...]) -> None:
    if model in stack:
        cycle = " -> ".join(m.__name__ for m in (*stack[stack.index(model) :], model))
        raise DefinitionError(
            f"models refer to themselves ({cycle}); kro schemas cannot be recursive",
            location=Location(path=model.__name__),
            hint="break the cycle, e.g. type the recursive field as Any (kro `object`)",
            rule="schema-cycle",
        )
    for spec in field_specs(model):
        shape: TypeShape | None = spec.shape
        while shape is not None:
            if shape.model is not None:
                _visit(shape.model, (*stack, model))
            shape = shape.item


def _check_model(model: type[BaseModel]) -> None:
    where = Location(path=model.__name__)
    if not getattr(model, "__pydantic_complete__", True):
        raise DefinitionError(
            f"{model.__name__} refers to a type that is not defined yet",
            location=where,
            hint=f"define the referenced models first, or call {model.__name__}.model_rebuild() after them",
            rule="schema-type",
        )
    if model.model_config.get("extra") == "allow":
        raise DefinitionError(
            f"{model.__name__} allows extra fields, but kro prunes fields its schema does not name",
            location=where,
            hint="remove extra='allow' (or type a free-form field as dict[str, Any])",
            rule="schema-extra",
        )
    if model.model_computed_fields:
        names = ", ".join(sorted(model.model_computed_fields))
        raise DefinitionError(
            f"{model.__name__} has computed fields ({names}); instance specs hold inputs only",
            location=where,
            hint="compute the value in the resource graph (an expression) instead",
            rule="schema-computed",
        )


def _field_spec(model: type[BaseModel], name: str, info: FieldInfo) -> FieldSpec:
    where = Location(path=f"{model.__name__}.{name}")
    wire = _wire_name(info, name, where)
    shape = classify(info.annotation, where)
    _check_items(shape, where)
    required = info.is_required()
    if required and shape.optional:
        raise DefinitionError(
            f"field {wire!r} allows None but has no default; kro has no null values",
            location=where,
            hint="give it a default (`= None` means optional), or drop `| None` to make it required",
            rule="schema-nullable",
        )
    default = MISSING if required else _default_json(model, info, shape, where)
    markers: list[Marker] = []
    if required:
        markers.append(("required", "true"))
    if default is not MISSING:
        markers.append(("default", _default_text(shape, default, where)))
    if shape.enum_values is not None:
        markers.append(enum_marker(shape, where))
    if shape.unique:
        markers.append(("uniqueItems", "true"))
    markers.extend(constraint_markers(shape, (*flatten_metadata(info.metadata), *shape.metadata), where))
    if info.description and info.description.strip():
        markers.append(("description", quote(" ".join(info.description.split()))))
    return FieldSpec(name, wire, shape, required, default, tuple(markers), where)


def _wire_name(info: FieldInfo, name: str, where: Location) -> str:
    wire = info.serialization_alias or info.alias or name
    if info.validation_alias is not None and info.validation_alias != wire:
        raise DefinitionError(
            f"field {name!r} reads {info.validation_alias!r} but writes {wire!r}; kro has one name per field",
            location=where,
            hint="use alias= only",
            rule="schema-field-name",
        )
    if not FIELD_NAME.match(wire):
        raise DefinitionError(
            f"field name {wire!r} is not usable in CEL (must match {FIELD_NAME.pattern})",
            location=where,
            hint="rename the field or give it an alias made of letters, digits and '_'",
            rule="schema-field-name",
        )
    return wire


def _check_items(shape: TypeShape, where: Location) -> None:
    item = shape.item
    while item is not None:
        if item.optional:
            raise DefinitionError(
                "list items and map values cannot be None in kro",
                location=where,
                hint="drop `| None` from the item type",
                rule="schema-nullable",
            )
        if item.unique or constraint_markers(item, item.metadata, where):
            raise DefinitionError(
                "constraints on list items or map values cannot be written inline in kro",
                location=where,
                hint="move the constraint to a model field, or drop it",
                rule="schema-constraint",
            )
        if item.enum_values is not None and item.enum_name is None:
            raise DefinitionError(
                "Literal values inside a list or map need a type name in kro",
                location=where,
                hint="use an Enum class (its name becomes a kro type) instead of Literal[...]",
                rule="schema-enum",
            )
        item = item.item


def enum_marker(shape: TypeShape, where: Location) -> Marker:
    """The ``enum="a,b"`` marker for a string or integer shape with allowed values."""
    if not _fits_int64(list(shape.enum_values or ())):
        raise DefinitionError(
            "integer enum values must fit a signed 64-bit integer (kro parses them as int64)",
            location=where,
            hint="use smaller values, or strings",
            rule="schema-enum",
        )
    values = [str(value) for value in shape.enum_values or ()]
    for value in values:
        if "," in value or not value.strip() or value != value.strip():
            raise DefinitionError(
                f"enum value {value!r} cannot be written in kro (values are split on ',' and trimmed)",
                location=where,
                hint="use values without commas or surrounding spaces",
                rule="schema-enum",
            )
    return ("enum", quote(",".join(values)))


def _default_json(model: type[BaseModel], info: FieldInfo, shape: TypeShape, where: Location) -> Any:
    from pydantic import TypeAdapter, ValidationError
    from pydantic_core import to_jsonable_python

    value = _raw_default(info, where)
    if value is None:
        if not shape.optional and shape.kind != "object":  # Any allows None
            raise _default_error("default None for a field that does not allow None", where)
        return MISSING
    if shape.kind == "model" and shape.model is not None:
        _check_model_default(shape.model, value, where)
        return MISSING
    annotation: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    try:
        validated = TypeAdapter(annotation).validate_python(value)
    except ValidationError as error:
        reasons = "; ".join(e["msg"] for e in error.errors(include_url=False))
        raise _default_error(f"default {value!r} is not valid for the field: {reasons}", where) from None
    data = to_jsonable_python(validated, by_alias=True, exclude_none=True)
    if shape.unique and isinstance(data, list):
        data = sorted(data, key=lambda item: json.dumps(item, sort_keys=True))
    if shape.kind == "object" and not isinstance(data, dict):
        raise _default_error("a free-form (object) field's default must be a dict", where)
    return data


def _raw_default(info: FieldInfo, where: Location) -> Any:
    factory = info.default_factory
    if factory is None:
        return info.default
    if _takes_argument(factory):
        raise _default_error("a default_factory that reads other fields cannot become a kro default", where)
    return factory()  # type: ignore[call-arg]


def _takes_argument(factory: Any) -> bool:
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(p.kind in positional and p.default is inspect.Parameter.empty for p in parameters)


def _check_model_default(model: type[BaseModel], value: Any, where: Location) -> None:
    from pydantic import ValidationError

    def dump(item: Any) -> Any:
        return model.model_validate(item).model_dump(mode="json", by_alias=True, exclude_none=True)

    try:
        baseline = dump({})
    except ValidationError:
        baseline = None
    if dump(value) != baseline:
        raise _default_error(
            f"kro cannot give a whole {model.__name__} object a default; only {model.__name__}() is allowed",
            where,
            hint=f"put the defaults on the fields of {model.__name__} "
            f"and use Field(default_factory={model.__name__})",
        )


def _default_text(shape: TypeShape, value: Any, where: Location) -> str:
    if shape.kind == "string":
        if any(char in value for char in '"\\') or any(ord(char) < 32 for char in value):
            raise _default_error(
                f"string default {value!r} holds a quote, backslash or control character, which kro "
                "cannot carry (it wraps defaults in quotes without escaping)",
                where,
            )
        return quote(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _default_error(f"default {value!r} is not a finite number", where)
    if _holds_integers(shape) and not _fits_int64(value):
        raise _default_error(
            f"default {value!r} holds an integer outside the 64-bit range (kro parses integers as int64)",
            where,
        )
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as error:
        raise _default_error(f"default cannot be written as JSON: {error}", where) from None


def _holds_integers(shape: TypeShape) -> bool:
    """An ``integer``, or lists and maps of them (free-form ``object`` values are not typed)."""
    while shape.item is not None:
        shape = shape.item
    return shape.kind == "integer"


def _fits_int64(value: Any) -> bool:
    """Whether every integer in ``value`` (a JSON value) fits a signed 64-bit integer."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    if isinstance(value, dict):
        return all(_fits_int64(item) for item in value.values())
    if isinstance(value, list):
        return all(_fits_int64(item) for item in value)
    return True


def _default_error(message: str, where: Location, hint: str | None = None) -> DefinitionError:
    return DefinitionError(
        message,
        location=where,
        hint=hint or "change the default so kro can write it",
        rule="schema-default",
    )
