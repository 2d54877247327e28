"""What a cluster needs before the RGDs: kro and an operator for every API group the graphs use.

kro refuses an RGD whose templates name a kind it has no CRD schema for (GraphAccepted=False), and a
direct-mode environment's objects of such a kind fail to apply, so the tree installs the operators
first (phase 0). The catalog maps well-known API groups to the Helm chart that serves them; a group
that Kubernetes serves itself needs nothing, a group of a generated graph is served by kro, and any
other group is *unknown*: kro-gen cannot guess its operator, says so in ``generate``'s output and in the
tree's README, and the project can name a chart for it in ``[tool.kro-gen.infrastructure.charts]``.

Versions are pinned here and overridable per component in the configuration
(``[tool.kro-gen.infrastructure] versions = {external-secrets = "0.19.1"}``).

Verified against the projects' install documentation (search of kro.run and external-secrets.io):
kro's chart is ``oci://registry.k8s.io/kro/charts/kro`` installed into ``kro-system`` (kro.run
"Installing kro"); External Secrets' chart is ``external-secrets`` in ``https://charts.external-secrets.io``,
installing its CRDs by default (``installCRDs``), which exceed the client-side apply size limit, so they
need server-side apply. The ``external-secrets.io/v1`` API the seed uses is served from ESO 0.16 on.
Not verified here (from the charts' READMEs as remembered; pin your own in the configuration):
cert-manager, sealed-secrets and kube-prometheus-stack versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

#: API groups Kubernetes serves itself (no operator needed).
BUILTIN_GROUPS = frozenset(
    {
        "",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "apps",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "resource.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
    }
)

KRO = "kro"


@dataclass(frozen=True)
class Component:
    """One Helm chart of the infrastructure layer.

    Attributes:
        name: the component's name (names the Argo CD Application, Flux objects and the config key).
        groups: the API groups it serves (empty for kro itself, which serves the generated groups).
        repository: chart repository: ``https://...`` (a Helm index) or ``oci://...`` (an OCI registry).
        chart: chart name in the repository.
        version: the pinned chart version.
        namespace: where it is installed (created when missing).
        release: Helm release name (default: the component's name).
        values: Helm values (kept minimal: CRDs installed with the chart where the chart makes it optional).
    """

    name: str
    groups: tuple[str, ...]
    repository: str
    chart: str
    version: str
    namespace: str
    release: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def release_name(self) -> str:
        """The Helm release name."""
        return self.release or self.name

    @property
    def is_oci(self) -> bool:
        """Whether the chart comes from an OCI registry."""
        return self.repository.startswith("oci://")


#: kro itself (kro v0.9.3's documented chart, ``helm install kro oci://registry.k8s.io/kro/charts/kro``).
KRO_COMPONENT = Component(KRO, (), "oci://registry.k8s.io/kro/charts", "kro", "0.9.3", "kro-system")

#: Well-known operators by the API groups they serve.
CATALOG: tuple[Component, ...] = (
    Component(
        "external-secrets",
        ("external-secrets.io", "generators.external-secrets.io"),
        "https://charts.external-secrets.io",
        "external-secrets",
        "0.19.1",
        "external-secrets",
        values={"installCRDs": True},
    ),
    Component(
        "cert-manager",
        ("cert-manager.io", "acme.cert-manager.io"),
        "https://charts.jetstack.io",
        "cert-manager",
        "v1.16.2",
        "cert-manager",
        values={"crds": {"enabled": True}},
    ),
    Component(
        "sealed-secrets",
        ("bitnami.com",),
        "https://bitnami-labs.github.io/sealed-secrets",
        "sealed-secrets",
        "2.16.2",
        "kube-system",
        release="sealed-secrets-controller",  # the name kubeseal looks for by default
    ),
    Component(
        "kube-prometheus-stack",
        ("monitoring.coreos.com",),
        "https://prometheus-community.github.io/helm-charts",
        "kube-prometheus-stack",
        "65.1.1",
        "monitoring",
    ),
)


@dataclass(frozen=True)
class Needs:
    """What one cluster needs: the components (kro first, then by name) and the groups nobody serves."""

    components: tuple[Component, ...]
    unknown_groups: tuple[str, ...]


def components(extra: Iterable[Component] = (), versions: Mapping[str, str] | None = None) -> list[Component]:
    """kro, the catalog and ``extra`` (the project's own charts, which win), versions overridden."""
    by_name = {c.name: c for c in (KRO_COMPONENT, *CATALOG)}
    for component in extra:
        by_name[component.name] = component
    pinned = versions or {}
    return [replace(c, version=pinned.get(c.name, c.version)) for c in by_name.values()]


def needs(
    groups: Iterable[str],
    *,
    kro: bool,
    generated_groups: Iterable[str],
    available: Iterable[Component],
    skip: Iterable[str] = (),
) -> Needs:
    """The components a cluster using ``groups`` needs (kro when ``kro``), minus those in ``skip``.

    ``generated_groups`` are served by kro (the generated graphs' own groups); a group no component
    serves is unknown even when its component is skipped, it is not: skipping says "installed elsewhere".
    """
    skipped = set(skip)
    served: dict[str, Component] = {}
    for component in available:
        for group in component.groups:
            served.setdefault(group, component)
    chosen: dict[str, Component] = {}
    unknown: set[str] = set()
    own = set(generated_groups)
    for group in sorted(set(groups) - BUILTIN_GROUPS - own - {"kro.run"}):
        found = served.get(group)
        if found is None:
            unknown.add(group)
        elif found.name not in skipped:
            chosen[found.name] = found
    kro_part: list[Component] = []
    if kro and KRO not in skipped:
        kro_part = [next(c for c in available if c.name == KRO)]
    ordered = kro_part + sorted(chosen.values(), key=lambda c: c.name)
    return Needs(tuple(ordered), tuple(sorted(unknown)))


def component_names() -> list[str]:
    """Names a configuration may pin or skip (kro and the catalog)."""
    return sorted(c.name for c in (KRO_COMPONENT, *CATALOG))
