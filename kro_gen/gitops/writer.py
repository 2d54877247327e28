"""``write_tree``: put a :class:`TreePlan` on disk atomically, touching only files kro-gen owns.

Steps (GITOPS-NOTES §4.3, Tanka's model):

1. Finish or undo an earlier interrupted run (see below).
2. Compare the plan with the disk and the ownership index, and refuse, changing nothing, when a planned
   path holds a file kro-gen does not own (unless ``adopt``) or an owned file was edited by hand
   (unless ``force``). The error lists every such path.
3. Stage every changed file under ``.kro-gen/staging/``, then write the journal
   ``.kro-gen/journal.json``: the renames and deletes still to do, and the new index.
4. Apply the journal: ``os.replace`` each staged file onto its target, delete owned files no longer
   planned (only if they still hold what kro-gen wrote), remove folders this emptied, write the index
   last, then drop the staging folder and the journal.

Interrupted runs: before the journal exists nothing outside ``.kro-gen/`` has changed, so the next run
discards the staging folder (roll back). Once the journal exists every step of 4 is idempotent, so the
next run (``recover``) replays it (roll forward) and then plans as usual.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kro_gen.errors import Location, ValidationError
from kro_gen.gitops.index import INDEX_PATH, file_sha256, read_index, render_index, sha256_text
from kro_gen.gitops.model import STATE_DIR, TreePlan, check_relative_path

STAGING_DIR = f"{STATE_DIR}/staging"
JOURNAL_PATH = f"{STATE_DIR}/journal.json"


@dataclass(frozen=True)
class WriteReport:
    """What a write did: paths (relative to the root) written, left as they were, and deleted."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    deleted: tuple[str, ...]


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


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_atomic(path: Path, data: bytes) -> None:
    temp = path.with_name(path.name + ".tmp")
    _write_bytes(temp, data)
    _move(temp, path)
    _fsync_dir(path.parent)


def _remove_empty_parents(root: Path, relative: str) -> None:
    parent = (root / relative).parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _apply_journal(root: Path, journal: dict[str, Any]) -> None:
    for entry in journal["renames"]:
        staged, target = root / STAGING_DIR / entry["path"], root / entry["path"]
        if staged.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            _move(staged, target)
            _fsync_dir(target.parent)
        elif file_sha256(target) != entry["sha256"]:
            raise ValidationError(
                "an interrupted write cannot be completed: the staged copy is gone and the file does "
                "not hold the planned content",
                location=Location(file=str(target)),
                hint=f"restore the tree from git, delete {JOURNAL_PATH}, and run kro-gen again",
                rule="journal",
            )
    for entry in journal["deletes"]:
        target = root / entry["path"]
        if file_sha256(target) == entry["sha256"]:
            target.unlink()
            _remove_empty_parents(root, entry["path"])
    _write_atomic(root / INDEX_PATH, journal["index"].encode("utf-8"))
    shutil.rmtree(root / STAGING_DIR, ignore_errors=True)
    (root / JOURNAL_PATH).unlink()
    _fsync_dir(root / STATE_DIR)


def recover(root: Path | str) -> bool:
    """Finish (journal present) or discard (staging only) an interrupted write; True if there was one."""
    root = Path(root)
    journal_path = root / JOURNAL_PATH
    if journal_path.exists():
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
        for entry in [*journal["renames"], *journal["deletes"]]:
            check_relative_path(entry["path"])
        _apply_journal(root, journal)
        return True
    if (root / STAGING_DIR).exists():
        shutil.rmtree(root / STAGING_DIR)
        return True
    return False


def _inside(root: Path, relative: str) -> bool:
    resolved, base = (root / relative).resolve(), root.resolve()
    return resolved == base or base in resolved.parents


def shown_path(label: str, path: str) -> str:
    """``path`` (relative to the output dir) as messages name it: under ``label``, the output dir as the
    user knows it (e.g. ``gitops``, so ``gitops/platform/rgds/...`` opens from the project root)."""
    label = label.rstrip("/")
    return path if label in ("", ".") else f"{label}/{path}"


def _refuse(label: str, paths: list[str], message: str, hint: str, rule: str) -> None:
    """Raise naming every path under ``label`` (a bare ``README.md`` would read as the project's own
    README); the location is the first one."""
    if paths:
        shown = [shown_path(label, path) for path in sorted(paths)]
        raise ValidationError(
            f"{message}: {', '.join(shown)}",
            location=Location(file=shown[0]),
            hint=hint,
            rule=rule,
        )


def _check(
    plan: TreePlan, root: Path, owned: dict[str, str], *, adopt: bool, force: bool, label: str
) -> None:
    """Raise, listing every offending path, before anything is changed."""
    blocked = [p for p in plan.files if not _inside(root, p) or (root / p).is_dir()]
    blocked += [p for p in plan.files if any((root / parent).is_file() for parent in Path(p).parents)]
    _refuse(
        label,
        blocked,
        "planned paths are blocked by a directory, file or link",
        "move those away",
        "blocked-path",
    )
    unowned = [p for p in plan.files if p not in owned and ((root / p).exists() or (root / p).is_symlink())]
    if not adopt:
        _refuse(
            label,
            unowned,
            "refusing to overwrite files kro-gen does not own",
            "move them away, or rerun with --adopt to let kro-gen take them over",
            "unowned-file",
        )
    edited = [
        p
        for p, sha in owned.items()
        if (root / p).exists() or (root / p).is_symlink()
        if file_sha256(root / p) != sha
    ]
    if not force:
        _refuse(
            label,
            edited,
            "owned files were edited by hand",
            "change the definitions instead (see `kro-gen diff`), or rerun with --force to discard the edits",
            "hand-edited",
        )


def write_tree(
    plan: TreePlan,
    root: Path | str,
    *,
    adopt: bool = False,
    force: bool = False,
    label: str | None = None,
) -> WriteReport:
    """Make the tree under ``root`` match ``plan``; see the module docstring for the guarantees.

    Args:
        plan: the desired files.
        root: the output dir (created if missing).
        adopt: take over planned paths that exist but are not in the ownership index.
        force: overwrite or delete owned files even when they were edited by hand.
        label: how error messages name ``root`` (the CLI passes the configured output folder, so a
            path opens from the project root); default: ``root`` as given.

    Raises:
        ValidationError: unowned files in the way, hand-edited files, or an unrecoverable journal.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    recover(root)
    owned = read_index(root)
    _check(plan, root, owned, adopt=adopt, force=force, label=str(root) if label is None else label)

    hashes = {path: sha256_text(text) for path, text in plan.files.items()}
    changed = [p for p in plan.files if file_sha256(root / p) != hashes[p]]
    stale = [p for p in sorted(owned) if p not in plan.files and (root / p).exists()]
    index_text = render_index(hashes, plan.tool_version)
    index_path = root / INDEX_PATH
    index_current = index_path.exists() and index_path.read_text(encoding="utf-8") == index_text
    report = WriteReport(
        written=tuple(changed),
        unchanged=tuple(p for p in plan.files if p not in changed),
        deleted=tuple(stale),
    )
    if not changed and not stale and index_current:
        return report

    for path in changed:
        _write_bytes(root / STAGING_DIR / path, plan.files[path].encode("utf-8"))
    journal = {
        "version": 1,
        "renames": [{"path": p, "sha256": hashes[p]} for p in changed],
        "deletes": [{"path": p, "sha256": file_sha256(root / p)} for p in stale],
        "index": index_text,
    }
    _write_atomic(root / JOURNAL_PATH, (json.dumps(journal, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    _apply_journal(root, journal)
    return report
