"""cel-python 0.5 operators and conversions corrected to CEL's rules, and the lowering helpers.

cel-python computes ``7 / 2.0`` as ``3``, accepts ``true + 1``, says ``true == 1`` and refuses
``1 < 2.0`` and ``1 == 1.0``; CEL (cel-go, so kro) has no mixed int/uint/double arithmetic but
compares numbers across types, and at runtime ``==`` between different types is false, not an
error. The replacements here are registered under cel-python's operator names (``_+_``...). ``string()`` and
``int()``/``double()`` of strings follow Go (``string(true)`` is ``"true"``, ``string(1e6)`` is
``"1e+06"``, ``int("0x10")`` is an error).

The ``kro_*`` helpers implement what :mod:`kro_gen.expr.celpy_render` lowers optional values and
two-variable macros into.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Iterable
from typing import Any

from celpy import celtypes
from celpy.evaluation import CELEvalError, base_functions

from kro_gen.expr import celpy_render
from kro_gen.expr.goformat import go_g, shortest_fixed

Value = Any
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def fail(message: str) -> CELEvalError:
    """A CEL evaluation error value carrying ``message`` (cel-python passes these along)."""
    return CELEvalError(message, ValueError, (message,))


def is_a(value: Value, *kinds: type) -> bool:
    """``isinstance`` where a CEL bool is never an int (cel-python's BoolType subclasses int)."""
    if isinstance(value, celtypes.BoolType) and celtypes.BoolType not in kinds:
        return False
    return isinstance(value, kinds)


def python_value(value: Value) -> Any:
    """A cel-python value as plain Python (for comparing and sorting)."""
    if isinstance(value, celtypes.ListType):
        return [python_value(v) for v in value]
    if isinstance(value, celtypes.MapType):
        return {python_value(k): python_value(v) for k, v in value.items()}
    if isinstance(value, celtypes.BoolType):
        return bool(value)
    if isinstance(value, celtypes.DoubleType):
        return float(value)
    if isinstance(value, int):
        return int(value)
    return value


_NUMBERS = frozenset({"int", "uint", "double"})


def equal(left: Value, right: Value) -> bool:
    """CEL runtime (heterogeneous) equality, as cel-go evaluates ``==`` on ``dyn`` values.

    Numbers compare by value across int/uint/double (``1 == 1.0``); values of different types are
    unequal, not an error (``true != 1``, ``null != 0``); lists and maps compare element-wise.
    """
    kinds = (numeric_kind(left), numeric_kind(right))
    if kinds[0] or kinds[1]:
        if kinds[0] in _NUMBERS and kinds[1] in _NUMBERS:
            return bool(python_value(left) == python_value(right))
        return kinds[0] == kinds[1] and bool(left) == bool(right)
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(equal(left[key], right[key]) for key in left)
    if isinstance(left, str) != isinstance(right, str) or isinstance(left, bytes) != isinstance(right, bytes):
        return False
    return bool(left == right)


def contains(item: Value, container: Value) -> Value:
    """CEL ``item in container``: list membership by :func:`equal`, map membership by key."""
    if isinstance(container, dict):
        return celtypes.BoolType(any(equal(item, key) for key in container))
    if isinstance(container, list):
        return celtypes.BoolType(any(equal(item, element) for element in container))
    raise TypeError(f"no such overload: in {type(container).__name__}")


def as_cel(value: Value) -> Value:
    """Plain Python results of cel-python's operators (``"a" + "b"`` is a ``str``, ``2.0 * 3.0`` a
    ``float``) as CEL values."""
    if type(value) is float:
        return celtypes.DoubleType(value)
    if type(value) is str:
        return celtypes.StringType(value)
    if type(value) is list:
        return celtypes.ListType(value)
    if type(value) is bytes:
        return celtypes.BytesType(value)
    return value


# -- operators ------------------------------------------------------------------------------------
def numeric_kind(value: Value) -> str | None:
    """``int``, ``uint``, ``double`` or ``bool`` for numbers and bools, else None."""
    if isinstance(value, celtypes.BoolType):
        return "bool"
    if isinstance(value, celtypes.UintType):
        return "uint"
    if isinstance(value, celtypes.IntType):
        return "int"
    if isinstance(value, celtypes.DoubleType):
        return "double"
    return None


def _strict(symbol: str, function: Callable[[Value, Value], Value]) -> Callable[[Value, Value], Value]:
    def checked(left: Value, right: Value) -> Value:
        kinds = (numeric_kind(left), numeric_kind(right))
        if (
            "bool" in kinds
            or (None not in kinds and kinds[0] != kinds[1])
            or (None in kinds and kinds != (None, None))
        ):
            names = " and ".join(
                kind or type(v).__name__ for kind, v in zip(kinds, (left, right), strict=True)
            )
            raise TypeError(f"no such overload: {names} {symbol}; convert with int(), uint() or double()")
        return as_cel(function(left, right))

    checked.__name__ = f"strict{symbol}"
    return checked


def _compare(function: Callable[[Value, Value], Value]) -> Callable[[Value, Value], Value]:
    def compare(left: Value, right: Value) -> Value:
        kinds = (numeric_kind(left), numeric_kind(right))
        if None not in kinds and "bool" not in kinds:
            return celtypes.BoolType(function(python_value(left), python_value(right)))
        return function(left, right)

    return compare


def _propagating(function: Callable[[Value, Value], Value]) -> Callable[[Value, Value], Value]:
    """``function`` with CEL's error rule for strict operators: an error operand is the result.

    cel-python 0.5 hands errors to operator functions as values; without this, ``1/0 == 1`` would be
    ``false`` and a missing key (data pending in kro) would turn into an overload error.
    """

    def propagate(left: Value, right: Value) -> Value:
        if isinstance(left, CELEvalError):
            return left
        if isinstance(right, CELEvalError):
            return right
        return function(left, right)

    propagate.__name__ = getattr(function, "__name__", "operator")
    return propagate


def condition(test: Value, then: Value, otherwise: Value) -> Value:
    """CEL ``test ? then : otherwise``: an error in ``test`` is the result (cel-python 0.5 turns it into
    an overload error); an error in the branch not taken is ignored."""
    if isinstance(test, CELEvalError):
        return test
    return celtypes.logical_condition(test, then, otherwise)


OPERATORS: dict[str, Callable[..., Value]] = {
    "_?_:_": condition,
    **{
        name: _propagating(function)
        for name, function in {
            "_+_": _strict("+", operator.add),
            "_-_": _strict("-", operator.sub),
            "_*_": _strict("*", operator.mul),
            "_/_": _strict("/", operator.truediv),
            "_%_": _strict("%", operator.mod),
            "_==_": lambda left, right: celtypes.BoolType(equal(left, right)),
            "_!=_": lambda left, right: celtypes.BoolType(not equal(left, right)),
            "_in_": contains,
            "_[_]": operator.getitem,
            "_<_": _compare(base_functions["_<_"]),
            "_<=_": _compare(base_functions["_<=_"]),
            "_>_": _compare(base_functions["_>_"]),
            "_>=_": _compare(base_functions["_>=_"]),
        }.items()
    },
}


def add(left: Value, right: Value) -> Value:
    """CEL ``left + right`` (for sums): mixed numeric types are an error."""
    try:
        return OPERATORS["_+_"](left, right)
    except (TypeError, ValueError) as error:
        return fail(str(error))


# -- conversions ----------------------------------------------------------------------------------
def to_string(value: Value) -> Value:
    """CEL ``string(x)`` with Go's formatting."""
    if isinstance(value, celtypes.BoolType):
        return celtypes.StringType("true" if value else "false")
    if isinstance(value, celtypes.DoubleType):
        return celtypes.StringType(go_g(float(value)))
    if isinstance(value, celtypes.BytesType):
        try:
            return celtypes.StringType(bytes(value).decode("utf-8"))
        except UnicodeDecodeError:
            return fail("invalid UTF-8 in bytes, cannot convert to string")
    if isinstance(value, celtypes.DurationType):
        return celtypes.StringType(shortest_fixed(value.total_seconds()) + "s")
    if isinstance(value, celtypes.TimestampType):
        return celtypes.StringType(value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"))
    if isinstance(value, int | str):
        return celtypes.StringType(str(int(value)) if isinstance(value, int) else value)
    raise TypeError(f"no such overload: string({type(value).__name__})")


_GO_INT = re.compile(r"[+-]?[0-9]+")
_GO_FLOAT = re.compile(
    r"[+-]?(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)


def to_int(value: Value) -> Value:
    """CEL ``int(x)``: strings are base-10 only, doubles truncate and must fit int64."""
    if isinstance(value, celtypes.StringType):
        if not _GO_INT.fullmatch(value):
            return fail(f"cannot convert {str(value)!r} to int")
        number = int(value)
    elif isinstance(value, celtypes.DoubleType):
        if value != value or value in (float("inf"), float("-inf")):
            return fail("integer overflow")
        number = int(value)
    else:
        return celtypes.IntType(value)
    return celtypes.IntType(number) if INT64_MIN <= number <= INT64_MAX else fail("integer overflow")


def to_double(value: Value) -> Value:
    """CEL ``double(x)``: strings must be plain Go float syntax."""
    if isinstance(value, celtypes.StringType) and not _GO_FLOAT.fullmatch(value):
        return fail(f"cannot convert {str(value)!r} to double")
    return celtypes.DoubleType(value)


# -- helpers the lowering introduces --------------------------------------------------------------
def present(target: Value, key: Value) -> Value:
    """Whether ``target.?key`` / ``target[?key]`` has a value: a map key, or a list index in range."""
    if isinstance(target, celtypes.MapType):
        return celtypes.BoolType(key in target)
    if isinstance(target, celtypes.ListType):
        if numeric_kind(key) not in ("int", "uint"):
            raise TypeError("a list index must be an int")
        return celtypes.BoolType(0 <= int(key) < len(target))
    raise TypeError(f"no such overload: optional access on {type(target).__name__}")


def nonzero(value: Value) -> Value:
    """Whether ``optional.ofNonZeroValue(value)`` holds a value."""
    if value is None:
        return celtypes.BoolType(False)
    if isinstance(value, celtypes.DurationType):
        return celtypes.BoolType(value.total_seconds() != 0)
    return celtypes.BoolType(bool(value))


def entries(container: Value) -> Value:
    """``[[key, value], ...]`` of a map, or ``[[index, value], ...]`` of a list."""
    pairs: Iterable[tuple[Value, Value]]
    if isinstance(container, celtypes.MapType):
        pairs = container.items()
    elif isinstance(container, celtypes.ListType):
        pairs = ((celtypes.IntType(i), v) for i, v in enumerate(container))
    else:
        raise TypeError("two-variable macros iterate a list or a map")
    return celtypes.ListType(celtypes.ListType([k, v]) for k, v in pairs)


def pairs_to_map(pairs: Value) -> Value:
    """A map from ``[[key, value], ...]`` (``transformMap``)."""
    return celtypes.MapType({pair[0]: pair[1] for pair in pairs})


def merge_entries(maps: Value) -> Value:
    """One map from single-entry maps (``transformMapEntry``); a repeated key is an error."""
    result: dict[Value, Value] = {}
    for entry in maps:
        if not isinstance(entry, celtypes.MapType):
            raise TypeError("transformMapEntry must produce maps")
        for key, value in entry.items():
            if key in result:
                return fail(f"insert failed: key {python_value(key)!r} already exists")
            result[key] = value
    return celtypes.MapType(result)


def none_value() -> Value:
    """``optional.none().value()``: always an error."""
    return fail("optional.none() dereference")


HELPERS: dict[str, Callable[..., Value]] = {
    celpy_render.PRESENT: present,
    celpy_render.NONZERO: nonzero,
    celpy_render.ENTRIES: entries,
    celpy_render.PAIRS_TO_MAP: pairs_to_map,
    celpy_render.MERGE_ENTRIES: merge_entries,
    celpy_render.NONE_VALUE: none_value,
}
