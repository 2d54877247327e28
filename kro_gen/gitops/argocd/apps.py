"""Argo CD objects: the AppProject, the Applications and the hand-applied root Application.

Design (GITOPS-NOTES §1.2): **app-of-apps with plain Applications**, not an ApplicationSet. kro-gen knows
every environment at generation time, so a generator adds nothing but indirection, and explicit
Applications show up in review diffs.

The RGDs must be Ready (kro has regenerated each CRD) before instances that use them are applied, on
*every* commit, not only the first: an instance applied against the old CRD loses its new fields
without an error (the API server prunes unknown fields; typekro#118, KRO-RULES §8.2). Sync waves give
that guarantee only *inside one sync*; waves between Applications order the root's sync, but on later
commits each child Application auto-syncs on its own. So:

* **A cluster with one kro environment** (the usual case): its ``kro-env-<env>`` Application has two
  sources, ``platform/rgds`` and the environment's folder. Every sync applies the RGDs (wave -1 and
  earlier), waits until the RGD health check reports Ready at the current generation, then applies
  the instances (wave 1 and later). It does not set ``PruneLast``: that would move every prune into
  one last wave, and the RGD's ``Prune=confirm`` would then hold the instance prunes too and, once
  confirmed, delete the RGD together with its instances (an instance still deleting when kro stops
  its controller keeps a finalizer nobody removes). Without it Argo CD prunes in reverse wave order:
  instances first, waiting until they are gone, then the RGD (after you confirm).
* **A cluster shared by several kro environments**: cluster-scoped RGDs need exactly one owner (two
  Applications applying one RGD fight over it and would prune it from each other), so
  ``kro-rgds-<cluster>`` (wave -1) syncs them and the environments' Applications (wave 1) hold only
  their instances. The root orders them at bootstrap only; on later commits an instance may be applied
  before kro has regenerated its CRD. Updates there rely on ``SkipDryRunOnMissingResource`` and retry
  with backoff (a new kind not yet served), on self-heal (the pruned instance is OutOfSync and is
  re-applied once the CRD has the fields) and on kro re-reconciling the instance after that, with a
  window in which kro reconciles the instance without its new fields. To avoid the window, merge a
  schema change before the instance changes that use it, or give each kro environment its own cluster.
  ``kro-rgds-<cluster>`` has kro's namespace as its destination namespace: it applies only
  cluster-scoped RGDs, but the destination must be one the project permits.
* **Moving between the two** (a second kro environment joins a cluster, or one leaves) hands the RGDs
  to another Application. ``FailOnSharedResource=true`` stops the new owner while the live RGDs carry
  the old owner's tracking annotation: once the old owner no longer lists them (a removed
  ``kro-rgds-<cluster>``: after you confirm the root's deletion of it), remove the annotation on that
  cluster (``kubectl annotate resourcegraphdefinitions.kro.run --all argocd.argoproj.io/tracking-id-``).
  Never confirm the old owner's prune of the RGDs: that deletes them.
* ``kro-env-<env>``: wave 1 for every environment, kro or direct. Environments are independent: a wave
  between two of them would make the root wait for the first to be Healthy before it even creates the
  second, so a development environment stuck Progressing (a LoadBalancer without an address, an image
  that cannot be pulled) would keep production from ever appearing.
  ``SkipDryRunOnMissingResource=true`` covers the instance CRDs kro creates; retry with backoff covers
  the seconds between "RGD healthy" and "CRD served".
* Safety equal to an ApplicationSet's ``preserveResourcesOnDeletion``: child Applications carry no
  ``resources-finalizer.argocd.argoproj.io``, so deleting one (e.g. an environment removed from the
  configuration) orphans its objects instead of cascading; and ``Prune=confirm`` on each child makes the
  root wait for a human before it deletes an Application at all.
* The AppProject allows exactly the repository, the (cluster, namespace) destinations and the kinds the
  tree holds: RGDs and Namespaces cluster-wide, instance and manifest kinds in their namespaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kro_gen.gitops import annotations as ann
from kro_gen.gitops.model import TreeSettings
from kro_gen.gitops.notifications import subscriptions

API_VERSION = "argoproj.io/v1alpha1"
IN_CLUSTER = "https://kubernetes.default.svc"


def _retry() -> dict[str, Any]:
    """Retry with exponential backoff: covers the seconds between "RGD healthy" and "CRD served"."""
    return {"limit": 10, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"}}


_PART_OF = "app.kubernetes.io/part-of"

#: Root-level sync waves: the AppProjects, then kro and the operators (phase 0), then the RGDs of
#: shared clusters and the secret-store placeholders, then every environment.
PROJECT_WAVE = -3
INFRA_WAVE = -2
RGDS_WAVE = -1
ENVIRONMENT_WAVE = 1

#: The AppProject of the infrastructure Applications (charts install CRDs, cluster roles, webhooks).
INFRA_PROJECT_SUFFIX = "-infra"
#: The AppProject of the root Application.
ROOT_PROJECT_SUFFIX = "-root"


def rgds_app_name(cluster: str) -> str:
    """Name of the Application that syncs the RGDs to ``cluster``."""
    return f"kro-rgds-{cluster}"


def env_app_name(environment: str) -> str:
    """Name of the Application that syncs ``environment``."""
    return f"kro-env-{environment}"


def infra_app_name(component: str, cluster: str) -> str:
    """Name of the Application that installs ``component`` on ``cluster``."""
    return f"kro-infra-{component}-{cluster}"


def infra_project(settings: TreeSettings) -> str:
    """Name of the AppProject of the infrastructure Applications."""
    return settings.argocd_project + INFRA_PROJECT_SUFFIX


def chart_source(repository: str, chart: str, version: str, release: str, values: Any) -> dict[str, Any]:
    """A Helm chart source: a Helm repository by chart name, or an OCI chart natively (Argo CD 3.1+)."""
    helm: dict[str, Any] = {"releaseName": release}
    if values:
        helm["valuesObject"] = dict(values)
    if repository.startswith("oci://"):
        return {"repoURL": f"{repository}/{chart}", "targetRevision": version, "path": ".", "helm": helm}
    return {"repoURL": repository, "chart": chart, "targetRevision": version, "helm": helm}


def application(
    name: str,
    settings: TreeSettings,
    *,
    sources: Sequence[tuple[str, str]],
    destination: dict[str, str],
    wave: int,
    sync_options: list[str],
    labels: dict[str, str],
    chart: dict[str, Any] | None = None,
    project: str | None = None,
) -> dict[str, Any]:
    """One child Application with automated prune/self-heal.

    ``sources`` are ``(name, path)`` pairs, paths relative to the output dir: one becomes ``source``;
    several become ``sources`` (a multi-source Application, synced as one, its waves spanning all).
    ``chart`` (from :func:`chart_source`) replaces them with a Helm chart.
    """
    if not sources and chart is None:
        raise ValueError(f"Application {name} needs at least one source")
    source = (
        [chart]
        if chart is not None
        else [
            {
                **({"name": source_name} if len(sources) > 1 else {}),
                "repoURL": settings.repo_url,
                "targetRevision": settings.revision,
                "path": settings.repo_path(path),
            }
            for source_name, path in sources
        ]
    )
    return {
        "apiVersion": API_VERSION,
        "kind": "Application",
        "metadata": {
            "name": name,
            "namespace": settings.argocd_namespace,
            "labels": {_PART_OF: "kro-gen", **labels},
            "annotations": {
                ann.SYNC_WAVE: str(wave),
                ann.SYNC_OPTIONS: "Prune=confirm",
                "argocd.argoproj.io/manifest-generate-paths": ".",
                **subscriptions(settings.notifications),
            },
        },
        "spec": {
            "project": project or settings.argocd_project,
            **({"source": source[0]} if len(source) == 1 else {"sources": source}),
            "destination": destination,
            "syncPolicy": {
                "automated": {"prune": True, "selfHeal": True},
                "syncOptions": sync_options,
                "retry": _retry(),
            },
        },
    }


def app_project(
    settings: TreeSettings,
    *,
    destinations: list[dict[str, str]],
    cluster_kinds: list[dict[str, str]],
    namespaced_kinds: list[dict[str, str]],
    name: str | None = None,
    source_repos: Sequence[str] = (),
    description: str = "Generated by kro-gen: kro RGDs and their per-environment instances.",
    sync_windows: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """An AppProject of generated Applications (wave -3 in the root Application)."""
    windows = {"syncWindows": list(sync_windows)} if sync_windows else {}
    return {
        "apiVersion": API_VERSION,
        "kind": "AppProject",
        "metadata": {
            "name": name or settings.argocd_project,
            "namespace": settings.argocd_namespace,
            "labels": {_PART_OF: "kro-gen"},
            "annotations": {ann.SYNC_WAVE: str(PROJECT_WAVE)},
        },
        "spec": {
            "description": description,
            "sourceRepos": sorted({settings.repo_url, *source_repos}),
            "destinations": destinations,
            "clusterResourceWhitelist": cluster_kinds,
            "namespaceResourceWhitelist": namespaced_kinds,
            **windows,
        },
    }


def root_project_name(settings: TreeSettings) -> str:
    """Name of the root Application's own AppProject."""
    return settings.argocd_project + ROOT_PROJECT_SUFFIX


