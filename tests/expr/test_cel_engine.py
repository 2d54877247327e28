"""engine: compile, evaluate with kro's semantics, pending data, results kro can use, check_parses."""

from __future__ import annotations

import hashlib

import pytest

from kro_gen import cel
from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.engine import (
    PendingDataError,
    check_parses,
    compile_cel,
    evaluate,
    evaluate_field,
)
from kro_gen.expr.wrapper import Expr

SCHEMA = {
    "schema": {
        "metadata": {"name": "shop", "namespace": "prod", "uid": "1234"},
        "spec": {"replicas": 3, "name": "web", "ratio": 0.5, "tags": ["a", "b"], "env": "prod", "empty": {}},
    }
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # integer division truncates toward zero, % keeps the dividend's sign (Go, not Python)
        ("-7 / 2", -3),
        ("7 / -2", -3),
        ("-7 % 2", -1),
        ("7 % -2", 1),
        ("7.0 / 2.0", 3.5),
        ("1.0 / 0.0 > 1e308", True),
        # numbers compare across types, but never mix in arithmetic (see the error test)
        ("1 < 2.5", True),
        ("3 >= 3.0", True),
        ("2u > 1", True),
        # == between dyn values is cel-go's heterogeneous equality: by value for numbers, else false
        ("1 == 1.0", True),
        ('json.unmarshal("2") == 2', True),
        ("[1, [2]] == [1.0, [2u]]", True),
        ("true == 1", False),
        ("null == 0", False),
        ('"1" != 1', True),
        ("1 in [1.0, 2.0]", True),
        ("[1, 1.0, 2].distinct()", [1, 2]),
        ("schema.spec.replicas * 2 + 1", 7),
        ("schema.spec.ratio * 2.0", 1.0),
        ("double(schema.spec.replicas) * schema.spec.ratio", 1.5),
        ("int(schema.spec.ratio * 10.0)", 5),
        ('int("42") + 1', 43),
        ('double("2.5")', 2.5),
        # string() formats like Go
        ("string(true)", "true"),
        ("string(3.0)", "3"),
        ("string(1.5)", "1.5"),
        ("string(1000000.0)", "1e+06"),
        ("string(-42)", "-42"),
        ('string(bytes("hé"))', "hé"),
        # ternaries and short-circuits do not touch the branch not taken
        ('schema.spec.env == "prod" ? "info" : "debug"', "info"),
        ("true ? 1 : schema.spec.missing", 1),
        ("false && schema.spec.missing", False),
        ("true || schema.spec.missing", True),
        ("schema.spec.missing || true", True),
        ('size(schema.spec.tags) == 2 && schema.spec.tags[1] == "b"', True),
        ('"a" in schema.spec.tags', True),
        ('"replicas" in schema.spec', True),
        # has() and optional access on missing keys
        ("has(schema.spec.name)", True),
        ("has(schema.spec.missing)", False),
        ("has(schema.spec.empty.x)", False),
        ("schema.spec.?missing.orValue(5)", 5),
        ("schema.spec.?replicas.orValue(5)", 3),
        ('schema.metadata.?labels["app"].orValue("none")', "none"),
        ("schema.spec.?missing", None),
        # lists, maps and macros come back as plain Python
        ('{"n": schema.spec.name, "r": [schema.spec.replicas, null]}', {"n": "web", "r": [3, None]}),
        ('schema.spec.tags.map(t, t + "!")', ["a!", "b!"]),
        ('schema.spec.tags + ["c"]', ["a", "b", "c"]),
        ('schema.metadata.name + "-" + schema.metadata.namespace', "shop-prod"),
        ('schema.spec.tags.exists(t, t == "b")', True),
        ("[1, 2, 3].all(i, v, v == i + 1)", True),
        ('{"a": 1}.exists(k, v, k == "a" && v == 1)', True),
        ("[1, 2, 3].transformList(i, v, i < 2, v * 10)", [10, 20]),
        ('{"a": 1, "b": 2}.transformMap(k, v, v + 1)', {"a": 2, "b": 3}),
        ('{"a": 1}.transformMapEntry(k, v, {k + k: v})', {"aa": 1}),
        ("cel.bind(r, schema.spec.replicas, r * r)", 9),
    ],
)
def test_evaluation_matches_kro(text: str, expected: object) -> None:
    result = evaluate(text, SCHEMA)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("7 / 2.0", "no such overload: int and double /"),
        ("1 + 1.0", "no such overload: int and double +"),
        ("schema.spec.replicas * schema.spec.ratio", "int and double *"),
        ("1 + true", "int and bool +"),
        ('1 + "a"', "no such overload"),
        ("1 / 0", "divide by zero"),
        ("9223372036854775807 + 1", "overflow"),
        ('int("0x10")', "cannot convert '0x10' to int"),
        ('int("1.5")', "cannot convert"),
    ],
)
def test_type_errors_are_expression_errors(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError, match="cannot evaluate") as caught:
        evaluate(text, SCHEMA)
    assert fragment in str(caught.value)
    assert not isinstance(caught.value, PendingDataError)


@pytest.mark.parametrize(
    "text",
    ["schema.spec.missing", "schema.spec.tags[5]", 'schema.spec.empty["k"]', "has(schema.nope.x)"],
)
def test_missing_data_is_pending_not_failed(text: str) -> None:
    # kro treats "no such key" and "index out of bounds" as data that is not there yet
    with pytest.raises(PendingDataError) as caught:
        evaluate(text, SCHEMA)
    assert caught.value.rule == "cel-pending"
    assert "orValue" in (caught.value.hint or "")


