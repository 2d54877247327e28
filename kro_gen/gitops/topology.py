"""Who runs where: environments grouped by cluster, and what each environment applies.

Shared by the Argo CD wiring, the Flux wiring and the README, so that all three agree on which clusters
need RGDs (those with at least one kro environment), which instance kinds need health checks, and which
kinds and namespaces an environment touches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kro_gen.gitops.annotations import api_group
from kro_gen.gitops.model import EnvironmentArtifact, GraphArtifact


@dataclass(frozen=True)
class Cluster:
    """One cluster and the environments on it (sorted by name)."""

    name: str
    environments: tuple[EnvironmentArtifact, ...]

    @property
    def has_kro(self) -> bool:
        """True when some environment here runs in kro mode, so the cluster needs the RGDs."""
        return any(env.target.mode == "kro" for env in self.environments)


def clusters(environments: Sequence[EnvironmentArtifact]) -> list[Cluster]:
    """Environments grouped by cluster, clusters and environments sorted by name."""
    grouped: dict[str, list[EnvironmentArtifact]] = {}
    for env in environments:
        grouped.setdefault(env.target.cluster, []).append(env)
    return [
        Cluster(name, tuple(sorted(envs, key=lambda e: e.target.name)))
        for name, envs in sorted(grouped.items())
    ]


def instance_graphs(env: EnvironmentArtifact, graphs: Mapping[str, GraphArtifact]) -> list[GraphArtifact]:
    """The graphs whose instances ``env`` holds, sorted by API version and kind."""
    used = {doc.graph for doc in env.documents if doc.role == "instance" and doc.graph in graphs}
    return sorted((graphs[name] for name in used), key=lambda g: (g.api_version, g.kind))


def namespaces(env: EnvironmentArtifact) -> set[str]:
    """Namespaces ``env`` writes into: its own plus any its objects name."""
    found = {env.target.namespace}
    for doc in env.documents:
        namespace = doc.body.get("metadata", {}).get("namespace")
        if isinstance(namespace, str) and namespace:
            found.add(namespace)
    return found


def group_kinds(
    env: EnvironmentArtifact, graphs: Mapping[str, GraphArtifact], *, with_namespace: bool
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """``(namespaced, cluster_scoped)`` sets of ``(group, kind)`` that ``env`` applies.

    Instances take their scope from their graph; other objects are namespaced exactly when they carry
    ``metadata.namespace``; Namespaces are cluster-scoped (added when ``with_namespace``).
    """
    namespaced: set[tuple[str, str]] = set()
    cluster_scoped: set[tuple[str, str]] = set()
    if with_namespace:
        cluster_scoped.add(("", "Namespace"))
    for doc in env.documents:
        pair = (api_group(str(doc.body.get("apiVersion", ""))), str(doc.body.get("kind", "")))
        graph = graphs.get(doc.graph)
        if doc.role == "instance" and graph is not None:
            scoped = graph.scope == "Namespaced"
        else:
            scoped = bool(doc.body.get("metadata", {}).get("namespace"))
        (namespaced if scoped else cluster_scoped).add(pair)
    return namespaced, cluster_scoped
