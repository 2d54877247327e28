"""kro's ${...} extractor (KRO-RULES §4.1, kro v0.9.3 pkg/graph/parser/cel.go) and field parsing."""

from __future__ import annotations

import pytest

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.engine import evaluate_field
from kro_gen.expr.fields import field_value
from kro_gen.expr.kro_text import (
    ExprSpan,
    extract_expressions,
    find_expressions,
    is_standalone,
    parse_field,
    split_template,
    template_cel,
)
from kro_gen.expr.parser import parse_cel


@pytest.mark.parametrize(
    ("text", "expressions"),
    [
        ("no expression", []),
        ("$VAR and $(cmd) and {braces}", []),
        ("${a}", ["a"]),
        ("x-${a}-${b.c}", ["a", "b.c"]),
        ("${a}${b}", ["a", "b"]),
        # map literals: braces are counted
        ('${{"app": schema.spec.name}}', ['{"app": schema.spec.name}']),
        # braces inside double-quoted CEL strings do not count
        ('${"}" + a}', ['"}" + a']),
        ('${{"a": "{{"}}', ['{"a": "{{"}']),
        # a backslash escapes the next character inside a double-quoted string
        ('${"a\\"}" + b}', ['"a\\"}" + b']),
        # single quotes are NOT strings for the extractor: the brace ends the expression early
        ("${'}'}", ["'"]),
        # ${ inside a double-quoted string is plain text (kro's escape for a literal ${)
        ('${"${HOME}"}', ['"${HOME}"']),
        ('${"echo ${A} and ${B}"}', ['"echo ${A} and ${B}"']),
        # outside a string, a nested ${ is allowed right after a quote (kro's exact rule)
        ('${"a"${b}}', ['"a"${b}']),
        # unterminated ${ is left as text; scanning resumes after it
        ("a ${b", []),
        ("${a} then ${b", ["a"]),
        ("${", []),
        ("${}", [""]),
    ],
)
def test_extract_expressions_matches_kro(text: str, expressions: list[str]) -> None:
    assert extract_expressions(text) == expressions


@pytest.mark.parametrize("text", ["${a ${b}}", "${f(${x})}", "x ${a + ${b}} y"])
def test_nested_expressions_outside_strings_fail_the_field(text: str) -> None:
    with pytest.raises(ExpressionError, match="nested expressions are not allowed") as caught:
        extract_expressions(text)
    assert caught.value.rule == "cel-nested-expression"
    assert '${"${VAR}"}' in (caught.value.hint or "")


def test_spans_carry_positions() -> None:
    assert find_expressions("ab${x}cd${y}") == [ExprSpan("x", 2, 6), ExprSpan("y", 8, 12)]


@pytest.mark.parametrize(
    ("text", "standalone"),
    [
        ("${a}", True),
        ("${a ? 1 : 2}", True),
        ('${{"a": 1}}', True),
        ("${a}\n", False),  # a YAML '|' block adds this newline: no longer standalone
        (" ${a}", False),
        ("${a}${b}", False),
        ("${a}-x", False),
        ("plain", False),
        ("${a", False),
    ],
)
def test_is_standalone(text: str, standalone: bool) -> None:
    assert is_standalone(text) is standalone


def test_split_template_keeps_literal_and_expression_pieces_in_order() -> None:
    assert split_template("http://${host}:${port}/x") == [
        "http://",
        ExprSpan("host", 7, 14),
        ":",
        ExprSpan("port", 15, 22),
        "/x",
    ]
    assert split_template("plain") == ["plain"]
    assert split_template("") == []
    # the unterminated tail is literal text
    assert split_template("${a}-${b") == [ExprSpan("a", 0, 4), "-${b"]


def test_template_cel_is_what_kro_compiles() -> None:
    assert template_cel("plain") is None
    assert template_cel("${a + 1}") == "a + 1"
    assert template_cel('pre-${a}-"q"') == '"pre-" + (a) + "-\\"q\\""'
    # the CEL kro builds for a template evaluates to the same string as the field
    activation = {"a": "x"}
    from kro_gen.expr.engine import evaluate

    assert evaluate(template_cel('pre-${a}-"q"') or "", activation) == 'pre-x-"q"'


def test_parse_field_returns_text_node_or_template() -> None:
    assert parse_field("plain text") == "plain text"
    assert parse_field("a ${b") == "a ${b"
    assert parse_field("${schema.spec.replicas}") == parse_cel("schema.spec.replicas")
    assert parse_field("${a}-svc") == n.Template((n.Ident("a"), "-svc"))
    assert parse_field("${a}${b}") == n.Template((n.Ident("a"), n.Ident("b")))


def test_parse_field_errors_say_which_expression() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_field("ok-${a} and ${b +}")
    message = str(caught.value)
    assert "offset 12" in message
    assert "${b +}" in message
    assert "column 4" in message


CANONICAL = [
    "plain",
    "${schema.spec.replicas}",
    "${schema.metadata.name}-config",
    "x-${string(schema.spec.port)}-${schema.spec.name.lowerAscii()}-y",
    '${schema.spec.env == "prod" ? "info" : "debug"}',
    '${{"app": schema.spec.name}}',
    '${"echo ${HOME}"}',
    "${a}${b}",
    "${deployment.status.?availableReplicas.orValue(0)}",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_field_value_of_parse_field_round_trips(text: str) -> None:
    assert field_value(parse_field(text)) == text


def test_literal_dollar_brace_is_escaped_so_kro_keeps_it() -> None:
    written = field_value("echo ${HOME}")
    assert written == '${"echo ${HOME}"}'
    assert is_standalone(written)
    assert evaluate_field(written, {}) == "echo ${HOME}"
    assert parse_field(written) == n.Literal("echo ${HOME}")
