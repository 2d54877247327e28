"""``kro-gen fmt``: canonical layout, idempotent, meaning unchanged, comments kept with their fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kro_gen.check.files import load_stream
from kro_gen.cli import cli
from kro_gen.pipeline.fmt import format_text, meaning
from tests.support_reference import KRO_REFERENCE

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = KRO_REFERENCE
RGDS = sorted(
    [
        *REFERENCE.glob("*rgd.yaml"),
        *(ROOT / "tests" / "kro_e2e").glob("*/rgd.yaml"),
        *(ROOT / "gitops" / "platform" / "rgds").glob("rgd-*.yaml"),
        ROOT / "examples" / "webapp" / "rgd.yaml",
    ]
)


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if re.match(r"^\s*#", line)]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["fmt", *args], catch_exceptions=False)


@pytest.mark.parametrize("path", RGDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fmt_keeps_meaning_and_comments_and_is_idempotent(path: Path) -> None:
    before = path.read_text()
    after = format_text(before, str(path))
    assert after is not None
    assert [meaning(d.body) for d in load_stream(before)[0]] == [
        meaning(d.body) for d in load_stream(after)[0]
    ]
    assert format_text(after, str(path)) == after
    literal_lines = "".join(d.body.get("spec", {}).__repr__() for d in load_stream(before)[0])
    assert sorted(comments(after)) == sorted(c for c in comments(before) if c not in literal_lines)


def test_generated_rgds_are_already_formatted() -> None:
    for path in (ROOT / "gitops" / "platform" / "rgds").glob("rgd-*.yaml"):
        assert format_text(path.read_text(), str(path)) == path.read_text()


MESSY = """\
# header comment: kept at the top
kind: ResourceGraphDefinition
apiVersion: kro.run/v1alpha1
spec:
  resources:
    - template:
        spec:
          replicas: ${ schema.spec.replicas }
        # the name comes from the instance
        metadata: {name: "${schema.metadata.name+'-web'}"}
        kind: Deployment
        apiVersion: apps/v1
      readyWhen: ["${deployment.status.readyReplicas==1}"]
      id: deployment   # the only resource
  schema:
    spec:
      replicas: "integer | default=1"
    kind: Web
    apiVersion: v1alpha1
metadata:
  name: web
"""

FORMATTED = """\
# header comment: kept at the top
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata:
  name: web
spec:
  schema:
    apiVersion: v1alpha1
    kind: Web
    spec:
      replicas: integer | default=1
  resources:
    - id: deployment  # the only resource
      readyWhen:
        - ${deployment.status.readyReplicas == 1}
      template:
        apiVersion: apps/v1
        kind: Deployment
        # the name comes from the instance
        metadata:
          name: ${schema.metadata.name + "-web"}
        spec:
          replicas: ${schema.spec.replicas}
"""


def test_field_order_quoting_block_style_and_expression_spacing() -> None:
    assert format_text(MESSY, "messy.yaml") == FORMATTED


def test_files_without_an_rgd_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text("kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n")
    result = run(str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == "0 of 0 RGD files reformatted\n"
    assert (tmp_path / "cm.yaml").read_text() == "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n"


def test_check_lists_and_fails_then_fmt_writes(tmp_path: Path) -> None:
    messy = tmp_path / "rgds" / "web.yaml"
    messy.parent.mkdir()
    messy.write_text(MESSY)
    checked = run("--check", "--diff", str(tmp_path))
    assert checked.exit_code == 1
    assert checked.stdout.startswith(f"would reformat {messy}\n")
    assert "+      readyWhen:" in checked.stdout
    assert messy.read_text() == MESSY
    written = run(str(tmp_path))
    assert written.exit_code == 0
    assert written.stdout == f"reformatted {messy}\n1 of 1 RGD file reformatted\n"
    assert messy.read_text() == FORMATTED
    again = run("--check", str(messy))
    assert again.exit_code == 0
    assert again.stdout == "0 of 1 RGD file would be reformatted\n"


def test_bad_yaml_is_one_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: kro.run/v1alpha1\nkind: ResourceGraphDefinition\nkind: again\n")
    result = run(str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3" in result.stderr
