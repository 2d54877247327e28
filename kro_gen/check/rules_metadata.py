"""Object metadata rules: namespaces vs. scope, kro-owned labels, dynamic keys, CRD templates.

Whether a kind is namespaced comes from the schema registry when one is given (it knows installed
CRDs) and otherwise from a built-in table of the core Kubernetes kinds, so the namespace rules work
offline without any schemas.
"""

from __future__ import annotations

from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import (
    Path,
    ResourceView,
    RgdView,
    as_map,
    finding,
    walk_keys,
    walk_values,
    warning,
)

#: (API group, kind) of built-in cluster-scoped kinds ("" is the core group).
CLUSTER_SCOPED = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("", "ComponentStatus"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("networking.k8s.io", "IngressClass"),
        ("kro.run", "ResourceGraphDefinition"),
    }
)

#: (API group, kind) of common built-in namespaced kinds.
NAMESPACED = frozenset(
    {
        ("", "Pod"),
        ("", "Service"),
        ("", "ConfigMap"),
        ("", "Secret"),
        ("", "ServiceAccount"),
        ("", "PersistentVolumeClaim"),
        ("", "Endpoints"),
        ("", "LimitRange"),
        ("", "ResourceQuota"),
        ("", "ReplicationController"),
        ("", "PodTemplate"),
        ("apps", "Deployment"),
        ("apps", "StatefulSet"),
        ("apps", "DaemonSet"),
        ("apps", "ReplicaSet"),
        ("batch", "Job"),
        ("batch", "CronJob"),
        ("networking.k8s.io", "Ingress"),
        ("networking.k8s.io", "NetworkPolicy"),
        ("rbac.authorization.k8s.io", "Role"),
        ("rbac.authorization.k8s.io", "RoleBinding"),
        ("autoscaling", "HorizontalPodAutoscaler"),
        ("policy", "PodDisruptionBudget"),
        ("coordination.k8s.io", "Lease"),
        ("discovery.k8s.io", "EndpointSlice"),
    }
)

_CRD_API_GROUP = "apiextensions.k8s.io"


def api_group(api_version: str) -> str:
    """The API group of an apiVersion (``""`` for the core group ``v1``)."""
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def is_namespaced(api_version: str | None, kind: str | None, registry: Any | None) -> bool | None:
    """True/False when the scope of the kind is known (registry first, then built-ins), else None."""
    if not api_version or not kind:
        return None
    if registry is not None and hasattr(registry, "is_namespaced"):
        known = registry.is_namespaced(api_version, kind)
        if known is not None:
            return bool(known)
    key = (api_group(api_version), kind)
    if key in CLUSTER_SCOPED:
        return False
    if key in NAMESPACED:
        return True
    return None


def check_metadata(view: RgdView, registry: Any | None) -> list[Finding]:
    """Namespace/scope rules, kro labels and annotations, dynamic keys and CRD templates."""
    found: list[Finding] = []
    for resource in view.resources:
        found += _check_namespace(view, resource, registry)
        for key in ("template", "externalRef"):
            found += _check_dynamic_keys(view, resource, key)
        if resource.template is not None:
            found += _check_kro_metadata(view, resource)
            found += _check_crd_template(view, resource)
    return found


def _check_namespace(view: RgdView, resource: ResourceView, registry: Any | None) -> list[Finding]:
    obj = resource.object
    metadata = as_map(obj.get("metadata"))
    path: Path = (*resource.path, resource.object_key, "metadata", "namespace")
    namespaced = is_namespaced(resource.api_version, resource.kind, registry)
    if namespaced is False and "namespace" in metadata:
        return [
            finding(
                "cluster-scoped-namespace",
                f"{resource.kind} is cluster-scoped and must not set metadata.namespace",
                view.at(path, resource),
                "remove metadata.namespace from this object",
            )
        ]
    is_selector_ref = resource.external_ref is not None and "selector" in metadata
    namespace = metadata.get("namespace")
    if (
        view.scope == "Cluster"
        and namespaced is True
        and not is_selector_ref
        and not (isinstance(namespace, str) and namespace)
    ):
        return [
            finding(
                "namespace-required",
                f"the instance is cluster-scoped, so the namespaced {resource.kind} needs an explicit "
                "metadata.namespace",
                view.at(path, resource),
                "set metadata.namespace (e.g. from a spec field: ${schema.spec.namespace})",
            )
        ]
    return []


def _check_dynamic_keys(view: RgdView, resource: ResourceView, key: str) -> list[Finding]:
    return [
        finding(
            "dynamic-map-key",
            f"map key {name!r} contains ${{...}}, but kro never evaluates expressions in keys",
            view.at(path, resource),
            'make the whole map one expression, e.g. labels: ${{"app": schema.spec.name}}',
        )
        for path, name in walk_keys(resource.raw.get(key), (*resource.path, key))
        if isinstance(name, str) and "${" in name
    ]


def _check_kro_metadata(view: RgdView, resource: ResourceView) -> list[Finding]:
    metadata = as_map((resource.template or {}).get("metadata"))
    base: Path = (*resource.path, "template", "metadata")
    found: list[Finding] = []
    for kind in ("labels", "annotations"):
        for key in as_map(metadata.get(kind)):
            if not isinstance(key, str):
                continue
            path = (*base, kind, key)
            if kind == "labels" and key.startswith("kro.run/"):
                found.append(
                    finding(
                        "kro-label",
                        f"label {key!r} uses the kro.run/ prefix, which kro reserves for itself",
                        view.at(path, resource),
                        "use your own prefix, e.g. app.example.com/<name>",
                    )
                )
            elif key.startswith("internal.kro.run/") or (
                kind == "annotations" and key.startswith("kro.run/")
            ):
                found.append(
                    warning(
                        "kro-reserved-metadata",
                        f"{kind[:-1]} {key!r} uses a kro-reserved prefix; releases after v0.9.3 reject it",
                        view.at(path, resource),
                        "use your own prefix",
                    )
                )
    return found


def _check_crd_template(view: RgdView, resource: ResourceView) -> list[Finding]:
    if api_group(resource.api_version or "") != _CRD_API_GROUP or resource.kind != "CustomResourceDefinition":
        return []
    base: Path = (*resource.path, "template")
    return [
        finding(
            "crd-template-expression",
            "a CustomResourceDefinition template may use ${...} only under metadata",
            view.at(path, resource),
            "write the CRD's spec literally; only metadata fields may be expressions",
        )
        for path, value in walk_values(resource.template, base)
        if isinstance(value, str) and "${" in value and path[len(base)] != "metadata"
    ]