def test_unknown_identifiers_are_named_with_kros_wording() -> None:
    with pytest.raises(
        ExpressionError, match=r"references unknown identifiers: \[deployment, svc\]"
    ) as caught:
        evaluate("deployment.status.x + svc.spec.y", SCHEMA)
    assert caught.value.rule == "cel-unknown-identifier"
    # comprehension variables are bound, not unknown
    assert evaluate('schema.spec.tags.filter(x, x == "a")', SCHEMA) == ["a"]


@pytest.mark.parametrize(
    ("text", "fragment", "hint"),
    [
        ("schema.spec.name.lenght()", "uses unknown functions: [lenght]", "size"),
        ("schema.spec.name.toLowerCase()", "unknown functions: [toLowerCase]", "lowerAscii"),
        ("math.greatest(1, 2)", "does not enable the CEL math extension", None),
        ("sets.contains([1], [1])", "does not enable the CEL sets extension", None),
        ("omit()", "CELOmitFunction", None),
        ("lowerAscii(schema.spec.name)", "is not how kro calls lowerAscii", "x.lowerAscii()"),
        ('url("https://x")', "kro has url(), but kro-gen cannot evaluate it offline", None),
        ('quantity("1Gi").isInteger()', "cannot evaluate it offline", None),
    ],
)
def test_functions_kro_lacks_or_we_cannot_run_are_named(text: str, fragment: str, hint: str | None) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, SCHEMA)
    assert fragment in str(caught.value)
    if hint:
        assert hint in (caught.value.hint or "")


def test_bytes_and_uint_results_are_refused_because_kro_crashes_on_them() -> None:
    with pytest.raises(ExpressionError, match=r"crashes the kro v0\.9\.3 controller") as caught:
        evaluate('hash.sha256("a")', {})
    assert caught.value.rule == "cel-result-type"
    with pytest.raises(ExpressionError, match="evaluates to uint"):
        evaluate("[1u]", {})
    assert evaluate('hash.sha256("a")', {}, strict=False) == hashlib.sha256(b"a").digest()
    assert evaluate("2u", {}, strict=False) == 2
    # wrapped the way KRO-RULES recommends, it is fine
    assert evaluate('"%x".format([hash.sha256("a")])', {}) == hashlib.sha256(b"a").hexdigest()


def test_non_json_results_are_refused() -> None:
    with pytest.raises(ExpressionError, match="not a JSON value"):
        evaluate('duration("1s")', {})


def test_evaluate_accepts_nodes_and_exprs() -> None:
    schema = Expr(n.Ident("schema"))
    replicas = schema.spec.replicas
    assert evaluate(replicas * 2, SCHEMA) == 6
    assert evaluate(cel.cond(schema.spec.env == "prod", "info", "debug"), SCHEMA) == "info"
    assert evaluate(cel.default(schema.spec.missing, 7), SCHEMA) == 7
    assert evaluate(n.Binary("+", n.Literal(1), n.Literal(2)), {}) == 3
    assert evaluate(f"{schema.metadata.name}-{replicas}", SCHEMA) == "shop-3"


def test_evaluate_field_resolves_like_kro() -> None:
    assert evaluate_field("${schema.spec.replicas}", SCHEMA) == 3
    assert evaluate_field("${schema.metadata.name}-svc", SCHEMA) == "shop-svc"
    assert evaluate_field("${schema.spec.name}:${string(schema.spec.replicas)}", SCHEMA) == "web:3"
    assert evaluate_field("plain ${not closed", SCHEMA) == "plain ${not closed"
    with pytest.raises(ExpressionError, match="is a int, not a string") as caught:
        evaluate_field("x-${schema.spec.replicas}", SCHEMA)
    assert "string()" in (caught.value.hint or "")


def test_compile_cel_is_cached_by_text() -> None:
    first = compile_cel("schema.spec.replicas + 100")
    assert compile_cel("schema.spec.replicas + 100") is first
    assert first.celpy_text == "schema.spec.replicas + 100"
    assert (
        compile_cel("schema.spec.?x.orValue(1)").celpy_text
        == 'kro_present(schema.spec, "x") ? schema.spec.x : 1'
    )


def test_check_parses_accepts_what_the_helpers_build() -> None:
    schema = Expr(n.Ident("schema"))
    for expression in (
        cel.cond(schema.spec.env == "prod", "in${fo}", 'de"bug'),
        cel.default(schema.spec.labels["app.kubernetes.io/name"], "x"),
        cel.map_(schema.spec.tags, lambda t: cel.upper(t)),
        cel.template("%s-%s", schema.metadata.name, schema.spec.replicas),
        -(schema.spec.replicas - 1),
        ~(schema.spec.a & schema.spec.b),
        cel.call("random.seededString", 8, schema.metadata.uid),
    ):
        check_parses(expression)


def test_check_parses_names_text_that_does_not_read_back() -> None:
    with pytest.raises(ExpressionError, match="does not parse: '1abc'") as caught:
        check_parses(n.Ident("1abc"))
    assert caught.value.rule == "cel-internal"
    with pytest.raises(ExpressionError, match=r"does not parse: 'my fn\(1\)'"):
        check_parses(n.Call("my fn", (n.Literal(1),)))
