"""The authoring layer: Expr operators, literal quoting, f-strings, and the kro_gen.cel helpers."""

from __future__ import annotations

import pytest

from kro_gen import cel
from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.engine import evaluate, evaluate_field
from kro_gen.expr.fields import field_value
from kro_gen.expr.kro_text import extract_expressions, is_standalone
from kro_gen.expr.parser import parse_cel
from kro_gen.expr.render import render_cel
from kro_gen.expr.wrapper import Expr

schema = Expr(n.Ident("schema"))
a, b, c, d = (Expr(n.Ident(name)) for name in "abcd")
name = Expr(n.Select(n.Ident("schema"), "name"), "string")
count = Expr(n.Select(n.Ident("schema"), "count"), "int")


def cel_text(value: object) -> str:
    return render_cel(value._node if isinstance(value, Expr) else value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("built", "text"),
    [
        (a + b * c, "a + b * c"),
        ((a + b) * c, "(a + b) * c"),
        (a - (b - c), "a - (b - c)"),
        ((a - b) - c, "a - b - c"),
        (a / (b * c), "a / (b * c)"),
        (a % b, "a % b"),
        (-(a + b), "-(a + b)"),
        (-a * b, "-a * b"),
        (1 - a, "1 - a"),
        (2 * a + 1, "2 * a + 1"),
        ((a == b) & (c < d), "a == b && c < d"),
        ((a > 1) | (b <= 2) & (c != 3), "a > 1 || b <= 2 && c != 3"),
        (((a > 1) | (b <= 2)) & (c >= 3), "(a > 1 || b <= 2) && c >= 3"),
        (~((a == 1) & b), "!(a == 1 && b)"),
        (~~a, "!!a"),
        (~(-a), "!(-a)"),
        (schema.spec.items[0].name, "schema.spec.items[0].name"),
        (
            schema.metadata.labels["app.kubernetes.io/name"],
            'schema.metadata.labels["app.kubernetes.io/name"]',
        ),
        ((a + b).size, "(a + b).size"),
        (cel.cond(a, b, cel.cond(c, 1, 2)), "a ? b : c ? 1 : 2"),
        (cel.cond(cel.cond(a, b, c), 1, 2), "(a ? b : c) ? 1 : 2"),
        (cel.cond(a, cel.cond(b, 1, 2), 3), "a ? (b ? 1 : 2) : 3"),
        (cel.cond(a | b, 1, 2) + 1, "(a || b ? 1 : 2) + 1"),
        (cel.in_("x", schema.spec.tags), '"x" in schema.spec.tags'),
        (cel.and_(a, b | c, d), "a && (b || c) && d"),
        (cel.not_(a & b), "!(a && b)"),
    ],
)
def test_operators_render_with_the_parentheses_cel_needs(built: Expr, text: str) -> None:
    assert cel_text(built) == text


@pytest.mark.parametrize(
    "literal",
    [
        "plain",
        'double "quotes"',
        "single 'quotes'",
        "back\\slash",
        "line\nbreak\ttab",
        "echo ${HOME} and ${USER}",
        "${",
        "}",
        "{ unbalanced",
        'end with a quote"',
        "é 😀 \u2028",
        "",
    ],
)
def test_literals_survive_kro_extraction_and_evaluation(literal: str) -> None:
    # as a plain field value
    written = field_value(literal)
    assert evaluate_field(written, {}) == literal
    # inside an expression: one ${...}, and CEL gives back the same string
    field = field_value(cel.cond(schema.spec.on, literal, "other"))
    assert is_standalone(field)
    assert len(extract_expressions(field)) == 1
    assert evaluate_field(field, {"schema": {"spec": {"on": True}}}) == literal


def test_plain_strings_without_dollar_brace_are_written_as_is() -> None:
    assert field_value("echo $HOME {}") == "echo $HOME {}"
    assert field_value(3) == 3
    assert field_value({"k": [True, None]}) == {"k": [True, None]}


def test_fstrings_become_templates_with_string_around_non_strings() -> None:
    assert field_value(f"{name}-svc") == "${schema.name}-svc"
    assert field_value(f"{count}-svc") == "${string(schema.count)}-svc"
    assert field_value(f"{schema.spec.x}-svc") == "${string(schema.spec.x)}-svc"
    assert field_value(f"{name}") == "${schema.name}"
    assert field_value(f"{count}") == "${string(schema.count)}"
    assert field_value(f"{name}:{count}") == "${schema.name}:${string(schema.count)}"
    assert field_value(f"cost ${count}") == "cost $${string(schema.count)}"
    # a literal ${ in the f-string text is kept literal
    assert evaluate_field(field_value(f"${{HOME}}/{name}"), {"schema": {"name": "x"}}) == "${HOME}/x"
    assert evaluate(f"{name}-{count}", {"schema": {"name": "web", "count": 2}}) == "web-2"


