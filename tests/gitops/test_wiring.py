"""Argo CD and Flux wiring: validated against the real CRD schemas, and checked for the kro-specific rules."""

from __future__ import annotations

import copy
import dataclasses
from functools import cache
from typing import Any

import jsonschema
import pytest
import yaml as pyyaml

from kro_gen.gitops.argocd.health import APPLICATION_KEY, RGD_KEY, health_key
from kro_gen.gitops.flux import git_url
from kro_gen.gitops.model import EnvironmentArtifact, EnvironmentTarget, TreePlan
from kro_gen.gitops.plan import plan_tree
from tests.support_reference import needs_reference, require_reference

from .conftest import SETTINGS, development, environments, graphs, staging

#: The upstream Argo CD / Flux CRDs (1.9 MB) are not committed: the tests validating against them need the
#: shared reference folder (tests/support_reference.py) and skip without it.
needs_crds = needs_reference("gitops", "crds")
CRD_FILES = {
    ("argoproj.io/v1alpha1", "Application"): "argocd-application-crd.v3.5.1.yaml",
    ("argoproj.io/v1alpha1", "AppProject"): "argocd-appproject-crd.v3.5.1.yaml",
    ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"): "flux-kustomizations.v1.9.4.yaml",
}


def strict(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with unknown fields forbidden (the API server would silently prune them: a typo hides)."""
    schema = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if (
                node.get("type") == "object"
                and "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")
            ):
                node["additionalProperties"] = False
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    schema["properties"]["metadata"] = {"type": "object"}
    return schema


@cache
def served_schema(api_version: str, kind: str) -> dict[str, Any]:
    crds = require_reference("gitops", "crds")
    crd = pyyaml.safe_load((crds / CRD_FILES[(api_version, kind)]).read_text())
    version = api_version.split("/")[1]
    (entry,) = [v for v in crd["spec"]["versions"] if v["name"] == version and v["served"]]
    return strict(entry["schema"]["openAPIV3Schema"])


def with_defaults(value: Any, schema: dict[str, Any]) -> Any:
    """``value`` with the schema's defaults filled in (a defaulted property is not missing)."""
    if isinstance(value, dict) and schema.get("type") == "object":
        filled = dict(value)
        for name, prop in schema.get("properties", {}).items():
            if name not in filled and "default" in prop:
                filled[name] = copy.deepcopy(prop["default"])
            if name in filled:
                filled[name] = with_defaults(filled[name], prop)
        return filled
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [with_defaults(item, schema["items"]) for item in value]
    return value


def validate(body: dict[str, Any]) -> None:
    schema = served_schema(body["apiVersion"], body["kind"])
    jsonschema.Draft7Validator(schema).validate(with_defaults(body, schema))


def objects(plan: TreePlan, prefix: str) -> dict[str, dict[str, Any]]:
    return {path: pyyaml.safe_load(text) for path, text in plan.files.items() if path.startswith(prefix)}


@needs_crds
def test_every_argocd_and_flux_object_matches_its_crd(plan: TreePlan) -> None:
    wiring = {**objects(plan, "argocd/apps/"), **objects(plan, "argocd/bootstrap/"), **objects(plan, "flux/")}
    checked = 0
    helm = {("helm.toolkit.fluxcd.io/v2", "HelmRelease"), ("source.toolkit.fluxcd.io/v1", "HelmRepository")}
    for path, body in wiring.items():
        if (body["apiVersion"], body["kind"]) in CRD_FILES:
            validate(body)
            checked += 1
        elif (body["apiVersion"], body["kind"]) in helm:  # no schema bundled here (issue 13 bundles them)
            assert path.startswith("flux/infrastructure/"), path
        else:
            assert path.endswith("kustomization.yaml"), path
    # Argo CD: 2 projects, 3 environments, phase 0 (kro on nonprod and prod, ESO and the secret store
    # on nonprod, where development's ExternalSecret is), the root and its AppProject; Flux: 5
    # Kustomizations of the graphs (RGDs on two clusters, 3 environments) and 4 of phase 0
    assert checked == 2 + 3 + 4 + 2 + 5 + 4


@needs_crds
def test_the_validator_catches_a_misspelled_field(plan: TreePlan) -> None:
    body = pyyaml.safe_load(plan.files["flux/clusters/prod/kro-rgds.yaml"])
    body["spec"]["healthChecksExprs"] = body["spec"].pop("healthCheckExprs")
    with pytest.raises(jsonschema.ValidationError):
        validate(body)
    app = pyyaml.safe_load(plan.files["argocd/bootstrap/root.yaml"])
    del app["spec"]["destination"]
    app["spec"].pop("project")
    with pytest.raises(jsonschema.ValidationError):
        validate(app)


def applications(plan: TreePlan) -> dict[str, dict[str, Any]]:
    return {b["metadata"]["name"]: b for b in objects(plan, "argocd/apps/application-").values()}


def qa() -> EnvironmentArtifact:
    """A second kro environment on staging's cluster (``nonprod``), in its own namespace."""
    (doc,) = staging().documents
    body = copy.deepcopy(doc.body)
    body["metadata"]["namespace"] = "shop-qa"
    target = dataclasses.replace(staging().target, name="qa", namespace="shop-qa")
    return EnvironmentArtifact(target, (dataclasses.replace(doc, body=body),))


def source_paths(app: dict[str, Any]) -> list[str]:
    """The tree folders an Application syncs (a Helm chart source is no folder of the tree)."""
    spec = app["spec"]
    sources = spec.get("sources", [spec.get("source")])
    return [source["path"] for source in sources if source["repoURL"] == SETTINGS.repo_url]


def test_argocd_applications_sync_automatically_and_never_cascade(plan: TreePlan) -> None:
    apps = applications(plan)
    assert set(apps) == {
        "kro-env-development",
        "kro-env-staging",
        "kro-env-production",
        "kro-infra-kro-nonprod",
        "kro-infra-kro-prod",
        "kro-infra-external-secrets-nonprod",
        "kro-infra-secret-store-nonprod",
    }
    for name, app in apps.items():
        policy = app["spec"]["syncPolicy"]
        assert policy["automated"] == {"prune": True, "selfHeal": True}
        assert "ServerSideApply=true" in policy["syncOptions"]
        assert policy["retry"]["backoff"]["factor"] == 2
        assert "finalizers" not in app["metadata"], name  # deleting an Application never cascades
        assert app["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] == "Prune=confirm"
    assert "SkipDryRunOnMissingResource=true" in apps["kro-env-staging"]["spec"]["syncPolicy"]["syncOptions"]
    assert (
        "SkipDryRunOnMissingResource=true"
        not in apps["kro-env-development"]["spec"]["syncPolicy"]["syncOptions"]
    )
    assert apps["kro-env-staging"]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "1"
    # environments are independent: direct or kro, one wave, so none waits for another's health
    assert apps["kro-env-development"]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "1"
    assert apps["kro-env-staging"]["spec"]["destination"] == {"name": "nonprod", "namespace": "shop-staging"}


def test_the_only_kro_environment_of_a_cluster_syncs_rgds_and_instances_in_one_application(
    plan: TreePlan,
) -> None:
    """Waves order resources only inside one sync: the RGDs must be in the instances' Application, or
    an update could apply an instance before kro regenerated its CRD (typekro#118)."""
    apps = applications(plan)
    for env, cluster in (("staging", "nonprod"), ("production", "prod")):
        app = apps[f"kro-env-{env}"]
        assert "source" not in app["spec"]
        assert app["spec"]["sources"] == [
            {
                "name": "rgds",
                "repoURL": SETTINGS.repo_url,
                "targetRevision": "main",
                "path": "gitops/platform/rgds",
            },
            {
                "name": "environment",
                "repoURL": SETTINGS.repo_url,
                "targetRevision": "main",
                "path": f"gitops/environments/{env}",
            },
        ]
        options = app["spec"]["syncPolicy"]["syncOptions"]
        # PruneLast would prune the RGD (after its confirmation) together with its instances
        assert "PruneLast=true" not in options and "FailOnSharedResource=true" in options
        assert f"argocd/apps/application-kro-rgds-{cluster}.yaml" not in plan.files
        # inside that one sync every RGD comes before every instance, and the RGD health check waits
        rgd_waves = [wave(body) for body in objects(plan, "platform/rgds/rgd-").values()]
        instance_waves = [
            wave(body)
            for body in objects(plan, f"environments/{env}/").values()
            if body.get("apiVersion", "").startswith("example.com/")
        ]
        assert instance_waves and max(rgd_waves) < min(instance_waves)
    direct = apps["kro-env-development"]["spec"]  # same cluster as staging, but direct: no RGDs
    assert direct["source"]["path"] == "gitops/environments/development" and "sources" not in direct
    assert "PruneLast=true" in direct["syncPolicy"]["syncOptions"]


def wave(body: dict[str, Any]) -> int:
    return int(body["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])


def shared_cluster_plan() -> TreePlan:
    return plan_tree(graphs(), [*environments(), qa()], SETTINGS)


def test_a_cluster_shared_by_kro_environments_keeps_one_rgd_application() -> None:
    plan = shared_cluster_plan()
    apps = applications(plan)
    rgds = apps["kro-rgds-nonprod"]
    assert source_paths(rgds) == ["gitops/platform/rgds"]
    assert rgds["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "-1"
    assert rgds["spec"]["destination"] == {"name": "nonprod", "namespace": "kro-system"}
    for env in ("staging", "qa"):  # instances only, after the RGD Application
        assert source_paths(apps[f"kro-env-{env}"]) == [f"gitops/environments/{env}"]
        assert "PruneLast=true" in apps[f"kro-env-{env}"]["spec"]["syncPolicy"]["syncOptions"]
    assert source_paths(apps["kro-env-production"]) == [
        "gitops/platform/rgds",
        "gitops/environments/production",
    ]
    assert "kro-rgds-prod" not in apps
    destinations = {
        (d["name"], d["namespace"])
        for d in yaml_spec(plan, "argocd/apps/appproject-kro-gen.yaml")["destinations"]
    }
    assert ("nonprod", "kro-system") in destinations and ("prod", "kro-system") not in destinations
    readme = plan.files["README.md"]
    assert "`kro-rgds-nonprod`" in readme and "`kro-env-production` on `prod`" in readme
    assert "relies on `SkipDryRunOnMissingResource`, retry with backoff, self-heal" in readme


@needs_crds
def test_a_shared_cluster_s_applications_match_their_crds() -> None:
    plan = shared_cluster_plan()
    for body in [
        *applications(plan).values(),
        pyyaml.safe_load(plan.files["argocd/apps/appproject-kro-gen.yaml"]),
    ]:
        validate(body)


def yaml_spec(plan: TreePlan, path: str) -> dict[str, Any]:
    spec: dict[str, Any] = pyyaml.safe_load(plan.files[path])["spec"]
    return spec


@pytest.mark.parametrize(
    "make",
    [
        lambda: environments(),
        lambda: [*environments(), qa()],
        lambda: [development(), qa()],
        lambda: [development()],
    ],
    ids=["seed-like", "shared-cluster", "one-kro-beside-direct", "direct-only"],
)
def test_every_kro_cluster_gets_the_rgds_from_exactly_one_application(make: Any) -> None:
    envs = make()
    plan = plan_tree(graphs(), envs, SETTINGS)
    folders = {path.rsplit("/", 1)[0] for path in plan.files if path.endswith("/kustomization.yaml")}
    owners: dict[str, list[str]] = {}
    for name, app in applications(plan).items():
        for path in source_paths(app):
            assert path.removeprefix("gitops/") in folders, (name, path)  # a folder the tree builds
            if path == "gitops/platform/rgds":
                owners.setdefault(app["spec"]["destination"]["name"], []).append(name)
    kro_clusters = {env.target.cluster for env in envs if env.target.mode == "kro"}
    assert set(owners) == kro_clusters
    assert all(len(names) == 1 for names in owners.values()), owners


def test_direct_only_cluster_gets_no_rgds() -> None:
    dev = development()
    alone = EnvironmentArtifact(dataclasses.replace(dev.target, cluster="laptop"), dev.documents)
    plan = plan_tree(graphs(), [alone, staging()], SETTINGS)
    assert "argocd/apps/application-kro-rgds-laptop.yaml" not in plan.files
    assert "flux/clusters/laptop/kro-rgds.yaml" not in plan.files
    flux_env = pyyaml.safe_load(plan.files["flux/clusters/laptop/kro-env-development.yaml"])
    assert "healthCheckExprs" not in flux_env["spec"]
    # no RGDs and no kro: only the operator of its ExternalSecret and the secret store
    assert flux_env["spec"]["dependsOn"] == [
        {"name": "kro-infra-external-secrets"},
        {"name": "kro-infra-secret-store"},
    ]
    assert "flux/clusters/laptop/kro-infra-kro.yaml" not in plan.files
    assert "argocd/apps/application-kro-infra-kro-laptop.yaml" not in plan.files


def test_app_project_allows_exactly_what_the_tree_applies(plan: TreePlan) -> None:
    project = pyyaml.safe_load(plan.files["argocd/apps/appproject-kro-gen.yaml"])["spec"]
    assert project["sourceRepos"] == [SETTINGS.repo_url]
    assert project["clusterResourceWhitelist"] == [
        {"group": "", "kind": "Namespace"},
        {"group": "kro.run", "kind": "ResourceGraphDefinition"},
    ]
    namespaced = {(e["group"], e["kind"]) for e in project["namespaceResourceWhitelist"]}
    assert namespaced == {
        ("", "ConfigMap"),
        ("apps", "Deployment"),
        ("example.com", "MicroservicesApp"),
        ("example.com", "ShopPlatform"),
        ("external-secrets.io", "ExternalSecret"),
    }
    destinations = {(d["name"], d["namespace"]) for d in project["destinations"]}
    assert ("nonprod", "shop-dev") in destinations and ("prod", "shop-prod") in destinations
    assert ("prod", "shop-dev") not in destinations
    # no RGD Application, so kro's namespace is no destination (RGDs are cluster-scoped)
    assert not any(namespace == "kro-system" for _, namespace in destinations)


def test_health_patch_has_one_key_per_instance_kind(plan: TreePlan) -> None:
    patch = pyyaml.safe_load(plan.files["argocd/config/health/argocd-cm.yaml"])
    assert patch["metadata"] == {"name": "argocd-cm", "namespace": "argocd"}
    assert set(patch["data"]) == {
        RGD_KEY,
        APPLICATION_KEY,
        health_key("example.com", "MicroservicesApp"),
        health_key("example.com", "ShopPlatform"),
    }
    assert (
        "argocd/config/kustomization.yaml" not in plan.files
    )  # never synced: the Argo install owns argocd-cm


def test_flux_rgds_kustomization(plan: TreePlan) -> None:
    rgds = pyyaml.safe_load(plan.files["flux/clusters/nonprod/kro-rgds.yaml"])
    spec = rgds["spec"]
    assert spec["path"] == "./gitops/platform/rgds" and spec["wait"] is True and spec["prune"] is True
    assert "postBuild" not in spec and "targetNamespace" not in spec
    (check,) = spec["healthCheckExprs"]
    assert check["kind"] == "ResourceGraphDefinition" and "GraphAccepted" in check["failed"]
    assert "observedGeneration" in check["current"]


def test_flux_environment_kustomizations(plan: TreePlan) -> None:
    staging_ks = pyyaml.safe_load(plan.files["flux/clusters/nonprod/kro-env-staging.yaml"])["spec"]
    assert staging_ks["dependsOn"] == [{"name": "kro-rgds"}, {"name": "kro-infra-secret-store"}]
    assert [c["kind"] for c in staging_ks["healthCheckExprs"]] == ["MicroservicesApp"]
    production_ks = pyyaml.safe_load(plan.files["flux/clusters/prod/kro-env-production.yaml"])["spec"]
    assert [c["kind"] for c in production_ks["healthCheckExprs"]] == ["MicroservicesApp", "ShopPlatform"]
    dev_ks = pyyaml.safe_load(plan.files["flux/clusters/nonprod/kro-env-development.yaml"])["spec"]
    assert dev_ks["dependsOn"] == [{"name": "kro-infra-external-secrets"}, {"name": "kro-infra-secret-store"}]
    for path, body in objects(plan, "flux/clusters/").items():
        assert "postBuild" not in body["spec"] and "targetNamespace" not in body["spec"], path


def test_flux_reads_the_bootstrap_source_and_writes_no_git_repository(plan: TreePlan) -> None:
    flux = objects(plan, "flux/")
    assert {body["kind"] for body in flux.values()} == {"Kustomization", "HelmRelease", "HelmRepository"}
    for path, body in flux.items():
        if body["apiVersion"] != "kustomize.toolkit.fluxcd.io/v1":
            continue
        assert body["spec"]["sourceRef"] == {"kind": "GitRepository", "name": "flux-system"}, path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:acme/platform.git", "ssh://git@github.com/acme/platform.git"),
        ("github.com:acme/platform.git", "ssh://github.com/acme/platform.git"),
        ("git@gitlab.example.com:/srv/platform.git", "ssh://git@gitlab.example.com/srv/platform.git"),
        ("https://github.com/acme/platform.git", "https://github.com/acme/platform.git"),
        ("ssh://git@github.com:22/acme/platform.git", "ssh://git@github.com:22/acme/platform.git"),
    ],
)
def test_scp_like_remotes_become_ssh_urls_for_flux(url: str, expected: str) -> None:
    assert git_url(url) == expected


def test_the_bootstrap_command_uses_a_url_flux_accepts() -> None:
    settings = dataclasses.replace(SETTINGS, repo_url="git@github.com:acme/platform.git")
    readme = plan_tree(graphs(), [staging()], settings).files["README.md"]
    assert "flux bootstrap git --url=ssh://git@github.com/acme/platform.git --branch=main" in readme
    argo = pyyaml.safe_load(plan_tree(graphs(), [staging()], settings).files["argocd/bootstrap/root.yaml"])
    assert argo["spec"]["source"]["repoURL"] == "git@github.com:acme/platform.git"  # Argo CD takes both


def test_wiring_can_be_limited_to_one_tool() -> None:
    flux_only = plan_tree(graphs(), [staging()], dataclasses.replace(SETTINGS, wiring=("flux",)))
    assert not any(path.startswith("argocd/") for path in flux_only.files)
    assert "kubectl apply -k" not in flux_only.files["README.md"]
    argo_only = plan_tree(graphs(), [staging()], dataclasses.replace(SETTINGS, wiring=("argocd",)))
    assert not any(path.startswith("flux/") for path in argo_only.files)


def test_cluster_scoped_instances_are_allowed_cluster_wide() -> None:
    cluster_graph = dataclasses.replace(graphs()[1], scope="Cluster")
    body = {
        "apiVersion": "example.com/v1alpha1",
        "kind": "ShopPlatform",
        "metadata": {"name": "p"},
        "spec": {},
    }
    from kro_gen.gitops.model import Document

    env = EnvironmentArtifact(
        EnvironmentTarget("prod", "prod", "shop", "kro"),
        (Document(body, "shop-platform", "instance", 1, "d.py"),),
    )
    plan = plan_tree([graphs()[0], cluster_graph], [env], SETTINGS)
    project = pyyaml.safe_load(plan.files["argocd/apps/appproject-kro-gen.yaml"])["spec"]
    assert {"group": "example.com", "kind": "ShopPlatform"} in project["clusterResourceWhitelist"]
    assert project["namespaceResourceWhitelist"] == []
