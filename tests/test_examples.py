"""The example projects under examples/ generate, pass the independent checks and catch mistakes.

``examples/storefront`` is a kro-gen project on top of the hand-written RGD ``examples/webapp/rgd.yaml``
(listed in its ``crds``): chaining into a hand-written RGD, an optional spec field and printer columns.
Each test works on a copy in a fresh git repository laid out like this one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from kro_gen.cli import cli
from tests.test_pipeline_support import edit, git, init_repo, snapshot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)


@pytest.fixture
def storefront(tmp_path: Path) -> Path:
    """A committed copy of examples/storefront (and the webapp RGD it builds on)."""
    for name in ("storefront", "webapp"):
        shutil.copytree(EXAMPLES / name, tmp_path / "examples" / name)
    init_repo(tmp_path)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "examples")
    return tmp_path / "examples" / "storefront"


def test_the_committed_tree_is_what_the_definitions_generate(storefront: Path) -> None:
    result = run(storefront, "generate", "--check")
    assert result.exit_code == 0, result.output
    assert "unknown-operator" not in result.output  # the group comes from the hand-written RGD


def test_the_tree_passes_the_independent_checks_and_builds(storefront: Path) -> None:
    tree = storefront / "gitops"
    result = run(storefront, "validate", "--strict", str(tree))  # with the project's crds
    assert result.exit_code == 0, result.output
    for kustomization in sorted(tree.rglob("kustomization.yaml")):
        subprocess.run(["kubectl", "kustomize", str(kustomization.parent)], check=True, capture_output=True)

    yaml = YAML(typ="safe")
    rgd = yaml.load((tree / "platform/rgds/rgd-storefront.yaml").read_text(encoding="utf-8"))
    schema = rgd["spec"]["schema"]
    assert schema["spec"]["banner"] == "string"  # optional, no default, not required
    assert [c["name"] for c in schema["additionalPrinterColumns"]][:2] == ["Replicas", "Available"]
    [web] = [r for r in rgd["spec"]["resources"] if r["id"] == "web"]
    assert web["template"]["kind"] == "WebApp" and web["readyWhen"] == ['${web.status.state == "ACTIVE"}']
    staging = yaml.load(
        (tree / "environments/staging/storefront-storefront.yaml").read_text(encoding="utf-8")
    )
    assert "banner" not in staging["spec"]  # an instance may leave the optional field out

    readme = (tree / "README.md").read_text(encoding="utf-8")
    assert "- `platform.example.com` from `../webapp/rgd.yaml` on `staging`" in readme


@pytest.mark.parametrize(
    ("old", "new", "rule", "says"),
    [
        # the WebApp's spec comes from the hand-written RGD's SimpleSchema ...
        ('"tier": "frontend"', '"tier": "frontend", "teir": "x"', "manifest-unknown-field", "'tier'"),
        # ... and its status from the expressions kro infers types for
        (
            "r.web.status.availableReplicas",
            "r.web.status.availableReplica",
            "no-such-field",
            "availableReplicas",
        ),
        # an optional field with no default must be read with a fallback
        ('cel.default(schema.spec.banner, "")}', "schema.spec.banner}", "spec-field-optional-read", "banner"),
    ],
)
def test_a_mistake_against_the_hand_written_rgd_is_one_located_error(
    storefront: Path, old: str, new: str, rule: str, says: str
) -> None:
    definition = storefront / "definitions/storefront.py"
    edit(definition, old, new)
    before = snapshot(storefront / "gitops")
    result = run(storefront, "generate")
    assert result.exit_code != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("kro-gen: error:")]
    assert len(errors) == 2 and "1 check error in storefront; nothing was written" in errors[1], result.stderr
    assert f"[{rule}]" in errors[0] and says in errors[0] and "definitions/storefront.py:" in errors[0]
    assert snapshot(storefront / "gitops") == before
