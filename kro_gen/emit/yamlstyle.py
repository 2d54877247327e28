"""Which YAML style kro-gen writes a string in (plain, single- or double-quoted, literal block).

The rules are those of :mod:`kro_gen.emit.yamlio` (see its docstring); both YAML writers (the fast one in
:mod:`kro_gen.emit.yamlfast` and ruamel's emitter) ask :func:`scalar_style`.
"""

from __future__ import annotations

import re

__all__ = ["scalar_style"]

# Words that some YAML version reads as a bool or null (YAML 1.1 bools include y/n; go-yaml v2 reads them).
_KEYWORDS = frozenset(
    word
    for base in ("y", "n", "yes", "no", "true", "false", "on", "off", "null")
    for word in (base, base.capitalize(), base.upper())
) | {"~", "<<", "="}
# Anything that starts like a number and uses only number-ish characters: ints in every base, floats,
# exponents (1e3 is a float in YAML 1.2 and go-yaml), underscores (1_000 in YAML 1.1), sexagesimal
# (12:30:00), dates (2026-01-01), versions and IPs (quoted although they are strings: harmless).
_NUMBER_LIKE = re.compile(r"[-+]?\.?[0-9][0-9a-zA-Z_.:+-]*")
_SPECIAL_FLOATS = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
# YAML 1.1 timestamps may contain spaces: "2001-12-14 21:59:43.10 -5".
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ]|\s+).*")
# A plain scalar may not start with an indicator character.
_LEADING_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Characters that YAML readers treat as line breaks (besides LF) or that no YAML stream may hold raw.
_OTHER_BREAKS = frozenset("\r\x85\u2028\u2029")
# One search instead of a Python call per character (strings are scanned by the thousand in a fleet):
# a character that :func:`_printable` refuses, or one of ``_OTHER_BREAKS``; without ``\n``, a character
# a plain scalar cannot hold. ``tests/emit/test_yamlio.py`` checks both against every code point.
_UNFAITHFUL = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_NOT_PLAIN = re.compile("[^\t\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _printable(char: str) -> bool:
    """True when YAML allows ``char`` unescaped in a stream (YAML 1.1 and 1.2 printable set)."""
    code = ord(char)
    return (
        char in "\t\n"
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )


def _plain_safe(text: str) -> bool:
    """True when ``text`` reads back as this very string from a plain scalar in every YAML version."""
    if not text or text != text.strip() or text in _KEYWORDS:
        return False
    if text[0] in _LEADING_INDICATORS:
        return False
    if _NUMBER_LIKE.fullmatch(text) or _SPECIAL_FLOATS.fullmatch(text) or _TIMESTAMP.fullmatch(text):
        return False
    if ": " in text or " #" in text or "\t" in text or text.endswith(":"):
        return False
    return _NOT_PLAIN.search(text) is None


def scalar_style(text: str) -> str | None:
    """The YAML style kro-gen writes ``text`` in.

    Returns ``None`` for plain, ``"|"`` for a literal block, ``"'"`` for single quotes and ``'"'`` for
    double quotes. Public so that tests and other emitters can reason about the choice.
    """
    faithful = _UNFAITHFUL.search(text) is None
    if "\n" in text:
        return "|" if faithful else '"'
    if not faithful:
        return '"'
    return None if _plain_safe(text) else "'"
