"""parse_cel: CEL precedence, every syntax form kro uses, and errors that point at the column."""

from __future__ import annotations

import pytest

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.lexer import CelSyntaxError
from kro_gen.expr.parser import parse_cel

a, b, c, d, e = (n.Ident(name) for name in "abcde")


def lit(value: n.LiteralValue) -> n.Literal:
    return n.Literal(value)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a + b * c", n.Binary("+", a, n.Binary("*", b, c))),
        ("a * b + c", n.Binary("+", n.Binary("*", a, b), c)),
        ("a - b - c", n.Binary("-", n.Binary("-", a, b), c)),
        ("a / b % c", n.Binary("%", n.Binary("/", a, b), c)),
        ("a || b && c", n.Binary("||", a, n.Binary("&&", b, c))),
        ("a && b || c", n.Binary("||", n.Binary("&&", a, b), c)),
        ("a == b && c != d", n.Binary("&&", n.Binary("==", a, b), n.Binary("!=", c, d))),
        ("a < b + c", n.Binary("<", a, n.Binary("+", b, c))),
        ("a in b == c", n.Binary("==", n.Binary("in", a, b), c)),
        ("a + b in c", n.Binary("in", n.Binary("+", a, b), c)),
        ("!a && b", n.Binary("&&", n.Unary("!", a), b)),
        ("!!a", n.Unary("!", n.Unary("!", a))),
        ("-a.b", n.Unary("-", n.Select(a, "b"))),
        ("-a * b", n.Binary("*", n.Unary("-", a), b)),
        ("a ? b : c ? d : e", n.Cond(a, b, n.Cond(c, d, e))),
        ("a || b ? c : d", n.Cond(n.Binary("||", a, b), c, d)),
        ("(a ? b : c) ? d : e", n.Cond(n.Cond(a, b, c), d, e)),
        ("a ? (b ? c : d) : e", n.Cond(a, n.Cond(b, c, d), e)),
        ("(a + b) * c", n.Binary("*", n.Binary("+", a, b), c)),
        ("a - -1", n.Binary("-", a, lit(-1))),
        ("a-1", n.Binary("-", a, lit(1))),
    ],
)
def test_operators_follow_cel_precedence_and_associativity(text: str, tree: n.Node) -> None:
    assert parse_cel(text) == tree


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("0x1F", 31),
        ("-5", -5),
        ("-9223372036854775808", -(2**63)),
        ("9223372036854775807", 2**63 - 1),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("2.5E-3", 0.0025),
        ("-0.25", -0.25),
        ("true", True),
        ("false", False),
        ("null", None),
        ('"double"', "double"),
        ("'single'", "single"),
        ('"it\'s"', "it's"),
        ("'say \"hi\"'", 'say "hi"'),
        (r'"a\nb\tc"', "a\nb\tc"),
        (r'"\a\b\f\r\v\\\?\"\'\`"', "\a\b\f\r\v\\?\"'`"),
        (r'"\x41\X42"', "AB"),
        (r'"\101\060"', "A0"),
        (r'"\u00e9"', "é"),
        (r'"\U0001F600"', "😀"),
        ('"😀 raw"', "😀 raw"),
        (r'r"\d+\.\w"', r"\d+\.\w"),
        (r"R'\n'", r"\n"),
        ('"""two\nlines "quoted" """', 'two\nlines "quoted" '),
        ("'''it's'''", "it's"),
        ('"${HOME}"', "${HOME}"),
        ('"{not a map}"', "{not a map}"),
    ],
)
def test_literals_decode_like_cel(text: str, value: object) -> None:
    node = parse_cel(text)
    assert node == n.Literal(value)  # type: ignore[arg-type]
    assert type(node.value) is type(value)  # type: ignore[attr-defined]


def test_uint_and_bytes_literals_become_conversion_calls() -> None:
    assert parse_cel("7u") == n.Call("uint", (lit(7),))
    assert parse_cel("0xffU") == n.Call("uint", (lit(255),))
    assert parse_cel('b"abc"') == n.Call("bytes", (lit("abc"),))
    assert parse_cel(r'b"\x41"') == n.Call("bytes", (lit("A"),))


def test_containers_allow_trailing_commas_and_any_key_expressions() -> None:
    assert parse_cel("[1, 2,]") == n.ListLit((lit(1), lit(2)))
    assert parse_cel("[]") == n.ListLit(())
    assert parse_cel("{}") == n.MapLit(())
    assert parse_cel('{"a": 1, b: c ? 1 : 2,}') == n.MapLit(
        ((lit("a"), lit(1)), (b, n.Cond(c, lit(1), lit(2))))
    )


