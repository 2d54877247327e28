"""Text formatting as kro's Go code does it: ``string(double)``, ``"...".format([...])``, ``json.marshal``.

The rules follow cel-go v0.27 (``common/types/double.go``: ``fmt.Sprintf("%g")``;
``ext/formatting_v2.go``: the ``format`` clauses ``%s %d %f %e %b %x %X %o`` with ``%.Nf``/``%.Ne``
precision) and Go's ``encoding/json`` (sorted keys, HTML-safe escapes, ``1e-7`` float style).
Values are cel-python values (``celpy.celtypes``), so int, uint and double stay distinct.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
from decimal import Decimal

from celpy import celtypes

from kro_gen.expr.wrapper import type_of

_DEFAULT_PRECISION = 6


class FormatError(ValueError):
    """A value cannot be formatted the way the format string asks."""


def _digits(value: float) -> tuple[str, int]:
    """The shortest decimal digits of a finite, non-zero float and the decimal point position."""
    decimal = Decimal(repr(abs(value))).normalize()
    _, digit_tuple, exponent = decimal.as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    return digits, len(digits) + int(exponent)


def _sign(value: float) -> str:
    return "-" if math.copysign(1.0, value) < 0 else ""


def _shortest_e(value: float, *, min_exponent_digits: int) -> str:
    digits, point = _digits(value)
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    exponent = point - 1
    return f"{_sign(value)}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):0{min_exponent_digits}d}"


def shortest_fixed(value: float) -> str:
    """Go's ``strconv.FormatFloat(v, 'f', -1, 64)``: shortest digits, never an exponent."""
    if value == 0:
        return _sign(value) + "0"
    return format(Decimal(repr(value)).normalize(), "f")


def go_g(value: float) -> str:
    """Go's ``fmt.Sprintf("%g", v)`` (what CEL's ``string(double)`` returns in kro)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return _sign(value) + "0"
    _, point = _digits(value)
    exponent = point - 1
    if exponent < -4 or exponent >= 6:  # Go uses precision 6 for this choice when shortest
        return _shortest_e(value, min_exponent_digits=2)
    return shortest_fixed(value)


def _special(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def _kind(value: object) -> str:
    """CEL type name of a cel-python value."""
    for cls, name in (
        (celtypes.BoolType, "bool"),
        (celtypes.UintType, "uint"),
        (celtypes.IntType, "int"),
        (celtypes.DoubleType, "double"),
        (celtypes.StringType, "string"),
        (celtypes.BytesType, "bytes"),
        (celtypes.ListType, "list"),
        (celtypes.MapType, "map"),
        (celtypes.TimestampType, "google.protobuf.Timestamp"),
        (celtypes.DurationType, "google.protobuf.Duration"),
    ):
        if isinstance(value, cls):
            return name
    if value is None:
        return "null_type"
    return type_of(value) or type(value).__name__


def format_string(value: object) -> str:
    """The ``%s`` rendering of any value (lists as ``[a, b]``, maps as ``{k: v}`` sorted by key)."""
    kind = _kind(value)
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("int", "uint"):
        return str(int(value))  # type: ignore[call-overload]
    if kind == "double":
        number = float(value)  # type: ignore[arg-type]
        return _special(number) or shortest_fixed(number)
    if kind == "string":
        return str(value)
    if kind == "bytes":
        data: bytes = bytes(value)  # type: ignore[call-overload]
        return data.decode("utf-8", errors="replace")
    if kind == "null_type":
        return "null"
    if kind == "list":
        return "[" + ", ".join(format_string(item) for item in value) + "]"  # type: ignore[attr-defined]
    if kind == "map":
        entries = sorted((format_string(k), format_string(v)) for k, v in value.items())  # type: ignore[attr-defined]
        return "{" + ", ".join(f"{k}: {v}" for k, v in entries) + "}"
    if isinstance(value, datetime.timedelta):
        return shortest_fixed(value.total_seconds()) + "s"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    raise FormatError(
        f"string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, "
        f"types, durations, and timestamps, was given {kind}"
    )


def _number(value: object, clause: str, allowed: tuple[str, ...]) -> tuple[str, float | int]:
    kind = _kind(value)
    if kind not in allowed:
        raise FormatError(f"{clause} clause can only be used on {', '.join(allowed)}, was given {kind}")
    if kind == "double":
        return kind, float(value)  # type: ignore[arg-type]
    return kind, int(value)  # type: ignore[call-overload]


def _clause(letter: str, precision: int, value: object) -> str:
    if letter == "s":
        return format_string(value)
    if letter == "d":
        kind, number = _number(value, "decimal", ("int", "uint", "double"))
        if kind == "double":
            return _special(float(number)) or shortest_fixed(float(number))
        return str(number)
    if letter in "fe":
        name = "fixed-point" if letter == "f" else "scientific"
        _, number = _number(value, name, ("int", "uint", "double"))
        special = _special(float(number))
        return special or format(float(number), f".{precision}{letter}")
    if letter == "b":
        if _kind(value) == "bool":
            return "1" if value else "0"
        return format(_number(value, "binary", ("int", "uint", "bool"))[1], "b")
    if letter == "o":
        return format(_number(value, "octal", ("int", "uint"))[1], "o")
    if letter in "xX":
        kind = _kind(value)
        if kind in ("string", "bytes"):
            raw = str(value).encode("utf-8") if kind == "string" else bytes(value)  # type: ignore[call-overload]
            text = raw.hex()
        else:
            text = format(_number(value, "hex", ("int", "uint", "string", "bytes"))[1], "x")
        return text.upper() if letter == "X" else text
    raise FormatError(f'unrecognized formatting clause "{letter}"')


def cel_format(pattern: str, args: list[object]) -> str:
    """``pattern.format(args)`` as kro's CEL (cel-go ext.Strings v4) computes it."""
    out: list[str] = []
    index = 0
    used = 0
    while index < len(pattern):
        char = pattern[index]
        if char != "%":
            out.append(char)
            index += 1
            continue
        if pattern.startswith("%%", index):
            out.append("%")
            index += 2
            continue
        if index + 1 >= len(pattern):
            raise FormatError("unexpected end of string")
        if used >= len(args):
            raise FormatError(f"index {used} out of range")
        index += 1
        precision = _DEFAULT_PRECISION
        if pattern[index] == ".":
            end = index + 1
            while end < len(pattern) and pattern[end].isdigit():
                end += 1
            if end >= len(pattern):
                raise FormatError("could not find end of precision specifier")
            precision = int(pattern[index + 1 : end] or "0")
            index = end
        out.append(_clause(pattern[index], precision, args[used]))
        used += 1
        index += 1
    if used < len(args):
        # kro's RGD validation rejects this for literal format strings and argument lists
        raise FormatError(f"the format string has {used} clauses but {len(args)} arguments were given")
    return "".join(out)


