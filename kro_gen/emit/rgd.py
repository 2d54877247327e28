"""The ResourceGraphDefinition document of a built graph (without GitOps annotations).

Every expression is rendered as kro CEL and parsed back (kro syntax and cel-python) before it is
returned, so a definition that builds an unparsable expression fails here, naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kro_gen.errors import ExpressionError, KroGenError, Location
from kro_gen.expr import nodes as n
from kro_gen.expr.fields import field_value
from kro_gen.expr.wrapper import Expr
from kro_gen.graph.graph import BuiltGraph
from kro_gen.graph.resource import Resource

RGD_API_VERSION = "kro.run/v1alpha1"
ALLOW_BREAKING = "kro.run/allow-breaking-changes"
DEPENDS_ON_PREFIX = "kro-gen.io/depends-on-"
#: Kubernetes allows at most 63 characters in the name part of an annotation key (after the ``/``).
ANNOTATION_NAME_MAX = 63
_HASH_LENGTH = 8


def rgd_document(built: BuiltGraph) -> dict[str, Any]:
    """The RGD for ``built``: schema (spec, types, status) and resources in declaration order.

    Every expression is rendered once: the text checked by parsing it back is the text written.
    """
    from kro_gen.expr.render import remembering

    with remembering():
        return _document(built)


def _document(built: BuiltGraph) -> dict[str, Any]:
    from kro_gen.schema import to_simple_schema

    graph = built.graph
    simple = to_simple_schema(graph.spec_model)
    schema: dict[str, Any] = {
        "apiVersion": graph.version,
        "kind": graph.kind,
        "group": graph.group,
        "scope": graph.scope,
        "spec": simple.spec,
    }
    if simple.types:
        schema["types"] = simple.types
    if built.status:
        schema["status"] = _rendered(built.status, Location(graph=graph.name, path="spec.schema.status"))
    settings = graph.settings
    if settings.printer_columns:
        schema["additionalPrinterColumns"] = [column.document() for column in settings.printer_columns]
    if crd_metadata := settings.crd_metadata():
        schema["metadata"] = crd_metadata
    metadata: dict[str, Any] = {"name": graph.name}
    if settings.labels:
        metadata["labels"] = dict(settings.labels)
    annotations = dict(settings.annotations or {})
    if graph.allow_breaking_changes:
        annotations[ALLOW_BREAKING] = "true"
    if annotations:
        metadata["annotations"] = annotations
    resources = [resource_entry(resource, built) for resource in built.resources.values()]
    return {
        "apiVersion": RGD_API_VERSION,
        "kind": "ResourceGraphDefinition",
        "metadata": metadata,
        "spec": {"schema": schema, "resources": resources},
    }


def resource_entry(resource: Resource, built: BuiltGraph) -> dict[str, Any]:
    """One item of ``spec.resources``."""
    assert resource.id is not None
    where = resource.location().merged(Location(graph=built.graph.name))
    entry: dict[str, Any] = {"id": resource.id}
    if resource.include_when:
        entry["includeWhen"] = [_standalone(c, where, "includeWhen") for c in resource.include_when]
    if resource.for_each:
        entry["forEach"] = [
            {name: _standalone(value, where, f"forEach.{name}")} for name, value in resource.for_each.items()
        ]
    if resource.ready_when:
        entry["readyWhen"] = [_standalone(c, where, "readyWhen") for c in resource.ready_when]
    if resource.template is not None:
        template = _with_dependency_annotations(resource, built)
        entry["template"] = _rendered(template, Location(path="template").merged(where))
    else:
        assert resource.external_ref is not None
        entry["externalRef"] = _rendered(resource.external_ref, Location(path="externalRef").merged(where))
    return entry


def _with_dependency_annotations(resource: Resource, built: BuiltGraph) -> Mapping[str, Any]:
    """kro builds edges only from expressions: an explicit ``depends_on`` becomes an annotation
    whose value reads the dependency (its name, or its size for a collection)."""
    assert resource.template is not None
    if not resource.depends_on:
        return resource.template
    template = dict(resource.template)
    metadata = dict(template.get("metadata") or {})
    annotations = dict(metadata.get("annotations") or {})
    for dependency in resource.depends_on:
        assert dependency.id is not None  # every resource of a built graph has its id
        ref = dependency.ref()
        value = (
            Expr(n.Call("string", (n.Call("size", (ref._node,)),)))
            if dependency.is_collection
            else ref.metadata.name
        )
        annotations[depends_on_key(dependency.id)] = value
    metadata["annotations"] = annotations
    template["metadata"] = metadata
    return template


def depends_on_key(resource_id: str) -> str:
    """The annotation key that records an explicit dependency on ``resource_id``.

    ``kro-gen.io/depends-on-<id>``; when that name part would exceed Kubernetes' 63 characters, it is
    cut and ends with ``-`` and a short hash of the whole id, so the key stays valid, stable and
    distinct for ids that share a long beginning.
    """
    import hashlib

    prefix, _, name = f"{DEPENDS_ON_PREFIX}{resource_id}".partition("/")
    if len(name) <= ANNOTATION_NAME_MAX:
        return f"{prefix}/{name}"
    digest = hashlib.sha256(resource_id.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    kept = name[: ANNOTATION_NAME_MAX - _HASH_LENGTH - 1].rstrip("-_.")
    return f"{prefix}/{kept}-{digest}"


def _standalone(condition: Expr, where: Location, path: str) -> str:
    from kro_gen.expr.render import render_cel

    _parse_back(condition._node, where, path)
    return "${" + render_cel(condition._node) + "}"


def _parse_back(node: n.Node, where: Location, path: str) -> None:
    try:
        from kro_gen.expr.engine import check_parses
    except ImportError:  # pragma: no cover - engine is part of the package
        return
    try:
        check_parses(node)
    except KroGenError as error:
        raise error.located(Location(path=path).merged(where)) from None


def _rendered(value: Any, where: Location) -> Any:
    """``field_value`` with every expression parsed back, errors located at the field path."""
    for path, node in _expressions(value, where.path or ""):
        _parse_back(node, where, path)
    try:
        return field_value(value)
    except ExpressionError as error:
        raise error.located(where) from None


def _expressions(value: Any, path: str) -> Iterator[tuple[str, n.Node]]:
    if isinstance(value, Expr):
        yield path, value._node
    elif isinstance(value, n.Node):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _expressions(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _expressions(item, f"{path}[{index}]")
