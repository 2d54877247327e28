"""The user-facing expression: operators build a tree, attribute access selects fields.

``Expr`` wraps a :class:`~kro_gen.expr.nodes.Node`. ``schema.spec.replicas > 2`` builds
``Binary(">", Select(...), Literal(2))``; nothing is evaluated in Python. ``bool(expr)`` raises,
because a Python ``if`` on a cluster-time value would silently pick one branch at build time.

An ``Expr`` has no public methods, so any field name (``size``, ``filter``, ``items``...) can be
selected with a dot; CEL functions live in :mod:`kro_gen.cel`. Names that clash with Python itself
(``class``, names starting with ``_``) are selected with ``expr["name"]``.

f-strings work: ``f"{schema.spec.name}-svc"`` embeds a token that :func:`to_node` turns back into a
:class:`~kro_gen.expr.nodes.Template`, wrapping every non-string part in ``string()``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n

#: CEL type names kro-gen tracks for hints: "string", "int", "double", "bool", "list", "map", "dyn".
CelType = str

#: Given a field name, the type hint and child resolver of that field (or None when unknown).
ChildResolver = Callable[[str], "tuple[CelType | None, ChildResolver | None]"]


class Expr:
    """An expression under construction. Combine with operators; pass to templates and status."""

    __slots__ = ("_child", "_node", "_type")

    # declared so type checkers do not resolve them through __getattr__ (which builds selections)
    _node: n.Node
    _type: CelType | None
    _child: ChildResolver | None

    def __init__(self, node: n.Node, type: CelType | None = None, child: ChildResolver | None = None) -> None:
        object.__setattr__(self, "_node", node)
        object.__setattr__(self, "_type", type)
        object.__setattr__(self, "_child", child)

    # -- field access -------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Expr:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._select(name)

    def _select(self, name: str) -> Expr:
        child_type: CelType | None = None
        child_resolver: ChildResolver | None = None
        if self._child is not None:
            child_type, child_resolver = self._child(name)
        return Expr(n.Select(self._node, name), child_type, child_resolver)

    def __getitem__(self, key: object) -> Expr:
        if isinstance(key, str) and self._child is not None:
            # a typed object: ["name"] is field access, checked like a dot
            return self._select(key)
        return Expr(n.Index(self._node, to_node(key)))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise ExpressionError(
            f"cannot assign to expression field {name!r}",
            hint="expressions are read-only; set the value in the resource template instead",
        )

    # -- operators ----------------------------------------------------------------------------
    def _binary(self, op: str, other: object, result: CelType | None, swap: bool = False) -> Expr:
        left, right = (to_node(other), self._node) if swap else (self._node, to_node(other))
        return Expr(n.Binary(op, left, right), result)

    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return self._binary("==", other, "bool")

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return self._binary("!=", other, "bool")

    def __lt__(self, other: object) -> Expr:
        return self._binary("<", other, "bool")

    def __le__(self, other: object) -> Expr:
        return self._binary("<=", other, "bool")

    def __gt__(self, other: object) -> Expr:
        return self._binary(">", other, "bool")

    def __ge__(self, other: object) -> Expr:
        return self._binary(">=", other, "bool")

    def _arith_type(self, other: object) -> CelType | None:
        other_type = type_of(other)
        if self._type == other_type:
            return self._type
        return None

    def __add__(self, other: object) -> Expr:
        return self._binary("+", other, self._arith_type(other))

    def __radd__(self, other: object) -> Expr:
        return self._binary("+", other, self._arith_type(other), swap=True)

    def __sub__(self, other: object) -> Expr:
        return self._binary("-", other, self._arith_type(other))

    def __rsub__(self, other: object) -> Expr:
        return self._binary("-", other, self._arith_type(other), swap=True)

    def __mul__(self, other: object) -> Expr:
        return self._binary("*", other, self._arith_type(other))

    def __rmul__(self, other: object) -> Expr:
        return self._binary("*", other, self._arith_type(other), swap=True)

    def __truediv__(self, other: object) -> Expr:
        return self._binary("/", other, self._arith_type(other))

    def __rtruediv__(self, other: object) -> Expr:
        return self._binary("/", other, self._arith_type(other), swap=True)

    def __floordiv__(self, other: object) -> NoReturn:
        raise ExpressionError(
            "'//' has no CEL equivalent",
            hint="use '/': CEL divides integers with truncation and doubles exactly",
        )

    def __mod__(self, other: object) -> Expr:
        return self._binary("%", other, self._arith_type(other))

    def __rmod__(self, other: object) -> Expr:
        return self._binary("%", other, self._arith_type(other), swap=True)

    def __neg__(self) -> Expr:
        return Expr(n.Unary("-", self._node), self._type)

    def __and__(self, other: object) -> Expr:
        return self._binary("&&", other, "bool")

    def __rand__(self, other: object) -> Expr:
        return self._binary("&&", other, "bool", swap=True)

    def __or__(self, other: object) -> Expr:
        return self._binary("||", other, "bool")

    def __ror__(self, other: object) -> Expr:
        return self._binary("||", other, "bool", swap=True)

    def __invert__(self) -> Expr:
        return Expr(n.Unary("!", self._node), "bool")

    # -- Python protocols that would silently do the wrong thing ------------------------------
    def __bool__(self) -> NoReturn:
        raise ExpressionError(
            "an expression has no Python truth value: it is only known in the cluster",
            hint=(
                "use cel.cond(c, a, b) for a value, include_when=c for a resource, '&', '|' and cel.not_ "
                "instead of 'and', 'or' and 'not'; keep Python 'if' for build-time choices"
            ),
        )

    def __iter__(self) -> NoReturn:
        raise ExpressionError(
            "an expression cannot be iterated in Python",
            hint="use for_each= on the resource, or cel.map_(list, lambda x: ...)",
        )

    def __len__(self) -> NoReturn:
        raise ExpressionError("len() of an expression is not known in Python", hint="use cel.size(x)")

    def __contains__(self, item: object) -> NoReturn:
        raise ExpressionError(
            "'in' on an expression cannot be answered in Python", hint="use cel.in_(item, collection)"
        )

    def __hash__(self) -> NoReturn:  # ``==`` builds an expression, so an expression is no dict key
        raise ExpressionError(
            "an expression cannot be a dict key or a set item (kro never evaluates map keys)",
            hint="use a literal key, or cel.map_of([(key, value)]) for keys known only in the cluster",
        )

    def __int__(self) -> NoReturn:
        raise ExpressionError(
            "int() of an expression is not known in Python", hint="use cel.int_(x) to convert in the cluster"
        )

    def __float__(self) -> NoReturn:
        raise ExpressionError(
            "float() of an expression is not known in Python",
            hint="use cel.double(x) to convert in the cluster",
        )

    def __index__(self) -> NoReturn:
        raise ExpressionError(
            "an expression is not a Python integer (range(), list indexes, slices): it is only known "
            "in the cluster",
            hint="use for_each= for one resource per item, cel.map_(list, lambda x: ...) for values",
        )

    def __round__(self, ndigits: int | None = None) -> NoReturn:
        raise ExpressionError("round() of an expression is not known in Python", hint="use cel.int_(x)")

    def __pow__(self, other: object) -> NoReturn:
        raise ExpressionError("'**' has no CEL equivalent", hint="multiply, or compute the value in Python")

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        node = self._node
        name = f".{node.field}()" if isinstance(node, n.Select) else "()"
        raise ExpressionError(
            f"{name}: a value read from schema or a resource has no Python methods (str, list and dict "
            "methods would run in Python, but the value is only known in the cluster)",
            hint="use the cel helpers (cel.upper(x), cel.split(x, ','), cel.size(x), cel.default(x, v), ...)"
            " or cel.method(x, 'name', ...)",
        )

    def __format__(self, spec: str) -> str:
        if spec:
            raise ExpressionError(
                f"format spec {spec!r} cannot be applied to an expression in an f-string",
                hint='use cel.format("%d", [x]) or cel.string(x) for formatting in the cluster',
            )
        return _TOKENS.token_for(self)

    def __str__(self) -> str:
        return _TOKENS.token_for(self)

    def __repr__(self) -> str:
        from kro_gen.expr.render import render_cel

        try:
            return f"Expr({render_cel(self._node)})"
        except ExpressionError:
            return f"Expr({self._node!r})"


def as_expr(value: object) -> Expr:
    """``value`` as an :class:`Expr`: what a ``cel`` helper returned (typed as the value it stands for).

    Internal code that builds expressions with :mod:`kro_gen.cel` uses this to keep its own types honest.
    """
    return value if isinstance(value, Expr) else Expr(to_node(value), type_of(value))


def node_of(value: Expr) -> n.Node:
    """The tree inside an :class:`Expr`."""
    return value._node


def type_of(value: object) -> CelType | None:
    """The CEL type hint of a Python value or an expression (None when unknown)."""
    if isinstance(value, Expr):
        return value._type
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, list | tuple):
        return "list"
    return None


def to_node(value: object) -> n.Node:
    """Turn a Python value or expression into a node: literals are quoted, f-strings become templates."""
    if isinstance(value, Expr):
        return value._node
    if isinstance(value, n.Node):
        return value
    if hasattr(value, "__kro_expr__"):
        return to_node(value.__kro_expr__())
    if value is None or isinstance(value, bool | int | float):
        return n.Literal(value)
    if isinstance(value, str):
        if _TOKENS.has_token(value):
            return template_node(_TOKENS.split(value))
        return n.Literal(value)
    if isinstance(value, Mapping):
        return n.MapLit(tuple((to_node(k), to_node(v)) for k, v in value.items()))
    if isinstance(value, Sequence):
        return n.ListLit(tuple(to_node(v) for v in value))
    raise ExpressionError(
        f"a value of type {type(value).__name__} cannot be used in an expression",
        hint="use str, int, float, bool, None, lists, dicts or expressions",
    )


def require_stringable(value: Expr) -> None:
    """Raise when ``string(value)`` cannot compile: CEL's ``string()`` has no list or map overload.

    kro rejects such an RGD ("found no matching overload for 'string'"), so a list or an object in
    an f-string, ``cel.template`` or a string field is an error at build time.
    """
    if value._type in ("list", "map"):
        raise ExpressionError(
            f"a {value._type} cannot be turned into a string: CEL's string() takes scalars only",
            hint='join a list of strings with cel.join(x, ","), pick one item or field, '
            'or serialise it with cel.call("json.marshal", x, type="string")',
        )


def template_node(parts: Sequence[str | Expr]) -> n.Node:
    """A string template from literal text and expressions; non-string parts get ``string()``."""
    out: list[str | n.Node] = []
    for part in parts:
        if isinstance(part, str):
            if part:
                if out and isinstance(out[-1], str):
                    out[-1] = out[-1] + part
                else:
                    out.append(part)
            continue
        node = part._node
        if part._type != "string":
            require_stringable(part)
            node = n.Call("string", (node,))
        out.append(node)
    if len(out) == 1 and isinstance(out[0], n.Node):
        # f"{x}" alone: the value as a string
        return out[0]
    return n.Template(tuple(out))


def has_expression(value: object) -> bool:
    """Whether ``value`` (a nested structure) contains an expression or an f-string token."""
    if isinstance(value, Expr | n.Node):
        return True
    if isinstance(value, str):
        return _TOKENS.has_token(value)
    if isinstance(value, Mapping):
        return any(has_expression(k) or has_expression(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_expression(v) for v in value)
    return False


def lift_strings(value: Any) -> Any:
    """Return ``value`` with every f-string that embeds expressions turned into an :class:`Expr`."""
    if isinstance(value, str) and _TOKENS.has_token(value):
        return Expr(template_node(_TOKENS.split(value)), "string")
    if isinstance(value, Mapping):
        for key in value:
            if isinstance(key, str) and _TOKENS.has_token(key):
                raise ExpressionError(
                    "a map key cannot be an expression: kro does not evaluate ${} in keys",
                    hint="make the whole map one expression, e.g. cel.map_of([(key, value)])",
                )
        return {k: lift_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lift_strings(v) for v in value]
    if isinstance(value, tuple):
        return [lift_strings(v) for v in value]
    return value


class _TokenTable:
    """Maps the placeholder text that ``format()`` puts in f-strings back to expressions.

    Tokens are private-use characters around a counter, so they never collide with user text.
    The table lives for the process; entries are small.
    """

    _OPEN = "\ue000kro:"
    _CLOSE = "\ue001"
    _PATTERN = re.compile("\ue000kro:(\\d+)\ue001")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._exprs: list[Expr] = []

    def token_for(self, value: Expr) -> str:
        with self._lock:
            self._exprs.append(value)
            index = len(self._exprs) - 1
        return f"{self._OPEN}{index}{self._CLOSE}"

    def has_token(self, text: str) -> bool:
        return self._OPEN in text

    def split(self, text: str) -> list[str | Expr]:
        parts: list[str | Expr] = []
        position = 0
        for match in self._PATTERN.finditer(text):
            parts.append(text[position : match.start()])
            parts.append(self._exprs[int(match.group(1))])
            position = match.end()
        parts.append(text[position:])
        return parts


_TOKENS = _TokenTable()
