"""Static analysis of what an expression reads from ``schema`` and from other resources.

Direct mode has no cluster: a value that only the cluster would fill in (a resource's ``status``, a
server-defaulted field, the data of an ``externalRef``) must never silently become empty. Before an
expression is evaluated, :func:`accesses` lists every path it reads from a tracked root (``schema``
or a resource id), and how the value is used, so the caller can refuse what only kro could know.

Comprehension variables over a tracked path are followed (``services.map(s, s.status.x)`` reads
``services[*].status.x``), and ``cel.bind(v, init, body)`` aliases ``v`` to ``init``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import Enum, StrEnum
from typing import Any

from kro_gen.expr import nodes as n


class Dynamic(Enum):
    """A step whose key is only known at evaluation time (``x[i]``, a comprehension element)."""

    STEP = "*"


DYNAMIC = Dynamic.STEP

#: One step of a path: a field or map key, a list index, or a step only known at evaluation time.
Step = str | int | Dynamic


class Usage(StrEnum):
    """How the value read at the end of a path is used."""

    VALUE = "value"  # flows into the result
    SIZE = "size"  # only counted: size(x)
    FOLLOWED = "followed"  # iterated or bound: its uses are reported through the variables
    PRESENCE = "presence"  # the last step is tested by has()


@dataclass(frozen=True)
class Access:
    """A path read from a tracked root.

    ``optional_from`` is the index of the first step read with ``.?`` or ``[?`` (absence beyond it is
    handled by the expression), or None when every step must exist.
    """

    root: str
    steps: tuple[Step, ...]
    optional_from: int | None
    usage: Usage
    node: n.Node

    def required_steps(self) -> tuple[Step, ...]:
        """The steps that must exist for the expression to evaluate."""
        end = len(self.steps) if self.optional_from is None else self.optional_from
        if self.usage is Usage.PRESENCE and self.optional_from is None:
            end = len(self.steps) - 1
        return self.steps[:end]


def format_path(root: str, steps: tuple[Step, ...]) -> str:
    """``root.a.b[0][*]`` for messages."""
    text = root
    for step in steps:
        if isinstance(step, Dynamic):
            text += "[*]"
        elif isinstance(step, int):
            text += f"[{step}]"
        elif step.isidentifier():
            text += f".{step}"
        else:
            text += f"[{step!r}]"
    return text


@dataclass(frozen=True)
class _Chain:
    """A resolved select/index chain: its root path, and the sub-expressions that are not part of it."""

    root: str
    steps: tuple[Step, ...]
    optional_from: int | None
    filtered: bool  # the value is a filtered list: a later index says nothing about the original
    sides: tuple[tuple[n.Node, Mapping[str, _Chain | None]], ...]


class _Walker:
    def __init__(self, roots: Collection[str]) -> None:
        self.roots = frozenset(roots)
        self.found: list[Access] = []

    # -- resolution of chains -------------------------------------------------------------------
    def resolve(self, node: n.Node, aliases: Mapping[str, _Chain | None]) -> _Chain | None:
        if isinstance(node, n.Ident):
            if node.name in aliases:
                alias = aliases[node.name]
                return None if alias is None else replace(alias, sides=())
            if node.name in self.roots:
                return _Chain(node.name, (), None, False, ())
            return None
        if isinstance(node, n.Select | n.Index):
            base = self.resolve(node.operand, aliases)
            if base is None:
                return None
            sides = base.sides
            if isinstance(node, n.Select):
                step: Step = node.field
            else:
                step = _literal_step(node.index)
                sides = (*sides, (node.index, aliases))
            if base.filtered and not isinstance(step, str):
                step = DYNAMIC
            optional_from = base.optional_from
            if optional_from is None and node.optional:
                optional_from = len(base.steps)
            return _Chain(base.root, (*base.steps, step), optional_from, False, sides)
        if isinstance(node, n.Comprehension) and node.macro == "filter":
            base = self.resolve(node.target, aliases)
            if base is None:
                return None
            inner = _bind(aliases, node.variables, base)
            bodies = tuple((body, inner) for body in node.body)
            return replace(base, filtered=True, sides=(*base.sides, *bodies))
        return None

    # -- the walk -------------------------------------------------------------------------------
    def visit(self, node: n.Node, usage: Usage, aliases: Mapping[str, _Chain | None]) -> None:
        chain = self.resolve(node, aliases)
        if chain is not None:
            self.found.append(Access(chain.root, chain.steps, chain.optional_from, usage, node))
            for side, side_aliases in chain.sides:
                self.visit(side, Usage.VALUE, side_aliases)
            return
        if isinstance(node, n.Comprehension):
            target = self.resolve(node.target, aliases)
            self.visit(node.target, Usage.FOLLOWED, aliases)
            inner = _bind(aliases, node.variables, target)
            for body in node.body:
                self.visit(body, Usage.VALUE, inner)
            return
        if isinstance(node, n.Call) and node.function == "cel.bind" and _is_bind(node.args):
            variable, init, body = node.args
            assert isinstance(variable, n.Ident)
            self.visit(init, Usage.FOLLOWED, aliases)  # followed through the alias below
            bound = self.resolve(init, aliases)
            self.visit(body, Usage.VALUE, {**aliases, variable.name: bound})
            return
        if isinstance(node, n.Call) and node.function in ("size", "has") and len(node.args) == 1:
            self.visit(node.args[0], Usage.SIZE if node.function == "size" else Usage.PRESENCE, aliases)
            return
        if isinstance(node, n.Method) and node.function == "size" and not node.args:
            self.visit(node.target, Usage.SIZE, aliases)
            return
        for child in node.children():
            self.visit(child, Usage.VALUE, aliases)


def _is_bind(args: tuple[n.Node, ...]) -> bool:
    return len(args) == 3 and isinstance(args[0], n.Ident)


def _bind(
    aliases: Mapping[str, _Chain | None], variables: tuple[str, ...], target: _Chain | None
) -> dict[str, _Chain | None]:
    """Scope for a comprehension body: the element variable follows the target's path."""
    element = None
    if target is not None:
        element = _Chain(target.root, (*target.steps, DYNAMIC), target.optional_from, False, ())
    inner = dict(aliases)
    for position, name in enumerate(variables):
        is_key = len(variables) == 2 and position == 0  # all(i, v, ...): i is an index or key
        inner[name] = None if is_key else element
    return inner


def _literal_step(index: n.Node) -> Step:
    value = index.value if isinstance(index, n.Literal) else None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    return DYNAMIC


#: A path a name stands for: the root and the steps (e.g. a forEach iterator over ``services``).
PathAlias = tuple[str, tuple[Step, ...]]


def accesses(
    node: n.Node,
    roots: Collection[str],
    *,
    usage: Usage = Usage.VALUE,
    aliases: Mapping[str, PathAlias] | None = None,
) -> list[Access]:
    """Every path ``node`` reads from one of ``roots``, in source order, with its usage.

    ``usage`` is how the whole expression's value is used; ``aliases`` are names that stand for a
    path (they are reported as reads of that path). A root shadowed by a comprehension variable
    or ``cel.bind`` is not reported.
    """
    walker = _Walker(roots)
    scope = {name: _Chain(root, steps, None, False, ()) for name, (root, steps) in (aliases or {}).items()}
    walker.visit(node, usage, scope)
    return walker.found


def path_of(node: n.Node, roots: Collection[str]) -> PathAlias | None:
    """The path ``node`` reads when it is nothing but a select/index chain on a root, else None."""
    chain = _Walker(roots).resolve(node, {})
    return None if chain is None else (chain.root, chain.steps)


def missing_step(value: Any, steps: tuple[Step, ...]) -> int | None:
    """Index of the first step of ``steps`` that ``value`` does not have, or None if all exist.

    A dynamic step over a list checks every element; over anything else checking stops there,
    because the key is only known at evaluation time.
    """
    for position, step in enumerate(steps):
        if isinstance(step, Dynamic):
            if not isinstance(value, list):
                return None
            for element in value:
                missing = missing_step(element, steps[position + 1 :])
                if missing is not None:
                    return position + 1 + missing
            return None
        if not _has_step(value, step):
            return position
        value = value[step]
    return None


def _has_step(value: Any, step: str | int) -> bool:
    if isinstance(step, str):
        return isinstance(value, Mapping) and step in value
    return isinstance(value, list) and -len(value) <= step < len(value)


def walk_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string leaf of a nested template value with its field path (``spec.ports[0].name``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from walk_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_strings(item, f"{path}[{index}]")
