"""kro's ``${...}`` syntax in YAML strings: find expressions, tell standalone from template.

This mirrors kro v0.9.3 ``pkg/graph/parser/cel.go`` (``extractExpressions``) and ``parser.go``
(``buildStringTemplate``) exactly:

* an expression starts at ``${`` and ends at the ``}`` that brings the brace count back to zero;
* braces inside **double-quoted** CEL strings do not count, and a backslash inside such a string
  escapes the next character; single quotes are not recognised at all;
* outside a string, a further ``${`` is only allowed right after a ``"``, otherwise the whole field
  fails with "nested expressions are not allowed unless inside string literals";
* a ``${`` that is never closed is left as literal text (scanning resumes after it);
* a string is *standalone* when it is exactly one ``${expr}``; any other string with expressions is
  a *template* that kro compiles to ``"lit" + (e1) + "lit" + ...``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.parser import parse_cel

_START = "${"


@dataclass(frozen=True)
class ExprSpan:
    """One ``${...}`` in a string: the CEL text and where the span starts and ends (``end`` exclusive)."""

    cel: str
    start: int
    end: int


def find_expressions(text: str) -> list[ExprSpan]:
    """Every ``${...}`` in ``text`` as kro finds them, in order.

    Raises:
        ExpressionError: a ``${`` nested outside a string literal (kro rejects the whole field).
    """
    if _START not in text:
        return []
    return list(_spans(text))


@functools.lru_cache(maxsize=16384)
def _spans(text: str) -> tuple[ExprSpan, ...]:
    """:func:`find_expressions` of one text (cached: a fleet's graphs repeat the same fields)."""
    spans: list[ExprSpan] = []
    start = 0
    while start < len(text):
        open_at = text.find(_START, start)
        if open_at < 0:
            break
        close_at = _closing_brace(text, open_at)
        if close_at is None:
            # unterminated: kro moves on by one character and looks again
            start = open_at + 1
            continue
        spans.append(ExprSpan(text[open_at + 2 : close_at], open_at, close_at + 1))
        start = close_at + 1
    return tuple(spans)


def _closing_brace(text: str, open_at: int) -> int | None:
    depth = 1
    in_string = False
    index = open_at + 2
    while index < len(text):
        char = text[index]
        if in_string and char == "\\":
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        elif not in_string:
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return index
            elif text.startswith(_START, index) and text[index - 1] != '"':
                raise ExpressionError(
                    "nested expressions are not allowed unless inside string literals "
                    f"(a '${{' at offset {index} inside the expression that starts at offset {open_at})",
                    hint='to keep a literal "${" write it inside a CEL string: ${"${VAR}"}',
                    rule="cel-nested-expression",
                )
        index += 1
    return None


def extract_expressions(text: str) -> list[str]:
    """The CEL texts of every ``${...}`` in ``text`` (kro's ``ExtractExpressions``)."""
    return [span.cel for span in find_expressions(text)]


def is_standalone(text: str) -> bool:
    """Whether ``text`` is exactly one ``${expr}`` (its value then keeps the expression's type)."""
    spans = find_expressions(text)
    return len(spans) == 1 and spans[0].start == 0 and spans[0].end == len(text)


def split_template(text: str) -> list[str | ExprSpan]:
    """``text`` as literal pieces (non-empty ``str``) and :class:`ExprSpan` pieces, in order."""
    pieces: list[str | ExprSpan] = []
    position = 0
    for span in find_expressions(text):
        if span.start > position:
            pieces.append(text[position : span.start])
        pieces.append(span)
        position = span.end
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def template_cel(text: str) -> str | None:
    """The CEL kro compiles for a field value, or None when the string holds no expression.

    Standalone: the expression itself. Template: ``"lit" + (e1) + "lit"`` like kro's
    ``buildStringTemplate`` (kro quotes with Go's ``strconv.Quote``; the JSON quoting used here
    gives the same CEL string value).
    """
    pieces = split_template(text)
    if not any(isinstance(piece, ExprSpan) for piece in pieces):
        return None
    if is_standalone(text):
        return pieces[0].cel  # type: ignore[union-attr]
    return " + ".join(
        f"({piece.cel})" if isinstance(piece, ExprSpan) else json.dumps(piece, ensure_ascii=False)
        for piece in pieces
    )


def parse_field(text: str) -> str | n.Node:
    """A YAML string value as kro reads it.

    Returns ``text`` unchanged when it has no expression, the parsed tree of a standalone
    ``${expr}``, or a :class:`~nodes.Template` of literal text and parsed parts.
    ``field_value(parse_field(s)) == s`` for strings kro-gen writes itself.

    Raises:
        ExpressionError: a nested ``${`` or CEL that does not parse; the message names the
            expression's offset in ``text``.
    """
    pieces = split_template(text)
    if not any(isinstance(piece, ExprSpan) for piece in pieces):
        return text
    parts: list[str | n.Node] = []
    for piece in pieces:
        parts.append(piece if isinstance(piece, str) else _parse_span(piece))
    if len(parts) == 1 and isinstance(parts[0], n.Node):
        return parts[0]
    return n.Template(tuple(parts))


def _parse_span(span: ExprSpan) -> n.Node:
    try:
        return parse_cel(span.cel)
    except ExpressionError as error:
        error.message = f"in the expression at offset {span.start} (${{{span.cel}}}): {error.message}"
        error.args = (error.message,)
        raise
