"""Mermaid diagrams of a resource graph, for the generated README.

``graph_mermaid`` draws a ``graph TD`` flowchart: one node per resource labelled ``id<br/>Kind`` and one
arrow per reference, pointing from a resource to the resource it references (``userDeployment -->
appConfig``: the Deployment reads the ConfigMap). Shapes carry the resource's nature, read from the
label suffix the graph layer puts in ``resource_kinds``:

* ``"Secret (externalRef)"`` → a parallelogram ``[/"…"/]`` (read from the cluster, never created);
* ``"Deployment (collection)"`` (or ``(forEach)``) → a subroutine box ``[["…"]]`` (one object per item);
* anything else → a rectangle ``["…"]``.

Node names are ``r_<id>`` with every character outside ``[A-Za-z0-9_]`` replaced, so ids such as
``end`` (a Mermaid keyword) or ids starting with ``o``/``x`` (edge markers) are safe; clashes after
replacement get a numeric suffix. Labels are quoted, with ``"`` ``<`` ``>`` ``&`` ``#`` written as Mermaid
entity codes. Output is sorted, so the same graph always gives the same text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["graph_mermaid"]

_UNSAFE_NODE_CHARS = re.compile(r"[^A-Za-z0-9_]")
_SHAPES = {
    "externalRef": ('[/"', '"/]'),
    "collection": ('[["', '"]]'),
    "forEach": ('[["', '"]]'),
}
_PLAIN_SHAPE = ('["', '"]')
_SUFFIX = re.compile(r"^(?P<kind>.*?)\s*\((?P<nature>externalRef|collection|forEach)\)\s*$")


def _escape_label(text: str) -> str:
    """Escape ``text`` for a quoted Mermaid label (entity codes for the characters Mermaid reads)."""
    return "".join(f"#{ord(char)};" if char in '"<>&#' else char for char in text)


def _node_names(ids: Sequence[str]) -> dict[str, str]:
    """A unique, Mermaid-safe node name for each resource id (``ids`` sorted for stable suffixes)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for resource_id in ids:
        base = "r_" + _UNSAFE_NODE_CHARS.sub("_", resource_id)
        name, counter = base, 2
        while name in used:
            name, counter = f"{base}_{counter}", counter + 1
        used.add(name)
        names[resource_id] = name
    return names


def _node_line(name: str, resource_id: str, kind_label: str | None) -> str:
    if kind_label is None:
        return f'    {name}["{_escape_label(resource_id)}"]'
    match = _SUFFIX.match(kind_label)
    opening, closing = _PLAIN_SHAPE
    if match:
        opening, closing = _SHAPES[match.group("nature")]
    label = f"{_escape_label(resource_id)}<br/>{_escape_label(kind_label)}"
    return f"    {name}{opening}{label}{closing}"


def graph_mermaid(
    name: str,
    dependencies: Mapping[str, Sequence[str]],
    resource_kinds: Mapping[str, str],
) -> str:
    """A Mermaid ``graph TD`` diagram of one resource graph.

    Args:
        name: the graph's name (written as a Mermaid comment on the second line).
        dependencies: resource id -> ids it references (ids missing from ``resource_kinds`` still get a
            node, labelled with the id only).
        resource_kinds: resource id -> kind label, e.g. ``"Deployment"`` or ``"Secret (externalRef)"``.

    Returns:
        The diagram text, ending with a newline, without the surrounding Markdown fence.
    """
    ids = sorted(
        set(resource_kinds) | set(dependencies) | {d for deps in dependencies.values() for d in deps}
    )
    names = _node_names(ids)
    lines = ["graph TD", f"    %% {' '.join(name.split())}: arrows point to the referenced resource"]
    lines.extend(_node_line(names[rid], rid, resource_kinds.get(rid)) for rid in ids)
    edges = sorted({(source, target) for source, targets in dependencies.items() for target in targets})
    lines.extend(f"    {names[source]} --> {names[target]}" for source, target in edges)
    return "\n".join(lines) + "\n"
