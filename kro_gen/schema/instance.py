"""Instance values: check them against the spec model, as the API server would, and fill defaults.

Values are checked in their JSON form with pydantic's strict mode, because JSON is what the instance
carries: ``"3"`` is not an integer and ``true`` is not ``1``; ints stay ints. Keys the model does not
know are errors (kro would prune them silently), and a free-form ``object`` field must hold a JSON
object. ``None`` means "not set": kro has no null.

:attr:`InstanceValues.explicit` is exactly what the user set (for the instance CR).
:attr:`InstanceValues.effective` applies the defaults the way kro's CRD does, including the
``default: {}`` of objects whose children are all optional (for direct mode, which has no kro).
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from kro_gen.errors import DefinitionError, Location
from kro_gen.schema.fields import MISSING, check_acyclic, field_specs, materialises
from kro_gen.schema.shapes import TypeShape


@dataclass(frozen=True)
class InstanceValues:
    """Validated values of one instance (JSON-ready dicts keyed by kro names).

    Attributes:
        explicit: only the fields the user set, for the instance CR's ``spec``.
        effective: ``explicit`` with every default kro would apply, for direct mode.
    """

    explicit: dict[str, Any]
    effective: dict[str, Any]


def validate_instance(
    model: type[BaseModel], values: Mapping[str, Any] | BaseModel, *, location: Location
) -> InstanceValues:
    """Validate ``values`` against ``model`` and return the explicit and effective spec.

    Raises:
        DefinitionError: one error naming every bad field path (``spec.services.user.replicas: ...``),
            located at ``location`` (graph, environment).
    """
    from pydantic import ValidationError
    from pydantic_core import to_json

    check_acyclic(model)
    data = _as_json(model, values, location)
    problems = _shape_problems(model, data, "spec")
    validated: BaseModel | None = None
    try:
        validated = model.model_validate_json(to_json(data), strict=True)
    except ValidationError as error:
        problems.extend((_loc_text(e["loc"]), e["msg"]) for e in error.errors(include_url=False))
    if problems:
        unique = sorted(set(problems))
        raise DefinitionError(
            f"instance values for {model.__name__} are invalid: "
            + "; ".join(f"{path}: {message}" for path, message in unique),
            location=location,
            hint="correct these fields in the values given for this environment",
            rule="instance-values",
        )
    assert validated is not None
    explicit = validated.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)
    return InstanceValues(explicit=explicit, effective=apply_defaults(model, explicit))


def _as_json(model: type[BaseModel], values: Mapping[str, Any] | BaseModel, location: Location) -> Any:
    from pydantic_core import PydanticSerializationError, to_jsonable_python

    if isinstance(values, BaseModel):
        if not isinstance(values, model):
            raise DefinitionError(
                f"instance values are a {type(values).__name__}, not a {model.__name__}",
                location=location,
                hint=f"pass a {model.__name__} or a dict",
                rule="instance-values",
            )
        return values.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)
    if not isinstance(values, Mapping):
        raise DefinitionError(
            f"instance values must be a mapping or a {model.__name__}, not {type(values).__name__}",
            location=location,
            rule="instance-values",
        )
    try:
        return to_jsonable_python(values, by_alias=True)
    except PydanticSerializationError as error:
        raise DefinitionError(
            f"instance values must be plain data (str, numbers, bools, lists, dicts): {error}",
            location=location,
            hint="expressions belong in the resource graph, not in instance values",
            rule="instance-values",
        ) from None


def _loc_text(loc: tuple[int | str, ...]) -> str:
    text = "spec"
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _shape_problems(model: type[BaseModel], data: Any, path: str) -> list[tuple[str, str]]:
    """Unknown keys and non-object values for ``object`` fields (pydantic reports the rest)."""
    if not isinstance(data, dict):
        return []
    specs = {spec.wire: spec for spec in field_specs(model)}
    by_name = model.model_config.get("populate_by_name") or model.model_config.get("validate_by_name")
    if by_name:
        specs.update({spec.name: spec for spec in list(specs.values())})
    problems: list[tuple[str, str]] = []
    for key, value in data.items():
        spec = specs.get(key)
        if spec is None:
            problems.append((f"{path}.{key}", _unknown(model, key)))
        else:
            problems.extend(_value_problems(spec.shape, value, f"{path}.{key}"))
    return problems


def _value_problems(shape: TypeShape, value: Any, path: str) -> list[tuple[str, str]]:
    if shape.kind == "model" and shape.model is not None:
        return _shape_problems(shape.model, value, path)
    if shape.kind == "object" and value is not None and not isinstance(value, dict):
        return [(path, "a kro `object` field holds a JSON object (a dict)")]
    problems: list[tuple[str, str]] = []
    if shape.item is not None and isinstance(value, list) and shape.kind == "list":
        for index, item in enumerate(value):
            problems.extend(_value_problems(shape.item, item, f"{path}[{index}]"))
    elif shape.item is not None and isinstance(value, dict) and shape.kind == "map":
        for key, item in value.items():
            problems.extend(_value_problems(shape.item, item, f"{path}.{key}"))
    return problems


def _unknown(model: type[BaseModel], key: str) -> str:
    specs = field_specs(model)
    for spec in specs:
        if spec.name == key:
            return f"unknown field; kro names it {spec.wire!r}"
    close = difflib.get_close_matches(key, [spec.wire for spec in specs], n=1, cutoff=0.6)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{model.__name__} has no field {key!r}{suggestion}"


def apply_defaults(model: type[BaseModel], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (JSON, kro names) with the defaults kro's CRD would apply, in model field order."""
    check_acyclic(model)
    out: dict[str, Any] = {}
    for spec in field_specs(model):
        if spec.wire in data:
            out[spec.wire] = _fill(spec.shape, data[spec.wire])
        elif spec.default is not MISSING:
            out[spec.wire] = _fill(spec.shape, copy.deepcopy(spec.default))
        elif spec.shape.kind == "model" and spec.shape.model is not None and materialises(spec.shape.model):
            out[spec.wire] = apply_defaults(spec.shape.model, {})
    return out


def _fill(shape: TypeShape, value: Any) -> Any:
    if shape.kind == "model" and shape.model is not None and isinstance(value, Mapping):
        return apply_defaults(shape.model, value)
    if shape.kind == "list" and shape.item is not None and isinstance(value, list):
        return [_fill(shape.item, item) for item in value]
    if shape.kind == "map" and shape.item is not None and isinstance(value, Mapping):
        return {key: _fill(shape.item, item) for key, item in value.items()}
    return value
