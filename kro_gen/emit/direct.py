"""Direct mode: the plain manifests an RGD would produce for one instance, evaluated without kro.

:func:`render_direct` evaluates the RGD *document* (the YAML dict kro receives), so it follows kro's
semantics and works as well for hand-written RGDs:

1. the instance spec gets the SimpleSchema defaults kro's CRD would apply (:mod:`.direct_defaults`);
   ``schema`` is ``{apiVersion, kind, metadata: {name, namespace, labels, annotations}, spec}``;
2. resources are resolved in dependency order (references between ids in any expression); each
   resolved resource joins the activation under its id (a forEach collection as a list);
3. ``includeWhen`` false leaves out the resource and everything that depends on it; ``forEach``
   expands to the cartesian product of its dimensions (first dimension outermost);
4. namespaced kinds without ``metadata.namespace`` get the instance namespace, cluster-scoped kinds
   never get one.

``readyWhen`` and ``spec.schema.status`` are ignored on purpose: readiness and status only exist
in the cluster, and plain manifests carry neither. Anything a template reads that only the cluster
knows (a ``status``, a field the API server fills in, an externalRef's content) is an error naming
the environment, graph, resource, field and expression, never an empty value.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kro_gen.emit.direct_defaults import apply_defaults
from kro_gen.emit.direct_eval import Context, Evaluation, Known, RefKind
from kro_gen.emit.direct_graph import ParsedResource, parse_resources, resource_dependencies
from kro_gen.emit.direct_refs import DYNAMIC, PathAlias, Usage, path_of
from kro_gen.emit.supplied import Supplied, overlay
from kro_gen.errors import DefinitionError, ValidationError
from kro_gen.graph.dag import depths, topological_order

#: ``(apiVersion, kind) -> True`` (namespaced), ``False`` (cluster-scoped) or ``None`` (unknown kind).
IsNamespaced = Callable[[str, str], "bool | None"]

#: kro's default ``--rgd-max-collection-size``.
MAX_COLLECTION_SIZE = 1000


@dataclass(frozen=True)
class DirectManifest:
    """One plain Kubernetes object rendered from an RGD resource.

    Attributes:
        id: the RGD resource id it comes from (every item of a forEach collection shares it).
        body: the object, every ``${}`` evaluated.
        depth: dependency depth of the resource (0 = no dependencies), for sync waves.
        index: the item's position in its forEach collection, or None for a single resource.
    """

    id: str
    body: dict[str, Any]
    depth: int
    index: int | None = None


def render_direct(
    rgd: Mapping[str, Any],
    instance: Mapping[str, Any],
    *,
    environment: str | None = None,
    is_namespaced: IsNamespaced | None = None,
    supplied: Sequence[Supplied] = (),
    preview: bool = False,
) -> list[DirectManifest]:
    """The manifests ``rgd`` produces for ``instance``, in dependency order (ties: document order).

    Args:
        rgd: a ResourceGraphDefinition document (``kro.run/v1alpha1``).
        instance: the instance CR: ``{apiVersion, kind, metadata: {name, namespace}, spec}``.
        environment: named in errors.
        is_namespaced: scope of a kind; defaults to the bundled Kubernetes schemas.
        supplied: values only the cluster knows, given for a preview (``render --set``): they are
            laid over the resource (or ``schema``) they name once it is resolved, and reading them
            is allowed.
        preview: errors for reads of what only the cluster knows suggest ``--set`` (``render
            --instance``) instead of kro mode (an environment of the GitOps tree).

    Raises:
        DefinitionError: a missing required spec value, a read of something only the cluster knows,
            an evaluation error, a cycle, an unknown identifier.
        ValidationError: a manifest breaks a kro placement rule (namespace on a cluster-scoped kind,
            two manifests with the same identity).
    """
    if is_namespaced is None:
        from kro_gen.registry import SchemaRegistry

        is_namespaced = SchemaRegistry.default().is_namespaced
    spec = rgd.get("spec") or {}
    schema_block = spec.get("schema") or {}
    graph = str((rgd.get("metadata") or {}).get("name") or schema_block.get("kind") or "<unnamed>")
    context = Context(graph, environment, {}, set_hint=preview)
    for given in supplied:
        context.supplied.setdefault(given.root, []).append(given.steps)
    namespace = _instance_identity(schema_block, instance, context)
    values = apply_defaults(
        schema_block.get("spec") or {},
        schema_block.get("types") or {},
        (instance.get("spec") or {}),
        context.location(None, "spec"),
    )
    context.schema.update(_overlaid("schema", _schema_object(instance, namespace, values), supplied))
    resources = parse_resources(spec.get("resources") or [], context)
    _check_supplied(supplied, resources, context)
    dependencies = resource_dependencies(resources, context)
    depth_of = depths(dependencies)
    manifests: list[DirectManifest] = []
    excluded: set[str] = set()
    for rid in topological_order(dependencies):
        resource = resources[rid]
        if any(dep in excluded for dep in dependencies[rid]) or not _included(resource, context):
            excluded.add(rid)
            continue
        if resource.external is not None:
            known = _external(resource, context, namespace, is_namespaced)
            context.known[rid] = Known(known.kind, _overlaid(rid, known.value, supplied))
            continue
        bodies = _expand(resource, context)
        for body in bodies:
            _place(body, rid, context, namespace, is_namespaced)
        single = not resource.for_each
        context.known[rid] = Known(
            RefKind.MANAGED if single else RefKind.COLLECTION,
            _overlaid(rid, bodies[0] if single else bodies, supplied),
        )
        manifests.extend(
            DirectManifest(rid, body, depth_of[rid], None if single else index)
            for index, body in enumerate(bodies)
        )
    _check_unique(manifests, context)
    return manifests


def _overlaid(root: str, value: Any, supplied: Sequence[Supplied]) -> Any:
    """``value`` with the supplied values for ``root`` laid over it (a copy when there are any)."""
    for given in supplied:
        if given.root == root:
            value = overlay(value, given.steps, given.value, given.text)
    return value


def _check_supplied(
    supplied: Sequence[Supplied], resources: Mapping[str, ParsedResource], context: Context
) -> None:
    for given in supplied:
        if given.root != "schema" and given.root not in resources:
            known = ", ".join(["schema", *resources])
            raise DefinitionError(
                f"--set {given.text!r} names {given.root!r}, which is neither schema nor a resource id",
                location=context.location(None, None),
                hint=f"start the path with one of: {known}",
                rule="set-value",
            )


# -- the instance ---------------------------------------------------------------------------------
def _instance_identity(
    schema: Mapping[str, Any], instance: Mapping[str, Any], context: Context
) -> str | None:
    """Check the instance is of the RGD's kind; return its namespace (None for a Cluster-scoped kind)."""
    group = schema.get("group") or "kro.run"
    expected = f"{group}/{schema.get('apiVersion')}"
    kind = schema.get("kind")
    if instance.get("apiVersion") != expected or instance.get("kind") != kind:
        raise DefinitionError(
            f"the instance is {instance.get('apiVersion')}/{instance.get('kind')}, "
            f"but the RGD defines {expected}/{kind}",
            location=context.location(None, "apiVersion"),
            hint="render the instance of this graph, with apiVersion <group>/<version> of its schema",
            rule="direct-instance-kind",
        )
    metadata = instance.get("metadata") or {}
    if not metadata.get("name"):
        raise DefinitionError(
            "the instance has no metadata.name",
            location=context.location(None, "metadata.name"),
            hint="give the instance a stable name",
            rule="direct-instance-name",
        )
    namespace = metadata.get("namespace") or None
    cluster = schema.get("scope") == "Cluster"
    if cluster and namespace:
        raise DefinitionError(
            f"the instance sets namespace {namespace!r}, but its kind is cluster-scoped",
            location=context.location(None, "metadata.namespace"),
            hint="drop the namespace, or make the graph Namespaced",
            rule="direct-instance-namespace",
        )
    if not cluster and not namespace:
        raise DefinitionError(
            "the instance of a Namespaced kind has no metadata.namespace",
            location=context.location(None, "metadata.namespace"),
            hint="set the environment's namespace",
            rule="direct-instance-namespace",
        )
    return namespace


