"""The installed ``kro-gen`` console script, run as a real process, and its fast start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_pipeline_support import make_project

HEAVY = ("pydantic", "ruamel", "git", "celpy", "lark", "kubernetes_validate", "jsonschema")


def entry_point() -> str:
    candidate = Path(sys.executable).with_name("kro-gen")
    found = str(candidate) if candidate.exists() else shutil.which("kro-gen")
    if found is None:
        pytest.skip("the kro-gen console script is not installed (pip install -e .)")
    return found


def kro_gen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [entry_point(), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def test_the_console_script_generates_checks_and_fails_with_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    generated = kro_gen("generate", cwd=project)
    assert generated.returncode == 0, generated.stderr
    assert generated.stderr == ""  # stderr is a pipe, not a terminal: no progress lines
    assert kro_gen("generate", "--check", cwd=project).returncode == 0

    (project / "definitions" / "broken.py").write_text("def f(:\n")
    failed = kro_gen("generate", cwd=project)
    assert failed.returncode == 2
    assert failed.stdout == ""
    (line,) = failed.stderr.splitlines()
    assert line.startswith("kro-gen: error: definitions/broken.py:1: SyntaxError")


def test_help_and_version(tmp_path: Path) -> None:
    helped = kro_gen("--help", cwd=tmp_path)
    assert helped.returncode == 0 and "generate" in helped.stdout and "Exit codes" in helped.stdout
    version = kro_gen("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("kro-gen ")


def test_importing_the_cli_loads_no_heavy_package() -> None:
    code = (
        "import sys, kro_gen.cli\n"
        f"heavy = [m for m in sys.modules if m.split('.')[0] in {HEAVY!r}]\n"
        "print(','.join(sorted(heavy)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_progress_lines_appear_only_on_a_terminal(tmp_path: Path) -> None:
    import pty

    project = make_project(tmp_path / "project")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [entry_point(), "generate"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=300,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    terminal = b"".join(chunks).decode()
    assert done.returncode == 0
    assert "kro-gen: building web-app" in terminal
    assert "kro-gen: rendering environment prod" in terminal
    assert "building" not in done.stdout  # progress never reaches stdout
