"""field_value's shortcut for plain strings gives what the long way (through to_node) gives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kro_gen import cel
from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.fields import field_value
from kro_gen.expr.render import escape_literal_text, render_cel
from kro_gen.expr.wrapper import Expr, to_node


def long_way(value: Any) -> Any:
    """field_value as it was before the shortcut (every string through to_node)."""
    if isinstance(value, Expr | n.Node):
        node = to_node(value)
        if isinstance(node, n.Template):
            return "".join(
                escape_literal_text(p) if isinstance(p, str) else "${" + render_cel(p) + "}"
                for p in node.parts
            )
        return "${" + render_cel(node) + "}"
    if isinstance(value, str):
        node = to_node(value)
        if isinstance(node, n.Literal):
            return escape_literal_text(value)
        return long_way(node)
    if isinstance(value, Mapping):
        result: dict[Any, Any] = {}
        for key, item in value.items():
            dynamic_text = isinstance(key, str) and not isinstance(to_node(key), n.Literal)
            if isinstance(key, Expr | n.Node) or dynamic_text:
                raise ExpressionError("a map key cannot be an expression: kro does not evaluate ${} in keys")
            result[key] = long_way(item)
        return result
    if isinstance(value, list | tuple):
        return [long_way(v) for v in value]
    return value


class Marked(str):
    """A str subclass that is an expression (``__kro_expr__``): never a plain string."""

    __slots__ = ()

    def __kro_expr__(self) -> Expr:
        return cel.raw("schema.spec.name")


NAME = cel.raw("schema.spec.name")
#: stand-ins hypothesis can print; :func:`build` swaps them for expressions
SPECIAL = {
    "<expr>": lambda: NAME,
    "<f-string>": lambda: f"{NAME}-svc",
    "<mixed>": lambda: f"pre {NAME} post ${{raw}}",
    "<marked>": lambda: Marked("m"),
}
STRINGS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["${x}", "a ${b} c", "$", "{", "web-1", "", "${", "}", *SPECIAL]),
)
KEYS = STRINGS.filter(lambda key: key != "<expr>")  # an Expr cannot even be a dict key
LEAVES = st.one_of(STRINGS, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)


def build(value: Any) -> Any:
    """``value`` with the stand-ins replaced (in keys too)."""
    if isinstance(value, str):
        return SPECIAL[value]() if value in SPECIAL else value
    if isinstance(value, dict):
        return {build(k): build(v) for k, v in value.items()}
    if isinstance(value, list):
        return [build(v) for v in value]
    if isinstance(value, tuple):
        return tuple(build(v) for v in value)
    return value


def outcome(function: Any, value: Any) -> Any:
    try:
        return "ok", function(value)
    except ExpressionError as error:
        return "error", error.message


@settings(max_examples=500, deadline=None)
@given(value=VALUES)
def test_the_shortcut_gives_the_long_way(value: Any) -> None:
    built = build(value)
    assert outcome(field_value, built) == outcome(long_way, built)


def test_the_cases_the_shortcut_must_leave_alone() -> None:
    assert field_value(Marked("x")) == long_way(Marked("x")) == "${schema.spec.name}"
    assert field_value("a ${b}") == long_way("a ${b}") == '${"a ${b}"}'
    assert field_value(f"{NAME}-svc") == long_way(f"{NAME}-svc") != f"{NAME}-svc"
    for key in (f"{NAME}", Marked("k")):
        assert outcome(field_value, {key: 1}) == outcome(long_way, {key: 1})
        assert outcome(field_value, {key: 1})[0] == "error"
