"""The rollout model (kro_gen.gitops.rollout), read back from planned trees: the seed (three clusters)
and the sample (a cluster shared by a direct and a kro environment).

Each test changes or reads the files, never the generator's intent: removing a ``dependsOn``, a
``readyWhen`` or a health check from the files changes what the model says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml as pyyaml
from click.testing import CliRunner

from kro_gen.cli import cli
from kro_gen.emit.yamlio import dump_yaml
from kro_gen.gitops.model import TreePlan
from kro_gen.gitops.rollout import Rollout, environments, plan_rollouts, tools
from kro_gen.gitops.rollout_text import render_rollout, render_rollouts

ROOT = Path(__file__).resolve().parents[2]


def one(rollouts: list[Rollout], environment: str, tool: str) -> Rollout:
    (found,) = [r for r in rollouts if r.environment == environment and r.tool == tool]
    return found


def first(rollout: Rollout, text: str) -> int:
    positions = rollout.position(lambda thing: text in thing)
    assert positions, (text, rollout.applied())
    return min(positions)


def test_every_environment_has_a_rollout_per_tool(seed_plan: TreePlan) -> None:
    rollouts = plan_rollouts(seed_plan.files, "gitops")
    assert environments(seed_plan.files) == ["development", "production", "staging"]
    assert tools(seed_plan.files) == ["argocd", "flux"]
    assert [(r.environment, r.tool) for r in rollouts] == [
        (env, tool) for env in ("development", "production", "staging") for tool in ("argocd", "flux")
    ]
    assert {(r.environment, r.cluster, r.mode) for r in rollouts} == {
        ("development", "dev", "direct"),
        ("production", "prod", "kro"),
        ("staging", "staging", "kro"),
    }


@pytest.mark.parametrize("tool", ["argocd", "flux"])
@pytest.mark.parametrize("environment", ["staging", "production"])
def test_operators_then_rgds_then_instances(seed_plan: TreePlan, environment: str, tool: str) -> None:
    rollout = one(plan_rollouts(seed_plan.files, "gitops"), environment, tool)
    kro = first(rollout, "kro 0.9.3" if tool == "argocd" else "HelmRelease flux-system/kro")
    eso = first(rollout, "external-secrets 0.19.1" if tool == "argocd" else "HelmRelease flux-system/ext")
    store = first(rollout, "ClusterSecretStore platform-secrets")
    rgd = first(rollout, "ResourceGraphDefinition microservices-app")
    instance = first(rollout, "MicroservicesApp")
    assert max(kro, eso) < rgd < instance
    assert eso < store < instance


@pytest.mark.parametrize("tool", ["argocd", "flux"])
def test_an_environment_never_waits_for_another(seed_plan: TreePlan, plan: TreePlan, tool: str) -> None:
    for tree in (seed_plan, plan):
        for rollout in plan_rollouts(tree.files, "gitops", tool=tool):
            own = f"kro-env-{rollout.environment}"
            others = [u for u in rollout.units() if "kro-env-" in u and not u.endswith(own)]
            assert not others, (rollout.environment, others)


def test_in_direct_mode_no_deployment_waits_behind_a_service_or_ingress(
    seed_plan: TreePlan, plan: TreePlan
) -> None:
    for tree in (seed_plan, plan):
        for rollout in plan_rollouts(tree.files, "gitops", only=["development"]):
            deployments = rollout.position(lambda t: t.startswith("Deployment "))
            networking = rollout.position(lambda t: t.startswith(("Service ", "Ingress ")))
            assert deployments
            assert max(deployments) <= min(networking, default=max(deployments)), rollout.tool
    seed = plan_rollouts(seed_plan.files, "gitops", only=["development"])
    assert all(r.position(lambda t: t.startswith("Service ")) for r in seed)


def test_the_instance_waits_for_each_resource_s_ready_when(seed_plan: TreePlan) -> None:
    text = render_rollout(one(plan_rollouts(seed_plan.files, "gitops"), "staging", "flux"))
    assert "userDeployment (Deployment):" in text
    assert "userDeployment.?status.?availableReplicas.orValue(0) == userDeployment.spec.?replicas" in text
    assert "appConfig (ConfigMap): ready once it exists" in text
    assert "KindReady (the CRD of MicroservicesApp.example.com is served)" in text
    assert "(kro found the CRD of every templated kind: ExternalSecret.external-secrets.io)" in text


def edited(plan: TreePlan, path: str, change: object) -> dict[str, str]:
    files = dict(plan.files)
    body = pyyaml.safe_load(files[path])
    change(body)  # type: ignore[operator]
    files[path] = dump_yaml(body)
    return files


def test_the_model_reads_ready_when_from_the_rgd_file(seed_plan: TreePlan) -> None:
    def drop(body: dict) -> None:  # type: ignore[type-arg]
        for resource in body["spec"]["resources"]:
            resource.pop("readyWhen", None)

    files = edited(seed_plan, "platform/rgds/rgd-microservices-app.yaml", drop)
    text = render_rollouts(plan_rollouts(files, "gitops", only=["production"], tool="argocd"))
    assert "userDeployment (Deployment): ready once it exists" in text
    assert "availableReplicas" not in text


def test_without_the_health_check_argo_cd_waits_for_nothing(seed_plan: TreePlan) -> None:
    def drop(body: dict) -> None:  # type: ignore[type-arg]
        body["data"].pop("resource.customizations.health.example.com_MicroservicesApp")

    files = edited(seed_plan, "argocd/config/health/argocd-cm.yaml", drop)
    text = render_rollouts(plan_rollouts(files, "gitops", only=["staging"], tool="argocd"))
    assert "no health check for MicroservicesApp: kro's readiness is not awaited" in text


def test_flux_levels_follow_depends_on_in_the_files(seed_plan: TreePlan) -> None:
    rollout = one(plan_rollouts(seed_plan.files, "gitops"), "staging", "flux")
    assert [[s.unit for s in stage.steps] for stage in rollout.stages] == [
        ["Kustomization flux-system/kro-infra-external-secrets", "Kustomization flux-system/kro-infra-kro"],
        ["Kustomization flux-system/kro-infra-secret-store", "Kustomization flux-system/kro-rgds"],
        ["Kustomization flux-system/kro-env-staging"],
    ]

    def drop(body: dict) -> None:  # type: ignore[type-arg]
        body["spec"].pop("dependsOn")

    files = edited(seed_plan, "flux/clusters/staging/kro-rgds.yaml", drop)
    level0 = one(plan_rollouts(files, "gitops"), "staging", "flux").stages[0]
    assert "Kustomization flux-system/kro-rgds" in [s.unit for s in level0.steps]


def test_argo_cd_stages_follow_the_waves_in_the_files(seed_plan: TreePlan) -> None:
    rollout = one(plan_rollouts(seed_plan.files, "gitops"), "staging", "argocd")
    assert [stage.order for stage in rollout.stages] == [-3, -2, -1, 1]
    (env,) = rollout.stages[-1].steps
    assert [phase.wave for phase in env.phases] == [-2, -1, 1]
    assert [phase.applies for phase in env.phases] == [
        ("Namespace staging",),
        ("ResourceGraphDefinition microservices-app",),
        ("MicroservicesApp staging/microservices-app",),
    ]


def test_a_shared_cluster_s_only_kro_environment_applies_the_rgds_first(plan: TreePlan) -> None:
    rollout = one(plan_rollouts(plan.files, "gitops"), "staging", "argocd")
    assert rollout.cluster == "nonprod"
    assert first(rollout, "ResourceGraphDefinition") < first(rollout, "MicroservicesApp")
    assert not [u for u in rollout.units() if "kro-rgds" in u]  # its own Application syncs them


def test_the_readme_shows_every_rollout_and_the_text_is_deterministic(seed_plan: TreePlan) -> None:
    rollouts = plan_rollouts(seed_plan.files, "gitops")
    readme = seed_plan.files["README.md"]
    assert "## How a fresh cluster converges" in readme
    for rollout in rollouts:
        assert render_rollout(rollout).rstrip("\n") in readme
    assert render_rollouts(rollouts) == render_rollouts(plan_rollouts(dict(seed_plan.files), "gitops"))


def test_the_cli_prints_the_model(seed_plan: TreePlan) -> None:
    result = CliRunner().invoke(cli, ["--project", str(ROOT), "rollout", "staging", "--tool", "flux"])
    assert result.exit_code == 0, result.output
    expected = render_rollouts(plan_rollouts(seed_plan.files, "gitops", only=["staging"], tool="flux"))
    assert result.output == expected
    missing = CliRunner().invoke(cli, ["--project", str(ROOT), "rollout", "qa"])
    assert missing.exit_code == 2
    assert "no environment named 'qa'" in missing.output
    assert "development, production, staging" in missing.output
