"""The writer's transaction: stage every new file, commit with one rename, then apply (GITOPS-NOTES §4.3).

Under ``<output>/.kro-gen/``:

* ``staging/<path>``: the new bytes of each changed file, and of the state files (the ownership index
  ``manifest.json`` and ``.gitignore``) under ``staging/.kro-gen/``;
* ``staging/journal.json``, then ``journal.json``: the renames and deletes to do, with the hash of
  each file's new (rename) or current (delete) bytes. Moving the journal into place is the commit point.

Before the commit point nothing outside ``staging/`` has changed, so an interrupted run is rolled back
by discarding the staging folder. Every byte is written before the commit point, so a full disk can
only stop a run that can still be rolled back. After it only renames and deletes remain, each
idempotent, so the next run replays the journal (roll forward): tree files, then deletes, then the
state files, the index last. Each file is at every moment either its old or its new version.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kro_gen.errors import Location, ValidationError
from kro_gen.gitops.faults import NO_FAULTS, Faults
from kro_gen.gitops.index import INDEX_PATH, file_sha256, sha256_bytes
from kro_gen.gitops.model import STATE_DIR, check_relative_path

STAGING_DIR = f"{STATE_DIR}/staging"
JOURNAL_PATH = f"{STATE_DIR}/journal.json"
GITIGNORE_PATH = f"{STATE_DIR}/.gitignore"
#: What ``.kro-gen/.gitignore`` says: the run state never goes to git (the index does).
GITIGNORE_TEXT = (
    "# kro-gen's run state: never commit it (manifest.json, the ownership index, is committed)\n"
    "/lock\n/journal.json\n/staging/\n"
)
#: The state files a transaction may replace, in the order it replaces them (the index last).
STATE_FILES = (GITIGNORE_PATH, INDEX_PATH)
_VERSION = 2


@dataclass(frozen=True)
class Transaction:
    """What one write changes: new bytes per path (tree files and state files), stale files to delete
    (path -> the hash they must still have)."""

    writes: dict[str, bytes]
    deletes: dict[str, str]


def _move(source: Path, target: Path) -> None:
    """Atomically move ``source`` onto ``target`` (one seam, so tests can interrupt a run here)."""
    os.replace(source, target)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_bytes(path: Path, data: bytes, faults: Faults, *, durable: bool = True) -> None:
    """Write ``path``; ``durable``: fsync it too (staged files are made durable all at once instead)."""
    try:
        faults.point("write")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as error:
        if error.filename is None:  # name the file (a full disk's write() error names none)
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise


def _remove_empty_parents(root: Path, relative: str) -> None:
    parent = (root / relative).parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def discard(root: Path) -> bool:
    """Drop the staging folder of a run that stopped before its commit point; True if there was one."""
    staging = root / STAGING_DIR
    if not staging.exists():
        return False
    shutil.rmtree(staging)
    return True


def commit(root: Path, transaction: Transaction, faults: Faults = NO_FAULTS) -> dict[str, Any]:
    """Stage every file and put the journal in place; return the journal.

    Raises:
        OSError: a write failed (full disk, permissions); nothing outside ``staging/`` has changed and
            the caller discards it.
    """
    staging = root / STAGING_DIR
    state = [path for path in STATE_FILES if path in transaction.writes]
    renames = [path for path in transaction.writes if path not in STATE_FILES]
    for path in [*renames, *state]:
        _write_bytes(staging / path, transaction.writes[path], faults, durable=False)
        faults.point("stage")
    # every staged byte is durable before the commit point: one sync for all of them, not an fsync
    # per file (a journal commit each: 2-5 ms per file, minutes for a fleet's first tree)
    os.sync()
    journal = {
        "version": _VERSION,
        "renames": [{"path": p, "sha256": sha256_bytes(transaction.writes[p])} for p in renames],
        "deletes": [{"path": p, "sha256": sha} for p, sha in transaction.deletes.items()],
        "state": [{"path": p, "sha256": sha256_bytes(transaction.writes[p])} for p in state],
    }
    text = json.dumps(journal, indent=2, sort_keys=True) + "\n"
    _write_bytes(staging / "journal.json", text.encode("utf-8"), faults)
    faults.point("journal")
    _move(staging / "journal.json", root / JOURNAL_PATH)
    faults.point("journal")
    return journal


def _rename(root: Path, entry: dict[str, str], touched: set[Path]) -> None:
    staged, target = root / STAGING_DIR / entry["path"], root / entry["path"]
    if staged.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _move(staged, target)
        touched.add(target.parent)
    elif file_sha256(target) != entry["sha256"]:
        raise ValidationError(
            "an interrupted write cannot be completed: the staged copy is gone and the file does "
            "not hold the planned content",
            location=Location(file=str(target)),
            hint=f"restore the tree from git, delete {JOURNAL_PATH}, and run kro-gen again",
            rule="journal",
        )


def apply(root: Path, journal: dict[str, Any], faults: Faults = NO_FAULTS) -> None:
    """Do what a committed journal says (idempotent: a replay after a crash finishes the job)."""
    touched: set[Path] = {root / STATE_DIR}
    for entry in journal["renames"]:
        _rename(root, entry, touched)
        faults.point("rename")
    for entry in journal["deletes"]:
        target = root / entry["path"]
        if file_sha256(target) == entry["sha256"]:
            target.unlink()
            touched.add(target.parent)
        _remove_empty_parents(root, entry["path"])  # also after a crash between unlink and rmdir
        faults.point("delete")
    for entry in journal.get("state", []):
        _rename(root, entry, touched)
    if isinstance(journal.get("index"), str):  # a version 1 journal carries the index text
        (root / INDEX_PATH).write_text(journal["index"], encoding="utf-8")
    faults.point("index")
    for folder in sorted(path for path in touched if path.is_dir()):
        _fsync_dir(folder)  # every rename is durable before the journal goes
    shutil.rmtree(root / STAGING_DIR, ignore_errors=True)
    faults.point("cleanup")
    (root / JOURNAL_PATH).unlink()
    _fsync_dir(root / STATE_DIR)


def read_journal(root: Path) -> dict[str, Any] | None:
    """The committed journal under ``root``, checked so that it can only touch the tree; None if none.

    Raises:
        ValidationError: the journal is not one kro-gen wrote.
    """
    path = root / JOURNAL_PATH
    if not path.exists():
        return None
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        for entry in [*journal["renames"], *journal["deletes"]]:
            check_relative_path(entry["path"])
        if any(entry["path"] not in STATE_FILES for entry in journal.get("state", [])):
            raise ValueError("a state entry names a file outside the state folder")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            f"the journal of an interrupted write is unreadable: {error}",
            location=Location(file=str(path)),
            hint=f"restore the tree from git, delete {JOURNAL_PATH}, and run kro-gen again",
            rule="journal",
        ) from None
    return dict(journal)