def test_lists_and_maps_are_refused_where_string_is_needed() -> None:
    # cel-go's string() has no list or map overload: kro would reject `${string(schema.tags)}`
    tags = Expr(n.Select(n.Ident("schema"), "tags"), "list")
    labels = Expr(n.Select(n.Ident("schema"), "labels"), "map")
    for build in (
        lambda: field_value(f"tags: {tags}"),
        lambda: field_value(f"{labels}"),
        lambda: cel.template("%s-x", tags),
        lambda: cel.string(labels),
    ):
        with pytest.raises(ExpressionError, match="cannot be turned into a string") as caught:
            build()
        assert "cel.join" in (caught.value.hint or "")
    assert field_value(f"tags: {cel.join(tags, ',')}") == 'tags: ${schema.tags.join(",")}'
    assert field_value(f"{tags[0]}-x") == "${string(schema.tags[0])}-x"


def test_fstring_format_specs_are_refused() -> None:
    with pytest.raises(ExpressionError, match="format spec") as caught:
        f"{count:04d}"
    assert "format" in (caught.value.hint or "")


def test_python_truth_and_iteration_are_refused_with_what_to_do() -> None:
    with pytest.raises(ExpressionError) as caught:
        bool(a == b)
    hint = caught.value.hint or ""
    assert "cel.cond" in hint and "include_when" in hint and "'&'" in hint
    with pytest.raises(ExpressionError, match="no Python truth value"):
        if a:  # pragma: no branch
            pass
    with pytest.raises(ExpressionError, match="cannot be iterated"):
        list(a)
    with pytest.raises(ExpressionError, match=r"cel\.size"):
        len(a)  # type: ignore[arg-type]
    with pytest.raises(ExpressionError, match=r"cel\.in_"):
        "x" in a  # noqa: B015
    with pytest.raises(ExpressionError, match="has no CEL equivalent"):
        a // b  # type: ignore[operator]
    with pytest.raises(ExpressionError, match="read-only"):
        a.field = 1


def test_python_conversions_and_dict_keys_are_refused_with_what_to_do() -> None:
    with pytest.raises(ExpressionError, match=r"cel\.int_"):
        int(count)  # type: ignore[call-overload]
    with pytest.raises(ExpressionError, match=r"cel\.double"):
        float(count)  # type: ignore[arg-type]
    with pytest.raises(ExpressionError, match="dict key") as caught:
        {name: "x"}  # noqa: B018
    assert "cel.map_of" in (caught.value.hint or "")


def test_template_helper_counts_arguments_and_unescapes_percent() -> None:
    assert field_value(cel.template("%s-%s", name, count)) == "${schema.name}-${string(schema.count)}"
    assert field_value(cel.template("100%% of %s", name)) == "100% of ${schema.name}"
    with pytest.raises(ExpressionError, match="has 2 '%s' but 1 arguments") as caught:
        cel.template("%s-%s", name)
    assert caught.value.hint == "give one argument per %s"


def test_default_uses_optional_access() -> None:
    assert cel_text(cel.default(schema.spec.replicas, 1)) == "schema.spec.?replicas.orValue(1)"
    assert cel_text(cel.default(schema.data["key"], "")) == 'schema.data[?"key"].orValue("")'
    assert evaluate(cel.default(schema.spec.replicas, 1), {"schema": {"spec": {}}}) == 1
    with pytest.raises(ExpressionError, match="field selection or index"):
        cel.default(a + b, 1)
    with pytest.raises(ExpressionError, match="field selection"):
        cel.has(a + b)
    assert cel_text(cel.has(schema.spec.x)) == "has(schema.spec.x)"


def test_present_is_the_value_itself_typed_without_none() -> None:
    prefix = schema.spec.prefix
    assert cel.present(prefix) is prefix  # the same expression: same tree, same type hint
    assert cel_text(cel.present(prefix) + "-x") == 'schema.spec.prefix + "-x"'
    assert cel_text(cel.present(schema.spec.db).host) == "schema.spec.db.host"
    assert cel_text(cel.present(schema.spec.zones)[0]) == "schema.spec.zones[0]"
    assert cel.present(name)._type == "string"
    # inside cel.default every step under schema.spec stays optional
    guarded = cel.default(cel.present(schema.spec.db).host, "h")
    assert cel_text(guarded) == 'schema.spec.?db.?host.orValue("h")'
    assert field_value(f"{cel.present(name)}-app") == "${schema.name}-app"
    assert cel.present("literal") == "literal"
    with pytest.raises(ExpressionError, match="never present"):
        cel.present(None)


