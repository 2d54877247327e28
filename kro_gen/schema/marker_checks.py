"""Checks of marker values against the field's kind, as kro v0.9.3 and the API server apply them.

:func:`check_markers` never raises: it returns the decoded facts (required, default, enum) and a
list of (rule, message) problems, for :mod:`kro_gen.schema.parse`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kro_gen.schema.markers import Marker
from kro_gen.schema.regex import go_regexp_error

_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_INTEGER = re.compile(r"^[+-]?\d+$")
_INT64 = (-(2**63), 2**63 - 1)  # kro parses integer defaults and enum values with ParseInt(v, 10, 64)
_LIST_TYPES = ("atomic", "set", "map")
_APPLIES_TO: dict[str, tuple[str, ...]] = {
    "minimum": ("integer", "float"),
    "maximum": ("integer", "float"),
    "minLength": ("string",),
    "maxLength": ("string",),
    "pattern": ("string",),
    "minItems": ("list",),
    "maxItems": ("list",),
    "uniqueItems": ("list",),
    "listType": ("list",),
    "listMapKey": ("list",),
    "enum": ("string", "integer"),
}

#: (rule, message)
Problem = tuple[str, str]


@dataclass
class MarkerFacts:
    """What the markers of one field say, plus what is wrong with them."""

    required: bool = False
    has_default: bool = False
    default: Any = None
    enum: tuple[str | int, ...] | None = None
    problems: list[Problem] = field(default_factory=list)


def check_markers(
    markers: Sequence[Marker], kind: str, item_key_ok: Callable[[str], bool | None] | None = None
) -> MarkerFacts:
    """Check ``markers`` on a field of ``kind`` (a resolved SimpleSchema kind).

    ``item_key_ok`` answers, for a list of structs, whether a ``listMapKey`` field exists and is
    required or defaulted (None when the field does not exist).
    """
    facts = MarkerFacts()
    values: dict[str, str] = {}
    for key, value in markers:
        values[key] = value
        allowed = _APPLIES_TO.get(key)
        if allowed is not None and kind not in allowed:
            facts.problems.append(
                ("marker-not-applicable", f"{key} applies to {'/'.join(allowed)} fields, not to {kind}")
            )
            continue
        _check_one(key, value, kind, facts)
    _check_list_markers(markers, values, item_key_ok, facts)
    return facts


def _check_one(key: str, value: str, kind: str, facts: MarkerFacts) -> None:
    if key in ("required", "immutable", "uniqueItems"):
        if value not in _TRUE | _FALSE:
            facts.problems.append(("marker-value", f"{key}={value!r} is not a boolean (use true or false)"))
        elif key == "required":
            facts.required = value in _TRUE
    elif key == "default":
        _check_default(value, kind, facts)
    elif key == "enum":
        _check_enum(value, kind, facts)
    elif key in ("minimum", "maximum"):
        try:
            float(value)
        except ValueError:
            facts.problems.append(("marker-value", f"{key}={value!r} is not a number"))
    elif key in ("minLength", "maxLength", "minItems", "maxItems"):
        if not _INTEGER.match(value):
            facts.problems.append(("marker-value", f"{key}={value!r} is not an integer"))
    elif key == "pattern":
        problem = go_regexp_error(value)
        if problem is not None:
            facts.problems.append(
                ("pattern-invalid", f"pattern {value!r} is not a valid Go regexp: {problem}")
            )
    elif key == "listType" and value not in _LIST_TYPES:
        facts.problems.append(("marker-value", f"listType={value!r} must be one of {', '.join(_LIST_TYPES)}"))
    elif key == "validation" and not value.strip():
        facts.problems.append(("marker-value", "validation rule is empty"))


def _check_default(value: str, kind: str, facts: MarkerFacts) -> None:
    facts.has_default = True
    if kind == "string":
        if '"' in value or "\\" in value or any(ord(char) < 32 for char in value):
            facts.problems.append(
                (
                    "default-string-escape",
                    f"string default {value!r} holds a quote, backslash or control "
                    "character; kro wraps string defaults in quotes without escaping",
                )
            )
        facts.default = value
        return
    try:
        decoded = json.loads(value)
    except ValueError:
        facts.problems.append(("default-invalid", f"default {value!r} is not valid JSON for a {kind} field"))
        return
    if not _json_fits(decoded, kind):
        facts.problems.append(("default-invalid", f"default {value!r} is not a {kind}"))
        return
    facts.default = decoded


def _json_fits(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and _INT64[0] <= value <= _INT64[1]
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, dict)  # map, struct, object


def _check_enum(value: str, kind: str, facts: MarkerFacts) -> None:
    parts = [part.strip() for part in value.split(",")]
    if any(not part for part in parts):
        facts.problems.append(("marker-value", f"enum {value!r} has an empty value"))
        return
    if kind == "integer":
        if not all(_INTEGER.match(part) and _INT64[0] <= int(part) <= _INT64[1] for part in parts):
            facts.problems.append(("marker-value", f"enum {value!r} holds a value that is not an integer"))
            return
        facts.enum = tuple(int(part) for part in parts)
    else:
        facts.enum = tuple(parts)


def _check_list_markers(
    markers: Sequence[Marker],
    values: dict[str, str],
    item_key_ok: Callable[[str], bool | None] | None,
    facts: MarkerFacts,
) -> None:
    list_type = values.get("listType")
    if values.get("uniqueItems") in _TRUE and list_type not in (None, "set"):
        facts.problems.append(("marker-conflict", f"uniqueItems=true conflicts with listType={list_type}"))
    keys = [value for key, value in markers if key == "listMapKey"]
    if keys and list_type != "map":
        facts.problems.append(("marker-conflict", "listMapKey requires listType=map"))
    if list_type == "map" and not keys:
        facts.problems.append(("marker-conflict", "listType=map needs at least one listMapKey"))
    for key in keys:
        ok = item_key_ok(key) if item_key_ok is not None else None
        if ok is None:
            facts.problems.append(("marker-value", f"listMapKey {key!r} is not a field of the list's items"))
        elif not ok:
            facts.problems.append(
                ("marker-value", f"listMapKey {key!r} must be required or defaulted in the list's items")
            )
