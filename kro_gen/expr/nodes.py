"""The expression tree: small frozen dataclasses with ordinary equality and hashing.

Nodes know nothing about how they are printed: :mod:`kro_gen.expr.render` turns a tree into kro's CEL,
and :mod:`kro_gen.expr.celpy_render` into text cel-python can parse. Users never build nodes directly;
they use :class:`kro_gen.expr.wrapper.Expr` and the :mod:`kro_gen.cel` helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Protocol

LiteralValue = str | int | float | bool | None


class Node:
    """Base class of every expression node."""

    def children(self) -> tuple[Node, ...]:
        """The direct sub-expressions of this node, in source order."""
        return ()


class HasResourceId(Protocol):
    """What a resource-root node needs from the resource it points at."""

    @property
    def id(self) -> str | None: ...


@dataclass(frozen=True)
class Literal(Node):
    """A constant: string, int, float, bool or null."""

    value: LiteralValue


@dataclass(frozen=True)
class ListLit(Node):
    """A list literal ``[a, b]``."""

    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class MapLit(Node):
    """A map literal ``{k: v}``."""

    entries: tuple[tuple[Node, Node], ...]

    def children(self) -> tuple[Node, ...]:
        return tuple(n for pair in self.entries for n in pair)


@dataclass(frozen=True)
class Ident(Node):
    """A bare identifier: ``schema``, a resource id, an iterator variable, ``each``."""

    name: str


@dataclass(frozen=True)
class ResourceRoot(Node):
    """A reference to a resource whose id may only be known once the graph is assembled.

    ``resource`` is the authoring object (it has an ``id`` attribute once the graph names it).
    Equality is by identity of that object.
    """

    key: int
    resource: HasResourceId = field(compare=False, hash=False, repr=False)

    @staticmethod
    def of(resource: HasResourceId) -> ResourceRoot:
        """The root node for ``resource``."""
        return ResourceRoot(id(resource), resource)

    @property
    def name(self) -> str | None:
        """The resource id, or None while the resource is not yet part of a graph."""
        return self.resource.id


@dataclass(frozen=True)
class Select(Node):
    """Field selection ``operand.field`` (``operand.?field`` when optional)."""

    operand: Node
    field: str
    optional: bool = False

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Index(Node):
    """Indexing ``operand[index]`` (``operand[?index]`` when optional)."""

    operand: Node
    index: Node
    optional: bool = False

    def children(self) -> tuple[Node, ...]:
        return (self.operand, self.index)


@dataclass(frozen=True)
class Unary(Node):
    """``!x`` or ``-x``."""

    op: str
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Binary(Node):
    """A binary operator: ``== != < <= > >= + - * / % && || in``."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Cond(Node):
    """The ternary ``cond ? then : otherwise``."""

    cond: Node
    then: Node
    otherwise: Node

    def children(self) -> tuple[Node, ...]:
        return (self.cond, self.then, self.otherwise)


@dataclass(frozen=True)
class Call(Node):
    """A global function call, e.g. ``string(x)``, ``has(x.f)``, ``random.seededString(8, s)``."""

    function: str
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True)
class Method(Node):
    """A receiver-style call ``target.function(args)``, e.g. ``x.orValue(1)``, ``s.lowerAscii()``."""

    target: Node
    function: str
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return (self.target, *self.args)


@dataclass(frozen=True)
class Comprehension(Node):
    """A macro over a list or map: ``target.map(v, body)``, ``target.filter(v, pred)``, ``all``,
    ``exists``, ``exists_one``; ``map`` with a filter has two bodies (``target.map(v, pred, body)``).
    Two-variable forms (``all(k, v, ...)``) carry two variables."""

    target: Node
    macro: str
    variables: tuple[str, ...]
    body: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return (self.target, *self.body)


@dataclass(frozen=True)
class Template(Node):
    """String interpolation: literal text and string-valued expressions, in order.

    At the top of a field value it becomes a kro string template (``a-${x}-b``); nested inside a
    larger expression it is rendered as string concatenation.
    """

    parts: tuple[str | Node, ...]

    def children(self) -> tuple[Node, ...]:
        return tuple(p for p in self.parts if isinstance(p, Node))


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and every node below it, depth first, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def root_of(node: Node) -> Node:
    """The innermost operand of a select/index chain (``a`` for ``a.b[0].c``)."""
    while isinstance(node, Select | Index):
        node = node.operand
    return node


def free_identifiers(node: Node, bound: frozenset[str] = frozenset()) -> list[str]:
    """Names of identifiers and resource roots used by ``node`` and not bound by a comprehension
    (or by ``cel.bind``).

    Resource roots whose resource has no id yet are reported as ``"<unnamed>"``. Order is first
    use; duplicates are removed.
    """
    seen: dict[str, None] = {}

    def visit(current: Node, scope: frozenset[str]) -> None:
        if isinstance(current, Ident):
            if current.name not in scope:
                seen.setdefault(current.name, None)
            return
        if isinstance(current, ResourceRoot):
            seen.setdefault(current.name or "<unnamed>", None)
            return
        if isinstance(current, Comprehension):
            visit(current.target, scope)
            inner = scope | frozenset(current.variables)
            for body in current.body:
                visit(body, inner)
            return
        if isinstance(current, Call) and current.function == "cel.bind" and len(current.args) == 3:
            variable, value, body = current.args
            if isinstance(variable, Ident):
                # cel.bind(v, init, body): v is bound in body only
                visit(value, scope)
                visit(body, scope | {variable.name})
                return
        for child in current.children():
            visit(child, scope)

    visit(node, bound)
    return list(seen)


def substitute(node: Node, name: str, replacement: Node) -> Node:
    """``node`` with every ``Ident(name)`` replaced by ``replacement``.

    There is no scoping: use it for names nothing else can bind (kro_gen.cel's placeholders).
    """
    if isinstance(node, Ident):
        return replacement if node.name == name else node
    changes = {
        f.name: _substitute_value(getattr(node, f.name), name, replacement)
        for f in fields(node)  # type: ignore[arg-type]
        if f.compare
    }
    return replace(node, **changes)  # type: ignore[type-var]


def _substitute_value(value: object, name: str, replacement: Node) -> object:
    if isinstance(value, Node):
        return substitute(value, name, replacement)
    if isinstance(value, tuple):
        return tuple(_substitute_value(item, name, replacement) for item in value)
    return value