def test_member_access_forms() -> None:
    assert parse_cel("a.b[0].c") == n.Select(n.Index(n.Select(a, "b"), lit(0)), "c")
    assert parse_cel("a.?b") == n.Select(a, "b", optional=True)
    assert parse_cel('a[?"k"]') == n.Index(a, lit("k"), optional=True)
    assert parse_cel("a.?b.orValue(1)") == n.Method(n.Select(a, "b", optional=True), "orValue", (lit(1),))
    # reserved words are fine as field names after a dot; any other name is an index
    assert parse_cel("x.metadata.namespace") == n.Select(n.Select(n.Ident("x"), "metadata"), "namespace")
    assert parse_cel('x["app.kubernetes.io/name"]') == n.Index(n.Ident("x"), lit("app.kubernetes.io/name"))
    assert parse_cel("f(a).b") == n.Select(n.Call("f", (a,)), "b")
    assert parse_cel("-5.size()") == n.Method(lit(-5), "size", ())


def test_method_and_global_calls() -> None:
    assert parse_cel("size(a)") == n.Call("size", (a,))
    assert parse_cel("a.size()") == n.Method(a, "size", ())
    assert parse_cel('s.replace("a", "b", 1)') == n.Method(
        n.Ident("s"), "replace", (lit("a"), lit("b"), lit(1))
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a known namespace with a function: one global call with the dotted name
        ("random.seededString(8, a)", n.Call("random.seededString", (lit(8), a))),
        ("base64.encode(a)", n.Call("base64.encode", (a,))),
        ("lists.range(3)", n.Call("lists.range", (lit(3),))),
        ("optional.none()", n.Call("optional.none", ())),
        ("strings.quote(a)", n.Call("strings.quote", (a,))),
        ("math.greatest(a, b)", n.Call("math.greatest", (a, b))),
        ("random.unknown(a)", n.Call("random.unknown", (a,))),
        ("ip.isCanonical(a)", n.Call("ip.isCanonical", (a,))),
        # runtime is a variable with methods in kro; ip is both a function and a namespace
        ("runtime.newCondition(a)", n.Method(n.Ident("runtime"), "newCondition", (a,))),
        ("ip.family()", n.Method(n.Ident("ip"), "family", ())),
        # an ordinary variable's method, and a macro on a variable named like a namespace
        ("cfg.seededString(8)", n.Method(n.Ident("cfg"), "seededString", (lit(8),))),
        ("lists.map(x, x)", n.Comprehension(n.Ident("lists"), "map", ("x",), (n.Ident("x"),))),
        # deeper chains are methods on a selection
        ("a.b.c(1)", n.Method(n.Select(a, "b"), "c", (lit(1),))),
    ],
)
def test_dotted_calls_resolve_like_kro(text: str, expected: n.Node) -> None:
    assert parse_cel(text) == expected


def test_macros_become_comprehensions_with_their_variables() -> None:
    x, v, k, i = (n.Ident(name) for name in ("x", "v", "k", "i"))
    assert parse_cel("a.map(x, x * 2)") == n.Comprehension(a, "map", ("x",), (n.Binary("*", x, lit(2)),))
    assert parse_cel("a.map(x, x > 1, x)") == n.Comprehension(a, "map", ("x",), (n.Binary(">", x, lit(1)), x))
    assert parse_cel("a.filter(x, x)").macro == "filter"  # type: ignore[attr-defined]
    assert parse_cel("a.exists_one(x, x)").variables == ("x",)  # type: ignore[attr-defined]
    assert parse_cel("a.all(k, v, k == v)") == n.Comprehension(a, "all", ("k", "v"), (n.Binary("==", k, v),))
    assert parse_cel("a.transformList(i, v, i > 0, v)") == n.Comprehension(
        a, "transformList", ("i", "v"), (n.Binary(">", i, lit(0)), v)
    )
    assert parse_cel("a.sortBy(x, -x)") == n.Comprehension(a, "sortBy", ("x",), (n.Unary("-", x),))
    assert parse_cel("has(a.b)") == n.Call("has", (n.Select(a, "b"),))
    bind = parse_cel("cel.bind(x, a, x + x)")
    assert bind == n.Call("cel.bind", (x, a, n.Binary("+", x, x)))
    # the bound variable is not a free identifier; the initialiser's are
    assert n.free_identifiers(bind) == ["a"]
    assert n.free_identifiers(parse_cel("a.map(x, x + b)")) == ["a", "b"]


