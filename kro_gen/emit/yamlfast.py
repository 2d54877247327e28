"""The fast YAML writer: the bytes ruamel.yaml's emitter writes with :mod:`kro_gen.emit.yamlio`'s settings,
written straight from the data, without ruamel's representer, serializer and event objects.

Neither C emitter can write kro-gen's YAML: libyaml (PyYAML's ``CSafeDumper``) and ruamel.yaml.clib's
``CEmitter`` both put a list's ``-`` at its key's column, while kro-gen (like kubectl) indents it under
the key. So the fast path is a writer specialised to the one shape kro-gen writes: block mappings and
sequences (``indent(mapping=2, sequence=4, offset=2)``), no folding, insertion-ordered keys, and each
string's style from :func:`~kro_gen.emit.yamlstyle.scalar_style`, refined the way ruamel's
``choose_scalar_style`` refines it (its scalar analysis is ported below). Anything else -- a document
that is not a non-empty mapping, a key ruamel would write as a complex ``?`` key, a value that is not
exactly plain data -- is left to ruamel (:func:`fast_document` returns ``None``), so the output is always
ruamel's. ``tests/emit/test_yamlfast.py`` compares the two on random documents.
"""

from __future__ import annotations

import re
from typing import Any

from kro_gen.emit.yamlstyle import scalar_style

__all__ = ["fast_document"]

