"""Bad input, one case per folder of ``tests/project/corpus/``: each is exit 2, one line matching the
case's ``expected.txt``, and nothing written anywhere in the project (the generated tree is untouched).

A case folder holds the files it puts over a small generated project (``tests/test_pipeline_support``'s
web app and its ``gitops/``): definitions, a replacement ``pyproject.toml``, any other file. A file named
``*.raw`` is put in place without that suffix: it holds bytes other tools must not read as Python
(not UTF-8, an unknown declared encoding).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kro_gen.cli import cli
from tests.test_pipeline_support import make_project, snapshot

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project with its tree generated (copied for each case)."""
    project = make_project(tmp_path_factory.mktemp("corpus") / "project")
    result = CliRunner().invoke(cli, ["--project", str(project), "generate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project


def files(project: Path) -> dict[str, str]:
    """Every file of the project but bytecode caches."""
    return {path: sha for path, sha in snapshot(project).items() if "__pycache__" not in path}


def test_the_corpus_covers_the_issues_list() -> None:
    assert len(CASES) >= 20
    for case in CASES:
        assert (CORPUS / case / "expected.txt").read_text().count("\n") == 1, case


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", [["generate"], ["generate", "--check"]])
def test_bad_input_is_one_located_line_exit_2_and_nothing_written(
    case: str, command: list[str], generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = shutil.copytree(generated, tmp_path / "project")
    shutil.copytree(CORPUS / case, project, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    for raw in project.rglob("*.raw"):
        raw.rename(raw.with_suffix(""))
    before = files(project)
    monkeypatch.chdir(project)  # messages name files relative to the working folder
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    expected = (CORPUS / case / "expected.txt").read_text().strip()
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert re.fullmatch(expected, line), line
    assert files(project) == before
    assert Path.cwd() == project
