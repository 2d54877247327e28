"""The clauses of a ``"...".format([...])`` string, as kro's CEL (cel-go v0.27, ext.Strings v4) reads them.

cel-go's ``string.format`` validator is always on in kro v0.9.3: when the format string and the argument
list are literals, the RGD is rejected at creation for an unknown clause (``%v``), too few or too many
arguments, or an argument whose type the clause does not take (``%d`` of a string). This module holds
those rules without importing an evaluator, so both ``cel.format`` (at build time) and the RGD checker
(``kro_gen.check``) apply them. Evaluation itself is :func:`kro_gen.expr.goformat.cel_format`.
"""

from __future__ import annotations

_NUMBERS = frozenset({"int", "uint", "double"})

#: The argument types each clause letter accepts (cel-go ``ext/formatting_v2.go``); dyn passes everywhere.
CLAUSE_TYPES: dict[str, frozenset[str]] = {
    "s": frozenset(
        {"list", "map", "int", "uint", "double", "bool", "string", "timestamp", "bytes", "duration", "null"}
    ),
    "d": _NUMBERS,
    "f": _NUMBERS,
    "e": _NUMBERS,
    "b": frozenset({"bool", "int", "uint"}),
    "x": frozenset({"int", "uint", "string", "bytes"}),
    "X": frozenset({"int", "uint", "string", "bytes"}),
    "o": frozenset({"int", "uint"}),
}


class FormatSyntaxError(ValueError):
    """A format string cel-go cannot parse (its message follows cel-go's)."""


def format_clauses(pattern: str) -> list[str]:
    """The clause letters of ``pattern`` in order (``%%`` is a literal ``%``, not a clause).

    Raises:
        FormatSyntaxError: a ``%`` at the end, a bad ``%.N`` precision, or an unknown clause letter.
    """
    clauses: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern[index] != "%":
            index += 1
            continue
        if pattern.startswith("%%", index):
            index += 2
            continue
        index += 1
        if index >= len(pattern):
            raise FormatSyntaxError("unexpected end of string")
        if pattern[index] == ".":
            end = index + 1
            while end < len(pattern) and pattern[end].isascii() and pattern[end].isdigit():
                end += 1
            if end >= len(pattern):
                raise FormatSyntaxError("could not find end of precision specifier")
            if end == index + 1:
                raise FormatSyntaxError("error while converting precision to integer")
            index = end
        letter = pattern[index]
        if letter not in CLAUSE_TYPES:
            raise FormatSyntaxError(f'unrecognized formatting clause "{letter}"')
        clauses.append(letter)
        index += 1
    return clauses


def format_problem(pattern: str, argument_types: list[str | None]) -> str | None:
    """What kro would reject in ``pattern.format([args])``, or None.

    ``argument_types`` holds one CEL type name per argument (``"string"``, ``"list"``...); ``None`` or
    ``"dyn"`` means unknown, which passes as it does in cel-go.
    """
    try:
        clauses = format_clauses(pattern)
    except FormatSyntaxError as error:
        return f"format string {pattern!r}: {error}"
    if len(clauses) != len(argument_types):
        return (
            f"format string {pattern!r} has {len(clauses)} clause(s) but {len(argument_types)} "
            "argument(s) are given"
        )
    for position, (letter, kind) in enumerate(zip(clauses, argument_types, strict=True), start=1):
        if kind is not None and kind != "dyn" and kind not in CLAUSE_TYPES[letter]:
            accepted = ", ".join(sorted(CLAUSE_TYPES[letter]))
            return f"format clause %{letter} (argument {position}) takes {accepted}, not {kind}"
    return None
