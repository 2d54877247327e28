"""Tokens of CEL text, as cel-go v0.27 (the CEL of kro v0.9.3) reads them.

The lexer decodes literals (escapes, raw and triple-quoted strings, hex and unsigned integers) so
the parser only deals with values. Errors are :class:`CelSyntaxError` with the offset of the
offending character; :func:`syntax_error` builds the one-line message with a caret snippet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from kro_gen.errors import ExpressionError


class Kind(Enum):
    """What a token is."""

    IDENT = "identifier"
    INT = "integer"
    UINT = "unsigned integer"
    FLOAT = "number"
    STRING = "string"
    BYTES = "bytes"
    PUNCT = "symbol"
    EOF = "end of text"


@dataclass(frozen=True)
class Token:
    """One token: its kind, source text, decoded value and offset in the source."""

    kind: Kind
    text: str
    value: object
    pos: int

    def describe(self) -> str:
        """How the token is named in an error message."""
        if self.kind is Kind.EOF:
            return "the end of the expression"
        return f"{self.kind.value} {self.text!r}"


class CelSyntaxError(ExpressionError):
    """CEL text that kro's CEL would reject as syntax. ``column`` is 1-based on ``line``."""

    def __init__(self, message: str, *, text: str, pos: int, hint: str | None = None) -> None:
        self.text = text
        self.pos = pos
        self.line = text.count("\n", 0, pos) + 1
        self.column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        where = f"column {self.column}" if "\n" not in text else f"line {self.line}, column {self.column}"
        super().__init__(
            f"invalid CEL at {where}: {message} in {_snippet(text, pos)}", hint=hint, rule="cel-syntax"
        )


def syntax_error(message: str, text: str, pos: int, hint: str | None = None) -> CelSyntaxError:
    """A :class:`CelSyntaxError` for ``text`` at offset ``pos``."""
    return CelSyntaxError(message, text=text, pos=pos, hint=hint)


_WINDOW = 40


def _snippet(text: str, pos: int) -> str:
    """The text around ``pos`` on one line, with ``^`` inserted where the problem is."""
    start = max(0, pos - _WINDOW)
    end = min(len(text), pos + _WINDOW)
    before = ("…" if start > 0 else "") + text[start:pos]
    after = text[pos:end] + ("…" if end < len(text) else "")
    marked = f"{before}^{after}"
    return '"' + marked.replace("\n", "⏎").replace("\r", "").replace("\t", " ") + '"'


# Longest first, so "<=" wins over "<".
_PUNCTUATION = (
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ".",
    ",",
    ":",
    "?",
    "!",
    "-",
    "+",
    "*",
    "/",
    "%",
    "<",
    ">",
)

_IDENT = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_FLOAT = re.compile(
    r"(?:[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
)
_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_DEC = re.compile(r"[0-9]+")
_WHITESPACE = " \t\n\r\f"
_DIGITS = frozenset("0123456789")

#: Words that are literals or operators, never identifiers.
KEYWORDS = frozenset({"true", "false", "null", "in"})

#: Words cel-go reserves: they cannot be identifiers (they may be field names after a dot).
RESERVED = frozenset(
    {
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    }
)

_STRING_PREFIXES = frozenset({"r", "R", "b", "B", "br", "bR", "Br", "BR"})

_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "?": "?",
    '"': '"',
    "'": "'",
    "`": "`",
}


def tokenize(text: str) -> list[Token]:
    """Split CEL ``text`` into tokens, ending with an EOF token.

    Raises:
        CelSyntaxError: an unknown character, an unterminated string or a bad escape.
    """
    tokens: list[Token] = []
    pos = 0
    length = len(text)
    while pos < length:
        char = text[pos]
        if char in _WHITESPACE:
            pos += 1
            continue
        if text.startswith("//", pos):
            newline = text.find("\n", pos)
            pos = length if newline < 0 else newline + 1
            continue
        token = _next_token(text, pos)
        tokens.append(token)
        pos += len(token.text)
    tokens.append(Token(Kind.EOF, "", None, length))
    return tokens


def _next_token(text: str, pos: int) -> Token:
    char = text[pos]
    if char in _DIGITS or (char == "." and text[pos + 1 : pos + 2] in _DIGITS):
        return _number(text, pos)
    if char in "\"'":
        return _string(text, pos, prefix="")
    if char == "`":
        # cel-go parses `name` only with EnableIdentifierEscapeSyntax, which kro v0.9.3 leaves off
        raise syntax_error(
            "unsupported syntax '`': kro's CEL has no backtick-quoted field names",
            text,
            pos,
            hint='index the map instead: x["my-key"] (or x[?"my-key"] for an optional read)',
        )
    ident = _IDENT.match(text, pos)
    if ident:
        word = ident.group()
        after = ident.end()
        if word in _STRING_PREFIXES and after < len(text) and text[after] in "\"'":
            return _string(text, pos, prefix=word)
        return Token(Kind.IDENT, word, word, pos)
    for punct in _PUNCTUATION:
        if text.startswith(punct, pos):
            return Token(Kind.PUNCT, punct, punct, pos)
    hint = "CEL strings use double quotes" if char in "“”‘’" else None
    if char == "&" or char == "|":
        hint = f"CEL writes logical operators as '{char * 2}'"
    if char == "=":
        hint = "CEL compares with '=='"
    raise syntax_error(f"unexpected character {char!r}", text, pos, hint=hint)


