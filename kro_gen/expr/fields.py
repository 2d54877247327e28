"""Field values as kro template strings: what goes into a YAML field of an RGD.

``field_value(value)`` gives ``${expr}`` for a standalone expression, ``lit${expr}lit`` for a string
template, and literal strings with any ``${`` escaped so kro keeps them; dicts and lists are converted
recursively.

>>> from kro_gen import cel
>>> field_value({"replicas": cel.raw("schema.spec.replicas"), "name": "web"})
{'replicas': '${schema.spec.replicas}', 'name': 'web'}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.render import escape_literal_text, render_cel
from kro_gen.expr.wrapper import Expr, has_expression, to_node


def field_value(value: Any) -> Any:
    """The YAML value for a template field: literals stay, expressions become ``${...}`` strings.

    Nested dicts and lists are converted recursively. A top-level :class:`~nodes.Template`
    becomes a kro string template; any other expression becomes a standalone ``${expr}``.
    """
    if type(value) is str and not has_expression(value):  # the common case: what to_node makes a Literal
        return escape_literal_text(value)
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
        return field_value(node)
    if isinstance(value, Mapping):
        result: dict[Any, Any] = {}
        for key, item in value.items():
            dynamic_text = isinstance(key, str) and (
                has_expression(key) if type(key) is str else not isinstance(to_node(key), n.Literal)
            )
            if isinstance(key, Expr | n.Node) or dynamic_text:
                raise ExpressionError(
                    "a map key cannot be an expression: kro does not evaluate ${} in keys",
                    hint="make the whole map one expression, e.g. cel.map_of([(key, value)])",
                )
            result[key] = field_value(item)
        return result
    if isinstance(value, list | tuple):
        return [field_value(v) for v in value]
    return value
