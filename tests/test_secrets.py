"""Secrets end to end: no plaintext Secret is written unless the graph says so, and no command prints
a Secret's values (render, --check and diff, the refusal of a hand edit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from kro_gen.cli import cli
from tests.test_pipeline_support import git, init_repo, make_project, snapshot

PASSWORD = "s3cr3t-Pa55word"

SECRET_APP = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph, k8s


class Spec(BaseModel):
    password: str
    host: str = "db.internal"


app = ResourceGraph("creds-app", api_version="example.com/v1alpha1", kind="CredsApp", spec=Spec)


@app.resources
def resources(schema):
    creds = k8s.Secret("creds", string_data={"PASSWORD": schema.spec.password, "HOST": schema.spec.host}ALLOW)
    return {"creds": creds}


app.instance("dev", {"password": "PASSWORD"})
"""


def project_with(tmp_path: Path, *, allow: bool) -> Path:
    text = SECRET_APP.replace("ALLOW", ", allow_plaintext=True" if allow else "").replace(
        "PASSWORD", PASSWORD
    )
    text = text.replace(f'"{PASSWORD}": schema', '"PASSWORD": schema')
    environments = '[[tool.kro-gen.environments]]\nname = "dev"\nmode = "direct"\n'
    return init_repo(
        make_project(tmp_path / "project", definitions={"app.py": text}, environments=environments)
    )


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)


def test_a_direct_mode_secret_from_spec_values_is_refused_without_showing_them(tmp_path: Path) -> None:
    project = project_with(tmp_path, allow=False)
    done = run(project, "generate")
    assert done.exit_code == 2
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("kro-gen: error:")]
    assert "Secret 'creds' would be committed with stringData." in line and "in plaintext" in line
    assert "environment dev" in line or "dev" in line
    assert "allow_plaintext=True" in line and "SealedSecret or SOPS-encrypted" in line
    assert PASSWORD not in done.output
    assert not (project / "gitops").exists()


def test_allow_plaintext_is_explicit_in_the_committed_file_and_render_masks_it(tmp_path: Path) -> None:
    project = project_with(tmp_path, allow=True)
    assert run(project, "generate").exit_code == 0
    written = (project / "gitops/environments/dev/secret-creds.yaml").read_text()
    assert PASSWORD in written  # the graph asked for it
    body = YAML(typ="safe").load(written)
    assert body["metadata"]["annotations"]["kro-gen/plaintext-secret"] == "allowed"

    rendered = run(project, "render", "creds-app", "--env", "dev")
    assert rendered.exit_code == 0
    assert PASSWORD not in rendered.stdout
    (secret,) = [d for d in YAML(typ="safe").load_all(rendered.stdout) if d["kind"] == "Secret"]
    assert secret["stringData"] == {
        "PASSWORD": f"<masked: {len(PASSWORD)} bytes>",
        "HOST": "<masked: 11 bytes>",
    }
    shown = run(project, "render", "creds-app", "--env", "dev", "--show-secrets")
    assert PASSWORD in shown.stdout


def test_diffs_mask_secret_values_but_still_show_which_changed(tmp_path: Path) -> None:
    project = project_with(tmp_path, allow=True)
    assert run(project, "generate").exit_code == 0
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    app = project / "definitions/app.py"
    app.write_text(app.read_text().replace(PASSWORD, "n3w-" + PASSWORD))
    checked = run(project, "generate", "--check")
    assert checked.exit_code == 1
    assert PASSWORD not in checked.output
    assert f"-  PASSWORD: <masked: {len(PASSWORD)} bytes, value 1>" in checked.stdout
    assert f"+  PASSWORD: <masked: {len(PASSWORD) + 4} bytes, value 3>" in checked.stdout
    assert run(project, "diff").stdout == checked.stdout


def test_a_hand_edited_secret_is_refused_with_a_masked_diff(tmp_path: Path) -> None:
    project = project_with(tmp_path, allow=True)
    assert run(project, "generate").exit_code == 0
    path = project / "gitops/environments/dev/secret-creds.yaml"
    path.write_text(path.read_text().replace("db.internal", "hand-typed-secret"))
    before = snapshot(project / "gitops")
    for args in (["generate"], ["generate", "--check"]):
        done = run(project, *args)
        assert done.exit_code != 0
        assert "hand-typed-secret" not in done.output and PASSWORD not in done.output
        assert "HOST: <masked: 11 bytes, value" in done.output
        assert "HOST: <masked: 17 bytes, value" in done.output
    assert snapshot(project / "gitops") == before


