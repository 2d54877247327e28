"""What each applied object makes Argo CD or Flux wait for, in the words of the rollout model.

Sources, in order: the health checks in the tree (the Argo CD Lua checks in ``argocd/config/health``,
the Flux ``healthCheckExprs`` of the Kustomization), the ``readyWhen`` of every resource of the RGD an
instance uses (kro sets the instance Ready only when each holds), then the tools' built-in checks:
Argo CD's gitops-engine and Lua checks, Flux's kstatus. The built-in rules are written down here
because they differ between the tools (kstatus calls a LoadBalancer Service and an Ingress Current
without an address; Argo CD waits for one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kro_gen.gitops.annotations import api_group
from kro_gen.gitops.argocd.health import APPLICATION_KEY, health_key
from kro_gen.gitops.infrastructure.catalog import BUILTIN_GROUPS

RGD_CHECK = (
    "Ready at its generation: GraphAccepted (kro found the CRD of every templated kind{kinds}), "
    "KindReady (the CRD of {kind} is served), ControllerReady; any False condition fails it"
)
INSTANCE_CHECK = (
    "Ready at its generation, which kro sets once every resource below is ready; "
    "state ERROR with a False condition fails it"
)

_ESO_CHECK = "its Ready condition True (Argo CD's external-secrets check)"
#: What both tools' built-in checks agree on (gitops-engine and kstatus).
_BOTH: Mapping[tuple[str, str], str] = {
    ("apps", "Deployment"): "rolled out: updated, available and total replicas at the desired count",
    ("apps", "StatefulSet"): "rolled out: ready replicas at the desired count, every pod updated",
    ("apps", "DaemonSet"): "rolled out: every scheduled pod updated and available",
    ("batch", "Job"): "complete",
    ("", "PersistentVolumeClaim"): "Bound",
    ("apiextensions.k8s.io", "CustomResourceDefinition"): "established",
}
_ARGOCD_BUILTIN: Mapping[tuple[str, str], str] = {
    **_BOTH,
    ("networking.k8s.io", "Ingress"): "has an address (Progressing until the ingress controller sets one)",
    ("external-secrets.io", "ExternalSecret"): _ESO_CHECK,
    ("external-secrets.io", "ClusterSecretStore"): _ESO_CHECK,
}
_KSTATUS: Mapping[tuple[str, str], str] = {
    **_BOTH,
    ("", "Service"): "has a cluster IP (kstatus does not wait for a load-balancer address)",
    ("networking.k8s.io", "Ingress"): "exists (kstatus does not wait for an Ingress address)",
    ("helm.toolkit.fluxcd.io", "HelmRelease"): (
        "Ready: the chart installed or upgraded, Helm having waited for its workloads"
    ),
}


@dataclass(frozen=True)
class Tree:
    """What of the whole tree the waits need: the RGDs and the Argo CD health-check keys."""

    rgds: tuple[dict[str, Any], ...]
    argocd_checks: frozenset[str]

    @cached_property
    def by_api(self) -> dict[tuple[str, str], dict[str, Any]]:
        """``(group, kind)`` of the generated API -> its RGD."""
        found = {}
        for rgd in self.rgds:
            schema = (rgd.get("spec") or {}).get("schema") or {}
            found[(str(schema.get("group", "kro.run")), str(schema.get("kind", "")))] = rgd
        return found

    @cached_property
    def instance_kinds(self) -> frozenset[str]:
        """Kinds of the generated APIs."""
        return frozenset(kind for _group, kind in self.by_api)

    @cached_property
    def _readiness(self) -> dict[tuple[str, str], tuple[str, ...]]:
        return {}

    def readiness(self, api: tuple[str, str]) -> tuple[str, ...]:
        """:func:`resource_readiness` of the RGD of ``api`` (group, kind), worked out once per tree: every
        environment's instances of one RGD wait for the same resources."""
        if api not in self._readiness:
            self._readiness[api] = tuple(resource_readiness(self.by_api[api]))
        return self._readiness[api]


def _pair(body: Mapping[str, Any]) -> tuple[str, str]:
    return api_group(str(body.get("apiVersion", ""))), str(body.get("kind", ""))


def describe(body: Mapping[str, Any]) -> str:
    """``Kind namespace/name`` of an object (no namespace for cluster-scoped ones)."""
    metadata = body.get("metadata") or {}
    namespace = metadata.get("namespace")
    name = f"{namespace}/{metadata.get('name', '')}" if namespace else str(metadata.get("name", ""))
    return f"{body.get('kind', '')} {name}"


