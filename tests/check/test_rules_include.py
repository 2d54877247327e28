"""Readers of includeWhen resources: ``includewhen-dependent`` and ``includewhen-status-read``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kro_gen.check.generated import check_generated
from kro_gen.check.rules_include import check_conditional_readers
from kro_gen.cli import cli
from kro_gen.errors import Location
from tests.test_pipeline_support import make_project

from .rgd_samples import build_rgd, config_map, sites_of, where


def _optional(resource_id: str, condition: str = "${schema.spec.on}") -> dict:  # type: ignore[type-arg]
    resource = config_map(resource_id)
    resource["includeWhen"] = [condition]
    return resource


def test_a_reader_without_the_condition_is_reported_once_per_pair() -> None:
    reader = config_map("reader", a="${opt.metadata.name}", b="${opt.data.x}")
    view, sites = sites_of(build_rgd([_optional("opt"), reader]))
    [found] = check_conditional_readers(view, sites)
    assert where([found]) == {("includewhen-dependent", "reader", "spec.resources[1].template.data.a")}
    assert "kro skips 'reader' too" in found.message and "${schema.spec.on}" in found.message


def test_the_same_condition_whitespace_aside_or_a_stronger_list_is_quiet() -> None:
    same = config_map("same", a="${opt.metadata.name}")
    same["includeWhen"] = ["${schema.spec.on }", "${schema.spec.more}"]
    view, sites = sites_of(build_rgd([_optional("opt", "${ schema.spec.on}"), same]))
    assert check_conditional_readers(view, sites) == []


def test_each_missing_condition_counts_and_include_when_readers_count_too() -> None:
    other = config_map("other")
    other["includeWhen"] = ["${opt.data.x == 'y'}"]  # reads opt in its own condition, without opt's
    partial = config_map("partial", a="${opt.metadata.name}")
    partial["includeWhen"] = ["${schema.spec.other}"]
    view, sites = sites_of(build_rgd([_optional("opt"), other, partial]))
    assert {f.location.resource for f in check_conditional_readers(view, sites)} == {"other", "partial"}


def test_status_reads_are_reported_for_kro_gen_graphs_only() -> None:
    rgd = build_rgd([_optional("opt")], status={"name": "${opt.metadata.name}"})
    view, sites = sites_of(rgd)
    assert check_conditional_readers(view, sites) == []
    [found] = check_generated(rgd, Location(graph="g"))
    assert where([found]) == {("includewhen-status-read", None, "spec.schema.status.name")}


GRAPH = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph, Schema, k8s


class Spec(BaseModel):
    image: str
    withConfig: bool = False


web = ResourceGraph("web-app", api_version="example.com/v1alpha1", kind="WebApp", spec=Spec)


@web.resources
def resources(schema: Schema[Spec]) -> dict[str, object]:
    config = k8s.ConfigMap("web-config", data={"A": "b"}, include_when=schema.spec.withConfig)
    deployment = k8s.Deployment("web", image=schema.spec.image, env_from=[config]DEPLOYMENT_OPTIONS)
    return {"config": config, "deployment": deployment}


web.instance("dev", {"image": "nginx:1.27"})
"""


def _project(tmp_path: Path, options: str) -> Path:
    return make_project(
        tmp_path / "p",
        definitions={"web.py": GRAPH.replace("DEPLOYMENT_OPTIONS", options)},
        environments='[[tool.kro-gen.environments]]\nname = "dev"\nmode = "direct"\n',
    )


def test_a_kro_gen_graph_whose_deployment_reads_an_optional_config_map_fails(tmp_path: Path) -> None:
    """Before this rule, direct mode rendered no Deployment at all with exit 0."""
    root = _project(tmp_path, "")
    result = CliRunner().invoke(cli, ["--project", str(root), "generate"])
    assert result.exit_code == 1, result.output
    assert "[includewhen-dependent]" in result.output and "nothing was written" in result.output
    assert "definitions/web.py:17" in result.output  # the line that builds the Deployment
    assert not (root / "gitops").exists()


def test_saying_the_condition_makes_it_quiet_and_direct_mode_renders_neither(tmp_path: Path) -> None:
    root = _project(tmp_path, ", include_when=schema.spec.withConfig")
    result = CliRunner().invoke(cli, ["--project", str(root), "generate"])
    assert result.exit_code == 0, result.output
    rendered = list((root / "gitops" / "environments" / "dev").rglob("*.yaml"))
    assert not any("deployment" in path.name for path in rendered)