def test_keys_that_cannot_follow_a_dot_are_indexed_not_backticked() -> None:
    # A typed reference (ConfigMap data, labels, dict[str, T] specs) turns m["key"] into a field
    # selection; kro v0.9.3's CEL has no backtick names, so `m.`my-key`` would reject the RGD.
    data = Expr(n.Ident("cm"), None, lambda field: ("map", lambda key: ("string", None)))["data"]
    assert isinstance(data["my-key"]._node, n.Select)
    assert cel_text(data["my-key"]) == 'cm.data["my-key"]'
    assert cel_text(data["in"]) == 'cm.data["in"]'
    assert cel_text(data["ok_key"]) == "cm.data.ok_key"
    assert cel_text(cel.default(data["config.yaml"], "")) == 'cm.data[?"config.yaml"].orValue("")'
    assert cel_text(cel.has(data["my-key"])) == '"my-key" in cm.data'
    assert cel_text(~cel.has(data["my-key"])) == '!("my-key" in cm.data)'
    for value in (data["my-key"], cel.default(data["my-key"], "d"), cel.has(data["my-key"])):
        assert "`" not in cel_text(value)
        assert render_cel(parse_cel(cel_text(value))) == cel_text(value)
    present, absent = {"cm": {"data": {"my-key": "v"}}}, {"cm": {"data": {}}}
    assert evaluate(cel.default(data["my-key"], "d"), present) == "v"
    assert evaluate(cel.default(data["my-key"], "d"), absent) == "d"
    assert evaluate(cel.has(data["my-key"]), present) is True
    assert evaluate(cel.has(data["my-key"]), absent) is False
    with pytest.raises(ExpressionError, match="has\\(\\) only takes a field") as caught:
        render_cel(n.Call("has", (n.Select(n.Ident("m"), "my-key"),)))
    assert "cel.in_" in (caught.value.hint or "")


def test_map_keys_cannot_be_expressions() -> None:
    # an Expr is unhashable, so the way to try is an f-string key
    with pytest.raises(ExpressionError, match="map key cannot be an expression") as caught:
        field_value({f"{name}-label": "v"})
    assert "map_of" in (caught.value.hint or "")
    assert field_value(cel.map_of([(name, count)])) == "${{schema.name: schema.count}}"
    assert field_value(cel.map_of({f"{name}-x": 1})) == '${{schema.name + "-x": 1}}'
    assert evaluate(cel.map_of([(name, count)]), {"schema": {"name": "k", "count": 1}}) == {"k": 1}


def test_raw_parses_now_and_reports_the_column() -> None:
    assert cel_text(cel.raw("schema.spec.?x.orValue('y')")) == 'schema.spec.?x.orValue("y")'
    with pytest.raises(ExpressionError, match="column 13"):
        cel.raw("schema.spec.")


def test_helper_comprehension_variables_never_capture_each_other() -> None:
    nested = cel.map_(schema.spec.a, lambda x: cel.map_(schema.spec.b, lambda y: x + y))
    assert cel_text(nested) == "schema.spec.a.map(y, schema.spec.b.map(x, y + x))"
    assert evaluate(nested, {"schema": {"spec": {"a": [10, 20], "b": [1, 2]}}}) == [[11, 12], [21, 22]]
    outer_x = Expr(n.Ident("x"))
    assert cel_text(cel.filter_(schema.spec.a, lambda i: i == outer_x)) == "schema.spec.a.filter(y, y == x)"
    assert cel_text(cel.all_(schema.spec.a, lambda i: i > 0)) == "schema.spec.a.all(x, x > 0)"


def test_string_helpers_render_kro_methods() -> None:
    assert cel_text(cel.lower(name)) == "schema.name.lowerAscii()"
    assert cel_text(cel.join(schema.spec.tags, ",")) == 'schema.spec.tags.join(",")'
    assert cel_text(cel.format("%d-%s", count, name)) == '"%d-%s".format([schema.count, schema.name])'
    assert cel_text(cel.substring(name, 0, 3)) == "schema.name.substring(0, 3)"
    values = {"schema": {"name": "Web-App", "count": 2, "spec": {"tags": ["a", "b"]}}}
    assert evaluate(cel.lower(name), values) == "web-app"
    assert evaluate(cel.format("%d-%s", count, name), values) == "2-Web-App"


def test_default_every_step_makes_each_step_optional_down_to_the_root() -> None:
    assert cel_text(cel.default(d.status.replicas, 0)) == "d.status.?replicas.orValue(0)"
    every = cel.default(d.status.replicas, 0, every_step=True)
    assert cel_text(every) == "d.?status.?replicas.orValue(0)"
    assert cel_text(cel.default(d.data["k"], "x", every_step=True)) == 'd.?data[?"k"].orValue("x")'
    # under schema.spec every step is optional already, with or without every_step
    spec = cel.default(schema.spec.db.host, "h", every_step=True)
    assert cel_text(spec) == 'schema.spec.?db.?host.orValue("h")'
    assert evaluate(every, {"d": {"metadata": {}}}) == 0
    assert evaluate(every, {"d": {"status": {"replicas": 3}}}) == 3