def root_project(settings: TreeSettings) -> dict[str, Any]:
    """The root Application's AppProject, applied by hand with it: it may only create Applications and
    AppProjects in Argo CD's namespace of the local cluster, from this repository (not ``default``,
    which allows everything everywhere)."""
    return {
        "apiVersion": API_VERSION,
        "kind": "AppProject",
        "metadata": {
            "name": root_project_name(settings),
            "namespace": settings.argocd_namespace,
            "labels": {_PART_OF: "kro-gen"},
        },
        "spec": {
            "description": "Generated by kro-gen: the root Application (app-of-apps) only.",
            "sourceRepos": [settings.repo_url],
            "destinations": [{"server": IN_CLUSTER, "namespace": settings.argocd_namespace}],
            "clusterResourceWhitelist": [],
            "namespaceResourceWhitelist": [
                {"group": "argoproj.io", "kind": "AppProject"},
                {"group": "argoproj.io", "kind": "Application"},
            ],
        },
    }


def root_application(settings: TreeSettings, apps_path: str) -> dict[str, Any]:
    """The one Application applied by hand; it syncs ``apps_path`` (the AppProject and child Applications)."""
    return {
        "apiVersion": API_VERSION,
        "kind": "Application",
        "metadata": {
            "name": "kro-gen-root",
            "namespace": settings.argocd_namespace,
            "labels": {_PART_OF: "kro-gen"},
            **({"annotations": notify} if (notify := subscriptions(settings.notifications)) else {}),
        },
        "spec": {
            "project": root_project_name(settings),
            "source": {
                "repoURL": settings.repo_url,
                "targetRevision": settings.revision,
                "path": settings.repo_path(apps_path),
            },
            "destination": {"server": IN_CLUSTER, "namespace": settings.argocd_namespace},
            "syncPolicy": {
                "automated": {"prune": True, "selfHeal": True},
                "syncOptions": ["ServerSideApply=true"],
                "retry": _retry(),
            },
        },
    }
