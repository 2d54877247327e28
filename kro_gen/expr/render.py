"""Render expression trees as kro's CEL.

``render_cel(node)`` gives CEL text (kro dialect: optional access ``.?f`` / ``[?k]``);
:func:`kro_gen.expr.fields.field_value` builds on it for whole YAML field values.

String literals are always double-quoted, because kro's ``${...}`` extractor only skips braces inside
double-quoted CEL strings. A ``${`` inside such a literal needs no escaping: kro v0.9.3's extractor
(``pkg/graph/parser/cel.go``) ignores everything inside a double-quoted string, and only rejects a
nested ``${`` outside one.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n

# Binding power of each operator; higher binds tighter.
_PRECEDENCE = {
    "?:": 1,
    "||": 2,
    "&&": 3,
    "==": 4,
    "!=": 4,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "in": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_UNARY = 7
_MEMBER = 8

_INT64 = (-(2**63), 2**63 - 1)
_FIELD_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
# lexer keywords cannot follow a dot (other reserved words are fine there)
_KEYWORDS = frozenset({"true", "false", "null", "in"})


def quote_string(value: str) -> str:
    """A double-quoted CEL string literal for ``value``, safe inside kro's ``${...}``.

    JSON escaping is valid CEL escaping; ``"``, ``\\`` and control characters are escaped, so
    kro's extractor (which honours backslash escapes inside double quotes) sees the literal whole.
    """
    return json.dumps(value, ensure_ascii=False)


def is_field_name(name: str) -> bool:
    """Whether ``name`` can follow a dot in kro's CEL (``x.name``)."""
    return bool(_FIELD_NAME.fullmatch(name)) and name not in _KEYWORDS


def member_access(name: str, optional: bool = False) -> str:
    """The text that selects ``name``: ``.name`` (``.?name``), or ``["name"]`` (``[?"name"]``).

    kro v0.9.3 does not enable cel-go's backtick field syntax (``x.`a-b```: "unsupported syntax"),
    so a name that cannot follow a dot (``my-key``, ``app.kubernetes.io/name``, ``in``) is indexed.
    That is how map keys such as ConfigMap data keys and labels are read.
    """
    if is_field_name(name):
        return f".?{name}" if optional else f".{name}"
    return f"[?{quote_string(name)}]" if optional else f"[{quote_string(name)}]"


def _literal(value: n.LiteralValue) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise ExpressionError(f"the integer {value} does not fit CEL's 64-bit int")
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ExpressionError(f"the float {value!r} has no CEL literal")
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    return quote_string(value)


def _precedence(node: n.Node) -> int:
    if isinstance(node, n.Literal) and _is_negative_number(node.value):
        return _UNARY
    if isinstance(node, n.Cond):
        return _PRECEDENCE["?:"]
    if isinstance(node, n.Binary):
        return _PRECEDENCE[node.op]
    if isinstance(node, n.Template) and len(node.parts) > 1:
        return _PRECEDENCE["+"]
    if isinstance(node, n.Template) and len(node.parts) == 1 and isinstance(node.parts[0], n.Node):
        return _precedence(node.parts[0])
    if isinstance(node, n.Unary):
        return _UNARY
    return _MEMBER


def _is_negative_number(value: n.LiteralValue) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return value < 0 or (isinstance(value, float) and math.copysign(1.0, value) < 0)


def _unary_operand(node: n.Unary) -> str:
    """The operand of ``!``/``-``, parenthesised where CEL would read the text differently.

    CEL cannot mix the operators (``!(-x)``, ``-(!x)``), and a ``-`` directly before a number is
    part of the literal, so ``-(5.f())`` must not lose its parentheses.
    """
    operand = node.operand
    if isinstance(operand, n.Unary) and operand.op != node.op:
        return f"({render_cel(operand)})"
    text = _wrap(operand, _UNARY)
    if node.op == "-" and not isinstance(operand, n.Literal) and _starts_with_number(operand):
        return f"({text})"
    return text


def _starts_with_number(node: n.Node) -> bool:
    while isinstance(node, n.Select | n.Index | n.Method | n.Comprehension):
        node = node.operand if isinstance(node, n.Select | n.Index) else node.target
    if not isinstance(node, n.Literal):
        return False
    return isinstance(node.value, int | float) and not isinstance(node.value, bool)


def _wrap(node: n.Node, minimum: int, *, strict: bool = False) -> str:
    text = render_cel(node)
    prec = _precedence(node)
    if prec < minimum or (strict and prec == minimum):
        return f"({text})"
    return text


def _member_target(node: n.Node) -> str:
    return _wrap(node, _MEMBER)


