"""The toolbox commands on any RGD file, through the CLI: crd, render --instance, validate --instance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from kro_gen.cli import cli
from tests.support_reference import KRO_E2E

ROOT = Path(__file__).resolve().parent.parent
WEBAPP = ROOT / "examples" / "webapp"
MARKERS = KRO_E2E / "check-validation-markers"


def run(*args: str, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args), catch_exceptions=False)
    return runner.invoke(cli, ["--project", str(cwd), *args], catch_exceptions=False)


def load_all(text: str) -> list[Any]:
    return list(YAML(typ="safe", pure=True).load_all(text))


def test_crd_of_a_file(tmp_path: Path) -> None:
    result = run("crd", str(WEBAPP / "rgd.yaml"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    (crd,) = load_all(result.stdout)
    assert crd["metadata"]["name"] == "webapps.platform.example.com"


def test_crd_of_a_project_graph() -> None:
    result = run("crd", "microservices-app", cwd=ROOT)
    assert result.exit_code == 0, result.output
    (crd,) = load_all(result.stdout)
    assert crd["metadata"]["name"] == "microservicesapps.example.com"


def test_crd_of_something_else_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    result = run("crd", str(tmp_path / "cm.yaml"), cwd=tmp_path)
    assert result.exit_code == 2
    assert "holds no ResourceGraphDefinition" in result.stderr
    missing = run("crd", "nothing-here", cwd=tmp_path)
    assert missing.exit_code == 2
    assert "neither a file nor a graph" in missing.stderr


def test_validate_instance_reports_the_api_servers_errors_with_lines(tmp_path: Path) -> None:
    result = run(
        "validate",
        str(MARKERS / "rgd.yaml"),
        "--instance",
        str(MARKERS / "invalid-instance-max-items.yaml"),
        "--instance",
        str(MARKERS / "valid-instance.yaml"),
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if "error[" in line]
    assert len(errors) == 1
    assert "invalid-instance-max-items.yaml:8" in errors[0] and "error[instance-schema]" in errors[0]
    assert "spec.tags: Too many: 4: must have at most 3 items" in errors[0]


def test_validate_instance_passes_a_valid_instance(tmp_path: Path) -> None:
    result = run(
        "validate", str(WEBAPP / "rgd.yaml"), "--instance", str(WEBAPP / "instance.yaml"), cwd=tmp_path
    )
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.stdout


def test_validate_instance_needs_one_rgd(tmp_path: Path) -> None:
    result = run("validate", "--instance", str(WEBAPP / "instance.yaml"), cwd=tmp_path)
    assert result.exit_code == 2
    assert "exactly one RGD" in result.stderr


def render(tmp_path: Path, *extra: str) -> Result:
    return run(
        "render", str(WEBAPP / "rgd.yaml"), "--instance", str(WEBAPP / "instance.yaml"), *extra, cwd=tmp_path
    )


def test_render_instance_needs_set_for_what_only_the_cluster_knows(tmp_path: Path) -> None:
    result = render(tmp_path)
    assert result.exit_code == 2
    assert "--set platformConfig.data.logLevel=VALUE" in result.stderr
    assert result.stdout == ""


def test_render_instance_gives_the_children_with_kros_labels(tmp_path: Path) -> None:
    result = render(tmp_path, "--set", "platformConfig.data.logLevel=debug")
    assert result.exit_code == 0, result.output
    objects = load_all(result.stdout)
    assert [(o["kind"], o["metadata"]["name"]) for o in objects] == [
        ("Deployment", "shop"),
        ("Service", "shop-8080"),
        ("Service", "shop-9090"),
        ("Ingress", "shop"),
    ]
    deployment = objects[0]
    assert deployment["spec"]["replicas"] == 2  # the default
    assert deployment["spec"]["template"]["spec"]["containers"][0]["env"] == [
        {"name": "LOG_LEVEL", "value": "debug"}
    ]
    labels = objects[2]["metadata"]["labels"]
    assert labels["kro.run/node-id"] == "services"
    assert (labels["kro.run/collection-index"], labels["kro.run/collection-size"]) == ("1", "2")
    assert labels["kro.run/instance-namespace"] == "team-a"
    assert labels["applyset.kubernetes.io/part-of"].startswith("applyset-")
    assert all(o["metadata"]["namespace"] == "team-a" for o in objects)


def test_render_instance_with_include_when_false(tmp_path: Path) -> None:
    instance = tmp_path / "off.yaml"
    instance.write_text((WEBAPP / "instance.yaml").read_text().replace("enabled: true", "enabled: false"))
    result = run(
        "render",
        str(WEBAPP / "rgd.yaml"),
        "--instance",
        str(instance),
        "--set",
        "platformConfig.data={}",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.output
    objects = load_all(result.stdout)
    assert "Ingress" not in [o["kind"] for o in objects]
    assert objects[0]["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] == "info"


def test_render_instance_refuses_what_the_api_server_refuses(tmp_path: Path) -> None:
    instance = tmp_path / "bad.yaml"
    instance.write_text((WEBAPP / "instance.yaml").read_text().replace("image: nginx:1.27", "image: NGINX"))
    result = run("render", str(WEBAPP / "rgd.yaml"), "--instance", str(instance), cwd=tmp_path)
    assert result.exit_code == 1
    assert 'spec.image: Invalid value: "NGINX": spec.image in body should match' in result.stderr
    assert "the API server would refuse the instance" in result.stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [(["--set", "x"], "not PATH=VALUE"), (["--set", "nothing.a=1"], "neither schema nor a resource id")],
)
def test_bad_set_values(tmp_path: Path, option: list[str], message: str) -> None:
    result = render(tmp_path, *option)
    assert result.exit_code == 2
    assert message in result.stderr


def test_set_and_env_do_not_mix(tmp_path: Path) -> None:
    assert render(tmp_path, "--env", "production").exit_code == 2
    assert run("render", "microservices-app", "--set", "a.b=1", cwd=ROOT).exit_code == 2