def _strip(expression: object) -> str:
    text = str(expression).strip()
    return text[2:-1] if text.startswith("${") and text.endswith("}") else text


def _rgd_wait(rgd: Mapping[str, Any]) -> str:
    spec = rgd.get("spec") or {}
    schema = spec.get("schema") or {}
    kinds = set()
    for resource in spec.get("resources", []) or []:
        body = resource.get("template") or resource.get("externalRef") or {}
        group, kind = _pair(body)
        if group not in BUILTIN_GROUPS:
            kinds.add(f"{kind}.{group}")
    listed = f": {', '.join(sorted(kinds))}" if kinds else ""
    return RGD_CHECK.format(kinds=listed, kind=f"{schema.get('kind', '')}.{schema.get('group', 'kro.run')}")


def resource_readiness(rgd: Mapping[str, Any]) -> list[str]:
    """One line per resource of ``rgd`` (and one per ``readyWhen``): what kro waits for before Ready."""
    lines = []
    for resource in (rgd.get("spec") or {}).get("resources", []) or []:
        body = resource.get("template") or resource.get("externalRef") or {}
        label = f"{resource.get('id')} ({body.get('kind', '')}"
        label += ", externalRef)" if "externalRef" in resource else ")"
        if resource.get("includeWhen"):
            label += " if " + " && ".join(_strip(e) for e in resource["includeWhen"])
        if resource.get("forEach"):
            label += ", each item"
        ready = resource.get("readyWhen") or []
        if not ready:
            lines.append(f"  {label}: ready once it exists")
            continue
        lines.append(f"  {label}:")
        lines += [f"    {_strip(expression)}" for expression in ready]
    return lines


def _kro_wait(body: Mapping[str, Any], tree: Tree, checked: bool, how: str) -> list[str] | None:
    """The wait of an RGD or an instance (``None`` for other objects)."""
    group, kind = _pair(body)
    name = describe(body)
    if (group, kind) == ("kro.run", "ResourceGraphDefinition"):
        if not checked:
            return [f"{name}: exists (no health check for RGDs in the tree: kro's verdict is not awaited)"]
        return [f"{name}: {_rgd_wait(body)} ({how})"]
    rgd = tree.by_api.get((group, kind))
    if rgd is None:
        return None
    if not checked:
        return [f"{name}: exists (no health check for {kind}: kro's readiness is not awaited)"]
    return [f"{name}: {INSTANCE_CHECK} ({how}):", *tree.readiness((group, kind))]


def argocd_waits(body: Mapping[str, Any], tree: Tree) -> tuple[str, ...]:
    """What the Application that applies ``body`` waits for before its next wave is applied."""
    group, kind = _pair(body)
    if kind == "HelmChart":
        return ("Healthy: every object the chart installs is healthy (CRDs established, Deployments up)",)
    if kind == "AppProject":
        return (f"{describe(body)}: exists (an AppProject has no health)",)
    key = APPLICATION_KEY if (group, kind) == ("argoproj.io", "Application") else health_key(group, kind)
    kro = _kro_wait(body, tree, key in tree.argocd_checks, "Lua check in argocd/config/health")
    if kro is not None:
        return tuple(kro)
    if (group, kind) == ("", "Service"):
        is_lb = (body.get("spec") or {}).get("type") == "LoadBalancer"
        rule = "has a load-balancer address (Progressing until one is assigned)" if is_lb else "exists"
        return (f"{describe(body)}: {rule}",)
    return (f"{describe(body)}: {_ARGOCD_BUILTIN.get((group, kind), 'exists')}",)


def flux_waits(body: Mapping[str, Any], checks: Sequence[Mapping[str, Any]], tree: Tree) -> tuple[str, ...]:
    """What a Flux Kustomization with ``wait: true`` and ``checks`` (healthCheckExprs) waits for."""
    group, kind = _pair(body)
    checked = any(str(c.get("kind")) == kind and api_group(str(c.get("apiVersion"))) == group for c in checks)
    kro = _kro_wait(body, tree, checked, "healthCheckExprs")
    if kro is not None:
        return tuple(kro)
    if checked:
        return (f"{describe(body)}: its healthCheckExprs current",)
    rule = _KSTATUS.get((group, kind))
    if rule is None:
        conditions = kind.endswith(("Repository", "SecretStore", "ExternalSecret"))
        rule = "its Ready condition True (kstatus)" if conditions else "exists (kstatus: no status: Current)"
        if kind == "HelmRepository" and (body.get("spec") or {}).get("type") == "oci":
            rule = "exists (an OCI HelmRepository has no status)"
    return (f"{describe(body)}: {rule}",)
