"""Render a module of typed kind classes and their views (shared by built-in kinds and CRD stubs).

A *kind class* is a :class:`~kro_gen.graph.resource.Resource` subclass for one apiVersion/kind. For type
checkers its ``spec``, ``status`` and ``data`` are views of the kind's schema; other top-level fields
(``rules``, ``subjects``, ``type``...) are :class:`~kro_gen.graph.resource.ObjectField` descriptors that
build the same references at run time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kro_gen.typegen.views import VIEW_BASE, ViewBuilder, docstring, first_sentence, render_view

#: Top-level fields every object has (typed by ``Resource`` itself).
_OBJECT_FIELDS = frozenset({"apiVersion", "kind", "metadata"})
#: Top-level fields ``Resource`` reads at run time; kind classes only narrow their types.
_RESOURCE_PROPERTIES = ("spec", "status", "data")


@dataclass(frozen=True)
class KindSchema:
    """One kind to render: its class name, apiVersion, kind and object schema."""

    class_name: str
    api_version: str
    kind: str
    schema: Mapping[str, Any]


def render_module(
    header: str, kinds: Sequence[KindSchema], builder: ViewBuilder, *, builtin: bool = True
) -> str:
    """The module source: a header docstring, imports, the kind classes, then the views (sorted).

    ``builtin`` is :mod:`kro_gen.k8s.kinds` itself (it defines ``View`` and ``KIND_CLASSES``); CRD stub
    modules import ``View`` from it.
    """
    kind_lines: list[str] = []
    for kind in kinds:
        kind_lines.extend(["", "", *_kind_class(kind, builder)])
    names = sorted([*(["ObjectMeta", "View"] if builtin else []), *(k.class_name for k in kinds)])
    body = "\n".join(
        kind_lines
        + [line for name in sorted(builder.classes) for line in ("", "", *render_view(builder.classes[name]))]
    )
    typing_names = [
        name for name in ("TYPE_CHECKING", "Any", "ClassVar") if builtin or re.search(rf"\b{name}\b", body)
    ]
    imports = [
        "from kro_gen.graph.resource import ObjectField, Resource"
        if builtin or "ObjectField" in body
        else "from kro_gen.graph.resource import Resource",
        *(["from kro_gen.graph.views import ObjectMeta"] if builtin else []),
        *([] if builtin or not re.search(r"\bView\b", body) else ["from kro_gen.k8s.kinds import View"]),
    ]
    lines = [
        f'"""{header}"""',
        "",
        "from __future__ import annotations",
        "",
        f"from typing import {', '.join(typing_names)}",
        "",
        *imports,
        "",
        "__all__ = [",
        *(f'    "{name}",' for name in names),
        "]",
        *(["", "", VIEW_BASE] if builtin else []),
        *kind_lines,
    ]
    for name in sorted(builder.classes):
        lines.extend(["", "", *render_view(builder.classes[name])])
    if not builtin:
        return "\n".join(lines) + "\n"
    lines.extend(
        [
            "",
            "",
            "#: The kind class of each (apiVersion, kind), for builders and ``k8s.resource``.",
            "KIND_CLASSES: dict[tuple[str, str], type[Resource]] = {",
            "    (kind.API_VERSION, kind.KIND): kind",
            "    for kind in (",
            *(f"        {k.class_name}," for k in kinds),
            "    )",
            "}",
        ]
    )
    return "\n".join(lines) + "\n"


def _kind_class(kind: KindSchema, builder: ViewBuilder) -> list[str]:
    description = first_sentence(kind.schema.get("description"))
    summary = f"A ``{kind.api_version}`` {kind.kind} in a graph. {description}".strip()
    lines = [
        f"class {kind.class_name}(Resource):",
        *docstring(summary, 4),
        "",
        f'    API_VERSION: ClassVar[str] = "{kind.api_version}"',
        f'    KIND: ClassVar[str] = "{kind.kind}"',
    ]
    typed: list[tuple[str, str, str]] = []
    fields: list[tuple[str, str, str]] = []
    for row in builder.fields_of(kind.schema, kind.class_name, skip=_OBJECT_FIELDS):
        (typed if row[0] in _RESOURCE_PROPERTIES else fields).append(row)
    for field_name, type_text, doc in fields:
        lines.append("")
        lines.append(f"    {field_name}: ObjectField[{type_text}] = ObjectField()")
        if doc:
            lines.extend(docstring(doc, 4))
    if typed:
        lines.extend(["", "    if TYPE_CHECKING:"])
        for field_name, type_text, doc in typed:
            signature = f"        def {field_name}(self) -> {type_text}:"
            lines.extend(["", "        @property"])
            lines.extend([signature, *docstring(doc, 12), "            ..."] if doc else [f"{signature} ..."])
    return lines
