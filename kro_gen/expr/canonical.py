"""Expression trees compared by meaning: comprehension variables renamed by position.

``xs.map(s, s.id)`` and ``xs.map(x, x.id)`` are the same expression; :func:`rename_bound` gives both
the same tree (free names are untouched), so documents can be compared by what kro compiles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from kro_gen.expr import nodes as n


def rename_bound(node: n.Node, names: Mapping[str, str] | None = None, depth: int = 0) -> n.Node:
    """``node`` with every comprehension variable renamed ``_v<depth>_<i>`` (free names untouched)."""
    scope = dict(names or {})
    if isinstance(node, n.Ident):
        return n.Ident(scope.get(node.name, node.name))
    if isinstance(node, n.Comprehension):
        inner = {**scope, **{v: f"_v{depth}_{i}" for i, v in enumerate(node.variables)}}
        return n.Comprehension(
            rename_bound(node.target, scope, depth),
            node.macro,
            tuple(inner[v] for v in node.variables),
            tuple(rename_bound(body, inner, depth + 1) for body in node.body),
        )
    changes = {
        f.name: _rename_value(getattr(node, f.name), scope, depth)
        for f in fields(node)  # type: ignore[arg-type]
        if f.compare
    }
    return replace(node, **changes)  # type: ignore[type-var]


def _rename_value(value: Any, scope: Mapping[str, str], depth: int) -> Any:
    if isinstance(value, n.Node):
        return rename_bound(value, scope, depth)
    if isinstance(value, tuple):
        return tuple(_rename_value(item, scope, depth) for item in value)
    return value
