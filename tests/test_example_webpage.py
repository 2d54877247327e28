"""examples/webpage: a multi-container Deployment ported from kro's v0.9.3 examples with its exact labels.

The example is a kro-gen project of its own. Its committed gitops/ is what its definition generates,
it passes kro-gen's checks with ``--strict``, every kustomization builds with ``kubectl kustomize``, and
the ported Deployment has the original's label set (pods and selector only) and its init container,
besides the native sidecar and the sidecar the port adds. Its fixture test runs with the project's own
(tests/test_fixtures.py).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from click.testing import CliRunner

from kro_gen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "webpage"
RGD = EXAMPLE / "gitops" / "platform" / "rgds" / "rgd-webpage.yaml"
MIRROR = Path("/work/.mirror/kubernetes-sigs+kro/repo")
ORIGINAL = "v0.9.3:examples/aws/ingress-triangle/application.yaml"


def kro_gen(*args: str) -> Any:
    return CliRunner().invoke(cli, ["--project", str(EXAMPLE), *args], catch_exceptions=False)


def deployment_of(rgd: dict[str, Any]) -> dict[str, Any]:
    entry = next(r for r in rgd["spec"]["resources"] if r["id"] == "deployment")
    template: dict[str, Any] = entry["template"]
    return template


def test_the_committed_tree_is_what_the_definition_generates() -> None:
    result = kro_gen("generate", "--check", "--no-cache")
    assert result.exit_code == 0, result.output


def test_the_generated_tree_passes_the_checks_strictly() -> None:
    result = kro_gen("validate", "--strict", str(EXAMPLE / "gitops"))
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_every_kustomization_builds() -> None:
    folders = sorted(p.parent for p in (EXAMPLE / "gitops").rglob("kustomization.yaml"))
    assert len(folders) == 2
    kinds = []
    for folder in folders:
        out = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        kinds += [doc["kind"] for doc in pyyaml.safe_load_all(out.stdout) if doc]
    assert sorted(kinds) == ["Namespace", "ResourceGraphDefinition", "Webpage"]


def test_the_pod_has_all_four_kinds_of_container_and_exactly_the_original_labels() -> None:
    deployment = deployment_of(pyyaml.safe_load(RGD.read_text("utf-8")))
    assert "labels" not in deployment["metadata"]  # default_labels=False: no app label on the Deployment
    assert deployment["spec"]["selector"] == {"matchLabels": {"app": "${schema.spec.name}"}}
    pod = deployment["spec"]["template"]
    assert pod["metadata"] == {"labels": {"app": "${schema.spec.name}"}}
    init = pod["spec"]["initContainers"]
    assert [(c["name"], c.get("restartPolicy")) for c in init] == [
        ("webpage-creator", None),  # classic: runs to completion first
        ("config-agent", "Always"),  # native sidecar: keeps running, may have a startup probe
    ]
    assert "startupProbe" in init[1]
    assert [c["name"] for c in pod["spec"]["containers"]] == ["${schema.spec.name}", "log-shipper"]
    assert pod["spec"]["containers"][1]["env"][0] == {"name": "LOG_LEVEL", "value": "${schema.spec.logLevel}"}


@pytest.mark.skipif(not MIRROR.is_dir(), reason="kro's git mirror is not available")
def test_the_port_keeps_the_originals_labels_selector_and_classic_containers() -> None:
    shown = subprocess.run(["git", "-C", str(MIRROR), "show", ORIGINAL], capture_output=True, check=True)
    original = deployment_of(pyyaml.safe_load(shown.stdout))
    port = deployment_of(pyyaml.safe_load(RGD.read_text("utf-8")))
    assert port["metadata"] == original["metadata"]
    assert port["spec"]["replicas"] == original["spec"]["replicas"]
    assert port["spec"]["selector"] == original["spec"]["selector"]
    assert port["spec"]["template"]["metadata"] == original["spec"]["template"]["metadata"]
    mine, theirs = port["spec"]["template"]["spec"], original["spec"]["template"]["spec"]
    first = dict(mine["initContainers"][0])
    assert first.pop("args")[0].startswith("cat <<EOF > /workspace/index.html")  # the page is shortened
    assert first == {k: v for k, v in theirs["initContainers"][0].items() if k != "args"}
    app = dict(mine["containers"][0])
    assert app.pop("volumeMounts")[0] == theirs["containers"][0]["volumeMounts"][0]  # + the logs volume
    assert app == {k: v for k, v in theirs["containers"][0].items() if k != "volumeMounts"}
    assert mine["volumes"][0] == theirs["volumes"][0]
