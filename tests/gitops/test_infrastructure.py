"""The infrastructure layer (phase 0): which charts each cluster gets, pins, opt-outs, unknown groups."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import yaml as pyyaml

from kro_gen.errors import ConfigError
from kro_gen.gitops.model import Document, EnvironmentArtifact, InfraSettings, TreePlan
from kro_gen.gitops.plan import plan_tree
from tests.gitops.conftest import SETTINGS, development, environments, graphs


def with_infra(**options: Any) -> TreePlan:
    settings = dataclasses.replace(SETTINGS, infrastructure=InfraSettings(**options))
    return plan_tree(graphs(), environments(), settings)


def load(plan: TreePlan, path: str) -> dict[str, Any]:
    return pyyaml.safe_load(plan.files[path])


def test_versions_are_pinned_from_the_configuration(plan: TreePlan) -> None:
    default = load(plan, "flux/infrastructure/external-secrets/helmrelease.yaml")["spec"]["chart"]["spec"]
    assert default["version"] == "0.19.1"
    pinned = with_infra(versions={"external-secrets": "0.20.0", "kro": "0.9.4"})
    release = load(pinned, "flux/infrastructure/external-secrets/helmrelease.yaml")["spec"]
    assert release["chart"]["spec"]["version"] == "0.20.0"
    app = load(pinned, "argocd/apps/application-kro-infra-kro-prod.yaml")["spec"]["source"]
    assert app == {
        "repoURL": "oci://registry.k8s.io/kro/charts/kro",
        "targetRevision": "0.9.4",
        "path": ".",
        "helm": {"releaseName": "kro"},
    }


def test_the_layer_can_be_turned_off_or_trimmed(plan: TreePlan) -> None:
    off = with_infra(enabled=False)
    assert not any(
        "kro-infra" in path or "infrastructure/" in path or "secret-stores" in path for path in off.files
    )
    assert "dependsOn" not in load(off, "flux/clusters/nonprod/kro-rgds.yaml")["spec"]
    assert "Disabled (`[tool.kro-gen.infrastructure] enabled = false`)" in off.files["README.md"]
    trimmed = with_infra(skip=("kro", "secret-store"))
    assert "flux/clusters/prod/kro-infra-kro.yaml" not in trimmed.files
    assert not any("secret-store" in path for path in trimmed.files)
    assert "flux/clusters/nonprod/kro-infra-external-secrets.yaml" in trimmed.files


def test_a_misspelled_component_is_an_error_naming_the_key() -> None:
    with pytest.raises(
        ConfigError, match=r"infrastructure.versions names unknown component 'external-secret'"
    ):
        with_infra(versions={"external-secret": "1.0.0"})


def with_group(api_version: str, kind: str) -> list[EnvironmentArtifact]:
    dev = development()
    extra = Document(
        {
            "apiVersion": api_version,
            "kind": kind,
            "metadata": {"name": "x", "namespace": "shop-dev"},
            "spec": {},
        },
        graph="microservices-app",
        role="manifest",
        wave=0,
        source="definitions/microservices.py",
    )
    return [dataclasses.replace(dev, documents=(*dev.documents, extra)), *environments()[1:]]


def test_a_group_without_a_known_operator_is_a_warning_and_a_readme_section() -> None:
    plan = plan_tree(graphs(), with_group("acme.io/v1", "Widget"), SETTINGS)
    (warning,) = plan.warnings
    assert "API group 'acme.io' (used on cluster(s) nonprod) has no known operator" in warning
    assert "### Operators kro-gen does not know" in plan.files["README.md"]
    assert "- `acme.io` on `nonprod`" in plan.files["README.md"]


def test_a_known_group_gets_its_operator_and_a_project_chart_serves_an_unknown_one() -> None:
    plan = plan_tree(graphs(), with_group("cert-manager.io/v1", "Certificate"), SETTINGS)
    assert not plan.warnings
    release = load(plan, "flux/infrastructure/cert-manager/helmrelease.yaml")["spec"]
    assert release["values"] == {"crds": {"enabled": True}}
    chart = {
        "groups": ["acme.io"],
        "repository": "https://charts.acme.io",
        "chart": "widgets",
        "version": "2.0.0",
    }
    settings = dataclasses.replace(SETTINGS, infrastructure=InfraSettings(charts={"widgets": chart}))
    served = plan_tree(graphs(), with_group("acme.io/v1", "Widget"), settings)
    assert not served.warnings
    app = load(served, "argocd/apps/application-kro-infra-widgets-nonprod.yaml")
    assert app["spec"]["source"]["chart"] == "widgets" and app["spec"]["project"] == "kro-gen-infra"
    project = load(served, "argocd/apps/appproject-kro-gen-infra.yaml")["spec"]
    assert "https://charts.acme.io" in project["sourceRepos"]


WIDGETS = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph
from kro_gen.graph import Resource


class Spec(BaseModel):
    size: str = "small"


app = ResourceGraph("widgets", api_version="example.com/v1alpha1", kind="Widgets", spec=Spec)


@app.resources
def resources(schema):
    return {"widget": Resource({
        "apiVersion": "acme.io/v1", "kind": "Widget", "metadata": {"name": "w"},
        "spec": {"size": schema.spec.size},
    })}


app.instance("dev", {"size": "large"})
"""


def test_generate_prints_the_unknown_operator_warning(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from kro_gen.cli import cli

    (tmp_path / "definitions").mkdir()
    (tmp_path / "definitions" / "widgets.py").write_text(WIDGETS)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kro-gen]\nrepo_url = "https://github.com/acme/w.git"\ncrds = []\n'
    )
    result = CliRunner().invoke(cli, ["--project", str(tmp_path), "generate"])
    assert result.exit_code == 0, result.output
    assert "API group 'acme.io' (used on cluster(s) dev) has no known operator [unknown-operator]" in (
        result.output
    )
    assert "- `acme.io` on `dev`" in (tmp_path / "gitops" / "README.md").read_text()
