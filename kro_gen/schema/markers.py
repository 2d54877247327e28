"""The SimpleSchema field string ``"<type> | key=value key=value"``: writing and reading it.

Writing: :func:`render_field` puts markers in a fixed order (:data:`MARKER_ORDER`), quotes values
that need it and escapes them the way kro unescapes them (KRO-RULES §3.1): inside ``"..."``,
``\\"`` is ``"`` and ``\\\\`` is ``\\``; any other ``\\x`` is kept as is, so ``\\d`` needs no escaping.

Reading: :func:`split_field` and :func:`parse_markers` follow kro v0.9.3's tokenizer: the type is the
text before the first ``|``; markers are ``key=value`` separated by unquoted whitespace outside
``[...]``/``{...}``; a value in quotes is unquoted and unescaped; other values are trimmed. Errors are
raised as :class:`MarkerSyntaxError` with a stable rule name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Every marker kro v0.9.3 knows, in the order kro-gen writes them.
MARKER_ORDER: tuple[str, ...] = (
    "required",
    "default",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "listType",
    "listMapKey",
    "pattern",
    "immutable",
    "validation",
    "description",
)
KNOWN_MARKERS = frozenset(MARKER_ORDER)

#: One marker as (key, value); the value is the text kro sees after unquoting.
Marker = tuple[str, str]


class MarkerSyntaxError(ValueError):
    """A marker block kro would reject. ``rule`` names the kind of mistake."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


# -- writing ---------------------------------------------------------------------------------------
def quote(value: str) -> str:
    """``value`` in double quotes, escaped so that kro's unescaping gives back ``value`` exactly.

    ``"`` becomes ``\\"``; a backslash is doubled only where kro would otherwise misread it (before
    ``"`` or ``\\``, or at the end), so regexps such as ``^\\d+$`` stay readable.
    """
    out: list[str] = []
    for index, char in enumerate(value):
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            following = value[index + 1] if index + 1 < len(value) else ""
            out.append("\\\\" if following in ('"', "\\", "") else "\\")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def render_field(type_text: str, markers: Sequence[Marker]) -> str:
    """``"type | k=v ..."`` with markers sorted by :data:`MARKER_ORDER`; values must be written already.

    Values are used as given (see :func:`quote`); a marker order tie keeps the given order, so
    repeatable markers (``validation``, ``listMapKey``) keep theirs.
    """
    if not markers:
        return type_text
    ordered = sorted(markers, key=lambda marker: MARKER_ORDER.index(marker[0]))
    return type_text + " | " + " ".join(f"{key}={value}" for key, value in ordered)


# -- reading ---------------------------------------------------------------------------------------
def split_field(text: str) -> tuple[str, str | None]:
    """Split ``"type | markers"`` at the first ``|``: (trimmed type, marker text or None)."""
    type_text, bar, markers = text.partition("|")
    return type_text.strip(), (markers if bar else None)


@dataclass
class _Tokenizer:
    """State of kro's single pass over a marker block."""

    key: str | None = None
    buffer: str = ""
    in_quotes: bool = False
    escaped: bool = False
    depth: int = 0
    last_value_empty: bool = False


def parse_markers(text: str) -> list[Marker]:
    """Parse the text after ``|`` into markers, as kro v0.9.3 does.

    Raises:
        MarkerSyntaxError: unknown marker (rule ``marker-unknown``), a second ``|``
            (``marker-second-pipe``), a key without ``=`` or an unclosed quote/bracket (``marker-syntax``).
    """
    state = _Tokenizer()
    markers: list[Marker] = []
    for char in text:
        if char == "=" and state.key is None and not state.in_quotes and state.depth == 0:
            state.key = _checked_key(state.buffer.strip())
            state.buffer = ""
        elif char == '"' and not state.escaped:
            state.in_quotes = not state.in_quotes
            state.buffer += char
        elif char == "\\" and state.in_quotes and not state.escaped:
            state.escaped = True
            state.buffer += char
        elif char in "[{" and not state.in_quotes:
            state.depth += 1
            state.buffer += char
        elif char in "]}" and not state.in_quotes:
            state.depth -= 1
            state.buffer += char
            if state.depth < 0:
                raise MarkerSyntaxError("unmatched closing bracket/brace", "marker-syntax")
        elif char.isspace() and not state.in_quotes and state.depth == 0:
            if state.key is not None:
                markers.append((state.key, _unquote(state.buffer)))
                state.last_value_empty = state.buffer == ""
                state.key, state.buffer = None, ""
        else:
            state.escaped = False
            state.buffer += char
    if state.key is None:
        message = f"marker key {state.buffer!r} without a value"
        if markers and state.last_value_empty:
            message += f" (marker {markers[-1][0]!r} got an empty value: no spaces around '=')"
        raise MarkerSyntaxError(message, "marker-syntax")
    markers.append((state.key, _unquote(state.buffer)))
    if state.in_quotes:
        raise MarkerSyntaxError("unclosed quote", "marker-syntax")
    if state.depth > 0:
        raise MarkerSyntaxError("unclosed bracket/brace", "marker-syntax")
    return markers


def _checked_key(key: str) -> str:
    if not key:
        raise MarkerSyntaxError("empty marker key", "marker-syntax")
    if key.startswith("|"):
        raise MarkerSyntaxError(
            f"invalid marker key {key!r}: a field string has exactly one '|'; separate markers with spaces",
            "marker-second-pipe",
        )
    if key not in KNOWN_MARKERS:
        raise MarkerSyntaxError(f"invalid marker key {key!r}: unknown marker", "marker-unknown")
    return key


def _unquote(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return _unescape(value[1:-1])
    return value.strip()


def _unescape(text: str) -> str:
    out: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            if char not in ('"', "\\"):
                out.append("\\")
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out)
