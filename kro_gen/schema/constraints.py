"""Field constraints (``Field(ge=...)``, ``Annotated[..., MaxLen(3)]``...) → kro markers.

kro has no exclusive bounds. On integers ``gt=n``/``lt=n`` become ``minimum=n+1``/``maximum=n-1``
(any numeric bound is rounded to the nearest integer inside it, so ``ge=0.5`` is ``minimum=1``).
On floats ``ge``/``le`` become ``minimum``/``maximum`` and ``gt``/``lt`` become a
``validation="self > n"`` rule, which keeps the exact meaning. ``multiple_of`` on integers is
``validation="self % n == 0"``. ``min_length``/``max_length`` are ``minLength``/``maxLength`` on
strings and ``minItems``/``maxItems`` on lists. Value transforms (``strip_whitespace``...),
``strict`` and pydantic validator functions only act when kro-gen validates instance values.
Anything else is an error: a constraint is never dropped silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kro_gen.errors import DefinitionError, Location
from kro_gen.schema.markers import Marker, quote
from kro_gen.schema.regex import go_regexp_error
from kro_gen.schema.shapes import TypeShape


@dataclass(frozen=True)
class SchemaMarkers:
    """kro markers pydantic has no word for; put one in ``Annotated[T, SchemaMarkers(...)]``.

    Attributes:
        immutable: the field cannot change once the instance exists (``immutable=true``).
        validation: CEL rules over ``self`` the API server checks (one ``validation=`` marker each).
    """

    immutable: bool = False
    validation: tuple[str, ...] = ()


_NUMERIC = ("gt", "ge", "lt", "le", "multiple_of")
_LENGTHS = ("min_length", "max_length")
_READ = (*_NUMERIC, *_LENGTHS, "pattern")
#: Build-time only: they shape or check values kro-gen writes, and have no kro counterpart.
_BUILD_TIME_ONLY = (
    "strict",
    "allow_inf_nan",
    "strip_whitespace",
    "to_upper",
    "to_lower",
    "fail_fast",
    "union_mode",
    "coerce_numbers_to_str",
)
_UNSUPPORTED = ("max_digits", "decimal_places", "ascii_only")


def constraint_markers(shape: TypeShape, metadata: Iterable[Any], where: Location) -> list[Marker]:
    """The markers for ``metadata`` on a field of ``shape`` (values already quoted where needed).

    Raises:
        DefinitionError: a constraint that does not fit the type, cannot be expressed, or a bad pattern.
    """
    found: dict[str, list[Any]] = {}
    extra: list[SchemaMarkers] = []
    for item in metadata:
        if isinstance(item, SchemaMarkers):
            extra.append(item)
            continue
        if _is_validator(item):
            continue
        values = _read(item, where)
        for key, value in values.items():
            found.setdefault(key, []).append(value)
    markers = _numeric_markers(shape, found, where) + _length_markers(shape, found, where)
    if "pattern" in found:
        markers.append(("pattern", _pattern(shape, found["pattern"][-1], where)))
    for item in extra:
        if item.immutable:
            markers.append(("immutable", "true"))
        markers.extend(("validation", quote(rule)) for rule in _rules(item, where))
    return markers


def _is_validator(item: object) -> bool:
    return type(item).__module__ == "pydantic.functional_validators"


def _read(item: object, where: Location) -> dict[str, Any]:
    values = {key: getattr(item, key) for key in _READ if getattr(item, key, None) is not None}
    unsupported = [key for key in _UNSUPPORTED if getattr(item, key, None) not in (None, False)]
    if unsupported:
        raise _error(f"constraint {', '.join(unsupported)} has no kro marker", where)
    known = values or any(getattr(item, key, None) is not None for key in _BUILD_TIME_ONLY)
    if not known:
        raise _error(f"constraint {item!r} has no kro marker", where)
    return values


def _numeric_markers(shape: TypeShape, found: dict[str, list[Any]], where: Location) -> list[Marker]:
    present = [key for key in _NUMERIC if key in found]
    if not present:
        return []
    if shape.kind not in ("integer", "float"):
        raise _error(f"{', '.join(present)} only applies to numbers, not to a {shape.kind} field", where)
    if shape.kind == "integer":
        return _integer_bounds(found, where)
    return _float_bounds(found, where)


def _integer_bounds(found: dict[str, list[Any]], where: Location) -> list[Marker]:
    lows = [math.ceil(v) for v in found.get("ge", [])] + [math.floor(v) + 1 for v in found.get("gt", [])]
    highs = [math.floor(v) for v in found.get("le", [])] + [math.ceil(v) - 1 for v in found.get("lt", [])]
    low, high = (max(lows) if lows else None), (min(highs) if highs else None)
    if low is not None and high is not None and low > high:
        raise _error(f"no integer satisfies the bounds (minimum {low} > maximum {high})", where)
    markers: list[Marker] = []
    if low is not None:
        markers.append(("minimum", str(low)))
    if high is not None:
        markers.append(("maximum", str(high)))
    for step in found.get("multiple_of", []):
        if step != int(step) or int(step) == 0:
            raise _error(f"multiple_of={step!r} on an integer must be a non-zero integer", where)
        markers.append(("validation", quote(f"self % {int(step)} == 0")))
    return markers


def _float_bounds(found: dict[str, list[Any]], where: Location) -> list[Marker]:
    if "multiple_of" in found:
        raise _error("multiple_of on a float has no kro marker (CEL has no modulo on doubles)", where)
    markers: list[Marker] = []
    if "ge" in found:
        markers.append(("minimum", _number(max(found["ge"]), where)))
    if "le" in found:
        markers.append(("maximum", _number(min(found["le"]), where)))
    for op, key in ((">", "gt"), ("<", "lt")):
        for bound in found.get(key, []):
            markers.append(("validation", quote(f"self {op} {_number(float(bound), where)}")))
    return markers


def _number(value: float, where: Location) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _error(f"bound {value!r} is not a finite number", where)
        return repr(value)
    return str(value)


def _length_markers(shape: TypeShape, found: dict[str, list[Any]], where: Location) -> list[Marker]:
    present = [key for key in _LENGTHS if key in found]
    if not present:
        return []
    names = {"string": ("minLength", "maxLength"), "list": ("minItems", "maxItems")}.get(shape.kind)
    if names is None:
        raise _error(
            f"{', '.join(present)} only applies to strings and lists, not to a {shape.kind} field", where
        )
    markers: list[Marker] = []
    if "min_length" in found:
        markers.append((names[0], str(max(found["min_length"]))))
    if "max_length" in found:
        markers.append((names[1], str(min(found["max_length"]))))
    return markers


def _pattern(shape: TypeShape, pattern: Any, where: Location) -> str:
    if shape.kind != "string":
        raise _error(f"pattern only applies to strings, not to a {shape.kind} field", where)
    text = pattern if isinstance(pattern, str) else getattr(pattern, "pattern", str(pattern))
    problem = go_regexp_error(text)
    if problem is not None:
        raise DefinitionError(
            f"pattern {text!r} is not a valid Go regexp: {problem}",
            location=where,
            hint="kro compiles patterns with Go's RE2 engine; rewrite without lookarounds or backreferences",
            rule="schema-pattern",
        )
    return quote(text)


def _rules(item: SchemaMarkers, where: Location) -> tuple[str, ...]:
    rules = (item.validation,) if isinstance(item.validation, str) else item.validation
    for rule in rules:
        if not rule.strip():
            raise _error("SchemaMarkers(validation=...) holds an empty rule", where)
    return rules


def _error(message: str, where: Location) -> DefinitionError:
    return DefinitionError(
        message,
        location=where,
        hint="use constraints kro can express: ge/le/gt/lt, min_length/max_length, pattern, or SchemaMarkers",
        rule="schema-constraint",
    )