def _schema_object(
    instance: Mapping[str, Any], namespace: str | None, spec: dict[str, Any]
) -> dict[str, Any]:
    """What ``schema`` holds in expressions (a Cluster-scoped instance has no namespace)."""
    source = instance.get("metadata") or {}
    metadata: dict[str, Any] = {"name": source["name"]}
    if namespace is not None:
        metadata["namespace"] = namespace
    metadata["labels"] = dict(source.get("labels") or {})
    metadata["annotations"] = dict(source.get("annotations") or {})
    return {
        "apiVersion": instance["apiVersion"],
        "kind": instance["kind"],
        "metadata": metadata,
        "spec": spec,
    }


# -- one resource ---------------------------------------------------------------------------------
def _included(resource: ParsedResource, context: Context) -> bool:
    """kro's includeWhen: the AND of every entry (evaluated in order, stopping at the first false)."""
    evaluation = Evaluation(context, resource.id)
    return all(evaluation.condition(found) for found in resource.include_when)


def _external(
    resource: ParsedResource, context: Context, namespace: str | None, is_namespaced: IsNamespaced
) -> Known:
    """What direct mode knows of an externalRef: its declared identity (by name), nothing (selector)."""
    assert resource.external is not None
    declared = Evaluation(context, resource.id).value(resource.external, "externalRef", resource.fields)
    metadata = declared.get("metadata") or {}
    if "selector" in metadata:
        return Known(RefKind.SELECTOR, None)
    known_metadata = {"name": metadata.get("name")}
    target_namespace = metadata.get("namespace") or None
    scoped = is_namespaced(str(declared.get("apiVersion")), str(declared.get("kind")))
    if target_namespace is None and scoped is not False:  # kro: a by-name ref defaults to the instance's
        target_namespace = namespace
    if target_namespace is not None:
        known_metadata["namespace"] = target_namespace
    stub = {
        "apiVersion": declared.get("apiVersion"),
        "kind": declared.get("kind"),
        "metadata": known_metadata,
    }
    return Known(RefKind.EXTERNAL, stub)


