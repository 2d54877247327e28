"""Phase 0 of every cluster: kro, the operators of the API groups the graphs use, and secret stores.

:func:`cluster_infrastructure` decides, per cluster, which components of the :mod:`.catalog` it needs
(kro when it has a kro environment; an operator for every group the RGDs template, when the cluster
gets them, or its direct environments apply), which ``ClusterSecretStore`` placeholders the
ExternalSecrets name, and which groups nobody is known to serve (a warning, and a README section).
The Argo CD and Flux wiring turn the result into Applications and HelmReleases (:mod:`.flux`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kro_gen.errors import ConfigError, Location
from kro_gen.gitops import topology
from kro_gen.gitops.annotations import api_group
from kro_gen.gitops.infrastructure.catalog import Component, component_names, components, needs
from kro_gen.gitops.model import EnvironmentArtifact, GraphArtifact, TreeSettings

SECRET_STORE = "secret-store"
ESO = "external-secrets"
ESO_GROUP = "external-secrets.io"
SECRET_STORE_DIR = "platform/secret-stores"
_SPEC_REF = re.compile(r"\$\{schema\.spec\.([A-Za-z0-9_.]+)\}")
_DEFAULT = re.compile(r'default=(?:"((?:[^"\\]|\\.)*)"|([^\s|"]+))')


@dataclass(frozen=True)
class SecretStore:
    """A ``ClusterSecretStore`` placeholder: its name and the remote keys ExternalSecrets read from it."""

    name: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class ClusterInfrastructure:
    """What one cluster gets before its RGDs and environments.

    Attributes:
        cluster: the cluster's name.
        components: Helm charts, kro first, then by name.
        secret_stores: placeholders for the ClusterSecretStores its ExternalSecrets name.
        unknown_groups: API groups used on the cluster that no known component serves.
        hand_written: ``(group, file)`` of the hand-written RGDs whose kinds the cluster uses (they must
            be applied before the tree's RGDs; kro-gen does not copy them into the tree).
    """

    cluster: str
    components: tuple[Component, ...]
    secret_stores: tuple[SecretStore, ...]
    unknown_groups: tuple[str, ...]
    hand_written: tuple[tuple[str, str], ...] = ()

    @property
    def names(self) -> list[str]:
        """Names of the phase-0 units (components, then ``secret-store`` when there are stores)."""
        return [c.name for c in self.components] + ([SECRET_STORE] if self.secret_stores else [])


def secret_store_dir(cluster: str) -> str:
    """Folder of a cluster's ClusterSecretStore placeholders."""
    return f"{SECRET_STORE_DIR}/{cluster}"


def available_components(settings: TreeSettings) -> list[Component]:
    """kro, the catalog and the project's charts, with the configured versions; bad names are errors."""
    infra = settings.infrastructure
    extra = [
        Component(
            name,
            tuple(chart.get("groups", ())),
            str(chart["repository"]),
            str(chart["chart"]),
            str(chart["version"]),
            str(chart.get("namespace", name)),
        )
        for name, chart in sorted(infra.charts.items())
    ]
    known = sorted({*component_names(), *infra.charts, SECRET_STORE})
    for key, names in (("versions", list(infra.versions)), ("skip", list(infra.skip))):
        for name in names:
            if name not in known:
                raise ConfigError(
                    f"infrastructure.{key} names unknown component {name!r}",
                    location=Location(file=settings.config_source, path=f"tool.kro-gen.infrastructure.{key}"),
                    hint=f"components are: {', '.join(known)}",
                    rule="config-infrastructure",
                )
    return components(extra, dict(infra.versions))


def _template_objects(graph: GraphArtifact) -> Iterable[dict[str, Any]]:
    for resource in graph.rgd.get("spec", {}).get("resources", []) or []:
        for key in ("template", "externalRef"):
            body = resource.get(key)
            if isinstance(body, dict):
                yield body


def _schema_default(graph: GraphArtifact, path: str) -> str | None:
    node: Any = graph.rgd.get("spec", {}).get("schema", {}).get("spec", {})
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    match = _DEFAULT.search(node) if isinstance(node, str) else None
    return None if match is None else (match[1] if match[1] is not None else match[2])


def _resolve(text: Any, instance: Mapping[str, Any], graph: GraphArtifact | None) -> str | None:
    """``text`` with each ``${schema.spec.x}`` replaced from the instance or the schema default."""
    if not isinstance(text, str):
        return None

    def value(match: re.Match[str]) -> str:
        node: Any = instance.get("spec", {})
        for part in match[1].split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is None and graph is not None:
            node = _schema_default(graph, match[1])
        return "${?}" if node is None or isinstance(node, (dict, list)) else str(node)

    resolved = _SPEC_REF.sub(value, text)
    return None if "${" in resolved else resolved


def _stores(
    env: EnvironmentArtifact, graphs: Mapping[str, GraphArtifact], found: dict[str, set[str]]
) -> None:
    """Add the ClusterSecretStores (name -> keys) the ExternalSecrets of ``env`` name to ``found``."""
    for doc in env.documents:
        graph = graphs.get(doc.graph) if doc.role == "instance" else None
        bodies = list(_template_objects(graph)) if graph is not None else [doc.body]
        instance = doc.body if graph is not None else {}
        for body in bodies:
            if body.get("kind") != "ExternalSecret" or api_group(str(body.get("apiVersion"))) != ESO_GROUP:
                continue
            ref = body.get("spec", {}).get("secretStoreRef") or {}
            name = _resolve(ref.get("name"), instance, graph)
            if ref.get("kind") != "ClusterSecretStore" or not name:
                continue
            keys = found.setdefault(name, set())
            for item in body.get("spec", {}).get("data", []) or []:
                key = _resolve((item.get("remoteRef") or {}).get("key"), instance, graph)
                if key:
                    keys.add(key)


def cluster_infrastructure(
    graphs: Sequence[GraphArtifact], environments: Sequence[EnvironmentArtifact], settings: TreeSettings
) -> list[ClusterInfrastructure]:
    """Per cluster (sorted by name), its phase 0; empty components when infrastructure is disabled."""
    by_name = {graph.name: graph for graph in graphs}
    available = available_components(settings)
    infra = settings.infrastructure
    rgd_groups = {
        api_group(str(body.get("apiVersion", ""))) for graph in graphs for body in _template_objects(graph)
    }
    own = {graph.group for graph in graphs} | set(infra.rgd_groups)
    result: list[ClusterInfrastructure] = []
    for cluster in topology.clusters(environments):
        groups = set(rgd_groups) if cluster.has_kro else set()
        stores: dict[str, set[str]] = {}
        for env in cluster.environments:
            groups |= {api_group(str(doc.body.get("apiVersion", ""))) for doc in env.documents}
            _stores(env, by_name, stores)
        hand_written = tuple(sorted((g, infra.rgd_groups[g]) for g in groups if g in infra.rgd_groups))
        # a direct environment creating instances of a hand-written RGD's kind still needs kro
        kro = cluster.has_kro or bool(hand_written)
        found = needs(groups, kro=kro, generated_groups=own, available=available, skip=infra.skip)
        chosen = found.components if infra.enabled else ()
        keep_stores = infra.enabled and SECRET_STORE not in infra.skip
        result.append(
            ClusterInfrastructure(
                cluster.name,
                tuple(chosen),
                tuple(SecretStore(n, tuple(sorted(k))) for n, k in sorted(stores.items()) if keep_stores),
                found.unknown_groups,
                hand_written,
            )
        )
    return result


def secret_store_object(store: SecretStore) -> dict[str, Any]:
    """A ClusterSecretStore placeholder: ESO's fake provider holding each key with a placeholder value.

    Replace it with your real provider (Vault, AWS, GCP...) or skip it (``skip = ["secret-store"]``)
    when the store is managed elsewhere; until then every ExternalSecret syncs the placeholder values.
    """
    return {
        "apiVersion": f"{ESO_GROUP}/v1",
        "kind": "ClusterSecretStore",
        "metadata": {
            "name": store.name,
            "annotations": {"kro-gen/placeholder": "replace with your secret provider"},
        },
        "spec": {"provider": {"fake": {"data": [{"key": key, "value": "replace-me"} for key in store.keys]}}},
    }
