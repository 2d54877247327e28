"""Comparing RGD documents by meaning rather than by spelling (shared by the acceptance tests; no tests here).

:func:`canonical` rewrites every string of a document the way kro reads it (``parse_field``) and writes
it back the way kro-gen writes it (``field_value``), after renaming comprehension variables by
position. Two strings that kro compiles to the same expression tree then compare equal, whatever
their quoting (``'-'`` or ``"-"``), spacing or variable names (``map(s, ...)`` or ``map(x, ...)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.expr.canonical import rename_bound
from kro_gen.expr.fields import field_value
from kro_gen.expr.kro_text import parse_field


def canonical_string(text: str) -> str:
    """``text`` as kro-gen would write what kro reads from it."""
    parsed = parse_field(text)
    if isinstance(parsed, str):
        return parsed
    return str(field_value(rename_bound(parsed)))


def canonical(value: Any) -> Any:
    """A document with every string canonical (keys untouched; kro does not evaluate them)."""
    if isinstance(value, str):
        return canonical_string(value)
    if isinstance(value, Mapping):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def expression_strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every ``(path, string)`` of a document whose string holds a ``${`` expression."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        if not isinstance(parse_field(value), str):
            found.append((path, value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found += expression_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += expression_strings(item, f"{path}[{index}]")
    return found
