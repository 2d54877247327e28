"""An RGD document as a kro-gen definition module (Python source text).

:func:`definition_source` writes the spec and status models (:mod:`kro_gen.importer.models`), the
``ResourceGraph`` with the RGD's settings, a ``Resources`` NamedTuple whose field names are the
resource ids, the resources builder (each resource a :class:`~kro_gen.Resource` with its template or
external reference, ``include_when``, ``ready_when`` and ``for_each``; resources in dependency order)
and the status builder. Every ``${...}`` becomes Python (:mod:`kro_gen.importer.pyexpr`) except at
the field paths given in ``raw``, and where it has no Python spelling: those are ``cel.raw(...)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kro_gen.expr import nodes as n
from kro_gen.expr.kro_text import parse_field
from kro_gen.expr.render import render_cel
from kro_gen.importer.literals import py_literal, py_string
from kro_gen.importer.models import ImportProblem, ModelWriter
from kro_gen.importer.names import python_name
from kro_gen.importer.pyexpr import Scope, Unsayable, python_of, template_python

#: A field of the RGD document: ``("resources", id, "template", "metadata", "name")``,
#: ``("status", "url")``, ``("resources", id, "readyWhen", 0)``...
SitePath = tuple[str | int, ...]
_SCHEMA_KEYS = frozenset(
    {
        "apiVersion",
        "kind",
        "group",
        "scope",
        "spec",
        "types",
        "status",
        "additionalPrinterColumns",
        "metadata",
    }
)
_RESOURCE_KEYS = frozenset({"id", "template", "externalRef", "includeWhen", "readyWhen", "forEach"})


@dataclass
class ImportedSource:
    """The module text and the field paths written as ``cel.raw`` (with why)."""

    text: str
    raw: dict[SitePath, str] = field(default_factory=dict)
    #: every field path that holds an expression
    sites: frozenset[SitePath] = frozenset()


def definition_source(
    rgd: Mapping[str, Any],
    origin: str,
    raw: frozenset[SitePath] = frozenset(),
    status_types: Mapping[tuple[str, ...], str] | None = None,
) -> ImportedSource:
    """The definition module for ``rgd`` (an RGD document read from ``origin``).

    Args:
        rgd: the RGD document.
        origin: the file name, for the module docstring.
        raw: fields to write as ``cel.raw`` (the round trip found their Python spelling differs).
        status_types: path below ``spec.schema.status`` -> the Python annotation of that status
            field (``int``, ``list[str]``...); other fields are ``Any``.

    Raises:
        ImportProblem: a part of the RGD kro-gen cannot say (naming its path).
    """
    return _Module(rgd, origin, raw, status_types or {}).write()


class _Module:
    def __init__(
        self,
        rgd: Mapping[str, Any],
        origin: str,
        raw: frozenset[SitePath],
        status_types: Mapping[tuple[str, ...], str],
    ) -> None:
        self.rgd = rgd
        self.status_types = status_types
        self.origin = origin
        self.forced_raw = raw
        self.raw: dict[SitePath, str] = {}
        self.sites: set[SitePath] = set()
        self.spec_body = _mapping(rgd.get("spec"), "spec")
        self.schema = _mapping(self.spec_body.get("schema"), "spec.schema")
        for key in self.schema:
            if key not in _SCHEMA_KEYS:
                raise ImportProblem(f"spec.schema.{key}", "unknown field")
        self.models = ModelWriter(_mapping(self.schema.get("types") or {}, "spec.schema.types"))
        self.resources = [
            _mapping(item, f"spec.resources[{i}]")
            for i, item in enumerate(self.spec_body.get("resources") or [])
        ]
        self.ids = [str(item.get("id")) for item in self.resources]
        self.taken: set[str] = set()
        self.variables = {rid: python_name(rid, self.taken) for rid in self.ids}
        self.collections = frozenset(
            rid
            for rid, item in zip(self.ids, self.resources, strict=True)
            if item.get("forEach")
            or "selector" in (_mapping(item.get("externalRef") or {}, "externalRef").get("metadata") or {})
        )
        self.strings: set[str] = set()
        self.spec_class: str | None = None

    # -- the whole module ------------------------------------------------------------------------
    def write(self) -> ImportedSource:
        metadata = _mapping(self.rgd.get("metadata") or {}, "metadata")
        name = str(metadata.get("name", ""))
        kind = str(self.schema.get("kind", ""))
        spec_model = self.models.model(
            kind + "Spec" if kind else "Spec", _mapping(self.schema.get("spec") or {}, "spec.schema.spec"), ()
        )
        self.spec_class = spec_model
        self.strings = {
            "schema.spec." + ".".join(path)
            for path, found in self.models.kinds.items()
            if found == "string" and path[:1] != ("types",)
        }
        status = _mapping(self.schema.get("status") or {}, "spec.schema.status")
        status_model = (
            self.models.status_model(kind + "Status" if kind else "Status", status, self.status_types)
            if status
            else None
        )
        graph = self._graph(name, spec_model, status_model, metadata)
        body = self._resources(spec_model)
        status_text = self._status(spec_model, status) if status else ""
        parts = [*self.models.classes, graph, body]
        if status_text:
            parts.append(status_text)
        parts.insert(0, self._header(name, "\n".join(parts)))
        return ImportedSource("\n\n\n".join(parts) + "\n", dict(self.raw), frozenset(self.sites))

    def _header(self, name: str, body: str) -> str:
        """The docstring and the imports ``body`` uses."""

        def used(names: list[str]) -> list[str]:
            return [item for item in names if re.search(rf"\b{item}\b", body)]

        typing_names = used(["Annotated", "Any", "Literal", "NamedTuple"])
        pydantic_names = used(["BaseModel", "Field"])
        kro_names = used(["PrinterColumn", "Resource", "ResourceGraph", "Schema", "cel"])
        lines = [
            f'"""{name}: imported from {self.origin} by ``kro-gen import``."""',
            "",
            "from __future__ import annotations",
            "",
        ]
        if typing_names:
            lines += [f"from typing import {', '.join(typing_names)}", ""]
        lines += [f"from pydantic import {', '.join(pydantic_names)}", ""]
        lines.append(f"from kro_gen import {', '.join(kro_names)}")
        if "SchemaMarkers" in self.models.uses:
            lines.append("from kro_gen.schema import SchemaMarkers")
        return "\n".join(lines)

    def _graph(self, name: str, spec: str, status: str | None, metadata: Mapping[str, Any]) -> str:
        version = str(self.schema.get("apiVersion", ""))
        group = self.schema.get("group")
        api_version = f"{group}/{version}" if group else version
        arguments = [
            py_string(name),
            f"api_version={py_string(api_version)}",
            f"kind={py_string(str(self.schema.get('kind', '')))}",
            f"spec={spec}",
        ]
        if status:
            arguments.append(f"status={status}")
        if self.schema.get("scope", "Namespaced") != "Namespaced":
            arguments.append(f"scope={py_string(str(self.schema['scope']))}")
        annotations = dict(metadata.get("annotations") or {})
        if annotations.pop("kro.run/allow-breaking-changes", None) == "true":
            arguments.append("allow_breaking_changes=True")
        columns = self.schema.get("additionalPrinterColumns")
        if columns:
            arguments.append(f"printer_columns={py_literal(columns, '    ')}")
        for option, value in (("labels", metadata.get("labels")), ("annotations", annotations)):
            if value:
                arguments.append(f"{option}={py_literal(dict(value), '    ')}")
        crd = _mapping(self.schema.get("metadata") or {}, "spec.schema.metadata")
        for option, key in (("crd_labels", "labels"), ("crd_annotations", "annotations")):
            if crd.get(key):
                arguments.append(f"{option}={py_literal(dict(crd[key]), '    ')}")
        inner = "".join(f"    {argument},\n" for argument in arguments)
        return f"app = ResourceGraph(\n{inner})"

    # -- resources -------------------------------------------------------------------------------
    def _resources(self, spec: str) -> str:
        fields = "\n".join(f"    {rid}: Resource" for rid in self.ids) or "    pass"
        doc = '"""The graph\'s resources; each field name is a kro resource id."""'
        tuple_text = f"class Resources(NamedTuple):\n    {doc}\n\n{fields}"
        lines = ["@app.resources", f"def resources(schema: Schema[{spec}]) -> Resources:"]
        declared: dict[str, str] = {}
        for index in self._order():
            item, rid = self.resources[index], self.ids[index]
            lines.extend(self._resource(item, rid, declared))
        values = ", ".join(f"{rid}={self.variables[rid]}" for rid in self.ids)
        lines.append(f"    return Resources({values})")
        return tuple_text + "\n\n\n" + "\n".join(lines)

    def _order(self) -> list[int]:
        """Resource indexes so that each comes after the resources its fields read."""
        uses = {
            rid: set(_identifiers(item)) & set(self.ids) - {rid}
            for rid, item in zip(self.ids, self.resources, strict=True)
        }
        done: list[int] = []
        placed: set[str] = set()
        while len(done) < len(self.ids):
            ready = [i for i, rid in enumerate(self.ids) if rid not in placed and uses[rid] <= placed]
            if not ready:
                cycle = ", ".join(rid for rid in self.ids if rid not in placed)
                raise ImportProblem("spec.resources", f"resources read each other in a cycle ({cycle})")
            done.append(ready[0])
            placed.add(self.ids[ready[0]])
        return done

    def _resource(self, item: Mapping[str, Any], rid: str, declared: dict[str, str]) -> list[str]:
        for key in item:
            if key not in _RESOURCE_KEYS:
                raise ImportProblem(f"spec.resources.{rid}.{key}", "unknown field")
        lines: list[str] = []
        iterators: dict[str, str] = {}
        for index, entry in enumerate(item.get("forEach") or []):
            for name, value in _mapping(entry, f"forEach[{index}]").items():
                if name not in declared:
                    declared[name] = python_name(name, self.taken)
                    hint = self._iterator_type(value)
                    typed = f", {py_string(hint)}" if hint else ""
                    lines.append(f"    {declared[name]} = cel.var({py_string(name)}{typed})")
                    if hint == "string":
                        self.strings.add(name)
                iterators[name] = declared[name]
        scope_names = {"schema": "schema", **{r: self.variables[r] for r in self.ids}, **iterators}
        scope = self._scope(scope_names, frozenset(self.ids), self.collections)
        base: SitePath = ("resources", rid)
        arguments: list[str] = []
        if "template" in item:
            arguments.append(self._value(item["template"], scope, (*base, "template"), "        "))
        else:
            ref = self._value(item.get("externalRef"), scope, (*base, "externalRef"), "        ")
            arguments.append(f"external_ref={ref}")
        arguments.append(f"id={py_string(rid)}")
        for key, option in (("includeWhen", "include_when"), ("readyWhen", "ready_when")):
            conditions = item.get(key) or []
            if not conditions:
                continue
            texts = []
            for index, condition in enumerate(conditions):
                site = (*base, key, index)
                if key == "readyWhen":
                    texts.append(self._ready(condition, rid, scope, site))
                else:
                    texts.append(self._value(condition, scope, site, "            ", condition=True))
            arguments.append(f"{option}=[{', '.join(texts)}]")
        if item.get("forEach"):
            pairs = []
            for index, entry in enumerate(item["forEach"]):
                for name, value in entry.items():
                    text = self._value(value, scope, (*base, "forEach", index, name), "            ")
                    pairs.append(f"{py_string(name)}: {text}")
            arguments.append("for_each={" + ", ".join(pairs) + "}")
        inner = "".join(f"        {argument},\n" for argument in arguments)
        lines.append(f"    {self.variables[rid]} = Resource(\n{inner}    )")
        return lines

    def _iterator_type(self, value: Any) -> str | None:
        node = parse_field(value) if isinstance(value, str) else None
        if isinstance(node, n.Call) and node.function == "lists.range":
            return "int"
        if isinstance(node, n.Select):
            text = render_cel(node)
            path = tuple(text.split(".")[2:])
            if text.startswith("schema.spec."):
                item = self.models.kinds.get((*path, "[]"))
                if item is not None:
                    return None
                original = _lookup(self.schema.get("spec") or {}, path)
                if isinstance(original, str) and original.split("|")[0].strip() == "[]string":
                    return "string"
        return None

    def _ready(self, condition: Any, rid: str, scope: Scope, site: SitePath) -> str:
        """``lambda <id>: ...`` (``lambda each: ...`` for a collection): the condition on the resource."""
        subject = "each" if rid in self.collections else rid
        parameter = self.variables[rid] if subject == rid else "each"
        names = {**scope.names, subject: parameter}
        inner = self._scope(names, scope.resources - {subject}, scope.collections - {subject})
        text = self._value(condition, inner, site, "            ")
        return f"lambda {parameter}: {text}"

    # -- status ----------------------------------------------------------------------------------
    def _status(self, spec: str, status: Mapping[str, Any]) -> str:
        names = {"schema": "schema", **{rid: f"r.{rid}" for rid in self.ids}}
        scope = self._scope(names, frozenset(self.ids), self.collections)
        value = self._value(dict(status), scope, ("status",), "    ")
        return (
            "@app.status\n"
            f"def status(schema: Schema[{spec}], r: Resources) -> dict[str, Any]:\n"
            f"    return {value}"
        )

    # -- values ----------------------------------------------------------------------------------
    def _scope(
        self, names: Mapping[str, str], resources: frozenset[str], collections: frozenset[str]
    ) -> Scope:
        return Scope(
            names,
            resources,
            collections,
            frozenset(self.strings),
            models=self.models.fields,
            spec_model=self.spec_class,
        )

    def _value(self, value: Any, scope: Scope, site: SitePath, indent: str, condition: bool = False) -> str:
        """The Python of a field's value; ``condition``: it must be a ``bool | Expr`` (``include_when``)."""
        if isinstance(value, Mapping):
            if not value:
                return "{}"
            inner = indent + "    "
            items = [
                f"{inner}{py_string(str(key))}: {self._value(item, scope, (*site, str(key)), inner)},"
                for key, item in value.items()
            ]
            return "{\n" + "\n".join(items) + f"\n{indent}}}"
        if isinstance(value, list):
            if not value:
                return "[]"
            inner = indent + "    "
            items = [
                f"{inner}{self._value(item, scope, (*site, index), inner)},"
                for index, item in enumerate(value)
            ]
            return "[\n" + "\n".join(items) + f"\n{indent}]"
        if not isinstance(value, str) or "${" not in value:
            return py_literal(value)
        parsed = parse_field(value)
        if isinstance(parsed, str):
            return py_literal(parsed)
        return self._expression(parsed, scope, site, condition)

    def _expression(self, node: n.Node, scope: Scope, site: SitePath, condition: bool = False) -> str:
        self.sites.add(site)
        if site not in self.forced_raw:
            try:
                if isinstance(node, n.Template):
                    return template_python(node.parts, scope)
                return python_of(node, scope, condition)
            except Unsayable as reason:
                self.raw[site] = str(reason)
        else:
            self.raw[site] = "the Python spelling did not give back the same CEL"
        return _raw(node)


def _raw(node: n.Node) -> str:
    if isinstance(node, n.Template):
        pattern = "".join(part.replace("%", "%%") if isinstance(part, str) else "%s" for part in node.parts)
        args = [
            f'cel.raw({py_string(render_cel(part))}, "string")'
            for part in node.parts
            if isinstance(part, n.Node)
        ]
        return f"cel.template({py_string(pattern)}, {', '.join(args)})"
    return f"cel.raw({py_string(render_cel(node))})"


def _identifiers(value: Any) -> list[str]:
    found: list[str] = []
    if isinstance(value, Mapping):
        for item in value.values():
            found += _identifiers(item)
    elif isinstance(value, list):
        for item in value:
            found += _identifiers(item)
    elif isinstance(value, str) and "${" in value:
        try:
            parsed = parse_field(value)
        except Exception:  # kro-gen's own check reports a bad expression
            return found
        if isinstance(parsed, n.Node):
            found += n.free_identifiers(parsed)
    return found


def _lookup(body: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(body, Mapping):
            return None
        body = body.get(key)
    return body


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ImportProblem(path, f"expected a map, found {type(value).__name__}")
    return value
