"""``plan_tree``: graphs + environments + settings -> the whole desired tree, in memory.

The plan follows GITOPS-NOTES §3 (``platform/rgds``, ``environments/<env>``, ``argocd/``,
``flux/clusters/<cluster>``, a generated README). Deviations, each for a reason given in its module:
Argo CD uses plain app-of-apps Applications instead of an ApplicationSet (:mod:`.argocd.apps`), so
there is no ``argocd/envs/*.json``; Flux reads the ``flux-system`` GitRepository of ``flux bootstrap``
(no GitRepository of its own, see :mod:`.flux`) and environment Kustomizations are ``kro-env-<env>``
(direct environments have no instances).

Before anything is rendered the inputs are checked as a whole: unique graph names and APIs, unique
environment names, DNS-safe names, known wiring targets, and no object applied by two environments of
one cluster (two GitOps owners of one object prune each other's work).
"""

from __future__ import annotations

from collections.abc import Sequence

from kro_gen.emit.yamlio import dump_yaml, recording_dumps
from kro_gen.errors import ConfigError, DefinitionError, Location, ValidationError
from kro_gen.gitops import layout, topology
from kro_gen.gitops.annotations import api_group
from kro_gen.gitops.argocd import plan_argocd
from kro_gen.gitops.environments import plan_environment
from kro_gen.gitops.flux import plan_flux
from kro_gen.gitops.infrastructure import (
    ClusterInfrastructure,
    cluster_infrastructure,
    secret_store_dir,
    secret_store_object,
)
from kro_gen.gitops.model import EnvironmentArtifact, GraphArtifact, TreePlan, TreeSettings
from kro_gen.gitops.platform import plan_rgds
from kro_gen.gitops.readme import render_readme
from kro_gen.gitops.rollout import plan_rollouts

WIRING = ("argocd", "flux")


def _check_settings(settings: TreeSettings) -> None:
    unknown = sorted(set(settings.wiring) - set(WIRING))
    if unknown:
        raise ConfigError(
            f"unknown wiring target(s): {', '.join(unknown)}",
            location=Location(file=settings.config_source, path="wiring"),
            hint=f"choose from {', '.join(WIRING)}",
            rule="wiring",
        )
    if settings.repo_dir.startswith("..") or settings.repo_dir.startswith("/"):
        raise ConfigError(
            f"output dir {settings.output_dir!r} is not inside the repository",
            location=Location(file=settings.config_source, path="output"),
            hint="use a relative path such as 'gitops'",
            rule="output-dir",
        )


def _check_graphs(graphs: Sequence[GraphArtifact]) -> None:
    seen_names: dict[str, str] = {}
    seen_apis: dict[tuple[str, str], str] = {}
    for graph in graphs:
        where = Location(file=graph.source, graph=graph.name)
        if graph.name in seen_names:
            raise ValidationError(
                f"two graphs are named {graph.name!r} ({seen_names[graph.name]} and {graph.source})",
                location=where,
                hint="give each graph its own name",
                rule="graph-unique",
            )
        api = (graph.group, graph.kind)
        if api in seen_apis:
            raise ValidationError(
                f"graphs {seen_apis[api]!r} and {graph.name!r} both define {graph.group} {graph.kind}",
                location=where,
                hint="two RGDs must never produce the same CRD; rename one kind or group",
                rule="graph-unique",
            )
        seen_names[graph.name] = graph.source
        seen_apis[api] = graph.name


def _check_environments(environments: Sequence[EnvironmentArtifact]) -> None:
    seen: set[str] = set()
    for env in environments:
        target = env.target
        where = Location(environment=target.name)
        if target.name in seen:
            raise ConfigError(
                f"environment {target.name!r} is listed twice", location=where, hint="rename one", rule="env"
            )
        seen.add(target.name)
        layout.check_dns_label(target.name, "environment name", where)
        layout.check_dns_label(target.cluster, "cluster name", where)
        layout.check_dns_label(target.namespace, "namespace", where)
        if target.mode not in ("kro", "direct"):
            raise ConfigError(
                f"mode {target.mode!r} is neither 'kro' nor 'direct'",
                location=where,
                hint="fix mode",
                rule="env",
            )


