"""Go number formatting that kro's string(double), format() and json.marshal produce."""

from __future__ import annotations

import pytest

from kro_gen.expr.goformat import go_g, go_quote, shortest_fixed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.0, "3"),
        (1.5, "1.5"),
        (0.1, "0.1"),
        (123456.0, "123456"),
        # Go's %g switches to an exponent at 1e6 when printing the shortest digits
        (1234567.0, "1.234567e+06"),
        (1e6, "1e+06"),
        (1e20, "1e+20"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (2.5e-7, "2.5e-07"),
        (-42.5, "-42.5"),
        (-0.0, "-0"),
        (float("nan"), "NaN"),
        (float("inf"), "+Inf"),
        (float("-inf"), "-Inf"),
    ],
)
def test_go_g_is_what_cel_string_of_a_double_gives(value: float, expected: str) -> None:
    assert go_g(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3.0, "3"), (1e20, "100000000000000000000"), (1e-7, "0.0000001"), (0.1 + 0.2, "0.30000000000000004")],
)
def test_shortest_fixed_never_uses_an_exponent(value: float, expected: str) -> None:
    assert shortest_fixed(value) == expected


def test_go_quote_escapes_like_cel_strings_quote() -> None:
    assert go_quote('a"b\\c\n\t\a\v') == '"a\\"b\\\\c\\n\\t\\a\\v"'
    assert go_quote("é") == '"é"'