def _expand(resource: ParsedResource, context: Context) -> list[dict[str, Any]]:
    """The rendered bodies: one, or one per combination of the forEach dimensions."""
    assert resource.template is not None
    if not resource.for_each:
        return [Evaluation(context, resource.id).value(resource.template, "template", resource.fields)]
    roots = ["schema", *context.known]
    outer = Evaluation(context, resource.id)
    dimensions: list[list[Any]] = []
    aliases: dict[str, PathAlias] = {}
    for name, found in resource.for_each:
        (node,) = found.expressions()
        followed = path_of(node, roots)
        if followed is not None:  # iterating another resource's path: reads through `name` are checked
            root, steps = followed
            aliases[name] = (root, (*steps, DYNAMIC))
        dimensions.append(outer.items(found, Usage.FOLLOWED if followed else Usage.VALUE))
    size = 1
    for items in dimensions:
        size *= len(items)
    if size > MAX_COLLECTION_SIZE:
        raise DefinitionError(
            f"forEach gives {size} items, more than kro's limit of {MAX_COLLECTION_SIZE}",
            location=context.location(resource.id, "forEach"),
            hint="split the collection (kro's --rgd-max-collection-size caps it)",
            rule="for-each-size",
        )
    names = [name for name, _ in resource.for_each]
    bodies = []
    for combination in itertools.product(*dimensions):
        bindings = dict(zip(names, combination, strict=True))
        item = Evaluation(context, resource.id, bindings, aliases)
        bodies.append(item.value(resource.template, "template", resource.fields))
    return bodies


def _place(
    body: dict[str, Any], rid: str, context: Context, namespace: str | None, is_namespaced: IsNamespaced
) -> None:
    """Give a namespaced object the instance namespace when its template sets none."""
    api_version, kind, metadata = body.get("apiVersion"), body.get("kind"), body.get("metadata")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not isinstance(metadata, dict):
        raise ValidationError(
            "the rendered object needs string apiVersion and kind and a metadata map",
            location=context.location(rid, "template"),
            rule="template-shape",
        )
    scoped = is_namespaced(api_version, kind)
    declared = metadata.get("namespace")
    if scoped is False:
        if declared not in (None, ""):
            raise ValidationError(
                f"{kind} is cluster-scoped but the template sets metadata.namespace {declared!r}",
                location=context.location(rid, "template.metadata.namespace"),
                hint="remove metadata.namespace (kro rejects it on cluster-scoped kinds)",
                rule="cluster-scoped-namespace",
            )
        return
    if declared not in (None, ""):
        return
    if scoped is None:
        raise ValidationError(
            f"cannot tell whether {api_version} {kind} is namespaced, and the template sets no namespace",
            location=context.location(rid, "template.metadata.namespace"),
            hint="register its CRD ([tool.kro-gen] crds = [...] or --crd FILE), or set metadata.namespace",
            rule="unknown-scope",
        )
    if namespace is None:
        raise ValidationError(
            f"{kind} is namespaced but the instance is cluster-scoped and the template sets no namespace",
            location=context.location(rid, "template.metadata.namespace"),
            hint="set metadata.namespace in the template (kro requires it for Cluster-scoped graphs)",
            rule="namespace-required",
        )
    ordered = {key: value for key, value in metadata.items() if key != "namespace"}
    metadata.clear()
    for key, value in ordered.items():
        metadata[key] = value
        if key == "name":
            metadata["namespace"] = namespace
    metadata.setdefault("namespace", namespace)


def _check_unique(manifests: list[DirectManifest], context: Context) -> None:
    seen: dict[tuple[str, str, str | None, str | None], str] = {}
    for manifest in manifests:
        body = manifest.body
        metadata = body["metadata"]
        group = body["apiVersion"].rpartition("/")[0]
        key = (group, body["kind"], metadata.get("namespace"), metadata.get("name"))
        where = manifest.id if manifest.index is None else f"{manifest.id}[{manifest.index}]"
        if key in seen:
            raise ValidationError(
                f"{where} and {seen[key]} both render {body['kind']} {metadata.get('name')!r}"
                + (f" in namespace {metadata['namespace']!r}" if metadata.get("namespace") else ""),
                location=context.location(manifest.id, "template.metadata.name"),
                hint="make the names differ (for a forEach, use every iterator in metadata.name)",
                rule="duplicate-object",
            )
        seen[key] = where
