"""kro's extra CEL functions for cel-python 0.5, and the table cel-python evaluates with.

cel-python looks methods and functions up in one table by bare name and passes the receiver as
the first argument, so ``s.indexOf(x)`` and ``l.indexOf(x)`` share one implementation that
dispatches on the receiver's type. Dotted globals are registered under
:func:`~kro_gen.expr.celpy_render.celpy_function_name` (``random.seededString`` ->
``random_seededString``). Errors are returned as ``CELEvalError`` values, as cel-python expects.

Semantics follow kro v0.9.3 / cel-go v0.27: strings are indexed by code point, ``trim`` strips
Go's Unicode spaces, ``lowerAscii`` only touches ASCII, ``json.unmarshal`` gives doubles for every
number (as Go's ``encoding/json`` does), ``random.*`` replicate kro's SHA-256 based algorithm (so
the values equal the cluster's), ``hash.*`` return bytes. List functions are in
:mod:`~kro_gen.expr.list_functions`; operator and conversion fixes in :mod:`~kro_gen.expr.celpy_ops`.

Not implemented (kro has them; evaluating them is an error that says so): the Kubernetes
``url``, ``quantity``, ``ip``, ``cidr`` and ``semver`` libraries, timestamps' ``get*`` methods
are cel-python's own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from typing import Any

import re2
from celpy import celtypes
from celpy.adapter import json_to_cel
from celpy.evaluation import CELEvalError

from kro_gen.expr import celpy_ops, celpy_render, list_functions
from kro_gen.expr.celpy_ops import equal, fail, is_a
from kro_gen.expr.celpy_render import celpy_function_name
from kro_gen.expr.goformat import FormatError, cel_format, go_json, go_quote

Value = Any


def _strings(items: Value, function: str) -> list[str] | CELEvalError:
    if not isinstance(items, celtypes.ListType):
        return fail(f"{function}() needs a list of strings")
    if any(not isinstance(item, celtypes.StringType) for item in items):
        return fail(f"{function}: invalid input: the list holds a value that is not a string")
    return [str(item) for item in items]


# -- strings (cel-go ext.Strings) -----------------------------------------------------------------
def char_at(text: Value, index: Value) -> Value:
    if not is_a(text, celtypes.StringType) or not is_a(index, celtypes.IntType):
        raise TypeError("charAt(string, int)")
    if index < 0 or index > len(text):
        return fail(f"index out of range: {index}")
    return celtypes.StringType(text[index : index + 1])


def index_of(container: Value, item: Value, offset: Value = None) -> Value:
    if isinstance(container, celtypes.ListType):
        if offset is not None:
            raise TypeError("list indexOf takes one argument")
        return celtypes.IntType(next((i for i, v in enumerate(container) if equal(v, item)), -1))
    if not is_a(container, celtypes.StringType) or not is_a(item, celtypes.StringType):
        raise TypeError("indexOf(string, string[, int])")
    start = 0 if offset is None else int(offset)
    if item == "":
        return celtypes.IntType(start)
    if start < 0:
        return fail(f"index out of range: {start}")
    if start >= len(container):
        return celtypes.IntType(-1)
    return celtypes.IntType(container.find(item, start))


def last_index_of(container: Value, item: Value, offset: Value = None) -> Value:
    if isinstance(container, celtypes.ListType):
        if offset is not None:
            raise TypeError("list lastIndexOf takes one argument")
        found = [i for i, v in enumerate(container) if equal(v, item)]
        return celtypes.IntType(found[-1] if found else -1)
    if not is_a(container, celtypes.StringType) or not is_a(item, celtypes.StringType):
        raise TypeError("lastIndexOf(string, string[, int])")
    if offset is None:
        return celtypes.IntType(len(container) if item == "" else container.rfind(item))
    start = int(offset)
    if item == "":
        return celtypes.IntType(start)
    if start < 0:
        return fail(f"index out of range: {start}")
    if start >= len(container):
        return celtypes.IntType(-1)
    return celtypes.IntType(container.rfind(item, 0, min(start, len(container) - len(item)) + len(item)))


def _ascii_case(text: Value, convert: Callable[[str], str]) -> Value:
    if not is_a(text, celtypes.StringType):
        raise TypeError("expects a string")
    return celtypes.StringType("".join(convert(c) if c.isascii() else c for c in text))


def replace(text: Value, old: Value, new: Value, count: Value = None) -> Value:
    if not all(is_a(v, celtypes.StringType) for v in (text, old, new)):
        raise TypeError("replace(string, string, string[, int])")
    limit = -1 if count is None or int(count) < 0 else int(count)
    return celtypes.StringType(text.replace(old, new, limit))


def split(text: Value, separator: Value, count: Value = None) -> Value:
    if not is_a(text, celtypes.StringType) or not is_a(separator, celtypes.StringType):
        raise TypeError("split(string, string[, int])")
    limit = -1 if count is None else int(count)
    if limit == 0:
        return celtypes.ListType()
    if separator == "":
        chars = list(text)
        if 0 < limit < len(chars):
            chars = [*chars[: limit - 1], "".join(chars[limit - 1 :])]
        return celtypes.ListType(celtypes.StringType(c) for c in chars)
    parts = text.split(separator, limit - 1 if limit > 0 else -1)
    return celtypes.ListType(celtypes.StringType(p) for p in parts)


def substring(text: Value, start: Value, end: Value = None) -> Value:
    if not is_a(text, celtypes.StringType) or not is_a(start, celtypes.IntType):
        raise TypeError("substring(string, int[, int])")
    stop = len(text) if end is None else int(end)
    if end is not None and start > stop:
        return fail(f"invalid substring range. start: {start}, end: {stop}")
    for bound in (int(start), stop):
        if bound < 0 or bound > len(text):
            return fail(f"index out of range: {bound}")
    return celtypes.StringType(text[start:stop])


# Go's unicode.IsSpace (White_Space), which strings.TrimSpace uses
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # noqa: E501


def trim(text: Value) -> Value:
    if not is_a(text, celtypes.StringType):
        raise TypeError("trim(string)")
    return celtypes.StringType(text.strip(_GO_SPACE))


def reverse(value: Value) -> Value:
    if isinstance(value, celtypes.ListType):
        return celtypes.ListType(reversed(value))
    if is_a(value, celtypes.StringType):
        return celtypes.StringType(value[::-1])
    raise TypeError("reverse() of a string or a list")


def join(items: Value, separator: Value = None) -> Value:
    strings = _strings(items, "join")
    if isinstance(strings, CELEvalError):
        return strings
    if separator is not None and not is_a(separator, celtypes.StringType):
        raise TypeError("join(list, string)")
    return celtypes.StringType((separator or "").join(strings))


def format_(pattern: Value, args: Value) -> Value:
    if not is_a(pattern, celtypes.StringType) or not isinstance(args, celtypes.ListType):
        raise TypeError("format(string, list)")
    try:
        return celtypes.StringType(cel_format(str(pattern), list(args)))
    except FormatError as error:
        return fail(f"error during formatting: {error}")


def quote(text: Value) -> Value:
    if not is_a(text, celtypes.StringType):
        raise TypeError("strings.quote(string)")
    return celtypes.StringType(go_quote(str(text)))


# -- regex (Kubernetes library) -------------------------------------------------------------------
def _compile(pattern: Value) -> Any:
    if not is_a(pattern, celtypes.StringType):
        raise TypeError("a regular expression string")
    try:
        return re2.compile(str(pattern))
    except re2.error as error:
        return fail(f"invalid regular expression {pattern!r}: {error}")


def find(text: Value, pattern: Value) -> Value:
    compiled = _compile(pattern)
    if isinstance(compiled, CELEvalError):
        return compiled
    match = compiled.search(str(text))
    return celtypes.StringType(match.group(0) if match else "")


def find_all(text: Value, pattern: Value, limit: Value = None) -> Value:
    compiled = _compile(pattern)
    if isinstance(compiled, CELEvalError):
        return compiled
    matches = [m.group(0) for m in compiled.finditer(str(text))]
    if limit is not None and int(limit) >= 0:
        matches = matches[: int(limit)]
    return celtypes.ListType(celtypes.StringType(m) for m in matches)


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


def _case(convert: Callable[[str], str]) -> Callable[[Value], Value]:
    return lambda text: _ascii_case(text, convert)


#: kro function name (as written in CEL) -> implementation, for names cel-python lacks or gets wrong.
KRO_FUNCTIONS: dict[str, Callable[..., Value]] = {
    # conversions cel-python formats differently
    "string": celpy_ops.to_string,
    "int": celpy_ops.to_int,
    "double": celpy_ops.to_double,
    # ext.Strings
    "charAt": char_at,
    "indexOf": index_of,
    "lastIndexOf": last_index_of,
    "lowerAscii": _case(str.lower),
    "upperAscii": _case(str.upper),
    "replace": replace,
    "split": split,
    "substring": substring,
    "trim": trim,
    "reverse": reverse,
    "join": join,
    "format": format_,
    "strings.quote": quote,
    # Kubernetes regex
    "find": find,
    "findAll": find_all,
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
        "getDate",
        "getDayOfMonth",
        "getDayOfWeek",
        "getDayOfYear",
        "getFullYear",
        "getHours",
        "getMilliseconds",
        "getMinutes",
        "getMonth",
        "getSeconds",
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
