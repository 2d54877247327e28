"""A fresh cluster converges from the tree: the order the generated files impose, read back from them,
for the seed (three clusters) and for the sample (a cluster shared by a direct and a kro environment).

* no wave between environment Applications: one environment stuck Progressing never holds back another;
* in direct mode no Deployment waits behind a Service or an Ingress (or anything but what the API
  server needs first);
* every RGD and RGD Application comes before the instances that use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml as pyyaml

from kro_gen.gitops import annotations as ann
from kro_gen.gitops.model import TreePlan
from kro_gen.gitops.rollout import plan_rollouts

ROOT = Path(__file__).resolve().parents[2]


def documents(plan: TreePlan, prefix: str) -> dict[str, dict[str, Any]]:
    return {
        path: pyyaml.safe_load(text)
        for path, text in plan.files.items()
        if path.startswith(prefix) and path.endswith(".yaml") and not path.endswith("kustomization.yaml")
    }


def wave(body: dict[str, Any]) -> int:
    return int(body["metadata"].get("annotations", {}).get(ann.SYNC_WAVE, "0"))


def check_environment_applications_share_one_wave(plan: TreePlan) -> None:
    apps = [b for b in documents(plan, "argocd/apps/").values() if b["kind"] == "Application"]
    env_waves = {wave(b) for b in apps if b["metadata"]["name"].startswith("kro-env-")}
    assert len(env_waves) == 1, env_waves
    rgd_waves = {wave(b) for b in apps if b["metadata"]["name"].startswith("kro-rgds-")}
    assert all(w < min(env_waves) for w in rgd_waves)
    # the rollout model agrees: an environment's rollout holds no other environment's Application
    for rollout in plan_rollouts(plan.files, "gitops", tool="argocd"):
        envs = [u for u in rollout.units() if "/kro-env-" in u]
        assert envs == [f"Application argocd/kro-env-{rollout.environment}"], envs


def check_no_deployment_waits_behind_a_service_or_ingress(plan: TreePlan, environment: str) -> None:
    objects = list(documents(plan, f"environments/{environment}/").values())
    deployments = [wave(b) for b in objects if b["kind"] in ("Deployment", "StatefulSet", "DaemonSet")]
    networking = [wave(b) for b in objects if b["kind"] in ("Service", "Ingress")]
    assert deployments
    assert max(deployments) <= min(networking, default=max(deployments))
    # nothing but the Namespace (and CRDs or pod-admission inputs) comes first
    early = {b["kind"] for b in objects if wave(b) < max(deployments)}
    assert early <= {"Namespace", "CustomResourceDefinition", "LimitRange", "ResourceQuota", "PriorityClass"}
    for rollout in plan_rollouts(plan.files, "gitops", only=[environment]):  # the model agrees
        last = max(rollout.position(lambda t: t.startswith(("Deployment ", "StatefulSet ", "DaemonSet "))))
        assert last <= min(rollout.position(lambda t: t.startswith(("Service ", "Ingress "))), default=last)


def test_the_seed_s_environments_are_independent(seed_plan: TreePlan) -> None:
    check_environment_applications_share_one_wave(seed_plan)


def test_the_seed_s_direct_environment_applies_deployments_with_their_services(seed_plan: TreePlan) -> None:
    check_no_deployment_waits_behind_a_service_or_ingress(seed_plan, "development")
    kinds = {b["kind"] for b in documents(seed_plan, "environments/development/").values()}
    assert {"Deployment", "Service", "Ingress"} <= kinds
    service = documents(seed_plan, "environments/development/")[
        "environments/development/service-api-gateway.yaml"
    ]
    assert service["spec"]["type"] == "LoadBalancer"  # the one that may never get an address


def test_a_shared_cluster_s_environments_are_independent_too(plan: TreePlan) -> None:
    check_environment_applications_share_one_wave(plan)
    check_no_deployment_waits_behind_a_service_or_ingress(plan, "development")


def test_rgds_come_before_the_instances_inside_an_environment_application(seed_plan: TreePlan) -> None:
    rgds = [wave(b) for b in documents(seed_plan, "platform/rgds/").values()]
    for environment in ("staging", "production"):
        instances = [
            wave(b)
            for b in documents(seed_plan, f"environments/{environment}/").values()
            if b["kind"] == "MicroservicesApp"
        ]
        assert instances and max(rgds) < min(instances)


def check_infrastructure_comes_before_the_rgds(plan: TreePlan) -> None:
    """Argo CD: every cluster's kro and operator Applications have a wave below its RGDs' and
    environments'; Flux: kro-rgds dependsOn every operator, direct environments on theirs."""
    apps = {
        b["metadata"]["name"]: b
        for b in documents(plan, "argocd/apps/").values()
        if b["kind"] == "Application"
    }
    infra = {n: b for n, b in apps.items() if n.startswith("kro-infra-") and "secret-store" not in n}
    assert infra
    later = [b for n, b in apps.items() if not n.startswith("kro-infra-")]
    assert max(wave(b) for b in infra.values()) < min(wave(b) for b in later)
    for body in infra.values():
        assert "chart" in body["spec"]["source"] or body["spec"]["source"]["repoURL"].startswith("oci://")
    for folder in {p.rsplit("/", 1)[0] for p in plan.files if p.startswith("flux/clusters/")}:
        flux = {b["metadata"]["name"]: b["spec"] for b in documents(plan, folder + "/").values()}
        operators = {n for n in flux if n.startswith("kro-infra-") and n != "kro-infra-secret-store"}
        if "kro-rgds" in flux:
            assert "kro-infra-kro" in operators
            assert {d["name"] for d in flux["kro-rgds"].get("dependsOn", [])} == operators
        for name, spec in flux.items():
            if name.startswith("kro-env-"):
                needs = {d["name"] for d in spec.get("dependsOn", [])}
                assert "kro-rgds" in needs or operators - {"kro-infra-kro"} <= needs, (folder, name)
    # the rollout model agrees, for both tools: every chart is applied before any RGD or instance
    for rollout in plan_rollouts(plan.files, "gitops"):
        charts = rollout.position(lambda t: t.startswith(("Helm chart ", "HelmRelease ")))
        later = rollout.position(lambda t: t.startswith(("ResourceGraphDefinition ", "Namespace ")))
        assert charts and max(charts) < min(later), (rollout.environment, rollout.tool)


def test_the_seed_s_infrastructure_comes_before_its_rgds(seed_plan: TreePlan) -> None:
    check_infrastructure_comes_before_the_rgds(seed_plan)
    components = {
        b["metadata"]["labels"]["kro-gen/component"]
        for b in documents(seed_plan, "argocd/apps/application-kro-infra-").values()
    }
    assert components == {"kro", "external-secrets", "secret-store"}  # the seed's RGD templates ESO
    assert "argocd/apps/application-kro-infra-kro-dev.yaml" not in seed_plan.files  # direct: no kro
    store = documents(seed_plan, "platform/secret-stores/prod/")
    (body,) = store.values()
    assert body["metadata"]["name"] == "platform-secrets"  # the schema default of spec.secrets.store
    keys = {item["key"] for item in body["spec"]["provider"]["fake"]["data"]}
    assert keys == {f"microservices/production/{s}-db-password" for s in ("user", "product", "order")}


def test_a_shared_cluster_s_infrastructure_comes_before_its_rgds(plan: TreePlan) -> None:
    check_infrastructure_comes_before_the_rgds(plan)