def test_comments_and_whitespace_are_ignored() -> None:
    assert parse_cel("a // the first\n  +\tb // and more") == n.Binary("+", a, b)


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("a + )", 5, "expected an expression, found symbol ')'"),
        ("a +", 4, "found the end of the expression"),
        ("", 1, "the expression is empty"),
        ("a b", 3, "unexpected identifier 'b'"),
        ("f(a", 4, "to close the '(' at column 2"),
        ("[1, 2", 6, "to close the '[' at column 1"),
        ('"abc', 1, "never closed"),
        ('"a\nb"', 3, "line break inside a one-line string"),
        (r'"\q"', 2, r"unknown escape sequence \q"),
        (r'"\ud800"', 2, "not a valid code point"),
        ("a.", 3, "expected a field name"),
        ("a = b", 3, "unexpected character '='"),
        ("a & b", 3, "unexpected character '&'"),
        ("namespace", 1, "reserved word"),
        ("in", 1, "is an operator"),
        ("!-a", 2, "'!' cannot be followed by '-'"),
        ("-!a", 2, "'-' cannot be followed by '!'"),
        ("a ? b ? c : d : e", 7, "needs parentheses"),
        ("9223372036854775808", 1, "out of the int64 range"),
        ("-9223372036854775809", 1, "out of the int64 range"),
        ("1e999", 1, "too large for a double"),
        ("has(a)", 1, "has() takes one field selection"),
        ("has(a.?b)", 1, "has() takes one field selection"),
        ("a.map(1, 2)", 3, "must be variable names"),
        ("a.map(x)", 3, "takes 2 or 3 arguments, not 1"),
        ("a.all(x, x, x)", 3, "must differ"),
        ("cel.bind(1, 2, 3)", 1, "cel.bind() takes"),
        ("[?a]", 2, "optional list elements"),
        ("{?a: 1}", 2, "optional map entries"),
        ("Msg{a: 1}", 4, "message construction"),
        (".a", 1, "leading '.'"),
        ("a.?f()", 4, "cannot be called with '.?'"),
        # kro v0.9.3 leaves cel-go's backtick field syntax off: "unsupported syntax: '`'"
        ("x.`app.kubernetes.io/name`", 3, "unsupported syntax '`'"),
        ('b"\\xff"', 3, "non-ASCII escapes"),
        ("a\n  + )", 5, "line 2, column 5"),
    ],
)
def test_syntax_errors_name_the_column_with_a_caret_snippet(text: str, column: int, fragment: str) -> None:
    with pytest.raises(CelSyntaxError) as caught:
        parse_cel(text)
    error = caught.value
    assert isinstance(error, ExpressionError)
    assert error.column == column
    assert error.rule == "cel-syntax"
    message = str(error)
    assert fragment in message
    assert "\n" not in message
    # the snippet shows the text with ^ inserted at the offending character
    line_start = text.rfind("\n", 0, error.pos) + 1
    assert text[line_start : error.pos].replace("\n", "⏎") + "^" in message


def test_long_text_snippets_are_trimmed_around_the_error() -> None:
    text = "a + " * 40 + ")"
    with pytest.raises(CelSyntaxError) as caught:
        parse_cel(text)
    message = str(caught.value)
    assert "…" in message
    assert len(message) < 200
    assert message.endswith('^)"')


def test_deep_nesting_is_refused_cleanly() -> None:
    with pytest.raises(CelSyntaxError, match="nests deeper than"):
        parse_cel("(" * 150 + "a" + ")" * 150)
    assert parse_cel("(" * 50 + "a" + ")" * 50) == a


def test_errors_give_fix_hints_where_there_is_an_obvious_fix() -> None:
    with pytest.raises(CelSyntaxError) as caught:
        parse_cel("a = 1")
    assert caught.value.hint == "CEL compares with '=='"
    with pytest.raises(CelSyntaxError) as caught:
        parse_cel("schema.spec.ready and true")
    assert "&&" in (caught.value.hint or "")
    with pytest.raises(CelSyntaxError) as caught:
        parse_cel("cm.data.`my-key`")
    assert 'x["my-key"]' in (caught.value.hint or "")
