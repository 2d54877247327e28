"""``kro-gen init``: what it creates, what it refuses, and the CI files shipped for users."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from kro_gen.errors import ConfigError
from kro_gen.project.config import load_config
from kro_gen.project.scaffold import PLACEHOLDER_REPO_URL, WORKFLOW_PATH, render_workflow, scaffold

REPO = Path(__file__).resolve().parents[2]


def load_yaml(text: str) -> object:
    return YAML(typ="safe", pure=True).load(text)


def test_init_creates_a_project_whose_config_loads(tmp_path: Path) -> None:
    target = tmp_path / "new-project"
    report = scaffold(target, repo_url="https://github.com/acme/platform.git")
    names = sorted(str(p.relative_to(target)) for p in report.created)
    assert names == [WORKFLOW_PATH, "README.md", "definitions/example.py", "pyproject.toml"]
    config = load_config(target)
    assert config.repo_url == "https://github.com/acme/platform.git"
    assert [(e.name, e.mode) for e in config.environments or ()] == [
        ("development", "direct"),
        ("production", "kro"),
    ]
    compile((target / "definitions/example.py").read_text(), "example.py", "exec")  # valid Python


def test_the_example_generates_and_reads_an_omitted_status_field_with_a_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kro_gen.pipeline import generate

    monkeypatch.chdir(tmp_path)
    scaffold(tmp_path / "new-project", repo_url="https://github.com/acme/platform.git")
    result = generate(load_config(tmp_path / "new-project"))
    assert result.plan is not None and not result.findings
    # Kubernetes omits availableReplicas while no pod is available (replicas may be 0): the example
    # shows the README's advice, a fallback, so the instance status never waits for a missing key.
    status = result.graph("web-app").rgd["spec"]["schema"]["status"]
    assert status == {"availableReplicas": "${deployment.status.?availableReplicas.orValue(0)}"}


def test_init_reads_the_repository_url_from_the_origin_remote(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        ["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:acme/platform.git"],
        check=True,
    )
    scaffold(tmp_path / "deploy")
    assert load_config(tmp_path / "deploy").repo_url == "git@github.com:acme/platform.git"


def test_without_a_remote_the_url_is_an_explicit_placeholder(tmp_path: Path) -> None:
    scaffold(tmp_path)
    assert load_config(tmp_path).repo_url == PLACEHOLDER_REPO_URL


def test_an_existing_pyproject_without_the_table_is_extended_not_replaced(tmp_path: Path) -> None:
    original = '[project]\nname = "mine"\nversion = "1.0"'
    (tmp_path / "pyproject.toml").write_text(original)
    (tmp_path / "README.md").write_text("# mine\n")
    report = scaffold(tmp_path, repo_url="https://example.com/r.git")
    assert report.extended == tmp_path.resolve() / "pyproject.toml"
    assert report.kept == [tmp_path.resolve() / "README.md"]
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(original + "\n")
    assert load_config(tmp_path).output == "gitops"
    assert (tmp_path / "README.md").read_text() == "# mine\n"


@pytest.mark.parametrize(
    ("existing", "content"),
    [
        ("definitions/example.py", "mine = 1\n"),
        (WORKFLOW_PATH, "name: mine\n"),
        ("pyproject.toml", '[tool.kro-gen]\noutput = "mine"\n'),
    ],
)
def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, existing: str, content: str) -> None:
    path = tmp_path / existing
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(ConfigError, match="never overwrites") as caught:
        scaffold(tmp_path)
    assert existing in str(caught.value)
    assert path.read_text() == content
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_the_repository_workflow_is_the_users_template_plus_kro_gen_sources() -> None:
    expected = render_workflow(
        install="pip install .",
        definitions="definitions",
        output="gitops",
        branch="main",
        extra_paths=("kro_gen/**",),
    )
    assert (REPO / ".github/workflows/kro-gen.yml").read_text() == expected


def test_the_workflow_checks_pull_requests_and_commits_on_main_without_a_loop() -> None:
    workflow = load_yaml(
        render_workflow(install="pip install kro-gen", definitions="defs", output="out", branch="main")
    )
    assert isinstance(workflow, dict)
    triggers = workflow["on"]
    assert "pull_request" in triggers
    assert triggers["push"] == {"branches": ["main"], "paths": ["defs/**", "pyproject.toml"]}
    jobs = workflow["jobs"]
    check_steps = [step.get("run") for step in jobs["check"]["steps"]]
    assert 'kro-gen generate --check --base "origin/${{ github.base_ref }}"' in check_steps
    assert jobs["check"]["steps"][0]["with"]["fetch-depth"] == 0  # the base branch must be there
    assert jobs["check"]["if"] == "github.event_name == 'pull_request'"
    regenerate = jobs["regenerate"]
    assert regenerate["permissions"] == {"contents": "write"}
    assert "[skip ci]" in regenerate["if"]
    script = regenerate["steps"][-1]["run"]
    assert "kro-gen commit --skip-ci" in script and "git push" in script
    assert workflow["permissions"] == {"contents": "read"}  # write only where it commits


def test_the_pre_commit_hook_runs_the_check() -> None:
    hooks = load_yaml((REPO / ".pre-commit-hooks.yaml").read_text())
    assert isinstance(hooks, list)
    (hook,) = [h for h in hooks if h["id"] == "kro-gen-check"]
    assert hook["entry"] == "kro-gen generate --check"
    assert hook["pass_filenames"] is False
    assert hook["language"] == "python"


def _install_script(target: Path) -> str:
    workflow = load_yaml((target / WORKFLOW_PATH).read_text())
    assert isinstance(workflow, dict)
    scripts = {
        job: next(step["run"] for step in body["steps"] if step.get("name") == "Install kro-gen")
        for job, body in workflow["jobs"].items()
    }
    assert scripts["check"] == scripts["regenerate"]
    return str(scripts["check"])


def _pip_args(script: str, cwd: Path) -> str:
    """What the install step passes to pip, run by a real bash with ``pip`` replaced by an echo."""
    done = subprocess.run(
        ["bash", "-euc", 'pip() { echo "pip $*"; }\n' + script],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_workflow_installs_the_version_that_generated_the_tree(tmp_path: Path) -> None:
    from kro_gen import __version__

    target = tmp_path / "project"
    scaffold(target, repo_url="https://github.com/acme/platform.git")
    script = _install_script(target)
    # before the first generate: the version init ran with
    assert _pip_args(script, target) == f"pip install kro-gen=={__version__}"
    # afterwards: the version recorded in the manifest (an upgrade committed with its tree moves CI too)
    manifest = target / "gitops/.kro-gen/manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text('{"files": {}, "version": "9.8.7"}\n')
    assert _pip_args(script, target) == "pip install kro-gen==9.8.7"
    assert f"pip install kro-gen=={__version__}" in (target / "README.md").read_text()


def test_the_workflow_pin_matches_the_manifest_generate_writes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kro_gen import __version__
    from kro_gen.cli import cli

    target = tmp_path / "project"
    scaffold(target, repo_url="https://github.com/acme/platform.git")
    done = CliRunner().invoke(cli, ["--project", str(target), "generate"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert _pip_args(_install_script(target), target) == f"pip install kro-gen=={__version__}"


def test_both_jobs_keep_the_result_cache_between_runs_before_kro_gen_runs() -> None:
    workflow = load_yaml(
        render_workflow(install="pip install kro-gen", definitions="defs", output="out", branch="main")
    )
    assert isinstance(workflow, dict)
    for job in ("check", "regenerate"):
        steps = workflow["jobs"][job]["steps"]
        uses = [step.get("uses", "") for step in steps]
        (cache_at,) = [i for i, name in enumerate(uses) if name.startswith("actions/cache@")]
        kro_gen_at = min(i for i, step in enumerate(steps) if str(step.get("run", "")).startswith("kro-gen "))
        assert cache_at < kro_gen_at, job
        settings = steps[cache_at]["with"]
        assert settings["path"] == ".kro-gen/cache"  # the folder kro-gen's cache uses by default
        # a key per commit, restored from the newest earlier one: entries are checked against their inputs
        assert settings["key"] == "kro-gen-${{ runner.os }}-${{ github.sha }}"
        assert settings["restore-keys"] == "kro-gen-${{ runner.os }}-"
