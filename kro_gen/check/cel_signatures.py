"""Result types of the functions and methods kro v0.9.3's CEL environment offers (KRO-RULES §4.3).

Only what the type checker needs: what each call returns, and which receiver kinds a method accepts
(so ``schema.spec.replicas.lowerAscii()`` is caught). Whether a function exists at all is the
expression rules' business (:mod:`kro_gen.expr.functions`); an unknown one is simply ``dyn`` here.
"""

from __future__ import annotations

from collections.abc import Callable

from kro_gen.check.cel_types import (
    BOOL,
    BYTES,
    DOUBLE,
    DURATION,
    DYN,
    INT,
    STRING,
    TIMESTAMP,
    UINT,
    CelType,
    join,
    list_of,
    optional_of,
)
from kro_gen.expr.catalog import TIME_ACCESSORS

#: Global functions whose result does not depend on the arguments.
GLOBAL_RESULTS: dict[str, CelType] = {
    "size": INT,
    "string": STRING,
    "int": INT,
    "uint": UINT,
    "double": DOUBLE,
    "bool": BOOL,
    "bytes": BYTES,
    "dyn": DYN,
    "type": DYN,
    "duration": DURATION,
    "timestamp": TIMESTAMP,
    "has": BOOL,
    "matches": BOOL,
    "base64.encode": STRING,
    "base64.decode": BYTES,
    "json.marshal": STRING,
    "json.unmarshal": DYN,
    "random.seededString": STRING,
    "random.seededInt": INT,
    "hash.fnv64a": BYTES,
    "hash.sha256": BYTES,
    "hash.md5": BYTES,
    "lists.range": list_of(INT),
    "optional.none": optional_of(DYN),
    "isURL": BOOL,
    "isIP": BOOL,
    "isCIDR": BOOL,
    "isSemver": BOOL,
    "isQuantity": BOOL,
}

#: Global functions whose result is the type of their first argument (or an optional of it).
SAME_AS_FIRST = frozenset({"lists.setAtIndex", "lists.insertAtIndex", "lists.removeAtIndex"})
OPTIONAL_OF_FIRST = frozenset({"optional.of", "optional.ofNonZeroValue"})

_STRING_METHODS: dict[str, CelType] = {
    "contains": BOOL,
    "startsWith": BOOL,
    "endsWith": BOOL,
    "matches": BOOL,
    "size": INT,
    "charAt": STRING,
    "indexOf": INT,
    "lastIndexOf": INT,
    "lowerAscii": STRING,
    "upperAscii": STRING,
    "replace": STRING,
    "substring": STRING,
    "trim": STRING,
    "reverse": STRING,
    "quote": STRING,
    "format": STRING,
    "split": list_of(STRING),
    "find": STRING,
    "findAll": list_of(STRING),
}


def _same(receiver: CelType, _args: list[CelType]) -> CelType:
    return receiver


def _elem(receiver: CelType, _args: list[CelType]) -> CelType:
    return receiver.elem


def _flatten(receiver: CelType, _args: list[CelType]) -> CelType:
    inner = receiver.elem
    return list_of(inner.elem) if inner.kind == "list" else list_of(DYN)


def _fixed(result: CelType) -> Callable[[CelType, list[CelType]], CelType]:
    return lambda _receiver, _args: result


_LIST_METHODS: dict[str, Callable[[CelType, list[CelType]], CelType]] = {
    "join": _fixed(STRING),
    "slice": _same,
    "sort": _same,
    "distinct": _same,
    "reverse": _same,
    "flatten": _flatten,
    "isSorted": _fixed(BOOL),
    "sum": _elem,
    "min": _elem,
    "max": _elem,
    "indexOf": _fixed(INT),
    "lastIndexOf": _fixed(INT),
    "size": _fixed(INT),
}
_MAP_METHODS: dict[str, Callable[[CelType, list[CelType]], CelType]] = {
    "merge": _same,
    "size": _fixed(INT),
}


def _or_value(receiver: CelType, args: list[CelType]) -> CelType:
    inner = receiver.args[0]
    return (join(inner, args[0]) or DYN) if args else inner


_OPTIONAL_METHODS: dict[str, Callable[[CelType, list[CelType]], CelType]] = {
    "orValue": _or_value,
    "value": lambda receiver, _args: receiver.args[0],
    "hasValue": _fixed(BOOL),
    "or": _same,
}

_BY_KIND: dict[str, dict[str, Callable[[CelType, list[CelType]], CelType]]] = {
    "string": {name: _fixed(result) for name, result in _STRING_METHODS.items()},
    "list": _LIST_METHODS,
    "map": _MAP_METHODS,
    "object": _MAP_METHODS,
    "optional": _OPTIONAL_METHODS,
    "timestamp": {name: _fixed(INT) for name in TIME_ACCESSORS},
    "duration": {name: _fixed(INT) for name in TIME_ACCESSORS},
}
#: What a method returns when the receiver's type is unknown (dyn) but the method name settles it.
_ON_DYN: dict[str, CelType] = {
    "contains": BOOL,
    "startsWith": BOOL,
    "endsWith": BOOL,
    "matches": BOOL,
    "isSorted": BOOL,
    "hasValue": BOOL,
    "size": INT,
    "indexOf": INT,
    "lastIndexOf": INT,
    "lowerAscii": STRING,
    "upperAscii": STRING,
    "trim": STRING,
    "quote": STRING,
    "join": STRING,
    "split": list_of(STRING),
}


def method_result(receiver: CelType, name: str, args: list[CelType]) -> tuple[CelType, str | None]:
    """``(result type, problem)`` of ``receiver.name(args)``.

    ``problem`` names the mismatch when the method exists for other receiver kinds only (e.g.
    ``lowerAscii`` on an int); unknown methods give ``dyn`` without a problem.
    """
    if receiver.is_dyn:
        return _ON_DYN.get(name, DYN), None
    table = _BY_KIND.get(receiver.kind, {})
    if name in table:
        return table[name](receiver, args), None
    owners = sorted(kind for kind, methods in _BY_KIND.items() if name in methods and kind != "object")
    if owners and receiver.kind != "object":
        return DYN, f"{name}() applies to {' or '.join(owners)} values, not {receiver}"
    return DYN, None
