"""kro's string CEL functions for cel-python: cel-go ``ext.Strings`` (v4) and the Kubernetes regex library.

Strings are indexed by code point as in cel-go; ``trim`` strips what Go's ``strings.TrimSpace``
strips; ``lowerAscii``/``upperAscii`` only touch ASCII; ``split``/``replace`` take Go's ``n``;
``format`` follows :func:`~kro_gen.expr.goformat.cel_format`; regexes are RE2 (``re2``, as
cel-python itself uses). Errors are returned as ``CELEvalError`` values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import re2
from celpy import celtypes
from celpy.evaluation import CELEvalError

from kro_gen.expr.celpy_ops import equal, fail, is_a
from kro_gen.expr.goformat import FormatError, cel_format, go_quote

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
    early = _before_search(item, start, len(container))
    return early if early is not None else celtypes.IntType(container.find(item, start))


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
    early = _before_search(item, start, len(container))
    if early is not None:
        return early
    return celtypes.IntType(container.rfind(item, 0, min(start, len(container) - len(item)) + len(item)))


def _before_search(item: str, start: int, length: int) -> Value | None:
    """cel-go's answers that need no search: "" is found at the offset, a negative offset is an
    error, an offset at or past the end finds nothing."""
    if item == "":
        return celtypes.IntType(start)
    if start < 0:
        return fail(f"index out of range: {start}")
    if start >= length:
        return celtypes.IntType(-1)
    return None


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


def ascii_case(convert: Callable[[str], str]) -> Callable[[Value], Value]:
    """``lowerAscii``/``upperAscii``: ``convert`` applied to ASCII characters only."""
    return lambda text: _ascii_case(text, convert)