#: Line breaks for ruamel's emitter.
_BREAKS = "\n\x85\u2028\u2029"
_WHITESPACE = "\0 \t\r\n\x85\u2028\u2029"
_LEADING_INDICATORS = "#,[]{}&*!|>'\"%@`"
#: Keys at least this long are not "simple keys" for ruamel (it writes ``? key``): leave them to it.
_MAX_SIMPLE_KEY = 100
#: A character ruamel's emitter escapes in a double-quoted scalar (with ``allow_unicode``).
_DOUBLE_ESCAPED = re.compile(
    "[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"  # outside the printable set
    '|["\\\\\x85\u2028\u2029\ufeff]'  # quote, backslash, NEL, line/paragraph separators, BOM
)
_ESCAPES = {
    "\0": "0",
    "\x07": "a",
    "\x08": "b",
    "\x09": "t",
    "\x0a": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\x0d": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}
#: Single-line strings -> their YAML text (strings repeat a lot across a fleet: kinds, labels, names).
_LINE_CACHE: dict[str, str] = {}
_LINE_CACHE_LIMIT = 200_000


class _Unsupported(Exception):
    """The document has a shape the fast writer leaves to ruamel."""


def _special(char: str) -> bool:
    """True when ruamel's analysis calls ``char`` special (only double quotes can hold it)."""
    if char == "\n" or "\x20" <= char <= "\x7e":
        return False
    return not (
        (
            char == "\x85"
            or "\xa0" <= char <= "\ud7ff"
            or "\ue000" <= char <= "\ufffd"
            or "\U00010000" <= char <= "\U0010ffff"
        )
        and char != "\ufeff"
    )


def _allowed(text: str) -> tuple[bool, bool]:
    """(plain allowed in block context, single quotes allowed) for a non-empty single-line ``text``:
    ruamel's ``analyze_scalar`` for a text without line breaks."""
    if not (text.isascii() and text.isprintable()) and any(_special(char) for char in text):
        return False, False
    indicators = text.startswith(("---", "..."))
    first = text[0]
    followed = len(text) == 1 or text[1] in _WHITESPACE
    if first in _LEADING_INDICATORS or (first in "?:-" and followed):
        indicators = True
    if not indicators and (":" in text or "#" in text):
        last = len(text) - 1
        for index in range(1, len(text)):
            char = text[index]
            if char == ":" and (index == last or text[index + 1] in _WHITESPACE):
                indicators = True
                break
            if char == "#" and text[index - 1] in _WHITESPACE:
                indicators = True
                break
    plain = not indicators and first != " " and text[-1] != " "
    return plain, True


def _double_quoted(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _ESCAPES:
            return "\\" + _ESCAPES[char]
        code = ord(char)
        if code <= 0xFF:
            return f"\\x{code:02X}"
        if code <= 0xFFFF:
            return f"\\u{code:04X}"
        return f"\\U{code:08X}"

    return '"' + _DOUBLE_ESCAPED.sub(escape, text) + '"'


def _single_line(text: str) -> str:
    """A string without line breaks as ruamel writes it (as a value, or as a simple key)."""
    cached = _LINE_CACHE.get(text)
    if cached is not None:
        return cached
    style = scalar_style(text)
    if style == '"':
        written = _double_quoted(text)
    elif not text:
        written = "''"
    else:
        plain, single = _allowed(text)
        if style is None and plain:
            written = text
        elif style is None and "'" in text:
            written = _double_quoted(text)
        elif single:
            written = "'" + text.replace("'", "''") + "'"
        else:
            written = _double_quoted(text)
    if len(_LINE_CACHE) >= _LINE_CACHE_LIMIT:
        _LINE_CACHE.clear()
    _LINE_CACHE[text] = written
    return written


def _literal(text: str, indent: int, out: list[str]) -> bool:
    """Append ``text`` as a literal block whose lines start at column ``indent``; True for ``|+``."""
    hints = "2" if text[0] in " \n" else ""
    keep = False
    if text[-1] != "\n":
        hints += "-"
    elif len(text) == 1 or text[-2] == "\n":
        hints += "+"
        keep = True
    pad = " " * indent
    lines = text.split("\n")
    body = [f"|{hints}\n"]
    for line in lines[:-1]:
        body.append(f"{pad}{line}\n" if line else "\n")
    if lines[-1]:
        body.append(f"{pad}{lines[-1]}\n")
    out.append("".join(body))
    return keep


def _is_break_free(text: str) -> bool:
    return "\n" not in text and (text.isascii() or not any(char in text for char in "\x85\u2028\u2029"))


def _scalar(value: Any, indent: int, out: list[str]) -> bool:
    """Append a scalar (or an empty collection) and its line end; True when it leaves the stream open
    (a ``|+`` literal block: ruamel then ends the document with ``...``)."""
    kind = type(value)
    if kind is str:
        if _is_break_free(value):
            out.append(_single_line(value) + "\n")
            return False
        if scalar_style(value) == "|":
            return _literal(value, indent, out)
        out.append(_double_quoted(value) + "\n")
        return False
    if value is None:
        out.append("null\n")
    elif kind is bool:
        out.append("true\n" if value else "false\n")
    elif kind is int:
        out.append(f"{value}\n")
    elif kind is float and value - value == 0:  # finite
        out.append(repr(value).lower() + "\n")
    elif kind is dict and not value:
        out.append("{}\n")
    elif (kind is list or kind is tuple) and not value:
        out.append("[]\n")
    else:
        raise _Unsupported
    return False


def _mapping(mapping: dict[Any, Any], column: int, out: list[str], inline: bool) -> bool:
    pad = " " * column
    open_end = False
    for key, value in mapping.items():
        if type(key) is not str or len(key) >= _MAX_SIMPLE_KEY or not _is_break_free(key):
            raise _Unsupported
        out.append(f"{'' if inline else pad}{_single_line(key)}:")
        inline = False
        kind = type(value)
        if kind is dict and value:
            out.append("\n")
            open_end = _mapping(value, column + 2, out, False)
        elif (kind is list or kind is tuple) and value:
            out.append("\n")
            open_end = _sequence(value, column + 2, out, False)
        else:
            out.append(" ")
            open_end = _scalar(value, column + 2, out)
    return open_end


def _sequence(items: list[Any] | tuple[Any, ...], dash: int, out: list[str], inline: bool) -> bool:
    pad = " " * dash
    open_end = False
    for item in items:
        out.append("- " if inline else f"{pad}- ")
        inline = False
        kind = type(item)
        if kind is dict and item:
            open_end = _mapping(item, dash + 2, out, True)
        elif (kind is list or kind is tuple) and item:
            out.append("  ")
            open_end = _sequence(item, dash + 4, out, True)
        else:
            open_end = _scalar(item, dash + 2, out)
    return open_end


def fast_document(doc: Any) -> str | None:
    """``doc`` as kro-gen's YAML, or ``None`` when ruamel's emitter must write it (see the module doc)."""
    if type(doc) is not dict or not doc:
        return None
    out: list[str] = []
    try:
        open_end = _mapping(doc, 0, out, False)
    except _Unsupported:
        return None
    if open_end:
        out.append("...\n")
    return "".join(out)
