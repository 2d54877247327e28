"""The canonical layout of an RGD document, for ``kro-gen fmt`` (pure: a document in, a document out).

- **Field order** as kro documents an RGD and as ``kro-gen generate`` writes one: ``apiVersion``,
  ``kind``, ``metadata`` (``name``, ``namespace``, ``labels``, ``annotations``), ``spec``; in the spec
  ``schema`` then ``resources``; in the schema ``apiVersion``, ``kind``, ``group``, ``scope``, ``spec``,
  ``types``, ``status``, ``additionalPrinterColumns``, ``metadata``; in a resource ``id``,
  ``includeWhen``, ``forEach``, ``readyWhen``, then ``template`` or ``externalRef``; in a template or
  externalRef ``apiVersion``, ``kind``, ``metadata``, then its fields as written. Fields kro-gen
  does not know keep their place after the known ones; the SimpleSchema's and the templates' own
  fields keep the author's order (it is the order of the generated schema and of the objects).
- **Expression spacing**: each ``${ ... }`` is written as ``${...}`` with its CEL re-rendered the way
  kro-gen writes CEL (``a==b`` → ``a == b``, string literals double-quoted, which kro's brace
  matching needs). An expression is only rewritten when the rewrite parses to the same tree; one
  kro-gen cannot parse is left as written.

Quoting and block style are the YAML dumper's (:mod:`kro_gen.emit.yamlio`): plain where every YAML
1.1 and 1.2 reader agrees, quoted otherwise, literal blocks for multi-line strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ROOT_ORDER = ("apiVersion", "kind", "metadata", "spec")
METADATA_ORDER = ("name", "namespace", "labels", "annotations")
SPEC_ORDER = ("schema", "resources")
SCHEMA_ORDER = (
    "apiVersion",
    "kind",
    "group",
    "scope",
    "spec",
    "types",
    "status",
    "additionalPrinterColumns",
    "metadata",
)
RESOURCE_ORDER = ("id", "includeWhen", "forEach", "readyWhen", "template", "externalRef")
OBJECT_ORDER = ("apiVersion", "kind", "metadata")


def ordered(value: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """``value`` with the keys of ``order`` first (in that order), then the others as they were."""
    head = {key: value[key] for key in order if key in value}
    return {**head, **{key: item for key, item in value.items() if key not in head}}


def format_rgd(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` (an RGD) in the canonical layout, every expression normalised."""
    out = ordered(document, ROOT_ORDER)
    if isinstance(out.get("metadata"), Mapping):
        out["metadata"] = ordered(out["metadata"], METADATA_ORDER)
    spec = out.get("spec")
    if isinstance(spec, Mapping):
        spec = ordered(spec, SPEC_ORDER)
        schema = spec.get("schema")
        if isinstance(schema, Mapping):
            spec["schema"] = ordered(schema, SCHEMA_ORDER)
        resources = spec.get("resources")
        if isinstance(resources, list):
            spec["resources"] = [_resource(entry) for entry in resources]
        out["spec"] = spec
    result: dict[str, Any] = normalise_expressions(out)
    return result


def format_object(document: Mapping[str, Any]) -> dict[str, Any]:
    """Any other Kubernetes object in a file with RGDs (an instance...): header fields first."""
    out = ordered(document, (*ROOT_ORDER, "data", "stringData"))
    if isinstance(out.get("metadata"), Mapping):
        out["metadata"] = ordered(out["metadata"], METADATA_ORDER)
    return out


def _resource(entry: Any) -> Any:
    if not isinstance(entry, Mapping):
        return entry
    out = ordered(entry, RESOURCE_ORDER)
    for key in ("template", "externalRef"):
        body = out.get(key)
        if isinstance(body, Mapping):
            body = ordered(body, OBJECT_ORDER)
            if isinstance(body.get("metadata"), Mapping):
                body["metadata"] = ordered(body["metadata"], METADATA_ORDER)
            out[key] = body
    return out


def normalise_expressions(value: Any) -> Any:
    """``value`` with the ``${...}`` of every string re-rendered (keys are left as they are)."""
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, Mapping):
        return {key: normalise_expressions(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise_expressions(item) for item in value]
    return value


def normalise_text(text: str) -> str:
    """One string with each ``${...}`` re-rendered, when the rewrite keeps the expression's tree."""
    from kro_gen.errors import KroGenError
    from kro_gen.expr.kro_text import ExprSpan, split_template

    try:
        pieces = split_template(text)
    except KroGenError:
        return text
    if not any(isinstance(piece, ExprSpan) for piece in pieces):
        return text
    return "".join(piece if isinstance(piece, str) else _normalised(piece.cel) for piece in pieces)


def _normalised(cel: str) -> str:
    from kro_gen.errors import KroGenError
    from kro_gen.expr.kro_text import find_expressions
    from kro_gen.expr.parser import parse_cel
    from kro_gen.expr.render import render_cel

    original = "${" + cel + "}"
    try:
        tree = parse_cel(cel)
        rendered = render_cel(tree)
        same = parse_cel(rendered) == tree
    except KroGenError:
        return original
    candidate = "${" + rendered + "}"
    spans = find_expressions(candidate)
    if not same or len(spans) != 1 or spans[0].cel != rendered:  # kro must find the same one span
        return original
    return candidate
