"""The instance spec as kro's generated CRD would store it: SimpleSchema defaults applied.

The API server defaults a custom resource before kro sees it: a missing field with ``default=``
gets that value, and an object none of whose children is required but one of which is defaulted
gets ``{}`` (kro derives ``default: {}`` for it), after which its own children are defaulted in
turn. List items and map values are defaulted with their item schema. Direct mode has no API
server, so :func:`apply_defaults` does the same to the instance spec, and also refuses what the API
server would refuse: a missing required field, a field the schema does not have (it would be pruned
silently), a value of the wrong type or outside its enum. ``null`` counts as "not set".
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kro_gen.errors import DefinitionError, Location
from kro_gen.schema.facts import LIST_ITEM, MAP_VALUE

_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "float": (int, float),
    "boolean": (bool,),
}


def apply_defaults(
    spec_schema: Mapping[str, Any], types: Mapping[str, Any], values: Mapping[str, Any], where: Location
) -> dict[str, Any]:
    """``values`` (an instance ``spec``) with the defaults of the SimpleSchema ``spec_schema``/``types``.

    Keys come out in schema order. ``where`` locates errors (graph, environment).

    Raises:
        DefinitionError: the SimpleSchema itself is invalid, or the values break it (every problem
            is listed, each with its field path).
    """
    from kro_gen.schema import parse_simple_schema

    parsed = parse_simple_schema(dict(spec_schema), dict(types) if types else None)
    if parsed.problems:
        raise DefinitionError(
            "the RGD's SimpleSchema is invalid: " + "; ".join(str(problem) for problem in parsed.problems),
            location=where,
            hint="fix spec.schema.spec/types (kro would reject this RGD)",
            rule="simple-schema",
        )
    defaulter = _Defaulter(parsed.fields)
    result = defaulter.struct(values, (), "spec")
    if defaulter.problems:
        raise DefinitionError(
            "the instance spec does not fit the RGD's schema: " + "; ".join(defaulter.problems),
            location=where,
            hint="set required fields and correct these values in this environment's instance",
            rule="direct-instance-spec",
        )
    return result


class _Defaulter:
    def __init__(self, fields: Mapping[tuple[str, ...], Any]) -> None:
        self.fields = fields
        self.children: dict[tuple[str, ...], list[str]] = {}
        for path in fields:
            if path[-1] not in (LIST_ITEM, MAP_VALUE):
                self.children.setdefault(path[:-1], []).append(path[-1])
        self.problems: list[str] = []
        from kro_gen.schema.fields import MISSING

        self.missing = MISSING

    def struct(self, value: Mapping[str, Any], path: tuple[str, ...], text: str) -> dict[str, Any]:
        names = self.children.get(path, [])
        for key in value:
            if key not in names and value[key] is not None:
                self.problems.append(f"{text}.{key}: not in the schema (kro's API server would drop it)")
        out: dict[str, Any] = {}
        for name in names:
            child = self.fields[(*path, name)]
            current = value.get(name)
            if current is None:
                if child.default is not self.missing:  # incl. the derived `default: {}` of objects
                    current = copy.deepcopy(child.default)
                elif child.required:
                    self.problems.append(f"{text}.{name}: required, but not set")
                    continue
                else:
                    continue
            out[name] = self.value(current, (*path, name), f"{text}.{name}")
        return out

    def value(self, value: Any, path: tuple[str, ...], text: str) -> Any:
        field = self.fields[path]
        if field.kind == "struct":
            if isinstance(value, Mapping):
                return self.struct(value, path, text)
        elif field.kind == "list":
            if isinstance(value, list):
                return [self.value(item, (*path, LIST_ITEM), f"{text}[{i}]") for i, item in enumerate(value)]
        elif field.kind == "map":
            if isinstance(value, Mapping):
                return {k: self.value(v, (*path, MAP_VALUE), f"{text}.{k}") for k, v in value.items()}
        elif field.kind == "object":
            if isinstance(value, Mapping):
                return dict(value)
        elif _is_scalar(value, field.kind):
            if field.enum is not None and value not in field.enum:
                allowed = ", ".join(repr(v) for v in field.enum)
                self.problems.append(f"{text}: {value!r} is not one of {allowed}")
            return value
        self.problems.append(
            f"{text}: expected {_expected(field.kind)}, got {type(value).__name__} {value!r}"
        )
        return value


def _is_scalar(value: Any, kind: str) -> bool:
    allowed = _SCALAR_TYPES.get(kind)
    if allowed is None:
        return False
    return isinstance(value, allowed) and (kind == "boolean" or not isinstance(value, bool))


def _expected(kind: str) -> str:
    return {
        "struct": "an object",
        "object": "an object",
        "list": "a list",
        "map": "a map",
        "integer": "an integer",
    }.get(kind, f"a {kind}")
