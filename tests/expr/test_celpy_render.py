"""render_celpy: optional chains become guards, kro-only syntax becomes what cel-python has."""

from __future__ import annotations

import pytest

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.celpy_render import is_optional, render_celpy
from kro_gen.expr.engine import _compile_celpy, evaluate
from kro_gen.expr.parser import parse_cel


def celpy(text: str) -> str:
    rendered = render_celpy(parse_cel(text))
    _compile_celpy(rendered)  # cel-python must accept every rendering
    return rendered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a.?b.orValue("c")', 'kro_present(a, "b") ? a.b : "c"'),
        ('m[?k].orValue("c")', 'kro_present(m, k) ? m[k] : "c"'),
        ("a.?b.?c.orValue(d)", 'kro_present(a, "b") && kro_present(a.b, "c") ? a.b.c : d'),
        ('a.?b.c[?"k"].orValue(1)', 'kro_present(a, "b") && kro_present(a.b.c, "k") ? a.b.c["k"] : 1'),
        ("a.?b.c.orValue(1)", 'kro_present(a, "b") ? a.b.c : 1'),
        ("a.?b.hasValue()", 'kro_present(a, "b")'),
        ("a.?b", 'kro_present(a, "b") ? a.b : null'),
        ("has(a.b)", 'kro_present(a, "b")'),
        ("optional.of(x).orValue(1)", "true ? x : 1"),
        ("optional.none().orValue(1)", "false ? null : 1"),
        ("l.first().orValue(0)", "size(l) > 0 ? l[0] : 0"),
        ("l.last().hasValue()", "size(l) > 0"),
        (
            "a.?b.or(a.?c).orValue(0)",
            'kro_present(a, "b") || kro_present(a, "c") ? (kro_present(a, "b") ? a.b : a.c) : 0',
        ),
        ("random.seededString(8, x)", "random_seededString(8, x)"),
        ("base64.encode(hash.sha256(x))", "base64_encode(hash_sha256(x))"),
        ("x.lowerAscii()", "x.lowerAscii()"),
        ("cel.bind(v, a + 1, v * v)", "[a + 1].map(v, v * v)[0]"),
        ("l.map(v, v > 1, v * 2)", "l.filter(v, v > 1).map(v, v * 2)"),
        ("l.existsOne(v, v)", "l.exists_one(v, v)"),
        (
            "m.all(k, v, k == v)",
            "kro_entries(m).all(_kro0, [_kro0[0]].map(k, [_kro0[1]].map(v, k == v)[0])[0])",
        ),
        ("l.sortBy(v, -v)", "kro_sort_by_keys(l, l.map(v, -v))"),
        ('"%d".format([x])', '"%d".format([x])'),
    ],
)
def test_kro_forms_become_celpy_forms(text: str, expected: str) -> None:
    assert celpy(text) == expected


def test_selected_keys_that_cannot_follow_a_dot_are_indexed() -> None:
    # typed references select map keys such as "a-b" (kro text indexes them; so does cel-python)
    assert render_celpy(n.Select(n.Ident("x"), "a-b")) == 'x["a-b"]'
    assert render_celpy(n.Select(n.Select(n.Ident("x"), "in"), "y")) == 'x["in"].y'


def test_fresh_variables_avoid_names_in_use() -> None:
    rendered = celpy("_kro0.all(k, v, k == _kro0)")
    assert "kro_entries(_kro0).all(_kro1," in rendered


@pytest.mark.parametrize(
    ("text", "act", "expected"),
    [
        ('a.?b.orValue("fallback")', {"a": {"b": "set"}}, "set"),
        ('a.?b.orValue("fallback")', {"a": {}}, "fallback"),
        ("a.?b.?c.orValue(0)", {"a": {"b": {}}}, 0),
        ("a.?b.?c.orValue(0)", {"a": {}}, 0),
        ("a.?b.?c.orValue(0)", {"a": {"b": {"c": 5}}}, 5),
        ("l[?2].orValue(-1)", {"l": [1, 2]}, -1),
        ("l[?1].orValue(-1)", {"l": [1, 2]}, 2),
        ("l[?-1].hasValue()", {"l": [1, 2]}, False),
        ("a.?b", {"a": {}}, None),
        ("a.?b", {"a": {"b": [1]}}, [1]),
        ("optional.ofNonZeroValue(x).orValue(9)", {"x": 0}, 9),
        ("optional.ofNonZeroValue(x).orValue(9)", {"x": 3}, 3),
        ("a.?b.optMap(v, v * 2).orValue(0)", {"a": {"b": 4}}, 8),
        ("a.?b.optMap(v, v * 2).orValue(0)", {"a": {}}, 0),
        ("a.?b.optFlatMap(v, v.?c).orValue(0)", {"a": {"b": {}}}, 0),
        ("a.?b.optFlatMap(v, v.?c).orValue(0)", {"a": {"b": {"c": 7}}}, 7),
        ("(x > 1 ? a.?b : optional.none()).orValue(0)", {"x": 2, "a": {"b": 1}}, 1),
        ("(x > 1 ? a.?b : optional.none()).orValue(0)", {"x": 0, "a": {"b": 1}}, 0),
    ],
)
def test_optional_lowering_keeps_kro_meaning(text: str, act: dict[str, object], expected: object) -> None:
    assert evaluate(text, act) == expected


def test_value_of_an_absent_optional_is_an_error() -> None:
    assert evaluate("a.?b.value()", {"a": {"b": 1}}) == 1
    with pytest.raises(ExpressionError, match=r"optional\.none\(\) dereference"):
        evaluate("optional.none().value()", {})


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a.?b + 1", "is an optional value where a plain value is needed"),
        ("[a.?b]", "is an optional value where a plain value is needed"),
        ("a.?b.size()", "is an optional value where a plain value is needed"),
        ("a.b.orValue(1)", "orValue() needs an optional value"),
        ("optional.unwrap([a.?b])", "lists of optional values"),
        ("(c ? a.?b : 1).orValue(0)", "this use of an optional value"),
    ],
)
def test_misused_optionals_are_clear_errors(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        render_celpy(parse_cel(text))


def test_is_optional_follows_kro_types() -> None:
    assert is_optional(parse_cel("a.?b.c"))
    assert is_optional(parse_cel("l.first()"))
    assert not is_optional(parse_cel("a.?b.orValue(1)"))
    assert not is_optional(parse_cel("a.b"))
