"""kro's extra CEL functions for cel-python 0.5, and the table cel-python evaluates with.

cel-python looks methods and functions up in one table by bare name and passes the receiver as
the first argument, so ``s.indexOf(x)`` and ``l.indexOf(x)`` share one implementation that
dispatches on the receiver's type. Dotted globals are registered under
:func:`~kro_gen.expr.celpy_render.celpy_function_name` (``random.seededString`` ->
``random_seededString``). Errors are returned as ``CELEvalError`` values, as cel-python expects.

Semantics follow kro v0.9.3 / cel-go v0.27: strings are indexed by code point, ``trim`` strips
Go's Unicode spaces, ``lowerAscii`` only touches ASCII, ``json.unmarshal`` gives doubles for every
number (as Go's ``encoding/json`` does), ``random.*`` replicate kro's SHA-256 based algorithm (so
the values equal the cluster's), ``hash.*`` return bytes. String functions are in
:mod:`~kro_gen.expr.string_functions`, list and map functions in :mod:`~kro_gen.expr.list_functions`,
operator and conversion fixes in :mod:`~kro_gen.expr.celpy_ops`.

Not implemented (kro has them; evaluating one is an :class:`~kro_gen.errors.ExpressionError`
that says so): the Kubernetes ``url``, ``quantity``, ``ip``, ``cidr`` and ``semver`` libraries and
lists of optionals (``optional.unwrap``). Timestamp ``get*`` methods and ``size``/``contains``/
``startsWith``/``endsWith``/``matches`` are cel-python's own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from typing import Any

from celpy import celtypes
from celpy.adapter import json_to_cel

from kro_gen.expr import celpy_ops, celpy_render, list_functions
from kro_gen.expr import string_functions as strings
from kro_gen.expr.catalog import TIME_ACCESSORS
from kro_gen.expr.celpy_ops import fail, is_a
from kro_gen.expr.celpy_render import celpy_function_name
from kro_gen.expr.goformat import FormatError, go_json

Value = Any


# -- encoders, hashes, json, random ---------------------------------------------------------------
def base64_encode(data: Value) -> Value:
    if not isinstance(data, celtypes.BytesType):
        raise TypeError("base64.encode takes bytes; wrap text in bytes()")
    return celtypes.StringType(base64.b64encode(bytes(data)).decode("ascii"))


def base64_decode(text: Value) -> Value:
    if not is_a(text, celtypes.StringType):
        raise TypeError("base64.decode(string)")
    raw = str(text)
    for candidate in (raw, raw + "=" * (-len(raw) % 4)):
        try:
            return celtypes.BytesType(base64.b64decode(candidate, validate=True))
        except (binascii.Error, ValueError):
            continue
    return fail(f"illegal base64 data in {raw!r}")


def _text_argument(value: Value, function: str) -> bytes:
    if not is_a(value, celtypes.StringType):
        raise TypeError(f"{function} argument must be a string")
    return str(value).encode("utf-8")


def hash_fnv64a(text: Value) -> Value:
    digest = 0xCBF29CE484222325
    for byte in _text_argument(text, "hash.fnv64a"):
        digest = ((digest ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return celtypes.BytesType(digest.to_bytes(8, "big"))


def hash_sha256(text: Value) -> Value:
    return celtypes.BytesType(hashlib.sha256(_text_argument(text, "hash.sha256")).digest())


def hash_md5(text: Value) -> Value:
    return celtypes.BytesType(hashlib.md5(_text_argument(text, "hash.md5")).digest())


def json_marshal(value: Value) -> Value:
    try:
        return celtypes.StringType(go_json(value))
    except FormatError as error:
        return fail(f"json.marshal failed to encode value: {error}")


def json_unmarshal(text: Value) -> Value:
    if not is_a(text, celtypes.StringType):
        return fail("json.unmarshal argument must be a string")
    try:
        # Go decodes every JSON number into float64, so CEL sees doubles
        data = json.loads(str(text), parse_int=float, parse_constant=_reject_constant)
    except ValueError as error:
        return fail(f"json.unmarshal failed to parse JSON: {error}")
    return json_to_cel(data)


def _reject_constant(name: str) -> None:
    raise ValueError(f"invalid character in {name}")


_ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyz"


def seeded_string(length: Value, seed: Value) -> Value:
    """kro's ``random.seededString``: character i uses bytes ``4i mod 32 .. +4`` of sha256(seed).

    kro's Go code re-hashes only when a 4-byte window would pass the end of the 32-byte hash,
    which never happens, so characters repeat every 8 positions; this replicates it exactly.
    """
    if not is_a(length, celtypes.IntType):
        return fail("random.seededString length must be an integer")
    if length <= 0:
        return fail("random.seededString length must be positive")
    if not is_a(seed, celtypes.StringType):
        return fail("random.seededString seed must be a string")
    digest = hashlib.sha256(str(seed).encode("utf-8")).digest()
    chars = []
    for position in range(int(length)):
        start = (position * 4) % len(digest)
        window = int.from_bytes(digest[start : start + 4], "big")
        chars.append(_ALPHANUMERIC[window % len(_ALPHANUMERIC)])
    return celtypes.StringType("".join(chars))


def seeded_int(low: Value, high: Value, seed: Value) -> Value:
    """kro's ``random.seededInt``: ``low + first8(sha256(seed)) mod (high - low)`` with int64 wrap-around."""
    if not (is_a(low, celtypes.IntType) and is_a(high, celtypes.IntType)):
        return fail("random.seededInt min and max must be integers")
    if not is_a(seed, celtypes.StringType):
        return fail("random.seededInt seed must be a string")
    if low >= high:
        return fail("random.seededInt min must be less than max")
    first8 = int.from_bytes(hashlib.sha256(str(seed).encode("utf-8")).digest()[:8], "big")
    span = (int(high) - int(low)) % 2**64
    result = (int(low) + first8 % span) % 2**64
    return celtypes.IntType(result - 2**64 if result > celpy_ops.INT64_MAX else result)


