"""What a Python type annotation means in kro terms: a :class:`TypeShape`.

One function, :func:`classify`, reads annotations (``int``, ``Literal["a"]``, ``list[Model]``,
``dict[str, T]``, ``set[T]``, ``Annotated[...]``, ``T | None``, enums, ``Any``) so that the schema
writer, the typed references, the facts and the instance defaulting all agree on one reading.
Anything kro cannot represent is a :class:`~kro_gen.errors.DefinitionError` naming the field.
"""

from __future__ import annotations

import collections.abc
import enum
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from kro_gen.errors import DefinitionError, Location

#: Shape kinds. ``model`` is a nested pydantic model; ``object`` is free-form JSON (``Any``, ``dict``).
SHAPE_KINDS = ("string", "integer", "float", "boolean", "object", "list", "map", "model")

_SCALARS: dict[type, str] = {str: "string", int: "integer", float: "float", bool: "boolean"}
_LISTS = (list, tuple, set, frozenset, typing.Sequence, collections.abc.Sequence)
_ANY_MAPS = (dict, typing.Mapping, collections.abc.Mapping)


@dataclass(frozen=True)
class TypeShape:
    """The kro reading of an annotation.

    Attributes:
        kind: one of :data:`SHAPE_KINDS`.
        item: the item shape of a list, or the value shape of a map.
        model: the class of a ``model`` shape.
        enum_values: allowed values (``Literal`` or ``Enum``) of a string or integer.
        enum_name: the Enum class name, when the values come from an Enum (usable as a type name).
        unique: a ``set``/``frozenset`` (``uniqueItems=true``).
        optional: the annotation allowed ``None``.
        metadata: constraint objects found in ``Annotated[...]`` at this level.
    """

    kind: str
    item: TypeShape | None = None
    model: type[BaseModel] | None = None
    enum_values: tuple[str | int, ...] | None = None
    enum_name: str | None = None
    unique: bool = False
    optional: bool = False
    metadata: tuple[Any, ...] = ()

    @property
    def is_scalar(self) -> bool:
        """string, integer, float or boolean (with or without enum values)."""
        return self.kind in ("string", "integer", "float", "boolean")


def classify(annotation: Any, where: Location) -> TypeShape:
    """Read ``annotation`` as a kro type; ``where`` names the field for errors.

    Raises:
        DefinitionError: unions other than ``T | None``, non-string map keys, mixed or non-str/int enum
            values, ``Literal[True]``, fixed-length tuples, and types kro has no counterpart for.
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        inner = classify(args[0], where)
        return replace(inner, metadata=inner.metadata + flatten_metadata(args[1:]))
    if origin in (typing.Union, types.UnionType):
        return _classify_union(args, where)
    if origin is typing.Literal:
        return _enum_shape(args, None, where)
    supertype = getattr(annotation, "__supertype__", None)  # typing.NewType
    if supertype is not None:
        return classify(supertype, where)
    if annotation is Any or annotation is object or annotation in _ANY_MAPS:
        return TypeShape("object")
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_shape(tuple(member.value for member in annotation), annotation.__name__, where)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return TypeShape("model", model=annotation)
    if annotation in _SCALARS:
        return TypeShape(_SCALARS[annotation])
    if annotation in _LISTS:
        return TypeShape("list", item=TypeShape("object"))
    if origin in _LISTS:
        return _classify_list(origin, args, where)
    if origin in _ANY_MAPS:
        return _classify_map(args, where)
    raise DefinitionError(
        f"type {_name(annotation)} has no kro SimpleSchema counterpart",
        location=where,
        hint="use str, int, float, bool, Literal/Enum, list[T], set[T], dict[str, T], a model, or Any",
        rule="schema-type",
    )


def flatten_metadata(items: Iterable[Any]) -> tuple[Any, ...]:
    """Constraint objects, with ``Field(...)`` and grouped metadata (``StringConstraints``) expanded."""
    import annotated_types

    out: list[Any] = []
    for item in items:
        if isinstance(item, FieldInfo):
            out.extend(flatten_metadata(item.metadata))
        elif isinstance(item, annotated_types.GroupedMetadata):
            out.extend(flatten_metadata(tuple(item)))
        else:
            out.append(item)
    return tuple(out)


def _classify_union(args: tuple[Any, ...], where: Location) -> TypeShape:
    members = [arg for arg in args if arg is not type(None)]
    if len(members) != 1:
        raise DefinitionError(
            f"union {' | '.join(_name(arg) for arg in args)} cannot be expressed: kro fields have one type",
            location=where,
            hint="use a single type (T or T | None), or Any for free-form JSON",
            rule="schema-union",
        )
    return replace(classify(members[0], where), optional=True)


def _enum_shape(values: tuple[Any, ...], name: str | None, where: Location) -> TypeShape:
    what = f"enum {name}" if name else "Literal"
    if values and all(isinstance(value, str) for value in values):
        return TypeShape("string", enum_values=values, enum_name=name)
    if values and all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        return TypeShape("integer", enum_values=values, enum_name=name)
    raise DefinitionError(
        f"{what} values {list(values)!r} are not all strings or all integers",
        location=where,
        hint="kro enums hold strings or integers of one kind; use bool for true/false",
        rule="schema-enum",
    )


def _classify_list(origin: Any, args: tuple[Any, ...], where: Location) -> TypeShape:
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        raise DefinitionError(
            "fixed-length tuples cannot be expressed in kro",
            location=where,
            hint="use list[T] or tuple[T, ...]",
            rule="schema-type",
        )
    item = classify(args[0], where) if args else TypeShape("object")
    return TypeShape("list", item=item, unique=origin in (set, frozenset))


def _classify_map(args: tuple[Any, ...], where: Location) -> TypeShape:
    if not args:
        return TypeShape("object")
    key, value = args
    if key is not str:
        raise DefinitionError(
            f"map keys must be str, not {_name(key)}",
            location=where,
            hint="kro maps are map[string]T; use dict[str, T]",
            rule="schema-map-key",
        )
    value_shape = classify(value, where)
    if value_shape.kind == "object":
        # dict[str, Any] is free-form JSON, exactly kro's `object`
        return TypeShape("object")
    return TypeShape("map", item=value_shape)


def _name(annotation: Any) -> str:
    name = getattr(annotation, "__name__", None)
    return name if isinstance(name, str) and not typing.get_args(annotation) else repr(annotation)


def walk_models(shape: TypeShape, visit: Callable[[type[BaseModel]], None]) -> None:
    """Call ``visit`` for every model class reachable through list items and map values of ``shape``."""
    if shape.model is not None:
        visit(shape.model)
    if shape.item is not None:
        walk_models(shape.item, visit)
