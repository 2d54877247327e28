"""Small RGD and instance documents shared by the direct-mode tests (no tests here)."""

from __future__ import annotations

from typing import Any

from kro_gen.emit.direct import DirectManifest, render_direct

GROUP = "example.com"
SCOPES = {
    ("v1", "ConfigMap"): True,
    ("v1", "Service"): True,
    ("v1", "Pod"): True,
    ("apps/v1", "Deployment"): True,
    ("v1", "Namespace"): False,
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): False,
}


def is_namespaced(api_version: str, kind: str) -> bool | None:
    """Scopes of the few kinds the tests use; None (unknown) for the rest."""
    return SCOPES.get((api_version, kind))


def rgd(
    resources: list[dict[str, Any]],
    spec: dict[str, Any] | None = None,
    *,
    types: dict[str, Any] | None = None,
    scope: str = "Namespaced",
) -> dict[str, Any]:
    """An RGD document named ``demo`` of kind ``Demo`` in group example.com."""
    schema: dict[str, Any] = {
        "apiVersion": "v1alpha1",
        "kind": "Demo",
        "group": GROUP,
        "scope": scope,
        "spec": spec or {},
    }
    if types:
        schema["types"] = types
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "demo"},
        "spec": {"schema": schema, "resources": resources},
    }


def instance(
    values: dict[str, Any] | None = None, *, name: str = "app", namespace: str | None = "team-a"
) -> dict:
    """An instance of ``Demo``."""
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    return {"apiVersion": f"{GROUP}/v1alpha1", "kind": "Demo", "metadata": metadata, "spec": values or {}}


def config_map(rid: str, data: dict[str, Any], name: str = "${schema.metadata.name}", **extra: Any) -> dict:
    """A resource entry holding a ConfigMap template."""
    return {
        "id": rid,
        **extra,
        "template": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data},
    }


def custom(rid: str, spec: dict[str, Any], name: str = "${schema.metadata.name}", **extra: Any) -> dict:
    """A resource entry holding a namespaced custom object (any value types allowed in its spec)."""
    return {
        "id": rid,
        **extra,
        "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec},
    }


def render(
    resources: list[dict[str, Any]],
    spec: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    **kwargs: Any,
) -> list[DirectManifest]:
    """Render ``resources`` for one instance in environment ``development``."""
    types = kwargs.pop("types", None)
    scope = kwargs.pop("scope", "Namespaced")
    namespace = kwargs.pop("namespace", "team-a")
    return render_direct(
        rgd(resources, spec, types=types, scope=scope),
        instance(values, namespace=namespace),
        environment="development",
        is_namespaced=kwargs.pop("is_namespaced", is_namespaced),
        **kwargs,
    )


def by_id(manifests: list[DirectManifest]) -> dict[str, dict[str, Any]]:
    """Bodies of single (non-collection) manifests by resource id."""
    return {m.id: m.body for m in manifests if m.index is None}
