"""References from one resource to another, made so that kro sees them.

``env_from=[app_config]`` must become ``name: ${appConfig.metadata.name}``, not the literal name: the
expression is what gives kro the dependency edge (create the ConfigMap first, and re-render when it
changes). The peer inlined such names as literals, losing the edges (fullseed NOTES §9).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.expr.wrapper import Expr, node_of
from kro_gen.graph.resource import Resource
from kro_gen.k8s.base import Site
from kro_gen.k8s.values import as_dict, as_string, label_map

#: Workload kinds whose ``spec.selector.matchLabels`` a Service, PDB or NetworkPolicy can reuse.
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")

_EXTERNAL_SECRETS_GROUP = "external-secrets.io"


def group_of(api_version: str) -> str:
    """The API group of ``api_version`` (``""`` for the core group)."""
    return api_version.rpartition("/")[0]


def is_external_secret(resource: Resource) -> bool:
    """Whether ``resource`` is an External Secrets Operator ``ExternalSecret``."""
    return resource.kind == "ExternalSecret" and group_of(resource.api_version) == _EXTERNAL_SECRETS_GROUP


def volume_source(resource: Resource) -> str | None:
    """What ``resource`` gives a pod: ``configMap``, ``secret``, ``persistentVolumeClaim``, or None."""
    if is_external_secret(resource):
        return "secret"
    if resource.api_version != "v1":
        return None
    return {
        "ConfigMap": "configMap",
        "Secret": "secret",
        "PersistentVolumeClaim": "persistentVolumeClaim",
    }.get(resource.kind)


def name_ref(resource: Resource, site: Site, path: str) -> Expr:
    """``${<id>.metadata.name}`` of ``resource``; for an ExternalSecret the Secret it writes.

    A collection (``for_each``, or an external reference by selector) has no single name: an error.
    """
    if resource.is_collection:
        raise site.error(
            path,
            f"{path} refers to a collection of {resource.kind}s, which has no single name",
            hint="refer to one item, e.g. resource.ref()[0].metadata.name, or use the name itself",
            rule="collection-reference",
        )
    if is_external_secret(resource):
        return Expr(node_of(resource.spec.target.name), "string")
    return resource.ref().metadata.name


def name_of(value: object, site: Site, path: str, *, kinds: tuple[str, ...] = ()) -> object:
    """An object name: a string or expression as given, or a reference to a Resource's name.

    ``kinds`` limits which resources are accepted (e.g. ``("Service",)``).
    """
    if isinstance(value, Resource):
        if kinds and value.kind not in kinds:
            raise site.error(
                path,
                f"{path} must be a {' or '.join(kinds)}, got a {value.kind}",
                rule="reference-kind",
            )
        return name_ref(value, site, path)
    return as_string(value, site, path)


def workload_labels(resource: Resource, site: Site, path: str) -> dict[str, Any]:
    """The selector labels (``spec.selector.matchLabels``) of a workload resource, copied."""
    selector = None
    if resource.kind in WORKLOAD_KINDS and resource.template is not None:
        spec = resource.template.get("spec")
        if isinstance(spec, Mapping) and isinstance(spec.get("selector"), Mapping):
            selector = spec["selector"].get("matchLabels")
    if not isinstance(selector, Mapping) or not selector:
        raise site.error(
            path,
            f"{path} needs the selector labels of a workload, and this {resource.kind} has no literal "
            "spec.selector.matchLabels",
            hint="pass the labels as a dict, e.g. {'app': 'user-service'}",
            rule="selector",
        )
    return dict(selector)


def selector_labels(value: object, site: Site, path: str) -> dict[str, Any]:
    """Labels to select pods with: a dict, or a workload resource (its selector labels)."""
    if isinstance(value, Resource):
        return workload_labels(value, site, path)
    return label_map(value, site, path)


def label_selector(value: object, site: Site, path: str) -> dict[str, Any]:
    """A LabelSelector: ``{matchLabels, matchExpressions}`` as given, a dict of labels, or a workload.

    ``{}`` selects everything.
    """
    if isinstance(value, Resource):
        return {"matchLabels": workload_labels(value, site, path)}
    mapping = as_dict(value, site, path)
    if mapping and set(mapping) <= {"matchLabels", "matchExpressions"}:
        result: dict[str, Any] = {}
        if "matchLabels" in mapping:
            result["matchLabels"] = label_map(mapping["matchLabels"], site, f"{path}.matchLabels")
        if "matchExpressions" in mapping:
            result["matchExpressions"] = mapping["matchExpressions"]
        return result
    return {"matchLabels": label_map(mapping, site, path)} if mapping else {}
