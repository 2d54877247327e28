"""Crash safety, proven on real processes: ``kro-gen generate`` is SIGKILLed at points spread over the
lock, staging, journal, rename, delete, index and cleanup steps of a write (``KRO_GEN_FAULT=stop:...``
stops it there, then the test kills it). Each time every file of the tree, and the ownership index, is
its old or its new version, and the next run repairs the tree to exactly what an uninterrupted run
writes. A full disk, a refused write after the commit point and read-only files give a clear error;
before the commit point the tree is as it was.

CI runs a sample of the kill points (the processes start in parallel, so it takes seconds); set
``KRO_GEN_SLOW_TESTS=1`` to kill at every point.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kro_gen.cli import cli
from kro_gen.gitops.faults import from_env

from .support_process import (
    kill,
    kro_gen,
    resume,
    start,
    stopped,
    tree_state,
    two_version_project,
    wait_stopped,
)

STATE_FILES = (".kro-gen/manifest.json", ".kro-gen/.gitignore")
# (phase, k) of the small project's write: 10 files (8 changed, 2 new) and the index staged, 2 deleted.
ALL_POINTS = [
    ("lock", 1),
    *[("stage", k) for k in range(1, 12)],
    ("journal", 1),
    ("journal", 2),
    *[("rename", k) for k in range(1, 11)],
    ("delete", 1),
    ("delete", 2),
    ("index", 1),
    ("cleanup", 1),
]
SAMPLE = [
    ("lock", 1),
    ("stage", 1),
    ("stage", 11),
    ("journal", 1),
    ("journal", 2),
    ("rename", 1),
    ("rename", 6),
    ("delete", 2),
    ("index", 1),
    ("cleanup", 1),
]
POINTS = ALL_POINTS if os.environ.get("KRO_GEN_SLOW_TESTS") else SAMPLE


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], catch_exceptions=False)


def tree_files(state: dict[str, bytes | None]) -> dict[str, bytes]:
    """The files of a :func:`tree_state` that a run may change: the tree and the committed state files."""
    return {
        path: data
        for path, data in state.items()
        if data is not None and (not path.startswith(".kro-gen/") or path in STATE_FILES)
    }


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with its old tree and its new definitions (copied for each test)."""
    return two_version_project(tmp_path_factory.mktemp("crash") / "project")


@pytest.fixture(scope="module")
def reference(base: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes | None]:
    """The tree (files and folders) an uninterrupted run writes from the old tree."""
    project = shutil.copytree(base, tmp_path_factory.mktemp("reference") / "project")
    assert run(project, "generate").exit_code == 0
    return tree_state(project / "gitops")


def copies(base: Path, folder: Path, count: int) -> Iterator[Path]:
    for index in range(count):
        yield shutil.copytree(base, folder / f"p{index}")


def test_the_sample_covers_every_phase_of_a_write() -> None:
    assert {phase for phase, _ in SAMPLE} == {phase for phase, _ in ALL_POINTS}
    assert set(SAMPLE) <= set(ALL_POINTS)


def test_a_run_killed_at_any_point_leaves_old_or_new_files_and_the_next_run_repairs_it(
    base: Path, reference: dict[str, bytes | None], tmp_path: Path
) -> None:
    old, new = tree_files(tree_state(base / "gitops")), tree_files(reference)
    assert old != new
    projects = list(copies(base, tmp_path, len(POINTS)))
    started = [
        start(project, "generate", fault=f"stop:{phase}:{k}")
        for project, (phase, k) in zip(projects, POINTS, strict=True)
    ]  # all at once: the machine's cores load the definitions side by side
    processes = [wait_stopped(process) for process in started]
    for project, (phase, k), process in zip(projects, POINTS, processes, strict=True):
        assert process is not None, f"the write never reached {phase}:{k}"
        kill(process)
        killed = tree_files(tree_state(project / "gitops"))
        for path in sorted({*old, *new, *killed}):
            assert killed.get(path) in (old.get(path), new.get(path)), f"{path} after a kill at {phase}:{k}"
        repaired = run(project, "generate")
        assert repaired.exit_code == 0, repaired.output
        if ALL_POINTS.index((phase, k)) >= ALL_POINTS.index(("journal", 2)):  # committed: roll forward
            assert "finished the write an earlier run left halfway" in repaired.stderr
        assert "ended without releasing its lock" in repaired.stderr
        assert tree_state(project / "gitops") == reference, f"after a kill at {phase}:{k}"
        assert run(project, "generate", "--check").exit_code == 0


