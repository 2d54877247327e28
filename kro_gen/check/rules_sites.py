"""Where an RGD holds expressions: every ``${...}`` string, the place it sits in, and its parse.

The expression rules, the status rules and the schema-read rule all look at the same strings;
:func:`collect_sites` finds and parses them once per RGD.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from kro_gen.check.rules_base import Path, ResourceView, RgdView, as_list, as_map, walk_values
from kro_gen.expr import nodes as n

_T = TypeVar("_T")


class Place(StrEnum):
    """The part of an RGD an expression is in; each has its own scope and shape rules."""

    TEMPLATE = "template"
    EXTERNAL_REF = "externalRef"
    READY_WHEN = "readyWhen"
    INCLUDE_WHEN = "includeWhen"
    FOR_EACH = "forEach"
    STATUS = "status"
    CONDITION = "status.conditions"

    @property
    def standalone_only(self) -> bool:
        """True where kro accepts only a whole-string ``${expr}``."""
        return self in (Place.READY_WHEN, Place.INCLUDE_WHEN, Place.FOR_EACH, Place.CONDITION)


@dataclass(frozen=True)
class Expression:
    """One ``${...}`` body: its CEL text and either the parsed tree or the parse error."""

    cel: str
    node: n.Node | None
    error: str | None
    hint: str | None = None

    def derived(self, compute: Callable[[n.Node], _T]) -> _T | None:
        """``compute(self.node)``, computed once per expression (None when the text did not parse).

        ``compute`` must be a pure function of the tree whose result its users do not change (a tuple):
        expressions are shared by every RGD that holds the same CEL text.
        """
        if self.node is None:
            return None
        known: dict[Any, Any] = self.__dict__.setdefault("_derived", {})
        if compute not in known:
            known[compute] = compute(self.node)
        result: _T = known[compute]
        return result


@dataclass(frozen=True)
class Site:
    """A YAML string holding zero or more expressions, with where it is."""

    place: Place
    resource: ResourceView | None
    path: Path
    text: str
    expressions: tuple[Expression, ...]
    standalone: bool

    def nodes(self) -> Iterator[n.Node]:
        """The parsed trees (expressions that failed to parse are skipped)."""
        return (e.node for e in self.expressions if e.node is not None)

    def identifiers(self) -> list[str]:
        """Free identifiers of all parsed expressions, first use first."""
        seen: dict[str, None] = {}
        for expression in self.expressions:
            for name in expression.derived(_free_names) or ():
                seen.setdefault(name, None)
        return list(seen)


def free_names(node: n.Node) -> list[str]:
    """Free identifiers of ``node``, knowing kro's binders.

    Comprehension variables are bound in their bodies, ``cel.bind(v, init, body)`` binds ``v`` in
    ``body``, and the keys of ``runtime.newCondition({type: ..., status: ...})`` are field names,
    not identifiers.
    """
    seen: dict[str, None] = {}
    _visit_free(node, frozenset(), seen)
    return list(seen)


def _free_names(node: n.Node) -> tuple[str, ...]:
    return tuple(free_names(node))


def condition_map(node: n.Node) -> n.MapLit | None:
    """The map argument of a ``runtime.newCondition({...})`` call (either parse shape), else None."""
    if (isinstance(node, n.Call) and node.function == "runtime.newCondition") or (
        isinstance(node, n.Method)
        and node.function == "newCondition"
        and isinstance(node.target, n.Ident)
        and node.target.name == "runtime"
    ):
        args = node.args
    else:
        return None
    return args[0] if len(args) == 1 and isinstance(args[0], n.MapLit) else None


def _visit_free(node: n.Node, scope: frozenset[str], seen: dict[str, None]) -> None:
    if isinstance(node, n.Call) and node.function == "cel.bind" and len(node.args) == 3:
        variable = node.args[0]
        bound = {variable.name} if isinstance(variable, n.Ident) else set()
        _visit_free(node.args[1], scope, seen)
        _visit_free(node.args[2], scope | bound, seen)
        return
    if isinstance(node, n.Comprehension):
        _visit_free(node.target, scope, seen)
        for body in node.body:
            _visit_free(body, scope | frozenset(node.variables), seen)
        return
    conditions = condition_map(node)
    if conditions is not None:
        if isinstance(node, n.Method):
            _visit_free(node.target, scope, seen)
        for _key, value in conditions.entries:
            _visit_free(value, scope, seen)
        return
    if isinstance(node, n.Ident | n.ResourceRoot):
        for name in n.free_identifiers(node):
            if name not in scope:
                seen.setdefault(name, None)
        return
    for child in node.children():
        _visit_free(child, scope, seen)


@functools.lru_cache(maxsize=16384)
def parse_expression(cel: str) -> Expression:
    """The :class:`Expression` of one ``${...}`` body (cached by text, shared by every RGD that holds it)."""
    from kro_gen.errors import ExpressionError
    from kro_gen.expr.parser import parse_cel

    try:
        return Expression(cel, parse_cel(cel), None)
    except ExpressionError as error:
        return Expression(cel, None, error.message, error.hint)


def _site(place: Place, resource: ResourceView | None, path: Path, text: str) -> Site:
    """A site for the YAML string ``text`` at ``path`` (each CEL text is parsed once, by
    :func:`parse_expression`)."""
    from kro_gen.expr.kro_text import extract_expressions, is_standalone

    expressions = tuple(parse_expression(cel) for cel in extract_expressions(text))
    return Site(place, resource, path, text, expressions, is_standalone(text))


def collect_sites(view: RgdView) -> list[Site]:
    """Every expression-bearing string of the RGD, in document order.

    In templates, externalRefs and status only strings that contain ``${`` count; in readyWhen,
    includeWhen, forEach values and status conditions every string counts (those places accept
    nothing but a standalone expression).
    """
    sites: list[Site] = []
    for resource in view.resources:
        for key, place in (("template", Place.TEMPLATE), ("externalRef", Place.EXTERNAL_REF)):
            base = (*resource.path, key)
            for path, value in walk_values(resource.raw.get(key), base):
                if isinstance(value, str) and "${" in value:
                    sites.append(_site(place, resource, path, value))
        for key, place in (("readyWhen", Place.READY_WHEN), ("includeWhen", Place.INCLUDE_WHEN)):
            for index, value in enumerate(as_list(resource.raw.get(key))):
                if isinstance(value, str):
                    sites.append(_site(place, resource, (*resource.path, key, index), value))
        for index, dimension in enumerate(as_list(resource.raw.get("forEach"))):
            for name, value in as_map(dimension).items():
                if isinstance(value, str):
                    path = (*resource.path, "forEach", index, str(name))
                    sites.append(_site(Place.FOR_EACH, resource, path, value))
    sites.extend(_status_sites(view))
    return sites


def _status_sites(view: RgdView) -> Iterator[Site]:
    status = as_map(view.schema.get("status"))
    base = ("spec", "schema", "status")
    for key, value in status.items():
        path: Path = (*base, str(key))
        if key == "conditions" and isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, str):
                    yield _site(Place.CONDITION, None, (*path, index), entry)
            continue
        for leaf_path, leaf in walk_values(value, path):
            if isinstance(leaf, str) and "${" in leaf:
                yield _site(Place.STATUS, None, leaf_path, leaf)


def resource_sites(sites: list[Site], resource: ResourceView) -> list[Site]:
    """The sites that belong to ``resource``."""
    return [s for s in sites if s.resource is resource]
