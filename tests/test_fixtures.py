"""``kro-gen test``: kro-gen's own fixtures pass; broken ones fail with a diff; bad ones are errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from kro_gen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
WEBAPP = ROOT / "examples" / "webapp"


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), "test", *args], catch_exceptions=False)


def test_the_projects_own_fixtures_pass() -> None:
    result = run(ROOT, str(ROOT / "examples"), str(ROOT / "tests" / "fixtures_toolbox"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "10 fixtures passed, 0 failed"
    assert all(line.startswith("PASS ") for line in result.stdout.splitlines()[:-1])


def webapp_copy(tmp_path: Path, fixture: str) -> Path:
    folder = tmp_path / "webapp"
    shutil.copytree(WEBAPP, folder)
    for old in folder.glob("*.kro-test.yaml"):
        old.unlink()
    (folder / "case.kro-test.yaml").write_text(fixture)
    return folder


GOOD = """\
name: replicas
rgd: rgd.yaml
instance: instance.yaml
set: {platformConfig.data.logLevel: debug}
expect:
  - kind: Deployment
    metadata: {name: shop}
    spec:
      replicas: 3
      template:
        spec:
          containers:
            - name: app
              image: nginx:1.27
"""


def test_a_broken_fixture_fails_with_a_diff(tmp_path: Path) -> None:
    folder = webapp_copy(tmp_path, GOOD)
    result = run(tmp_path, str(folder))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("FAIL replicas (")
    assert "    spec.replicas: expected 3, got 2" in lines
    assert "    -  replicas: 3" in lines
    assert "    +  replicas: 2" in lines
    assert lines[-1] == "0 fixtures passed, 1 failed"
    (folder / "case.kro-test.yaml").write_text(GOOD.replace("replicas: 3", "replicas: 2"))
    assert run(tmp_path, str(folder)).exit_code == 0


def test_missing_absent_and_exhaustive_objects_fail(tmp_path: Path) -> None:
    fixture = GOOD.replace("replicas: 3", "replicas: 2") + (
        "  - kind: Secret\n    metadata: {name: nope}\n"
        "absent:\n  - kind: Ingress\n    metadata: {name: shop}\n"
        "exhaustive: true\n"
    )
    result = run(tmp_path, str(webapp_copy(tmp_path, fixture)))
    assert result.exit_code == 1
    text = result.stdout
    assert (
        "Secret nope: not rendered (rendered: Deployment shop in team-a, Service shop-8080 in team-a" in text
    )
    assert "Ingress shop: rendered, but the fixture says it must not be" in text
    assert "rendered beyond expect (exhaustive: true): Service shop-8080 in team-a" in text


def test_expected_errors(tmp_path: Path) -> None:
    fixture = "rgd: rgd.yaml\ninstance: instance.yaml\nexpectError: 'logLevel=VALUE'\n"
    assert run(tmp_path, str(webapp_copy(tmp_path, fixture))).exit_code == 0
    wrong = "rgd: rgd.yaml\ninstance: instance.yaml\nset: {platformConfig.data: {}}\nexpectError: 'boom'\n"
    result = run(tmp_path, str(webapp_copy(tmp_path / "w", wrong)))
    assert result.exit_code == 1
    assert "expected an error containing 'boom', but it rendered without an error" in result.stdout


def test_a_malformed_fixture_is_an_error_not_a_failure(tmp_path: Path) -> None:
    result = run(
        tmp_path, str(webapp_copy(tmp_path, "rgd: rgd.yaml\ninstance: instance.yaml\nexpect: []\nbogus: 1\n"))
    )
    assert result.exit_code == 2
    assert result.stdout.startswith("ERROR ")
    assert "unknown key(s) bogus" in result.stdout


def test_no_fixtures_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, str(tmp_path))
    assert result.exit_code == 2
    assert "no *.kro-test.yaml fixtures" in result.stderr
