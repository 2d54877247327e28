"""Argo CD wiring under ``argocd/`` (app-of-apps; see :mod:`.apps` for the design and its reasons).

Files::

    argocd/bootstrap/root.yaml                 the one Application applied by hand
    argocd/bootstrap/appproject-<project>-root.yaml  its own AppProject (Applications and AppProjects
                                                 in Argo CD's namespace only), applied with it
    argocd/bootstrap/kustomization.yaml        both: kubectl apply -k <output>/argocd/bootstrap
    argocd/apps/kustomization.yaml             what the root Application syncs:
    argocd/apps/appproject-<project>.yaml        the AppProject (wave -3)
    argocd/apps/appproject-<project>-infra.yaml  the AppProject of the charts (wave -3)
    argocd/apps/application-kro-infra-<x>-<c>.yaml  kro and each operator cluster <c> needs: the
                                                 upstream Helm chart, pinned (wave -2, phase 0)
    argocd/apps/application-kro-infra-secret-store-<c>.yaml  the ClusterSecretStore placeholders (wave -1)
    argocd/apps/application-kro-env-<e>.yaml     one per environment (wave 1, all alike: environments are
                                                 independent, none waits for another's health); the only
                                                 kro environment of a cluster also syncs the RGDs
    argocd/apps/application-kro-rgds-<c>.yaml    the RGDs of a cluster shared by kro environments (wave -1)
    argocd/config/health/                      the Lua health checks as a kustomize Component for
                                               argocd-cm (kustomization.yaml + argocd-cm.yaml)
    argocd/config/helm-values.health.yaml      the same checks as argo-cd Helm chart values (configs.cm)
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

from kro_gen.emit.yamlio import dump_yaml
from kro_gen.gitops import layout, topology
from kro_gen.gitops.annotations import sorted_group_kinds
from kro_gen.gitops.argocd import apps
from kro_gen.gitops.argocd.health import health_component, health_patch, health_values
from kro_gen.gitops.infrastructure import ESO, SECRET_STORE, ClusterInfrastructure, secret_store_dir
from kro_gen.gitops.model import EnvironmentArtifact, GraphArtifact, TreeSettings

APPS_DIR = "argocd/apps"
BOOTSTRAP_DIR = "argocd/bootstrap"
ROOT_FILE = f"{BOOTSTRAP_DIR}/root.yaml"
HEALTH_COMPONENT_DIR = "argocd/config/health"
HEALTH_PATCH_FILE = f"{HEALTH_COMPONENT_DIR}/argocd-cm.yaml"
HEALTH_VALUES_FILE = "argocd/config/helm-values.health.yaml"

__all__ = [
    "APPS_DIR",
    "BOOTSTRAP_DIR",
    "HEALTH_COMPONENT_DIR",
    "HEALTH_PATCH_FILE",
    "HEALTH_VALUES_FILE",
    "ROOT_FILE",
    "needs_rgds_application",
    "plan_argocd",
    "rgds_owner",
]


def rgds_owner(cluster: topology.Cluster) -> EnvironmentArtifact | None:
    """The environment whose Application also syncs the RGDs to ``cluster``: its only kro environment.

    ``None`` when the cluster has no kro environment, or several (then ``kro-rgds-<cluster>`` does).
    """
    kro = [env for env in cluster.environments if env.target.mode == "kro"]
    return kro[0] if len(kro) == 1 else None


def needs_rgds_application(cluster: topology.Cluster) -> bool:
    """True when ``cluster`` gets its own ``kro-rgds-<cluster>`` Application (several kro environments)."""
    return cluster.has_kro and rgds_owner(cluster) is None


def _env_application(env: EnvironmentArtifact, settings: TreeSettings, *, with_rgds: bool) -> dict[str, Any]:
    kro = env.target.mode == "kro"
    options = ["ServerSideApply=true", "FailOnSharedResource=true"]
    if kro:
        options.insert(1, "SkipDryRunOnMissingResource=true")
    if not with_rgds:  # with the RGDs, reverse-wave pruning deletes instances before their RGD
        options.insert(-1, "PruneLast=true")
    env_source = ("environment", layout.env_dir(env.target.name))
    return apps.application(
        apps.env_app_name(env.target.name),
        settings,
        sources=[("rgds", layout.RGD_DIR), env_source] if with_rgds else [env_source],
        destination={"name": env.target.cluster, "namespace": env.target.namespace},
        wave=apps.ENVIRONMENT_WAVE,
        sync_options=options,
        labels={"kro-gen/environment": env.target.name, "kro-gen/cluster": env.target.cluster},
    )


def _rgds_application(cluster: str, settings: TreeSettings) -> dict[str, Any]:
    return apps.application(
        apps.rgds_app_name(cluster),
        settings,
        sources=[("rgds", layout.RGD_DIR)],
        destination={"name": cluster, "namespace": settings.kro_namespace},
        wave=apps.RGDS_WAVE,
        sync_options=["ServerSideApply=true", "PruneLast=true", "FailOnSharedResource=true"],
        labels={"kro-gen/cluster": cluster},
    )


def _project(
    environments: Sequence[EnvironmentArtifact], graphs: Mapping[str, GraphArtifact], settings: TreeSettings
) -> dict[str, Any]:
    destinations: set[tuple[str, str]] = set()
    namespaced: set[tuple[str, str]] = set()
    cluster_scoped: set[tuple[str, str]] = set()
    windows = [
        {**window, "applications": [apps.env_app_name(env.target.name)]}
        for env in sorted(environments, key=lambda e: e.target.name)
        for window in env.target.sync_windows
    ]
    for cluster in topology.clusters(environments):
        if cluster.has_kro:
            cluster_scoped.add(("kro.run", "ResourceGraphDefinition"))
        if needs_rgds_application(cluster):
            destinations.add((cluster.name, settings.kro_namespace))
        for env in cluster.environments:
            destinations.update((cluster.name, ns) for ns in topology.namespaces(env))
            env_namespaced, env_cluster = topology.group_kinds(
                env, graphs, with_namespace=settings.create_namespaces
            )
            namespaced |= env_namespaced
            cluster_scoped |= env_cluster
    return apps.app_project(
        settings,
        destinations=[{"name": name, "namespace": ns} for name, ns in sorted(destinations)],
        cluster_kinds=sorted_group_kinds(cluster_scoped),
        namespaced_kinds=sorted_group_kinds(namespaced),
        sync_windows=windows,
    )


def _infra_objects(
    infrastructure: Sequence[ClusterInfrastructure], settings: TreeSettings
) -> dict[str, dict[str, Any]]:
    """The infrastructure AppProject and Applications (empty when no cluster needs any)."""
    objects: dict[str, dict[str, Any]] = {}
    repos: set[str] = set()
    destinations: set[tuple[str, str]] = set()
    project = apps.infra_project(settings)
    for infra in infrastructure:
        for component in infra.components:
            source = apps.chart_source(
                component.repository,
                component.chart,
                component.version,
                component.release_name,
                component.values,
            )
            repos.add(source["repoURL"])
            destinations.add((infra.cluster, component.namespace))
            name = apps.infra_app_name(component.name, infra.cluster)
            objects[f"application-{name}.yaml"] = apps.application(
                name,
                settings,
                sources=[],
                chart=source,
                project=project,
                destination={"name": infra.cluster, "namespace": component.namespace},
                wave=apps.INFRA_WAVE,
                sync_options=["CreateNamespace=true", "ServerSideApply=true", "FailOnSharedResource=true"],
                labels={"kro-gen/cluster": infra.cluster, "kro-gen/component": component.name},
            )
        if infra.secret_stores:
            namespace = next((c.namespace for c in infra.components if c.name == ESO), ESO)
            destinations.add((infra.cluster, namespace))
            name = apps.infra_app_name(SECRET_STORE, infra.cluster)
            objects[f"application-{name}.yaml"] = apps.application(
                name,
                settings,
                sources=[("secret-store", secret_store_dir(infra.cluster))],
                project=project,
                destination={"name": infra.cluster, "namespace": namespace},
                wave=apps.RGDS_WAVE,
                sync_options=["ServerSideApply=true", "SkipDryRunOnMissingResource=true"],
                labels={"kro-gen/cluster": infra.cluster, "kro-gen/component": SECRET_STORE},
            )
    if objects:
        everything = [{"group": "*", "kind": "*"}]
        objects[f"appproject-{project}.yaml"] = apps.app_project(
            settings,
            name=project,
            source_repos=sorted(repos),
            destinations=[{"name": c, "namespace": ns} for c, ns in sorted(destinations)],
            cluster_kinds=everything,
            namespaced_kinds=everything,
            description="Generated by kro-gen: kro and the operators the graphs need (phase 0).",
        )
    return objects


def plan_argocd(
    graphs: Sequence[GraphArtifact],
    environments: Sequence[EnvironmentArtifact],
    settings: TreeSettings,
    infrastructure: Sequence[ClusterInfrastructure] = (),
) -> dict[str, str]:
    """The files of ``argocd/`` (paths relative to the output dir)."""
    by_name = {graph.name: graph for graph in graphs}
    head = layout.header([settings.config_source])
    objects: dict[str, dict[str, Any]] = {
        f"appproject-{settings.argocd_project}.yaml": _project(environments, by_name, settings),
        **_infra_objects(infrastructure, settings),
    }
    for cluster in topology.clusters(environments):
        if needs_rgds_application(cluster):
            objects[f"application-{apps.rgds_app_name(cluster.name)}.yaml"] = _rgds_application(
                cluster.name, settings
            )
        owner = rgds_owner(cluster)
        for env in cluster.environments:
            objects[f"application-{apps.env_app_name(env.target.name)}.yaml"] = _env_application(
                env, settings, with_rgds=env is owner
            )
    files = {f"{APPS_DIR}/{name}": dump_yaml(body, header=head) for name, body in objects.items()}
    files[f"{APPS_DIR}/{layout.KUSTOMIZATION}"] = layout.kustomization(
        [posixpath.basename(path) for path in files], [settings.config_source]
    )
    files[ROOT_FILE] = dump_yaml(apps.root_application(settings, APPS_DIR), header=head)
    project_file = f"{BOOTSTRAP_DIR}/appproject-{apps.root_project_name(settings)}.yaml"
    files[project_file] = dump_yaml(apps.root_project(settings), header=head)
    files[f"{BOOTSTRAP_DIR}/{layout.KUSTOMIZATION}"] = layout.kustomization(
        [posixpath.basename(project_file), posixpath.basename(ROOT_FILE)], [settings.config_source]
    )
    kinds = {
        (graph.group, graph.kind)
        for env in environments
        if env.target.mode == "kro"
        for graph in topology.instance_graphs(env, by_name)
    }
    patch = health_patch(kinds, namespace=settings.argocd_namespace)
    component = settings.repo_path(HEALTH_COMPONENT_DIR)
    files[HEALTH_PATCH_FILE] = dump_yaml(
        patch, header=f"{head}\nMerged into argocd-cm by the Component in this folder ({component})."
    )
    files[f"{HEALTH_COMPONENT_DIR}/{layout.KUSTOMIZATION}"] = dump_yaml(
        health_component(posixpath.basename(HEALTH_PATCH_FILE)),
        header=f"{head}\nAdd to the kustomization that installs Argo CD: components: [<{component}>]",
    )
    files[HEALTH_VALUES_FILE] = dump_yaml(
        health_values(patch),
        header=f"{head}\nFor an Argo CD installed with the argo-cd Helm chart: helm upgrade ... -f "
        f"{settings.repo_path(HEALTH_VALUES_FILE)}",
    )
    return files
