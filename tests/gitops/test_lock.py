"""The tree lock, on real processes: a second ``generate`` waits (saying for whom after a second) or
gives up with a clear error; readers (``--check``, ``diff``) wait for a writer and write nothing; the
lock of a killed run is taken over at once."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from kro_gen.errors import KroGenError
from kro_gen.gitops.lock import LOCK_INFO_PATH, tree_lock
from tests.test_pipeline_support import edit, make_project, snapshot

from .support_process import (
    kill,
    kro_gen,
    resume,
    start,
    stderr_line,
    stopped,
    tree_state,
    two_version_project,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return two_version_project(tmp_path / "project")


def test_a_second_generate_waits_for_the_first_and_says_for_whom(project: Path) -> None:
    first = stopped(project, "lock")  # holds the lock, has written nothing yet
    assert first is not None
    second = start(project, "generate")
    waiting = stderr_line(second)  # said while the first still holds the lock
    note = re.fullmatch(
        r"kro-gen: note: waiting for the lock on gitops/ held by pid (\d+) on \S+ "
        r"\(kro-gen generate\) since \d\d:\d\d:\d\d\n",
        waiting,
    )
    assert note is not None and int(note.group(1)) == first.pid, waiting
    assert second.poll() is None  # still waiting
    out, err = resume(first)
    assert first.returncode == 0 and out == "gitops/: 11 written, 2 deleted, 18 unchanged\n", err
    second_out, second_err = second.communicate(timeout=60)
    assert second.returncode == 0 and second_err == "", second_err
    assert second_out == "gitops/: 0 written, 0 deleted, 29 unchanged\n"  # it ran after: nothing left
    assert not (project / "gitops" / LOCK_INFO_PATH).exists()


def test_a_second_generate_gives_up_after_the_timeout_and_changes_nothing(project: Path) -> None:
    edit(project / "pyproject.toml", "[tool.kro-gen]\n", "[tool.kro-gen]\nlock_timeout = 1\n")
    first = stopped(project, "lock")
    assert first is not None
    before = tree_state(project / "gitops")
    for args in (["generate"], ["generate", "--check"], ["diff"]):
        waited = kro_gen(project, *args)
        assert waited.returncode == 2, waited.stderr
        error = waited.stderr.splitlines()[-1]
        assert error.startswith(
            f"kro-gen: error: gitops/{LOCK_INFO_PATH}: gave up after 1 s waiting for the lock on gitops/, "
            f"held by pid {first.pid} on "
        )
        assert "(fix: let that run finish (or stop it), then run again; raise lock_timeout" in error
    assert tree_state(project / "gitops") == before
    kill(first)


def test_the_lock_of_a_killed_run_is_taken_over_at_once(project: Path) -> None:
    first = stopped(project, "rename", 3)  # killed in the middle of its write, holding the lock
    assert first is not None
    kill(first)
    assert (project / "gitops" / LOCK_INFO_PATH).exists()  # its record stays behind, the OS lock does not
    started = time.monotonic()
    again = kro_gen(project, "generate")
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - started < 30  # no waiting for a dead run (the timeout is 300 s)
    assert f"the last run to write gitops/ (pid {first.pid} on " in again.stderr
    assert "ended without releasing its lock" in again.stderr
    assert "finished the write an earlier run left halfway in gitops/" in again.stderr
    assert kro_gen(project, "generate", "--check").returncode == 0


def test_check_waits_for_a_running_generate_and_then_sees_the_whole_write(project: Path) -> None:
    first = stopped(project, "rename", 5)  # halfway through its renames
    assert first is not None
    checker = start(project, "generate", "--check")
    assert "waiting for the lock on gitops/" in stderr_line(checker)  # never reads a write halfway
    resume(first)
    out, err = checker.communicate(timeout=60)
    assert checker.returncode == 0, out + err
    assert out == "gitops/ is up to date\n"


def test_readers_share_the_lock_and_write_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    assert kro_gen(project, "generate").returncode == 0
    shutil.rmtree(project / "gitops/.kro-gen", ignore_errors=False)  # as a fresh clone could have it
    before = snapshot(project / "gitops")
    with tree_lock(project / "gitops", shared=True):
        checked = kro_gen(project, "diff")  # another reader at the same time
    assert checked.returncode == 1  # no index: every file is unowned, and nothing is created
    assert snapshot(project / "gitops") == before
    assert not (project / "gitops/.kro-gen").exists()


def test_in_process_locks_exclude_each_other_and_time_out(tmp_path: Path) -> None:
    heard: list[str] = []
    with (
        tree_lock(tmp_path),
        pytest.raises(KroGenError) as caught,
        tree_lock(tmp_path, timeout=1.2, say=heard.append, label="out"),
    ):
        pass  # pragma: no cover - never entered
    assert caught.value.rule == "tree-locked"
    (message,) = heard
    assert message.startswith(f"waiting for the lock on out/ held by pid {os.getpid()} on ")
    with tree_lock(tmp_path, shared=True), tree_lock(tmp_path, shared=True, timeout=0):
        pass  # two readers at once