@pytest.mark.parametrize(
    "template",
    [
        '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "raw"}, "data": {"K": "c2VjcmV0"}}',
        '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "raw"}, "stringData": {"K": "secret"}}',
    ],
)
def test_a_plain_resource_template_with_literal_secret_values_is_refused_in_the_rgd(
    tmp_path: Path, template: str
) -> None:
    text = f"""\
from pydantic import BaseModel

from kro_gen import ResourceGraph
from kro_gen.graph import Resource


class Spec(BaseModel):
    name: str = "x"


app = ResourceGraph("raw-app", api_version="example.com/v1alpha1", kind="RawApp", spec=Spec)


@app.resources
def resources(schema):
    return {{"raw": Resource({template})}}


app.instance("prod", {{}})
"""
    project = init_repo(
        make_project(
            tmp_path / "project",
            definitions={"app.py": text},
            environments='[[tool.kro-gen.environments]]\nname = "prod"\n',
        )
    )
    done = run(project, "generate")
    assert done.exit_code == 2, done.output
    assert "Secret 'raw' would be committed with" in done.stderr and "raw" in done.stderr
    assert "c2VjcmV0" not in done.output and "secret\n" not in done.output
    assert not (project / "gitops").exists()


# -- Sealed Secrets and SOPS files: user-owned pass-through ----------------------------------------------
SEALED = """\
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: prod
spec:
  encryptedData:
    password: AgBy8hCi0x
"""

PASS_THROUGH = """\
[[tool.kro-gen.environments]]
name = "dev"
mode = "direct"

[[tool.kro-gen.environments]]
name = "prod"
cluster = "prod-eu1"
resources = ["secrets/db.sealed.yaml"]
sops = true
sops_secret = "sops-age"
"""


def test_user_owned_secret_files_are_listed_never_owned_and_flux_decrypts_sops(tmp_path: Path) -> None:
    import shutil
    import subprocess

    project = init_repo(make_project(tmp_path / "p", environments=PASS_THROUGH))
    user_file = project / "gitops" / "environments" / "prod" / "secrets" / "db.sealed.yaml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text(SEALED, encoding="utf-8")
    unlisted = project / "gitops" / "environments" / "dev" / "secrets" / "stray.yaml"
    unlisted.parent.mkdir(parents=True)
    unlisted.write_text(SEALED, encoding="utf-8")

    first = run(project, "generate")
    assert first.exit_code == 0, first.output
    assert "stray.yaml: not generated and not listed" in first.output  # only the unlisted one warns
    assert "db.sealed.yaml" not in first.output
    folder = user_file.parent.parent
    listed = YAML(typ="safe").load((folder / "kustomization.yaml").read_text(encoding="utf-8"))["resources"]
    assert "secrets/db.sealed.yaml" in listed
    index = (project / "gitops" / ".kro-gen" / "manifest.json").read_text(encoding="utf-8")
    assert "secrets/db.sealed.yaml" not in index and "stray.yaml" not in index  # never owned
    flux = YAML(typ="safe").load(
        (project / "gitops/flux/clusters/prod-eu1/kro-env-prod.yaml").read_text(encoding="utf-8")
    )
    assert flux["spec"]["decryption"] == {"provider": "sops", "secretRef": {"name": "sops-age"}}
    dev = YAML(typ="safe").load(
        (project / "gitops/flux/clusters/dev/kro-env-dev.yaml").read_text(encoding="utf-8")
    )
    assert "decryption" not in dev["spec"]

    # A second run keeps both files byte for byte; --check is clean; kustomize builds the SealedSecret.
    assert run(project, "generate").exit_code == 0
    assert user_file.read_text(encoding="utf-8") == SEALED and unlisted.read_text(encoding="utf-8") == SEALED
    check = run(project, "generate", "--check")
    assert check.exit_code == 0, check.output
    if shutil.which("kubectl"):
        built = subprocess.run(
            ["kubectl", "kustomize", str(folder)], capture_output=True, text=True, check=True
        )
        kinds = [doc["kind"] for doc in YAML(typ="safe").load_all(built.stdout)]
        assert "SealedSecret" in kinds


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("../escape.yaml", "must be a relative path inside the environment folder"),
        ("/etc/x.yaml", "must be a relative path inside the environment folder"),
        ("secrets/notes.txt", "must be a .yaml or .yml file"),
    ],
)
def test_a_bad_resources_entry_is_a_located_config_error(tmp_path: Path, entry: str, message: str) -> None:
    environments = PASS_THROUGH.replace('"secrets/db.sealed.yaml"', f'"{entry}"')
    project = init_repo(make_project(tmp_path / "p", environments=environments))
    result = run(project, "generate")
    assert result.exit_code == 2
    assert message in result.output and "pyproject.toml" in result.output
    assert not (project / "gitops").exists()


def test_a_resources_entry_naming_no_file_is_a_located_config_error(tmp_path: Path) -> None:
    project = init_repo(make_project(tmp_path / "p", environments=PASS_THROUGH))
    result = run(project, "generate")
    assert result.exit_code == 2
    [line] = [line for line in result.stderr.splitlines() if line.startswith("kro-gen: error:")]
    assert "resources entry 'secrets/db.sealed.yaml' of environment 'prod' does not exist" in line
    assert "pyproject.toml" in line and "or remove the entry" in line
    assert not (project / "gitops").exists()
