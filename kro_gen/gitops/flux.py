"""Flux wiring under ``flux/clusters/<cluster>/`` (GITOPS-NOTES §2).

Per cluster, the folder ``flux bootstrap ... --path=<output>/flux/clusters/<cluster>`` syncs::

    kro-infra-<component>.yaml  Kustomization of flux/infrastructure/<component> (HelmRepository +
                           HelmRelease, phase 0: kro and the operators the cluster needs)
    kro-infra-secret-store.yaml  Kustomization of platform/secret-stores/<cluster> (after external-secrets)
    kro-rgds.yaml          Kustomization of platform/rgds (only when the cluster has a kro environment);
                           dependsOn every kro-infra-<component>
    kro-env-<env>.yaml     one Kustomization per environment on the cluster; dependsOn kro-rgds (kro
                           mode) or the operators (direct mode), and the secret store
    kro-notifications-*.yaml  with notifications on: a Provider and an Alert (see :mod:`.notifications`)

Every Kustomization reads the GitRepository ``flux bootstrap`` creates (``flux-system``): it already
holds the repository's URL, branch and credentials, so a private repository, or one reached over SSH,
works without a second source that would need its own secret (flux2-kustomize-helm-example does the
same). A generated GitRepository could not know the bootstrap secret's kind (SSH key or token) and
would fail to clone any private repository.

``kro-rgds`` waits for every RGD with CEL health checks (Flux's kstatus calls an object without
conditions "Current" and ignores per-condition ``observedGeneration``, so plain ``wait`` would release the
instances before kro registered their CRDs) and never has ``postBuild``: Flux's envsubst fails the whole
Kustomization on kro's ``${schema.spec.x}``. Environment Kustomizations of kro environments
``dependsOn`` it (an RGD is not a CRD, so one Kustomization holding both would fail the instances'
dry-run) and check their instance kinds with CEL. No Kustomization sets ``targetNamespace``: it would
stamp a namespace onto cluster-scoped objects.

There is deliberately no ``kustomization.yaml`` in the cluster folder: ``flux bootstrap`` writes
``flux-system/`` next to our files and owns it. With no ``kustomization.yaml`` Flux generates one that
includes every manifest in the folder, ``flux-system/`` included; a generated one would have to list
``flux-system/``, a folder kro-gen does not own, and a missing entry would make Flux prune itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kro_gen.emit.yamlio import dump_yaml
from kro_gen.gitops import layout, topology
from kro_gen.gitops.flux_health import instance_health, rgd_health
from kro_gen.gitops.infrastructure import ESO, SECRET_STORE, ClusterInfrastructure, secret_store_dir
from kro_gen.gitops.infrastructure.flux import component_dir, helm_release, helm_repository
from kro_gen.gitops.infrastructure.flux import infra_kustomization_name as infra_name
from kro_gen.gitops.model import EnvironmentArtifact, GraphArtifact, TreeSettings
from kro_gen.gitops.notifications import flux_objects

CLUSTERS_DIR = "flux/clusters"
RGDS_NAME = "kro-rgds"
KUSTOMIZE_API = "kustomize.toolkit.fluxcd.io/v1"
_SCP_LIKE = re.compile(r"(?P<user>[^@/:]+@)?(?P<host>[^@/:]+):(?P<path>(?!//).+)")


def env_kustomization_name(environment: str) -> str:
    """Name of the Flux Kustomization of ``environment``."""
    return f"kro-env-{environment}"


def git_url(url: str) -> str:
    """``url`` as Flux accepts it: scp-like ``git@host:org/repo.git`` becomes ``ssh://git@host/org/repo.git``.

    ``flux bootstrap --url`` and a GitRepository's ``spec.url`` take only ``http``, ``https`` and ``ssh``
    URLs, while ``git clone`` (and so the ``origin`` remote) commonly uses the scp-like form.
    """
    match = _SCP_LIKE.fullmatch(url)
    if match is None:
        return url
    return f"ssh://{match['user'] or ''}{match['host']}/{match['path'].lstrip('/')}"


def kustomization(
    name: str, settings: TreeSettings, *, path: str, timeout: str, extra: dict[str, Any]
) -> dict[str, Any]:
    """A Flux Kustomization of ``path`` (relative to the output dir): prune, wait, no postBuild."""
    spec: dict[str, Any] = {
        "interval": "10m",
        "retryInterval": "1m",
        "timeout": timeout,
        "sourceRef": {"kind": "GitRepository", "name": settings.flux_source_name},
        "path": "./" + settings.repo_path(path),
        "prune": True,
        "wait": True,
    }
    spec.update(extra)
    return {
        "apiVersion": KUSTOMIZE_API,
        "kind": "Kustomization",
        "metadata": {"name": name, "namespace": settings.flux_namespace},
        "spec": spec,
    }


def _depends(names: Sequence[str]) -> dict[str, Any]:
    return {"dependsOn": [{"name": name} for name in names]} if names else {}


def _infrastructure(
    infra: ClusterInfrastructure, settings: TreeSettings, folder: str, head: str
) -> dict[str, str]:
    """The cluster's phase-0 Kustomizations (and the shared HelmRepository/HelmRelease folders)."""
    files: dict[str, str] = {}
    for component in infra.components:
        source = component_dir(component.name)
        objects = {
            "helmrepository.yaml": helm_repository(component, settings.flux_namespace),
            "helmrelease.yaml": helm_release(component, settings.flux_namespace),
        }
        for name, body in objects.items():
            files[f"{source}/{name}"] = dump_yaml(body, header=head)
        files[f"{source}/{layout.KUSTOMIZATION}"] = layout.kustomization(objects, [settings.config_source])
        body = kustomization(infra_name(component.name), settings, path=source, timeout="10m", extra={})
        files[f"{folder}/{infra_name(component.name)}.yaml"] = dump_yaml(body, header=head)
    if infra.secret_stores:
        after = [infra_name(ESO)] if ESO in infra.names else []
        body = kustomization(
            infra_name(SECRET_STORE),
            settings,
            path=secret_store_dir(infra.cluster),
            timeout="5m",
            extra=_depends(after),
        )
        files[f"{folder}/{infra_name(SECRET_STORE)}.yaml"] = dump_yaml(body, header=head)
    return files


