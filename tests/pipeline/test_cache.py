"""The result cache's store: entries a run reads stay, entries no run uses for weeks are pruned."""

from __future__ import annotations

import os
import time
from pathlib import Path

from kro_gen.pipeline.cache import MAX_AGE_DAYS, STALE_TEMP_SECONDS, CacheStore

DAY = 86400.0


def _age(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def _only_file(folder: Path, suffix: str) -> Path:
    (path,) = [p for p in folder.rglob(f"*{suffix}")]
    return path


def test_reading_an_entry_marks_it_used(tmp_path: Path) -> None:
    store = CacheStore(tmp_path)
    store.write("units", "key", {"a": 1})
    entry = _only_file(tmp_path, ".bin")
    _age(entry, 30 * DAY)
    assert store.read("units", "key") == {"a": 1}
    assert time.time() - entry.stat().st_mtime < DAY
    assert store.prune() == 0
    assert CacheStore(tmp_path).read("units", "key") == {"a": 1}


def test_prune_deletes_entries_unused_for_weeks_and_keeps_the_rest(tmp_path: Path) -> None:
    store = CacheStore(tmp_path)
    store.write("units", "old", "o")
    store.write("units", "new", "n")
    store.write("run", "old-run", "r")
    old, old_run = store._path("units", "old"), store._path("run", "old-run")
    _age(old, (MAX_AGE_DAYS + 1) * DAY)
    _age(old_run, (MAX_AGE_DAYS + 1) * DAY)
    assert store.prune() == 2
    assert not old.exists() and not old_run.exists()
    assert store.read("units", "new") == "n"
    assert (tmp_path / ".gitignore").is_file()  # never pruned: git must keep ignoring the folder


def test_prune_deletes_temporary_files_a_killed_run_left_after_an_hour(tmp_path: Path) -> None:
    store = CacheStore(tmp_path)
    store.write("units", "key", 1)
    folder = store._path("units", "key").parent
    stale, fresh = folder / "x.bin.123.tmp", folder / "y.bin.456.tmp"
    stale.write_bytes(b"partial")
    fresh.write_bytes(b"being written now")
    _age(stale, STALE_TEMP_SECONDS + 60)
    assert store.prune() == 1
    assert not stale.exists() and fresh.exists()
    assert store.read("units", "key") == 1


def test_prune_without_a_folder_or_with_unreadable_files_never_fails(tmp_path: Path) -> None:
    assert CacheStore(None).prune() == 0
    assert CacheStore(tmp_path / "missing").prune() == 0
    store = CacheStore(tmp_path)
    store.write("units", "key", 1)
    (tmp_path / "units" / "notes.txt").write_text("not kro-gen's", "utf-8")
    _age(tmp_path / "units" / "notes.txt", 100 * DAY)
    assert store.prune(max_age_days=0, now=time.time() + 10) == 1  # the entry; the foreign file stays
    assert (tmp_path / "units" / "notes.txt").exists()