def _number(text: str, pos: int) -> Token:
    for pattern, kind in ((_FLOAT, Kind.FLOAT), (_HEX, Kind.INT), (_DEC, Kind.INT)):
        match = pattern.match(text, pos)
        if not match:
            continue
        literal = match.group()
        end = match.end()
        if kind is Kind.FLOAT:
            value: object = float(literal)
            if value in (float("inf"), float("-inf")):
                raise syntax_error(f"the number {literal} is too large for a double", text, pos)
            return Token(kind, literal, value, pos)
        number = int(literal, 16) if literal[:2] in ("0x", "0X") else int(literal)
        if end < len(text) and text[end] in "uU":
            if number > 2**64 - 1:
                raise syntax_error(f"the unsigned integer {literal} is out of range", text, pos)
            return Token(Kind.UINT, text[pos : end + 1], number, pos)
        return Token(kind, literal, number, pos)
    raise syntax_error("malformed number", text, pos)  # pragma: no cover - the caller checked a digit


def _string(text: str, pos: int, *, prefix: str) -> Token:
    raw = "r" in prefix.lower()
    is_bytes = "b" in prefix.lower()
    start = pos + len(prefix)
    quote = text[start]
    delimiter = quote * 3 if text.startswith(quote * 3, start) else quote
    body_start = start + len(delimiter)
    chars: list[str] = []
    index = body_start
    while True:
        if index >= len(text):
            raise syntax_error("this string is never closed", text, pos, hint=f"add the closing {delimiter}")
        if text.startswith(delimiter, index):
            break
        char = text[index]
        if char in "\r\n" and len(delimiter) == 1:
            raise syntax_error(
                "a line break inside a one-line string",
                text,
                index,
                hint='write \\n, or use a triple-quoted string """..."""',
            )
        if char == "\\" and not raw:
            decoded, index = _escape(text, index, is_bytes)
            chars.append(decoded)
            continue
        chars.append(char)
        index += 1
    end = index + len(delimiter)
    value = "".join(chars)
    if is_bytes:
        return Token(Kind.BYTES, text[pos:end], value, pos)
    return Token(Kind.STRING, text[pos:end], value, pos)


def _escape(text: str, index: int, is_bytes: bool) -> tuple[str, int]:
    """Decode the escape at ``text[index]`` (a backslash); return the text and the next index."""
    if index + 1 >= len(text):
        raise syntax_error("a string ends with a lone backslash", text, index)
    kind = text[index + 1]
    if kind in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[kind], index + 2
    if kind in "xX":
        return _hex_escape(text, index, 2, is_bytes)
    if kind == "u":
        return _hex_escape(text, index, 4, is_bytes)
    if kind == "U":
        return _hex_escape(text, index, 8, is_bytes)
    if kind in "0123":
        digits = text[index + 1 : index + 4]
        if len(digits) == 3 and all(c in "01234567" for c in digits):
            return _code_point(text, index, int(digits, 8), is_bytes), index + 4
    raise syntax_error(
        f"unknown escape sequence \\{kind}",
        text,
        index,
        hint=(
            "CEL knows \\n \\t \\r \\\\ \\\" \\' \\xHH \\uHHHH \\UHHHHHHHH and octal \\NNN; "
            'or use a raw string r"..."'
        ),
    )


def _hex_escape(text: str, index: int, width: int, is_bytes: bool) -> tuple[str, int]:
    digits = text[index + 2 : index + 2 + width]
    if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise syntax_error(f"\\{text[index + 1]} needs {width} hex digits", text, index)
    code = int(digits, 16)
    if width > 2 and is_bytes:
        raise syntax_error("bytes literals cannot hold \\u escapes", text, index)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise syntax_error(f"\\{text[index + 1]}{digits} is not a valid code point", text, index)
    return _code_point(text, index, code, is_bytes), index + 2 + width


def _code_point(text: str, index: int, code: int, is_bytes: bool) -> str:
    """The character for an escape; in bytes literals only ASCII (kro-gen keeps bytes as UTF-8 text)."""
    if is_bytes and code > 0x7F:
        raise syntax_error(
            "bytes literals with non-ASCII escapes are not supported",
            text,
            index,
            hint='kro must never produce raw bytes; use bytes("...") of text, or base64.decode("...")',
        )
    return chr(code)