def plan_flux(
    graphs: Sequence[GraphArtifact],
    environments: Sequence[EnvironmentArtifact],
    settings: TreeSettings,
    infrastructure: Sequence[ClusterInfrastructure] = (),
) -> dict[str, str]:
    """The files of ``flux/clusters/`` and ``flux/infrastructure/`` (paths relative to the output dir)."""
    by_name = {graph.name: graph for graph in graphs}
    infra_of = {infra.cluster: infra for infra in infrastructure}
    head = layout.header([settings.config_source])
    files: dict[str, str] = {}
    for cluster in topology.clusters(environments):
        folder = f"{CLUSTERS_DIR}/{cluster.name}"
        infra = infra_of.get(cluster.name, ClusterInfrastructure(cluster.name, (), (), ()))
        files.update(_infrastructure(infra, settings, folder, head))
        if settings.notifications is not None:
            for name, body in flux_objects(settings.notifications, settings.flux_namespace).items():
                files[f"{folder}/{name}"] = dump_yaml(body, header=head)
        operators = [infra_name(c.name) for c in infra.components]
        if cluster.has_kro:
            body = kustomization(
                RGDS_NAME,
                settings,
                path=layout.RGD_DIR,
                timeout="5m",
                extra={**_depends(operators), "healthCheckExprs": [rgd_health()]},
            )
            files[f"{folder}/{RGDS_NAME}.yaml"] = dump_yaml(body, header=head)
        for env in cluster.environments:
            kro = env.target.mode == "kro"
            # kro environments reach the operators through kro-rgds; direct ones need no kro
            units = [infra_name(n) for n in infra.names if n == SECRET_STORE or (not kro and n != "kro")]
            extra: dict[str, Any] = _depends([RGDS_NAME, *units] if kro else units)
            if kro:
                checks = [
                    instance_health(g.api_version, g.kind) for g in topology.instance_graphs(env, by_name)
                ]
                if checks:
                    extra["healthCheckExprs"] = checks
            if env.target.flux_service_account:  # impersonated: the tenant's RBAC bounds what it applies
                extra["serviceAccountName"] = env.target.flux_service_account
            if env.target.sops:  # user-owned SOPS files listed in the environment's resources
                decryption: dict[str, Any] = {"provider": "sops"}
                if env.target.sops_secret:
                    decryption["secretRef"] = {"name": env.target.sops_secret}
                extra["decryption"] = decryption
            name = env_kustomization_name(env.target.name)
            body = kustomization(
                name, settings, path=layout.env_dir(env.target.name), timeout="15m", extra=extra
            )
            files[f"{folder}/{name}.yaml"] = dump_yaml(body, header=head)
    return files
