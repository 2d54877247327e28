"""Type checkers find kro-gen's types where users type-check: a plain install, an editable install, and a
project made by ``kro-gen init`` (whose pyproject.toml configures mypy and pyright on definitions/).

Each install goes into a fresh virtual environment (no pip inside: this environment's pip installs into
it with ``--python``, without dependencies, built with hatchling without isolation, so nothing is
downloaded); the dependencies are this environment's, reached through a ``.pth`` line. The checkers then
run with that environment's interpreter, from a folder outside the repository, on a file that must pass
and a file whose typo must be reported: a kro-gen that mypy could not find would pass neither.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kro_gen.project.scaffold import scaffold

ROOT = Path(__file__).resolve().parents[2]

GOOD = """from pydantic import BaseModel

from kro_gen import ResourceGraph, Schema, cel, k8s
from kro_gen.k8s import kinds


class Spec(BaseModel):
    image: str


app = ResourceGraph("t", api_version="t.example.com/v1alpha1", kind="T", spec=Spec)


@app.resources
def resources(schema: Schema[Spec]) -> dict[str, kinds.Deployment]:
    web = k8s.Deployment("web", image=schema.spec.image)
    ready: int = cel.default(web.status.readyReplicas, 0)
    del ready
    return {"web": web}
"""
TYPO = GOOD.replace("image=schema.spec.image", "image=schema.spec.imag")
TYPO_LINE = 16


def _pyright() -> str:
    found = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which("pyright")
    if found is None:
        pytest.skip("pyright is not installed (pip install -e '.[test]' installs it)")
    return found


def _environment(tmp_path: Path, *, editable: bool) -> Path:
    """A new virtual environment with kro-gen installed (editable or from a wheel); its python."""
    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "_outer_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    target = ["-e", str(ROOT)] if editable else [str(ROOT)]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            *target,
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    return python


def _mypy_lines(python: Path, folder: Path) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python), "good.py", "typo.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [int(m[1]) for m in re.finditer(r"^typo\.py:(\d+): error", result.stdout, re.M)]
    assert "good.py" not in result.stdout, result.stdout
    return lines


def _pyright_lines(python: Path, folder: Path, *, project: bool = False) -> dict[str, set[int]]:
    args = [_pyright(), "--outputjson", "--pythonpath", str(python)]
    if not project:
        (folder / "pyrightconfig.json").write_text('{"typeCheckingMode": "strict"}', "utf-8")
    result = subprocess.run(args, cwd=folder, capture_output=True, text=True, check=False)
    report = json.loads(result.stdout)
    found: dict[str, set[int]] = {}
    for item in report["generalDiagnostics"]:
        if item["severity"] == "error":
            found.setdefault(Path(item["file"]).name, set()).add(item["range"]["start"]["line"] + 1)
    return found


@pytest.mark.parametrize("editable", [False, True], ids=["pip-install", "pip-install-e"])
def test_mypy_and_pyright_find_kro_gens_types(tmp_path: Path, editable: bool) -> None:
    python = _environment(tmp_path, editable=editable)
    where = subprocess.run(
        [python, "-c", "import kro_gen; print(kro_gen.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert Path(where).is_relative_to(ROOT) == editable  # the install under test, not another one
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "good.py").write_text(GOOD, "utf-8")
    (folder / "typo.py").write_text(TYPO, "utf-8")
    with ThreadPoolExecutor(2) as pool:  # the two checkers at once: each waits mostly on its own process
        mypy = pool.submit(_mypy_lines, python, folder)
        pyright = pool.submit(_pyright_lines, python, folder)
        assert mypy.result() == [TYPO_LINE]
        assert pyright.result() == {"typo.py": {TYPO_LINE}}


def test_a_project_made_by_init_type_checks_its_definitions(tmp_path: Path) -> None:
    project = tmp_path / "project"
    scaffold(project, repo_url="https://github.com/acme/platform.git")
    pyproject = (project / "pyproject.toml").read_text("utf-8")
    assert "[tool.mypy]" in pyproject and "[tool.pyright]" in pyproject
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / ".mypy_cache")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout
    assert "definitions" in mypy.stdout or "Success" in mypy.stdout
    assert _pyright_lines(Path(sys.executable), project, project=True) == {}
    example = project / "definitions" / "example.py"
    example.write_text(example.read_text("utf-8").replace("spec.message", "spec.mesage"), "utf-8")
    broken = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / ".mypy_cache")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 1 and '"WebAppSpec" has no attribute "mesage"' in broken.stdout