def _check_shared_objects(environments: Sequence[EnvironmentArtifact]) -> None:
    """No object may be applied by two environments of the same cluster."""
    for cluster in topology.clusters(environments):
        owners: dict[tuple[str, str, str, str], str] = {}
        for env in cluster.environments:
            for doc in env.documents:
                metadata = doc.body.get("metadata") or {}
                key = (
                    api_group(str(doc.body.get("apiVersion", ""))),
                    str(doc.body.get("kind", "")),
                    str(metadata.get("namespace", "")),
                    str(metadata.get("name", "")),
                )
                other = owners.setdefault(key, env.target.name)
                if other != env.target.name:
                    _group, kind, namespace, name = key
                    raise DefinitionError(
                        f"{kind} {namespace + '/' if namespace else ''}{name} is applied by environments "
                        f"{other!r} and {env.target.name!r} on cluster {cluster.name!r}",
                        location=Location(
                            file=doc.site or doc.source, graph=doc.graph, environment=env.target.name
                        ),
                        hint="give each environment its own namespace or object names",
                        rule="shared-object",
                    )


def _namespace_owners(environments: Sequence[EnvironmentArtifact]) -> set[str]:
    """Environments that emit their namespace: the first (by name) of each cluster's namespace."""
    owners: set[str] = set()
    for cluster in topology.clusters(environments):
        claimed: set[str] = set()
        for env in cluster.environments:
            if env.target.namespace not in claimed:
                claimed.add(env.target.namespace)
                owners.add(env.target.name)
    return owners


def plan_tree(
    graphs: Sequence[GraphArtifact], environments: Sequence[EnvironmentArtifact], settings: TreeSettings
) -> TreePlan:
    """The complete desired tree (paths relative to ``settings.output_dir``).

    Raises:
        ConfigError: bad settings or environment configuration.
        ValidationError: an object or graph that must not be written (each error names where and why).
    """
    _check_settings(settings)
    _check_graphs(graphs)
    _check_environments(environments)
    _check_shared_objects(environments)
    with recording_dumps() as bodies:
        by_name = {graph.name: graph for graph in graphs}
        files = plan_rgds(graphs)
        owners = _namespace_owners(environments) if settings.create_namespaces else set()
        for env in sorted(environments, key=lambda e: e.target.name):
            files.update(
                plan_environment(
                    env,
                    by_name,
                    owns_namespace=env.target.name in owners,
                    config_source=settings.config_source,
                )
            )
        infrastructure = cluster_infrastructure(graphs, environments, settings) if settings.wiring else []
        files.update(_secret_stores(infrastructure, settings))
        if "argocd" in settings.wiring:
            files.update(plan_argocd(graphs, environments, settings, infrastructure))
        if "flux" in settings.wiring:
            files.update(plan_flux(graphs, environments, settings, infrastructure))
    rollouts = plan_rollouts(files, settings.repo_dir, bodies=bodies)
    files[layout.README] = render_readme(
        graphs, environments, settings, [*files, layout.README], infrastructure, rollouts
    )
    return TreePlan(files, tool_version=settings.tool_version, warnings=unknown_operators(infrastructure))


def unknown_operators(infrastructure: Sequence[ClusterInfrastructure]) -> tuple[str, ...]:
    """One line per API group whose operator kro-gen does not know, naming the clusters that use it."""
    clusters: dict[str, list[str]] = {}
    for infra in infrastructure:
        for group in infra.unknown_groups:
            clusters.setdefault(group, []).append(infra.cluster)
    return tuple(
        f"API group {group!r} (used on cluster(s) {', '.join(names)}) has no known operator: install it "
        f"before the RGDs, or name its chart in [tool.kro-gen.infrastructure.charts]"
        for group, names in sorted(clusters.items())
    )


def _secret_stores(infrastructure: Sequence[ClusterInfrastructure], settings: TreeSettings) -> dict[str, str]:
    files: dict[str, str] = {}
    head = layout.header([settings.config_source])
    for infra in infrastructure:
        if not infra.secret_stores:
            continue
        folder = secret_store_dir(infra.cluster)
        names = []
        for store in infra.secret_stores:
            name = layout.object_file("ClusterSecretStore", store.name, Location(path="secretStoreRef.name"))
            names.append(name)
            files[f"{folder}/{name}"] = dump_yaml(
                secret_store_object(store),
                header=f"{head}\nA placeholder (ESO's fake provider): replace it with your secret provider.",
            )
        files[f"{folder}/{layout.KUSTOMIZATION}"] = layout.kustomization(names, [settings.config_source])
    return files
