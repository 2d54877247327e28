"""The status builder's result: every leaf an expression, matching the status model."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel

from kro_gen.errors import DefinitionError, Location
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr, lift_strings, type_of

_RESERVED_STATUS = {"state": "kro writes status.state itself"}
#: kro v0.9.3's custom conditions: ``status.conditions`` is a list of ``runtime.newCondition`` entries.
CONDITIONS = "conditions"


def _cel_type(annotation: Any) -> str | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        values = typing.get_args(annotation)
        return _cel_type(type(values[0])) if values else None
    if annotation is str:
        return "string"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "double"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "string" if issubclass(annotation, str) else None
    if origin in (list, tuple, set):
        return "list"
    if origin is dict:
        return "map"
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _without_none(annotation: Any) -> Any:
    """``T`` for ``T | None`` (and ``Optional[T]``); other annotations unchanged."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def declared_status_types(model: type[BaseModel] | None) -> dict[tuple[str, ...], str]:
    """The CEL type each leaf of the status model declares: path below ``status`` -> ``string``,
    ``int``, ``double``, ``bool``, ``list`` or ``map``.

    Leaves typed ``Any`` (or a union) declare nothing; ``T | None`` declares ``T``; ``conditions`` is
    kro's. Nested models give nested paths. The check stage compares these with the types kro infers
    for the status expressions (rule ``status-type``).
    """
    declared: dict[tuple[str, ...], str] = {}
    if model is not None:
        _declare(model, (), declared)
    return declared


def _declare(model: type[BaseModel], prefix: tuple[str, ...], declared: dict[tuple[str, ...], str]) -> None:
    for name, info in model.model_fields.items():
        if not prefix and name == CONDITIONS:
            continue
        annotation = _without_none(info.annotation)
        nested = _model_of(annotation)
        if nested is not None:
            _declare(nested, (*prefix, name), declared)
            continue
        kind = _cel_type(annotation)
        if kind is not None:
            declared[(*prefix, name)] = kind


def build_status(model: type[BaseModel] | None, returned: Any) -> dict[str, Any]:
    """Check the status builder's result against the graph's status model and return it.

    Every leaf must be an expression that references ``schema`` or a resource: kro rejects literal
    status fields, and fields that depend only on the spec are still emitted (the peer drops them).
    """
    if not isinstance(returned, Mapping):
        raise DefinitionError(
            f"the status builder returned {type(returned).__name__}, not a dict",
            hint="return {field: expression}",
            rule="status-builder",
        )
    return _walk(lift_strings(dict(returned)), model, "status")


def _walk(value: Mapping[str, Any], model: type[BaseModel] | None, path: str) -> dict[str, Any]:
    fields = model.model_fields if model is not None else None
    result: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{path}.{key}"
        if path == "status" and key in _RESERVED_STATUS:
            raise DefinitionError(
                f"status field {key!r} is reserved: {_RESERVED_STATUS[key]}",
                location=Location(path=where),
                hint="rename the field",
                rule="status-reserved",
            )
        if path == "status" and key == CONDITIONS:
            result[key] = _conditions(item)
            continue
        annotation = None
        if fields is not None:
            if key not in fields:
                raise DefinitionError(
                    f"{where} is not a field of the status model {model.__name__}",  # type: ignore[union-attr]
                    location=Location(path=where),
                    hint=f"add it to the model or remove it; fields are {', '.join(fields)}",
                    rule="status-field",
                )
            annotation = fields[key].annotation
        if isinstance(item, Mapping):
            result[key] = _walk(item, _model_of(annotation), where)
            continue
        result[key] = _leaf(item, annotation, where)
    if fields is not None:
        missing = [f for f in fields if f not in value and not (path == "status" and f == CONDITIONS)]
        if missing:
            raise DefinitionError(
                f"the status builder gives no value for {', '.join(f'{path}.{m}' for m in missing)}",
                location=Location(path=path),
                hint="return an expression for every field of the status model",
                rule="status-field",
            )
    return result


def _conditions(value: Any) -> list[Expr]:
    """``status.conditions``: a list of custom conditions, each one standalone expression (kro's rule)."""
    where = f"status.{CONDITIONS}"
    if not isinstance(value, list | tuple):
        raise DefinitionError(
            f"{where} must be a list of cel.new_condition(...) entries, got {type(value).__name__}",
            location=Location(path=where),
            hint="return 'conditions': [cel.new_condition(type='AppReady', status=ready)] "
            "(or rename the field: kro owns status.conditions)",
            rule="status-conditions",
        )
    entries: list[Expr] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, Expr) or not any(_is_runtime_call(node) for node in n.walk(entry._node)):
            raise DefinitionError(
                f"{where}[{index}] is {_describe(entry)}, not a condition: kro evaluates each entry to "
                "runtime.newCondition(...) or a list of them",
                location=Location(path=f"{where}[{index}]"),
                hint="use cel.new_condition(type=..., status=...), or cel.map_(collection, lambda x: "
                "cel.new_condition(...)) for one condition per item",
                rule="status-conditions",
            )
        entries.append(entry)
    return entries


def _is_runtime_call(node: n.Node) -> bool:
    return isinstance(node, n.Method) and isinstance(node.target, n.Ident) and node.target.name == "runtime"


def _describe(value: object) -> str:
    return "an expression" if isinstance(value, Expr) else f"the literal {value!r}"


def _leaf(item: Any, annotation: Any, where: str) -> Expr:
    if not isinstance(item, Expr):
        raise DefinitionError(
            f"{where} is the literal {item!r}; kro rejects status fields without expressions",
            location=Location(path=where),
            hint='derive it from a resource or the spec, e.g. f"http://{r.svc.metadata.name}:3000"',
            rule="status-literal",
        )
    roots = [x for x in n.walk(item._node) if isinstance(x, n.Ident | n.ResourceRoot)]
    if not roots:
        raise DefinitionError(
            f"{where} refers to neither schema nor a resource; kro rejects it",
            location=Location(path=where),
            hint="reference schema.spec, schema.metadata or a resource in the expression",
            rule="status-literal",
        )
    expected = _cel_type(annotation)
    actual = type_of(item)
    if expected and actual and expected != actual and not (expected == "double" and actual == "int"):
        raise DefinitionError(
            f"{where} is declared {expected} in the status model but the expression gives {actual}",
            location=Location(path=where),
            hint="fix the model type or convert with cel.string/cel.int_/cel.double",
            rule="status-type",
        )
    return item
