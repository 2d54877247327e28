"""format_clauses/format_problem: the string.format checks cel-go's validator runs when kro accepts an RGD."""

from __future__ import annotations

import pytest

from kro_gen import cel
from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.format_clauses import FormatSyntaxError, format_clauses, format_problem
from kro_gen.expr.wrapper import Expr


def test_clauses_in_order_with_precision_and_escaped_percent() -> None:
    assert format_clauses("%s-%d: %.2f%% %e %b %x %X %o") == ["s", "d", "f", "e", "b", "x", "X", "o"]
    assert format_clauses("100%% sure") == []
    assert format_clauses("") == []


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("%v", 'unrecognized formatting clause "v"'),
        ("%i", 'unrecognized formatting clause "i"'),
        ("50%", "unexpected end of string"),
        ("%.2", "could not find end of precision specifier"),
        ("%.f", "converting precision"),
    ],
)
def test_patterns_cel_go_cannot_parse(pattern: str, message: str) -> None:
    with pytest.raises(FormatSyntaxError, match=message):
        format_clauses(pattern)


def test_problems_follow_cel_go_argument_rules() -> None:
    assert format_problem("%s/%s/%s", ["list", "map", "bool"]) is None  # %s takes any scalar, list or map
    assert format_problem("%d %.1f %e", ["int", "uint", "double"]) is None
    assert format_problem("%x %X %b %o", ["string", "bytes", "bool", "int"]) is None
    assert format_problem("%d", [None]) is None and format_problem("%d", ["dyn"]) is None  # unknown passes
    assert "takes double, int, uint, not string" in (format_problem("%d", ["string"]) or "")
    assert "not optional" in (format_problem("%s", ["optional"]) or "")
    assert "%o (argument 2)" in (format_problem("%d %o", ["int", "double"]) or "")
    assert "2 clause(s) but 1 argument(s)" in (format_problem("%s-%s", ["string"]) or "")
    assert "1 clause(s) but 2 argument(s)" in (format_problem("%s", ["string", "int"]) or "")
    assert "unrecognized" in (format_problem("%v", ["int"]) or "")


def test_cel_format_refuses_what_kro_would_reject_at_rgd_creation() -> None:
    name = Expr(n.Select(n.Ident("schema"), "name"), "string")
    count = Expr(n.Select(n.Ident("schema"), "count"), "int")
    for build, fragment in (
        (lambda: cel.format("%d", name), "%d (argument 1)"),
        (lambda: cel.format("%s-%s", name), "2 clause(s) but 1"),
        (lambda: cel.format("%v", count), "unrecognized formatting clause"),
    ):
        with pytest.raises(ExpressionError, match="format") as caught:
            build()
        assert fragment in caught.value.message
    assert cel.format("%s has %d (%.1f%%)", name, count, 0.5) is not None
