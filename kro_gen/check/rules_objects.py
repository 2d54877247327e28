"""Object identity across resources: two templates must not render the same Kubernetes object.

kro applies every template as its own object. Two resources whose templates name the same object (same
API group and kind, same namespace, same name) would both be applied to it: each reconcile overwrites
the other's fields, and deleting one resource deletes the object the other one still manages. kro does
not notice; this rule does, when it can be sure:

- the names (and namespaces, or the lack of one) are literally equal: the same literal string or the
  same expression text. Different expressions that happen to evaluate to the same name are not found;
- a ``forEach`` collection whose name uses its iterators is compared only with a collection that
  iterates over the same values (otherwise its items' names are unknown);
- two resources that both have ``includeWhen`` conditions, different ones, may be alternatives (one
  object, two variants chosen by a spec flag) and are not reported.

The namespace of a cluster-scoped kind is ignored (another rule reports it), and in a namespaced RGD
``${schema.metadata.namespace}`` is the same as no namespace (kro puts the object in the instance's).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import Path, ResourceView, RgdView, as_map, finding
from kro_gen.check.rules_metadata import api_group, is_namespaced
from kro_gen.check.rules_sites import Place, Site

_INSTANCE_NAMESPACE = "${schema.metadata.namespace}"

#: (group, kind, namespace text or None, name text, forEach text or None)
Identity = tuple[str, str, str | None, str, str | None]


def check_duplicate_objects(view: RgdView, sites: Sequence[Site], registry: Any | None) -> list[Finding]:
    """``duplicate-object``: a template that renders the same object as an earlier one."""
    found: list[Finding] = []
    first: dict[Identity, list[ResourceView]] = {}
    for resource in view.resources:
        identity = _identity(view, resource, sites, registry)
        if identity is None:
            continue
        earlier = first.setdefault(identity, [])
        other = next((r for r in earlier if _applied_together(r, resource)), None)
        earlier.append(resource)
        if other is None:
            continue
        group, kind, namespace, name, _ = identity
        where = f" in namespace {namespace!r}" if namespace is not None else ""
        found.append(
            finding(
                "duplicate-object",
                f"resource {resource.label} renders the same object as resource {other.label}: "
                f"{kind}{'.' + group if group else ''} {name!r}{where}; kro would apply both to one object, "
                "each overwriting the other",
                view.at((*resource.path, "template", "metadata", "name"), resource),
                "give each resource its own metadata.name (e.g. add a suffix), or merge the two resources",
            )
        )
    return found


def _identity(
    view: RgdView, resource: ResourceView, sites: Sequence[Site], registry: Any | None
) -> Identity | None:
    template = resource.template
    if template is None or resource.api_version is None or resource.kind is None:
        return None
    metadata = as_map(template.get("metadata"))
    name, namespace = metadata.get("name"), metadata.get("namespace")
    if not isinstance(name, str) or not name or not (namespace is None or isinstance(namespace, str)):
        return None
    if is_namespaced(resource.api_version, resource.kind, registry) is False or (
        view.scope == "Namespaced" and namespace == _INSTANCE_NAMESPACE
    ):
        namespace = None
    for_each = None
    if resource.iterators and _uses_iterators(resource, sites, namespace is not None):
        for_each = json.dumps(resource.raw.get("forEach"), sort_keys=True, default=str)
    return api_group(resource.api_version), resource.kind, namespace, name, for_each


def _uses_iterators(resource: ResourceView, sites: Sequence[Site], with_namespace: bool) -> bool:
    """True when the resource's metadata.name (or namespace) reads one of its forEach iterators."""
    base: Path = (*resource.path, "template", "metadata")
    paths = {(*base, "name"), (*base, "namespace")} if with_namespace else {(*base, "name")}
    iterators = set(resource.iterators)
    return any(
        site.resource is resource
        and site.place is Place.TEMPLATE
        and site.path in paths
        and iterators.intersection(site.identifiers())
        for site in sites
    )


def _applied_together(first: ResourceView, second: ResourceView) -> bool:
    """False when both resources have includeWhen conditions and they differ (maybe alternatives)."""
    conditions = first.raw.get("includeWhen"), second.raw.get("includeWhen")
    return not all(conditions) or conditions[0] == conditions[1]