class _Memos(threading.local):
    """Per thread: the memos of the :func:`remembering` blocks under way (innermost last), each
    id(node) -> (node, its text). A memo holds its nodes, so no id in it is reused while it lives."""

    def __init__(self) -> None:
        self.stack: list[dict[int, tuple[n.Node, str]]] = []


_MEMOS = _Memos()


@contextmanager
def remembering() -> Iterator[None]:
    """Within the block, :func:`render_cel` renders each node object once and returns the same text for
    it again (a tree that is checked and then written is rendered once); only in this thread.

    Only for trees that do not change meanwhile: a :class:`~nodes.ResourceRoot`'s text is its resource's
    id at the time it is first rendered. Errors are not remembered (they are raised again).
    """
    stack = _MEMOS.stack
    stack.append({})
    try:
        yield
    finally:
        stack.pop()


def render_cel(node: n.Node) -> str:
    """kro CEL text for ``node`` (without the surrounding ``${}``)."""
    memos = _MEMOS.stack
    if memos:
        known = memos[-1].get(id(node))
        if known is not None:
            return known[1]
    if isinstance(node, n.Literal):
        return _kept(node, _literal(node.value))
    if isinstance(node, n.Ident):
        return node.name
    if isinstance(node, n.ResourceRoot):
        if not node.name:
            raise ExpressionError(
                "an expression refers to a resource that is not part of the graph",
                hint="return the resource from the graph's resources builder so it gets an id",
            )
        return node.name
    if isinstance(node, n.Select):
        return _kept(node, _member_target(node.operand) + member_access(node.field, node.optional))
    if isinstance(node, n.Index):
        opener = "[?" if node.optional else "["
        return _kept(node, f"{_member_target(node.operand)}{opener}{render_cel(node.index)}]")
    if isinstance(node, n.Unary):
        return _kept(node, f"{node.op}{_unary_operand(node)}")
    if isinstance(node, n.Binary):
        prec = _PRECEDENCE[node.op]
        left = _wrap(node.left, prec)
        right = _wrap(node.right, prec, strict=True)
        return _kept(node, f"{left} {node.op} {right}")
    if isinstance(node, n.Cond):
        cond = _wrap(node.cond, _PRECEDENCE["?:"], strict=True)
        then = _wrap(node.then, _PRECEDENCE["?:"], strict=True)
        otherwise = _wrap(node.otherwise, _PRECEDENCE["?:"])
        return _kept(node, f"{cond} ? {then} : {otherwise}")
    if isinstance(node, n.Call):
        if node.function == "has" and any(
            isinstance(a, n.Select) and not is_field_name(a.field) for a in node.args
        ):
            raise ExpressionError(
                "has() only takes a field that can follow a dot; kro cannot test other keys with has()",
                hint='test a map key with cel.in_("my-key", m) instead',
            )
        return _kept(node, f"{node.function}({', '.join(render_cel(a) for a in node.args)})")
    if isinstance(node, n.Method):
        args = ", ".join(render_cel(a) for a in node.args)
        return _kept(node, f"{_member_target(node.target)}.{node.function}({args})")
    if isinstance(node, n.Comprehension):
        macro_args = [*node.variables, *(render_cel(b) for b in node.body)]
        return _kept(node, f"{_member_target(node.target)}.{node.macro}({', '.join(macro_args)})")
    if isinstance(node, n.ListLit):
        return _kept(node, "[" + ", ".join(render_cel(i) for i in node.items) + "]")
    if isinstance(node, n.MapLit):
        entries = ", ".join(f"{render_cel(k)}: {render_cel(v)}" for k, v in node.entries)
        return _kept(node, "{" + entries + "}")
    if isinstance(node, n.Template):
        if not node.parts:
            return _kept(node, '""')
        if len(node.parts) == 1 and isinstance(node.parts[0], n.Node):
            return _kept(node, render_cel(node.parts[0]))
        pieces = [
            quote_string(p) if isinstance(p, str) else _wrap(p, _PRECEDENCE["+"], strict=True)
            for p in node.parts
        ]
        return _kept(node, " + ".join(pieces))
    raise ExpressionError(f"cannot render expression node {type(node).__name__}")


def _kept(node: n.Node, text: str) -> str:
    """``text``, noted as ``node``'s in the innermost :func:`remembering` memo (if any)."""
    memos = _MEMOS.stack
    if memos:
        memos[-1][id(node)] = (node, text)
    return text


def escape_literal_text(text: str) -> str:
    """Literal template text with every ``${`` written so that kro leaves it alone."""
    if "${" not in text:
        return text
    return "${" + quote_string(text) + "}"
