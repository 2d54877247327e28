"""JSON schemas (Kubernetes definitions, CRD schemas) → typed view classes, as Python source.

A *view* is a class with one annotated attribute per field of an object schema: the shape a type
checker uses for ``deployment.status.readyReplicas``. At run time nothing reads a view (the value is an
expression); the classes exist so that annotations referring to them work without
``from __future__ import annotations`` too.

Types: ``integer`` → ``int``, ``number`` → ``float``, ``boolean`` → ``bool``, ``string`` (and Quantity)
→ ``str``, int-or-string → ``int | str``, arrays → ``list[T]``, maps → ``dict[str, T]``, objects with
properties → a view, free-form objects → ``dict[str, Any]``, anything else → ``Any``. Optional fields
are typed as their value (a missing field is read with ``cel.default``); nested objects are always
there to navigate.
"""

from __future__ import annotations

import keyword
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: How long a field's description may be in the generated docstring (its first sentence, cut).
_DOC_LIMIT = 160
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class ViewClass:
    """One generated class: its name, docstring and ``(field, type, doc)`` rows."""

    name: str
    doc: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def first_sentence(text: str | None) -> str:
    """The first sentence of a description, on one line and at most ``_DOC_LIMIT`` characters."""
    if not text:
        return ""
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    sentence = match.group(1) if match else flat
    if len(sentence) > _DOC_LIMIT:
        sentence = sentence[: _DOC_LIMIT - 3].rstrip() + "..."
    sentence = sentence.replace("\\", "\\\\").replace('"""', "'''")
    return sentence[:-1] + '\\"' if sentence.endswith('"') else sentence


def pascal(text: str) -> str:
    """``spec.tls-config`` → ``SpecTlsConfig`` (for class names made from field paths)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def attribute_name(name: str) -> bool:
    """Whether a field can be a class attribute (read the others with ``x["from"]``)."""
    return bool(_IDENTIFIER.match(name)) and not keyword.iskeyword(name)


def _types(node: Mapping[str, Any]) -> list[str]:
    value = node.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if t != "null"]
    return []


class ViewBuilder:
    """Collects view classes for schemas, naming inline objects from their path.

    Args:
        resolve_ref: ``$ref`` → ``(class name, schema)`` for referenced definitions, or None (``Any``).
        known: names already taken in the module (kind classes, imported names).
    """

    def __init__(
        self,
        resolve_ref: Callable[[str], tuple[str, Mapping[str, Any]] | None] | None = None,
        known: set[str] | None = None,
    ) -> None:
        self._resolve_ref = resolve_ref
        self.classes: dict[str, ViewClass] = {}
        self._taken = set(known or ())
        self._by_ref: dict[str, str] = {}

    def type_of(self, node: Mapping[str, Any], hint: str) -> str:
        """The Python type of ``node``; object schemas become classes named from ``hint``."""
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._ref(ref)
        if node.get("x-kubernetes-int-or-string"):
            return "int | str"
        if node.get("x-kubernetes-preserve-unknown-fields") and not node.get("properties"):
            return "Any"
        for junctor in ("oneOf", "anyOf"):
            options = node.get(junctor)
            if isinstance(options, list) and options and not _types(node):
                kinds = [self.type_of(option, hint) for option in options]
                unique = sorted(set(kinds))
                return "Any" if "Any" in unique else " | ".join(unique)
        types = _types(node)
        if "array" in types:
            items = node.get("items")
            item = self.type_of(items, hint + "Item") if isinstance(items, Mapping) else "Any"
            return f"list[{item}]"
        if "object" in types or "properties" in node:
            properties = node.get("properties")
            if isinstance(properties, Mapping) and properties:
                return self.define(hint, node)
            extra = node.get("additionalProperties")
            if isinstance(extra, Mapping):
                return f"dict[str, {self.type_of(extra, hint + 'Value')}]"
            return "dict[str, Any]"
        scalar = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}
        found = [scalar[t] for t in types if t in scalar]
        if len(found) == 1:
            return found[0]
        return "Any"

    def define(self, name: str, node: Mapping[str, Any]) -> str:
        """Define the view class of an object schema, named ``name`` (or ``name2``...); return the name."""
        return self._define_as(self._unique(name), node)

    def _define_as(self, name: str, node: Mapping[str, Any]) -> str:
        view = ViewClass(name, first_sentence(node.get("description")) or f"The {name} object.")
        self.classes[name] = view
        view.fields = self.fields_of(node, name)
        return name

    def fields_of(
        self, node: Mapping[str, Any], owner: str, skip: frozenset[str] = frozenset()
    ) -> list[tuple[str, str, str]]:
        """``(field, type, doc)`` for the properties of ``node`` (sorted), minus ``skip``."""
        rows = []
        properties = node.get("properties") or {}
        for field_name in sorted(properties):
            if field_name in skip or not attribute_name(field_name):
                continue
            schema = properties[field_name]
            type_text = self.type_of(schema, owner + pascal(field_name))
            rows.append((field_name, type_text, first_sentence(schema.get("description"))))
        return rows

    def _ref(self, ref: str) -> str:
        if ref in self._by_ref:
            return self._by_ref[ref]
        resolved = self._resolve_ref(ref) if self._resolve_ref else None
        if resolved is None:
            return "Any"
        name, schema = resolved
        if not isinstance(schema.get("properties"), Mapping) or not schema.get("properties"):
            # a scalar or free-form definition (Quantity, Time, IntOrString, RawExtension): inline it
            text = self.type_of(schema, name)
            self._by_ref[ref] = text
            return text
        self._by_ref[ref] = self._unique(name)
        return self._define_as(self._by_ref[ref], schema)

    def _unique(self, name: str) -> str:
        if name not in self._taken:
            self._taken.add(name)
            return name
        for index in range(2, 1000):
            candidate = f"{name}{index}"
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate
        raise ValueError(f"no free class name for {name}")


#: Generated lines stay within this width (ruff's default is 88; kro-gen's 110).
WIDTH = 88


def docstring(text: str, indent: int) -> list[str]:
    """A docstring at ``indent`` spaces: one line when it fits in :data:`WIDTH`, else wrapped."""
    pad = " " * indent
    if indent + len(text) + 6 <= WIDTH:
        return [f'{pad}"""{text}"""']
    wrapped = textwrap.wrap(text, width=WIDTH - indent - 3, break_long_words=False, break_on_hyphens=False)
    if len(wrapped) == 1 and " " in text:  # two lines, or formatters fold it back onto one
        head, _, tail = text.rpartition(" ")
        wrapped = [head, tail]
    return [f'{pad}"""{wrapped[0]}', *(f"{pad}{line}" for line in wrapped[1:]), f'{pad}"""']


def render_view(view: ViewClass) -> list[str]:
    """Python source lines of one view class."""
    lines = [f"class {view.name}(View):", *docstring(view.doc, 4)]
    if view.fields:
        lines.append("")
    for field_name, type_text, doc in view.fields:
        lines.append(f"    {field_name}: {type_text}")
        if doc:
            lines.extend(docstring(doc, 4))
    return lines


VIEW_BASE = '''class View:
    """A typed view of part of an object: attributes for type checkers; at run time, an expression."""

    if TYPE_CHECKING:

        def __getitem__(self, key: str) -> Any:
            """A field whose name is no Python identifier (``x["from"]``), untyped."""
            ...'''
