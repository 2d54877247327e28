"""Patterns must compile as Go regexps (RE2 syntax), not Python ones."""

from __future__ import annotations

import re

import pytest

from kro_gen.schema.regex import go_regexp_error


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[a-z][a-z0-9-]*$",
        r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$",
        r"^[0-9]+(Mi|Gi)$",
        r"\pL+",  # Unicode classes: Go yes, Python no
        r"[[:alpha:]]+",
        r"a\z",  # Go's end of text; Python rejects \z
        r"(?i)abc",
        r"(?P<name>x)",
    ],
)
def test_valid_go_patterns_pass(pattern: str) -> None:
    assert go_regexp_error(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        (r"^a(?=b)", "lookahead"),
        (r"^a(?!b)", "negative lookahead"),
        (r"(?<=a)b", "lookbehind"),
        (r"(?<!a)b", "negative lookbehind"),
        (r"(a)\1", "backreference"),
        (r"(?>a)", "atomic group"),
        (r"a++", "bad repetition"),
        (r"a\Z", "invalid escape"),
        (r"\d{1,1001}", "repetition size"),
        (r"[a-", "missing ]"),
        (r"a\Cb", "\\C"),
        ("", "empty"),
    ],
)
def test_python_only_or_broken_patterns_are_rejected(pattern: str, fragment: str) -> None:
    problem = go_regexp_error(pattern)
    assert problem is not None
    assert fragment in problem


def test_lookahead_is_valid_python_but_rejected() -> None:
    # the trap this module exists for: Python accepts what kro cannot compile
    re.compile(r"^(?=.*\d).+$")
    assert go_regexp_error(r"^(?=.*\d).+$") is not None