def go_quote(text: str) -> str:
    """``strings.quote(s)``: double-quoted with CEL escapes for control characters, ``\\`` and ``"``."""
    escapes = {
        "\a": "\\a",
        "\b": "\\b",
        "\f": "\\f",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\v": "\\v",
        "\\": "\\\\",
        '"': '\\"',
    }
    return '"' + "".join(escapes.get(char, char) for char in text) + '"'


def _json_float(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise FormatError(f"json: unsupported value: {go_g(value)}")
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        text = _shortest_e(value, min_exponent_digits=2)
        # Go's encoder writes e-07 as e-7
        return text[:-2] + text[-1] if text[-4:-2] in ("e-", "e+") and text[-2] == "0" else text
    return shortest_fixed(value)


def _json_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        encoded = encoded.replace(raw, escaped)
    return encoded


def go_json(value: object) -> str:
    """``json.marshal(v)`` as kro computes it with Go's ``encoding/json``."""
    kind = _kind(value)
    if kind == "null_type":
        return "null"
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("int", "uint"):
        return str(int(value))  # type: ignore[call-overload]
    if kind == "double":
        return _json_float(float(value))  # type: ignore[arg-type]
    if kind == "string":
        return _json_string(str(value))
    if kind == "bytes":
        return '"' + base64.b64encode(bytes(value)).decode("ascii") + '"'  # type: ignore[call-overload]
    if kind == "list":
        return "[" + ",".join(go_json(item) for item in value) + "]"  # type: ignore[attr-defined]
    if kind == "map":
        items = sorted((format_string(k), v) for k, v in value.items())  # type: ignore[attr-defined]
        return "{" + ",".join(f"{_json_string(k)}:{go_json(v)}" for k, v in items) + "}"
    raise FormatError(f"json.marshal cannot encode a value of type {kind}")
