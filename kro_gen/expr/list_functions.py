"""kro's list and map CEL functions for cel-python: cel-go ``ext.Lists``, Kubernetes ``Lists``,
kro's ``lists.setAtIndex/insertAtIndex/removeAtIndex`` and ``<map>.merge(map)``.

Behaviour and error texts follow kro v0.9.3 (cel-go v0.27): ``slice`` refuses negative or
out-of-range bounds, ``flatten`` takes a depth, ``sort``/``isSorted``/``max`` need one comparable
element type, ``distinct`` keeps the first of equal elements, ``sum`` of an empty list is ``0``.
"""

from __future__ import annotations

import itertools
from typing import Any

from celpy import celtypes
from celpy.evaluation import CELEvalError

from kro_gen.expr.celpy_ops import add, equal, fail, is_a, python_value

Value = Any


def _sort_key_kind(items: list[Value], function: str) -> CELEvalError | None:
    kinds = {type(item) for item in items}
    if len(kinds) > 1 or any(isinstance(item, celtypes.ListType | celtypes.MapType) for item in items):
        return fail(f"{function}() needs elements of one comparable type")
    return None


def slice_(items: Value, start: Value, end: Value) -> Value:
    if not isinstance(items, celtypes.ListType):
        raise TypeError("slice(list, int, int)")
    low, high = int(start), int(end)
    if low < 0 or high < 0:
        return fail(f"cannot slice({low}, {high}), negative indexes not supported")
    if low > high:
        return fail(f"cannot slice({low}, {high}), start index must be less than or equal to end index")
    if high > len(items):
        return fail(f"cannot slice({low}, {high}), list is length {len(items)}")
    return celtypes.ListType(items[low:high])


def flatten(items: Value, depth: Value = None) -> Value:
    if not isinstance(items, celtypes.ListType):
        raise TypeError("flatten(list[, int])")
    levels = 1 if depth is None else int(depth)
    if levels < 0:
        return fail("level must be non-negative")
    result = list(items)
    for _ in range(levels):
        flat: list[Value] = []
        for item in result:
            flat.extend(item if isinstance(item, celtypes.ListType) else [item])
        result = flat
    return celtypes.ListType(result)


def sort(items: Value) -> Value:
    if not isinstance(items, celtypes.ListType):
        raise TypeError("sort(list)")
    problem = _sort_key_kind(list(items), "sort")
    return problem or celtypes.ListType(sorted(items, key=python_value))


def sort_by_keys(items: Value, keys: Value) -> Value:
    problem = _sort_key_kind(list(keys), "sortBy")
    if problem:
        return problem
    order = sorted(range(len(items)), key=lambda i: python_value(keys[i]))
    return celtypes.ListType(items[i] for i in order)


def distinct(items: Value) -> Value:
    if not isinstance(items, celtypes.ListType):
        raise TypeError("distinct(list)")
    kept: list[Value] = []
    for item in items:
        if not any(equal(item, seen) for seen in kept):
            kept.append(item)
    return celtypes.ListType(kept)


def lists_range(count: Value) -> Value:
    if not is_a(count, celtypes.IntType):
        raise TypeError("lists.range(int)")
    return celtypes.ListType(celtypes.IntType(i) for i in range(int(count)))


def is_sorted(items: Value) -> Value:
    problem = _sort_key_kind(list(items), "isSorted")
    values = [python_value(item) for item in items]
    return problem or celtypes.BoolType(all(a <= b for a, b in itertools.pairwise(values)))


def sum_(items: Value) -> Value:
    if not isinstance(items, celtypes.ListType):
        raise TypeError("sum(list)")
    if not items:
        return celtypes.IntType(0)
    total = items[0]
    for item in items[1:]:
        total = add(total, item)
        if isinstance(total, CELEvalError):
            return total
    return total


def max_(items: Value) -> Value:
    if not isinstance(items, celtypes.ListType) or not items:
        return fail("max called on an empty list")
    problem = _sort_key_kind(list(items), "max")
    return problem or max(items, key=python_value)


def _list_index(items: Value, index: Value, function: str, *, inclusive: bool = False) -> CELEvalError | None:
    if not isinstance(items, celtypes.ListType):
        return fail(f"{function}: first argument must be a list")
    if not is_a(index, celtypes.IntType):
        return fail(f"{function}: index must be an integer")
    limit = len(items) + (1 if inclusive else 0)
    if not 0 <= index < limit:
        bracket = "]" if inclusive else ")"
        return fail(f"{function}: index {index} out of bounds [0, {len(items)}{bracket}")
    return None


def set_at_index(items: Value, index: Value, value: Value) -> Value:
    problem = _list_index(items, index, "lists.setAtIndex")
    return problem or celtypes.ListType([*items[:index], value, *items[index + 1 :]])


def insert_at_index(items: Value, index: Value, value: Value) -> Value:
    problem = _list_index(items, index, "lists.insertAtIndex", inclusive=True)
    return problem or celtypes.ListType([*items[:index], value, *items[index:]])


def remove_at_index(items: Value, index: Value) -> Value:
    problem = _list_index(items, index, "lists.removeAtIndex")
    return problem or celtypes.ListType([*items[:index], *items[index + 1 :]])


def merge(left: Value, right: Value) -> Value:
    """kro's ``a.merge(b)``: keys of both; where both have a key, ``b`` wins."""
    if not isinstance(left, celtypes.MapType) or not isinstance(right, celtypes.MapType):
        raise TypeError("merge(map, map)")
    return celtypes.MapType({**left, **right})