@pytest.mark.parametrize("k", range(1, 13))  # every data write: 10 files, the index, the journal
def test_a_full_disk_at_any_write_is_a_clear_error_and_the_tree_stays_as_it_was(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    project = shutil.copytree(base, tmp_path / "project")
    before = tree_state(project / "gitops")
    monkeypatch.setenv("KRO_GEN_FAULT", f"enospc:write:{k}")
    failed = run(project, "generate")
    assert failed.exit_code == 2
    (line,) = failed.stderr.splitlines()
    assert line.startswith("kro-gen: error: gitops/")
    assert (
        "cannot write gitops/: No space left on device (injected by KRO_GEN_FAULT); nothing was changed"
        in line
    )
    assert "(fix: free disk space or fix the permissions, then run again)" in line
    assert tree_state(project / "gitops") == before  # no staging folder, journal or lock left either


def test_a_full_disk_in_a_real_process_is_the_same_one_line(base: Path, tmp_path: Path) -> None:
    project = shutil.copytree(base, tmp_path / "project")
    before = tree_state(project / "gitops")
    failed = kro_gen(project, "generate", fault="enospc:write:5")
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1 and "No space left on device" in failed.stderr
    assert tree_state(project / "gitops") == before


def test_a_write_refused_after_the_commit_point_is_finished_by_the_next_run(
    base: Path, reference: dict[str, bytes | None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = shutil.copytree(base, tmp_path / "project")
    monkeypatch.setenv("KRO_GEN_FAULT", "eacces:rename:3")
    failed = run(project, "generate")
    assert failed.exit_code == 2
    (line,) = failed.stderr.splitlines()
    assert "the write to gitops/ stopped halfway: Permission denied" in line and "journal is kept" in line
    assert "(fix: fix the cause and run 'kro-gen generate' again: it finishes the write" in line
    checked = run(project, "generate", "--check")
    assert checked.exit_code == 1 and "# interrupted: gitops/.kro-gen/journal.json" in checked.stdout
    monkeypatch.delenv("KRO_GEN_FAULT")
    assert run(project, "generate").exit_code == 0
    assert tree_state(project / "gitops") == reference


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("environments/prod/webapp-web-app.yaml", "gitops/environments/prod/webapp-web-app.yaml"),  # a file
        ("environments/dev/deployment-web.yaml", "gitops/environments/dev/deployment-web.yaml"),  # to delete
        ("platform/rgds", "gitops/platform/rgds/"),  # a folder that gets a new file
    ],
)
def test_a_read_only_file_or_folder_in_the_tree_is_refused_before_anything_changes(
    base: Path, tmp_path: Path, target: str, shown: str
) -> None:
    project = shutil.copytree(base, tmp_path / "project")
    path = project / "gitops" / target
    path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        before = tree_state(project / "gitops")
        refused = run(project, "generate")
        assert refused.exit_code == 1
        (line,) = refused.stderr.splitlines()
        assert line.startswith(f"kro-gen: error: {shown}: cannot change read-only files or folders: {shown}")
        assert "(fix: make them writable (chmod u+w ...) if kro-gen may change them, then run again)" in line
        assert tree_state(project / "gitops") == before
    finally:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert run(project, "generate").exit_code == 0


def test_a_malformed_fault_variable_is_an_error_not_a_silent_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRO_GEN_FAULT", "explode:stage:1")
    with pytest.raises(ValueError, match="expected <action>:<phase>:<k>"):
        from_env()
    monkeypatch.delenv("KRO_GEN_FAULT")
    assert from_env().point("stage") is None  # unset: a no-op


def test_resume_lets_a_stopped_write_finish_as_if_nothing_happened(
    base: Path, reference: dict[str, bytes | None], tmp_path: Path
) -> None:
    project = shutil.copytree(base, tmp_path / "project")
    process = stopped(project, "rename", 4)
    assert process is not None
    out, err = resume(process)
    assert process.returncode == 0, err
    assert out == "gitops/: 11 written, 2 deleted, 18 unchanged\n"
    assert tree_state(project / "gitops") == reference