#: kro function name (as written in CEL) -> implementation, for names cel-python lacks or gets wrong.
KRO_FUNCTIONS: dict[str, Callable[..., Value]] = {
    # conversions cel-python formats differently
    "string": celpy_ops.to_string,
    "int": celpy_ops.to_int,
    "double": celpy_ops.to_double,
    # ext.Strings
    "charAt": strings.char_at,
    "indexOf": strings.index_of,
    "lastIndexOf": strings.last_index_of,
    "lowerAscii": strings.ascii_case(str.lower),
    "upperAscii": strings.ascii_case(str.upper),
    "replace": strings.replace,
    "split": strings.split,
    "substring": strings.substring,
    "trim": strings.trim,
    "reverse": strings.reverse,
    "join": strings.join,
    "format": strings.format_,
    "strings.quote": strings.quote,
    # Kubernetes regex
    "find": strings.find,
    "findAll": strings.find_all,
    # ext.Encoders, kro hash/json/random
    "base64.encode": base64_encode,
    "base64.decode": base64_decode,
    "hash.fnv64a": hash_fnv64a,
    "hash.sha256": hash_sha256,
    "hash.md5": hash_md5,
    "json.marshal": json_marshal,
    "json.unmarshal": json_unmarshal,
    "random.seededString": seeded_string,
    "random.seededInt": seeded_int,
    # lists and maps
    "slice": list_functions.slice_,
    "flatten": list_functions.flatten,
    "sort": list_functions.sort,
    "distinct": list_functions.distinct,
    "lists.range": list_functions.lists_range,
    "isSorted": list_functions.is_sorted,
    "sum": list_functions.sum_,
    "max": list_functions.max_,
    "lists.setAtIndex": list_functions.set_at_index,
    "lists.insertAtIndex": list_functions.insert_at_index,
    "lists.removeAtIndex": list_functions.remove_at_index,
    "merge": list_functions.merge,
}

#: kro functions cel-python already evaluates correctly (``min`` is one of its macros).
CELPY_BUILTINS = frozenset(
    {
        "size",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
        "uint",
        "bytes",
        "bool",
        "duration",
        "timestamp",
        "dyn",
        "type",
        "min",
        *TIME_ACCESSORS,
    }
)

#: Names (as written in kro CEL) that evaluate offline: implemented here, built in, or lowered away.
EVALUABLE = (
    frozenset(KRO_FUNCTIONS)
    | CELPY_BUILTINS
    | frozenset(
        {
            "has",
            "cel.bind",
            "map",
            "filter",
            "all",
            "exists",
            "exists_one",
            "existsOne",
            "transformList",
            "transformMap",
            "transformMapEntry",
            "sortBy",
            "optMap",
            "optFlatMap",
            "optional.of",
            "optional.ofNonZeroValue",
            "optional.none",
            "value",
            "hasValue",
            "or",
            "orValue",
            "first",
            "last",
        }
    )
)


def celpy_functions() -> dict[str, Callable[..., Value]]:
    """The function table to give cel-python: kro functions, operator fixes and lowering helpers."""
    table: dict[str, Callable[..., Value]] = {celpy_function_name(k): f for k, f in KRO_FUNCTIONS.items()}
    table.update(celpy_ops.OPERATORS)
    table.update(celpy_ops.HELPERS)
    table[celpy_render.SORT_BY_KEYS] = list_functions.sort_by_keys
    return table
