"""What operators expect beside the tree: the root Application's own AppProject, sync windows per
environment, a Flux ServiceAccount per environment, and bootstrap commands that work as written."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml

from kro_gen.gitops import write_tree
from kro_gen.gitops.model import EnvironmentArtifact, NotifySettings, TreePlan, TreeSettings
from kro_gen.gitops.plan import plan_tree
from kro_gen.gitops.rollout import plan_rollouts
from tests.gitops.conftest import SETTINGS, environments, graphs

kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")

WINDOW = {"kind": "deny", "schedule": "0 22 * * *", "duration": "8h", "timeZone": "Europe/Berlin"}


def with_options() -> list[EnvironmentArtifact]:
    """The sample with production behind a sync window and staging impersonating a ServiceAccount."""
    changed = []
    for env in environments():
        target = env.target
        if target.name == "production":
            target = dataclasses.replace(target, sync_windows=(WINDOW,))
        if target.name == "staging":
            target = dataclasses.replace(target, flux_service_account="staging-deployer")
        changed.append(dataclasses.replace(env, target=target))
    return changed


@pytest.fixture
def options_plan() -> TreePlan:
    return plan_tree(graphs(), with_options(), SETTINGS)


def load(plan: TreePlan, path: str) -> dict[str, Any]:
    return pyyaml.safe_load(plan.files[path])  # type: ignore[no-any-return]


def test_the_root_application_has_its_own_narrow_app_project(plan: TreePlan) -> None:
    root = load(plan, "argocd/bootstrap/root.yaml")
    assert root["spec"]["project"] == "kro-gen-root" != "default"
    project = load(plan, "argocd/bootstrap/appproject-kro-gen-root.yaml")
    assert project["metadata"] == {
        "name": "kro-gen-root",
        "namespace": "argocd",
        "labels": {"app.kubernetes.io/part-of": "kro-gen"},
    }
    spec = project["spec"]
    assert spec["sourceRepos"] == [SETTINGS.repo_url]
    assert spec["destinations"] == [{"server": root["spec"]["destination"]["server"], "namespace": "argocd"}]
    assert spec["clusterResourceWhitelist"] == []
    # everything the root syncs is an Application or an AppProject, which is all the project allows
    allowed = {(k["group"], k["kind"]) for k in spec["namespaceResourceWhitelist"]}
    synced = {
        ("argoproj.io", pyyaml.safe_load(text)["kind"])
        for path, text in plan.files.items()
        if path.startswith("argocd/apps/") and not path.endswith("kustomization.yaml")
    }
    assert synced == allowed == {("argoproj.io", "Application"), ("argoproj.io", "AppProject")}


def test_sync_windows_go_into_the_app_project_for_their_environment_only(options_plan: TreePlan) -> None:
    project = load(options_plan, "argocd/apps/appproject-kro-gen.yaml")
    assert project["spec"]["syncWindows"] == [{**WINDOW, "applications": ["kro-env-production"]}]
    readme = options_plan.files["README.md"]
    assert "limit when `kro-env-production` may sync" in readme


def test_no_sync_windows_no_key(plan: TreePlan) -> None:
    assert "syncWindows" not in load(plan, "argocd/apps/appproject-kro-gen.yaml")["spec"]


def test_the_flux_service_account_is_set_on_that_environment_s_kustomization_only(
    options_plan: TreePlan,
) -> None:
    staging = load(options_plan, "flux/clusters/nonprod/kro-env-staging.yaml")
    assert staging["spec"]["serviceAccountName"] == "staging-deployer"
    for path in options_plan.files:
        if path.startswith("flux/clusters/") and not path.endswith("kro-env-staging.yaml"):
            assert "serviceAccountName" not in load(options_plan, path)["spec"], path
    assert "`kro-env-staging` as `staging-deployer`" in options_plan.files["README.md"]
    (rollout,) = plan_rollouts(options_plan.files, "gitops", only=["staging"], tool="flux")
    assert (
        rollout.units()[-1] == "Kustomization flux-system/kro-env-staging as ServiceAccount staging-deployer"
    )


@kubectl
def test_the_bootstrap_folder_builds_and_the_options_tree_builds(
    options_plan: TreePlan, tmp_path: Path
) -> None:
    write_tree(options_plan, tmp_path)
    for folder in sorted(p.parent for p in tmp_path.rglob("kustomization.yaml")):
        if folder.name == "health":
            continue
        run = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True)
        assert run.returncode == 0, (folder, run.stderr)
    run = subprocess.run(
        ["kubectl", "kustomize", str(tmp_path / "argocd/bootstrap")],
        capture_output=True,
        text=True,
        check=True,
    )
    kinds = sorted(o["kind"] for o in pyyaml.safe_load_all(run.stdout))
    assert kinds == ["AppProject", "Application"]


def test_the_options_tree_validates_strictly(options_plan: TreePlan, tmp_path: Path) -> None:
    from kro_gen.check.files import check_files
    from kro_gen.registry import SchemaRegistry

    write_tree(options_plan, tmp_path)
    findings = check_files([tmp_path / "argocd", tmp_path / "flux"], registry=SchemaRegistry.default())
    assert [str(f) for f in findings] == []  # what `kro-gen validate --strict` reports


def readme_for(url: str) -> str:
    settings: TreeSettings = dataclasses.replace(SETTINGS, repo_url=url)
    return plan_tree(graphs(), environments(), settings).files["README.md"]


def test_bootstrap_commands_for_github_use_a_token_or_an_ssh_key() -> None:
    readme = readme_for("https://github.com/acme/shop.git")
    assert "kubectl apply -k gitops/argocd/bootstrap" in readme
    assert "export GITHUB_TOKEN=" in readme
    assert (
        "flux bootstrap github --token-auth --owner=acme --repository=shop --branch=main "
        "--path=gitops/flux/clusters/nonprod"
    ) in readme
    assert (
        "flux bootstrap git --url=ssh://git@github.com/acme/shop.git --branch=main "
        "--private-key-file=<path/to/private.key> --path=gitops/flux/clusters/prod"
    ) in readme


def test_bootstrap_commands_for_another_git_server() -> None:
    readme = readme_for("git@git.example.com:team/shop.git")  # scp-like, as `git clone` writes it
    assert "flux bootstrap github" not in readme
    assert (
        "flux bootstrap git --url=https://git.example.com/team/shop.git --branch=main --username=git "
        '--password="$GIT_TOKEN" --token-auth=true --path=gitops/flux/clusters/nonprod'
    ) in readme
    assert "flux bootstrap git --url=ssh://git@git.example.com/team/shop.git --branch=main" in readme


NOTIFY = NotifySettings(recipient="deployments", argocd_service="slack", flux_provider="msteams")


@pytest.fixture
def notify_plan() -> TreePlan:
    return plan_tree(graphs(), environments(), dataclasses.replace(SETTINGS, notifications=NOTIFY))


def test_notifications_are_off_by_default(plan: TreePlan) -> None:
    assert not [p for p in plan.files if "notifications" in p]
    for path, text in plan.files.items():
        assert "notifications.argoproj.io" not in text, path
    assert "## Notifications" not in plan.files["README.md"]


def test_every_argo_cd_application_subscribes_to_sync_failures_and_degraded_health(
    notify_plan: TreePlan,
) -> None:
    applications = [
        load(notify_plan, p)
        for p in notify_plan.files
        if p.startswith("argocd/")
        and p.endswith(".yaml")
        and load(notify_plan, p).get("kind") == "Application"
    ]
    assert len(applications) == 8  # 7 children and the root
    for body in applications:
        annotations = body["metadata"]["annotations"]
        assert annotations["notifications.argoproj.io/subscribe.on-sync-failed.slack"] == "deployments"
        assert annotations["notifications.argoproj.io/subscribe.on-health-degraded.slack"] == "deployments"


def test_each_flux_cluster_gets_a_provider_and_an_alert_on_errors(notify_plan: TreePlan) -> None:
    for cluster in ("nonprod", "prod"):
        provider = load(notify_plan, f"flux/clusters/{cluster}/kro-notifications-provider.yaml")
        alert = load(notify_plan, f"flux/clusters/{cluster}/kro-notifications-alert.yaml")
        assert provider["spec"] == {
            "type": "msteams",
            "channel": "deployments",
            "secretRef": {"name": "kro-gen-notifications"},
        }
        assert alert["spec"]["providerRef"] == {"name": provider["metadata"]["name"]}
        assert alert["metadata"]["namespace"] == provider["metadata"]["namespace"] == "flux-system"
        assert alert["spec"]["eventSeverity"] == "error"
        kinds = {source["kind"] for source in alert["spec"]["eventSources"]}
        assert kinds == {"Kustomization", "HelmRelease"}
    readme = notify_plan.files["README.md"]
    assert "## Notifications" in readme and "Create the Secret `kro-gen-notifications`" in readme


def test_the_notification_objects_validate_strictly(notify_plan: TreePlan, tmp_path: Path) -> None:
    from kro_gen.check.files import check_files
    from kro_gen.registry import SchemaRegistry

    write_tree(notify_plan, tmp_path)
    findings = check_files([tmp_path / "argocd", tmp_path / "flux"], registry=SchemaRegistry.default())
    assert [str(f) for f in findings] == []
    bad = dataclasses.replace(NOTIFY, flux_provider="teams")  # not a Flux type: the CRD refuses it
    write_tree(
        plan_tree(graphs(), environments(), dataclasses.replace(SETTINGS, notifications=bad)), tmp_path
    )
    findings = check_files([tmp_path / "flux"], registry=SchemaRegistry.default())
    assert any("type" in (f.location.path or "") for f in findings), [str(f) for f in findings]


def test_the_configuration_reaches_the_tree_settings(tmp_path: Path) -> None:
    from kro_gen.pipeline.run import tree_settings
    from kro_gen.project.config import load_config

    (tmp_path / "definitions").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kro-gen]\nrepo_url = "https://github.com/acme/shop.git"\n'
        '[tool.kro-gen.notifications]\nenabled = true\nrecipient = "ops"\nargocd_service = "webhook.ops"\n'
    )
    notify = tree_settings(load_config(tmp_path), None).notifications
    assert notify == NotifySettings(recipient="ops", argocd_service="webhook.ops")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kro-gen]\nrepo_url = "https://github.com/acme/shop.git"\n'
    )
    assert tree_settings(load_config(tmp_path), None).notifications is None
