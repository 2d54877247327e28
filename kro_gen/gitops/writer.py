"""``write_tree``: put a :class:`TreePlan` on disk atomically, touching only files kro-gen owns.

Steps (GITOPS-NOTES §4.3, Tanka's model), all under the tree's exclusive lock (:mod:`.lock`):

1. Finish or undo an earlier interrupted run (:mod:`.journal`: roll forward once its journal is
   committed, else roll back).
2. Compare the plan with the disk and the ownership index, and refuse, changing nothing, when a planned
   path holds a file kro-gen does not own (unless ``adopt``), an owned file was edited by hand (unless
   ``force``; the refusal carries the diff of each edit), or a file or folder to change is read-only.
   The error lists every such path.
3. Stage every changed file and the new index, then commit the journal (:func:`.journal.commit`).
   A failed write (a full disk) discards the staging folder: the tree is as before.
4. Apply the journal: renames, deletes of owned files no longer planned (only if they still hold what
   kro-gen wrote), removal of folders this emptied, the index last.

``KRO_GEN_FAULT`` (:mod:`.faults`) makes a run fail or die at a chosen step; the crash tests use it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kro_gen.errors import KroGenError, Location, ValidationError
from kro_gen.gitops import faults as fault_hook
from kro_gen.gitops.diffs import file_diff, report_block, shown_path
from kro_gen.gitops.index import (
    INDEX_PATH,
    file_sha256,
    read_index,
    render_index,
    sha256_bytes,
    sha256_text,
)
from kro_gen.gitops.journal import (
    GITIGNORE_PATH,
    GITIGNORE_TEXT,
    JOURNAL_PATH,
    STAGING_DIR,
    Transaction,
    apply,
    commit,
    discard,
    read_journal,
)
from kro_gen.gitops.lock import DEFAULT_TIMEOUT, Say, tree_lock
from kro_gen.gitops.model import STATE_DIR, TreePlan

__all__ = [
    "HAND_EDIT_HINT",
    "JOURNAL_PATH",
    "STAGING_DIR",
    "WriteReport",
    "hand_edited_error",
    "recover",
    "unowned_error",
    "write_tree",
]

HAND_EDIT_HINT = (
    "put the change into the definitions and run 'kro-gen generate', "
    "or discard it with 'kro-gen generate --force'"
)
UNOWNED_HINT = "move them away, or run 'kro-gen generate --adopt' to let kro-gen take them over"


@dataclass(frozen=True)
class WriteReport:
    """What a write did: paths (relative to the root) written, left as they were, and deleted; and
    what happened to an interrupted earlier write (``finished``, ``rolled back`` or None)."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    deleted: tuple[str, ...]
    recovered: str | None = None


def _recover(root: Path, faults: fault_hook.Faults) -> str | None:
    journal = read_journal(root)
    if journal is not None:
        apply(root, journal, faults)
        return "finished"
    return "rolled back" if discard(root) else None


def recover(root: Path | str) -> bool:
    """Finish (journal present) or discard (staging only) an interrupted write; True if there was one.

    Call it only under the tree lock (``write_tree`` does).
    """
    return _recover(Path(root), fault_hook.NO_FAULTS) is not None


def _inside(root: Path, relative: str) -> bool:
    return _below((root / relative).resolve(), root.resolve())


def _below(resolved: Path, base: Path) -> bool:
    """``resolved`` is ``base`` or inside it (both resolved; compared as text, not part by part)."""
    text, top = os.path.normcase(resolved), os.path.normcase(base)
    return text == top or text.startswith(top if top.endswith(os.sep) else top + os.sep)


class _Folders:
    """What the writer asks of the tree on disk, asked once: each planned path's folders (a fleet's
    tree has thousands of files in a few hundred folders, and ``Path.resolve`` costs a system call per
    part), and each file's ``lstat`` and hash (the checks and the list of changes share them)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = root.resolve()
        self._resolved: dict[str, Path] = {}
        self._file: dict[str, bool] = {}
        self._modes: dict[str, int | None] = {}
        self._hashes: dict[str, str | None] = {}

    def mode(self, relative: str) -> int | None:
        """The ``lstat`` mode of ``relative`` (a link's own), or None when nothing is there; one call per
        path and run (nothing changes the tree while the writer holds its lock and checks it)."""
        if relative not in self._modes:
            try:
                self._modes[relative] = os.lstat(self.root / relative).st_mode
            except OSError:
                self._modes[relative] = None
        return self._modes[relative]

    def present(self, relative: str) -> bool:
        """Something (a file, a folder, a link, even a broken one) is at ``relative``."""
        return self.mode(relative) is not None

    def is_dir(self, relative: str) -> bool:
        """A folder, or a link to one, is at ``relative``."""
        mode = self.mode(relative)
        if mode is not None and stat.S_ISLNK(mode):
            return (self.root / relative).is_dir()
        return mode is not None and stat.S_ISDIR(mode)

    def sha(self, relative: str) -> str | None:
        """:func:`file_sha256` of ``relative`` (None unless a regular file, not a link), read once."""
        if relative not in self._hashes:
            mode = self.mode(relative)
            regular = mode is not None and stat.S_ISREG(mode)
            self._hashes[relative] = sha256_bytes((self.root / relative).read_bytes()) if regular else None
        return self._hashes[relative]

    def resolved(self, folder: str) -> Path:
        if folder not in self._resolved:
            self._resolved[folder] = (self.root / folder).resolve()
        return self._resolved[folder]

    def inside(self, relative: str) -> bool:
        """:func:`_inside`, resolving the file itself only when it is a link."""
        folder, _, name = relative.rpartition("/")
        mode = self.mode(relative)
        linked = mode is not None and stat.S_ISLNK(mode)
        resolved = (self.root / relative).resolve() if linked else self.resolved(folder) / name
        return _below(resolved, self.base)

    def under_file(self, relative: str) -> bool:
        """True when a folder of ``relative`` is a file."""
        parts = relative.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder not in self._file:
                self._file[folder] = (self.root / folder).is_file()
            if self._file[folder]:
                return True
        return False


def _error(
    label: str, paths: Iterable[str], message: str, hint: str, rule: str, tail: str = ""
) -> ValidationError:
    """An error naming every path under ``label`` (a bare ``README.md`` would read as the project's own
    README); the location is the first one."""
    shown = [shown_path(label, path) for path in sorted(paths)]
    return ValidationError(
        f"{message}: {', '.join(shown)}{tail}", location=Location(file=shown[0]), hint=hint, rule=rule
    )


def hand_edited_error(paths: Iterable[str], label: str, detail: str = "") -> ValidationError:
    """The refusal for owned files edited by hand (``generate`` and ``generate --check`` say the same);
    ``detail`` is the diff of each edit, printed above the message."""
    tail = " (the diff above shows each edit)"
    error = _error(label, paths, "owned files were edited by hand", HAND_EDIT_HINT, "hand-edited", tail)
    error.detail = detail
    return error


def unowned_error(paths: Iterable[str], label: str) -> ValidationError:
    """The refusal for planned paths that hold files kro-gen does not own."""
    return _error(
        label, paths, "refusing to overwrite files kro-gen does not own", UNOWNED_HINT, "unowned-file"
    )


def _check(
    plan: TreePlan,
    root: Path,
    owned: dict[str, str],
    *,
    adopt: bool,
    force: bool,
    label: str,
    folders: _Folders,
) -> None:
    """Raise, listing every offending path, before anything is changed (``folders``: the tree under
    ``root`` as this run reads it)."""
    blocked = [p for p in plan.files if not folders.inside(p) or folders.is_dir(p)]
    blocked += [p for p in plan.files if folders.under_file(p)]
    if blocked:
        raise _error(
            label,
            blocked,
            "planned paths are blocked by a directory, file or link",
            "move those away",
            "blocked-path",
        )
    unowned = [p for p in plan.files if p not in owned and folders.present(p)]
    if unowned and not adopt:
        raise unowned_error(unowned, label)
    edited = sorted(p for p, sha in owned.items() if folders.present(p) and folders.sha(p) != sha)
    if edited and not force:
        detail = "".join(
            report_block("hand-edited", shown_path(label, p), file_diff(root, p, plan.files.get(p), label))
            for p in edited
        )
        raise hand_edited_error(edited, label, detail)


def _read_only(path: Path) -> bool:
    """A file or folder that says "do not change me": no owner write bit, or no write access."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    if stat.S_ISLNK(mode):
        return False
    return not mode & stat.S_IWUSR or not os.access(path, os.W_OK, follow_symlinks=False)


def _check_writable(root: Path, paths: Iterable[str], label: str) -> None:
    """Refuse before the commit point when a file to replace or delete, or its folder, is read-only:
    the renames after it must not fail halfway."""
    blocked: set[str] = set()
    for path in paths:
        if _read_only(root / path):
            blocked.add(path)
        parent = Path(path).parent
        while parent != Path("."):  # the nearest existing folder is the one a rename or mkdir writes
            if (root / parent).is_dir():
                if _read_only(root / parent):
                    blocked.add(f"{parent.as_posix()}/")
                break
            parent = parent.parent
    if _read_only(root) or _read_only(root / STATE_DIR):
        blocked.add(f"{STATE_DIR}/")
    if blocked:
        raise _error(
            label,
            blocked,
            "cannot change read-only files or folders",
            "make them writable (chmod u+w ...) if kro-gen may change them, then run again",
            "read-only",
        )


def _write_failed(error: OSError, root: Path, label: str, committed: bool) -> KroGenError:
    where = None
    if error.filename:
        try:
            relative = Path(error.filename).resolve().relative_to((root / STAGING_DIR).resolve()).as_posix()
        except ValueError:
            relative = None
        where = Location(file=shown_path(label, relative)) if relative else Location(file=str(error.filename))
    reason = error.strerror or str(error)
    if not committed:
        return KroGenError(
            f"cannot write {label}/: {reason}; nothing was changed",
            location=where,
            hint="free disk space or fix the permissions, then run again",
            rule="write-failed",
        )
    return KroGenError(
        f"the write to {label}/ stopped halfway: {reason}; its journal is kept",
        location=where,
        hint="fix the cause and run 'kro-gen generate' again: it finishes the write from the journal",
        rule="write-failed",
    )


def write_tree(
    plan: TreePlan,
    root: Path | str,
    *,
    adopt: bool = False,
    force: bool = False,
    label: str | None = None,
    lock_timeout: float = DEFAULT_TIMEOUT,
    say: Say | None = None,
) -> WriteReport:
    """Make the tree under ``root`` match ``plan``; see the module docstring for the guarantees.

    Args:
        plan: the desired files.
        root: the output dir (created if missing).
        adopt: take over planned paths that exist but are not in the ownership index.
        force: overwrite or delete owned files even when they were edited by hand.
        label: how error messages name ``root`` (the CLI passes the configured output folder, so a
            path opens from the project root); default: ``root`` as given.
        lock_timeout: seconds to wait for another run's lock on the tree.
        say: called with a message while waiting for the lock.

    Raises:
        ValidationError: unowned files in the way, hand-edited or read-only files, an unrecoverable
            journal.
        KroGenError: the lock was not free in time, or a write failed (the tree is then as before).
    """
    root = Path(root)
    shown = str(root) if label is None else label
    if root.exists() and not root.is_dir():
        raise ValidationError(
            f"the output folder {shown} is a file",
            location=Location(file=shown),
            hint="move the file away, or set output in [tool.kro-gen] to another folder",
            rule="blocked-path",
        )
    root.mkdir(parents=True, exist_ok=True)
    faults = fault_hook.from_env()
    with tree_lock(root, timeout=lock_timeout, say=say, label=shown):
        faults.point("lock")
        recovered = _recover(root, faults)
        return _write_locked(
            plan, root, adopt=adopt, force=force, label=shown, faults=faults, recovered=recovered
        )


def _write_locked(
    plan: TreePlan,
    root: Path,
    *,
    adopt: bool,
    force: bool,
    label: str,
    faults: fault_hook.Faults,
    recovered: str | None,
) -> WriteReport:
    owned = read_index(root)
    disk = _Folders(root)  # each file's state and hash, read once for the checks and the changes
    _check(plan, root, owned, adopt=adopt, force=force, label=label, folders=disk)
    hashes = {path: sha256_text(text) for path, text in plan.files.items()}
    changed = [p for p in plan.files if disk.sha(p) != hashes[p]]
    written = set(changed)  # for the membership test below (a list made it quadratic in the files)
    stale = [p for p in sorted(owned) if p not in plan.files and (root / p).exists()]
    state = {INDEX_PATH: render_index(hashes, plan.tool_version), GITIGNORE_PATH: GITIGNORE_TEXT}
    writes = {p: plan.files[p].encode("utf-8") for p in changed}
    writes |= {
        p: text.encode("utf-8") for p, text in state.items() if file_sha256(root / p) != sha256_text(text)
    }
    report = WriteReport(
        written=tuple(changed),
        unchanged=tuple(p for p in plan.files if p not in written),
        deleted=tuple(stale),
        recovered=recovered,
    )
    if not writes and not stale:
        return report
    _check_writable(root, [*changed, *stale], label)
    transaction = Transaction(writes, {p: file_sha256(root / p) or "" for p in stale})
    try:
        journal = commit(root, transaction, faults)
    except OSError as error:
        _discard_quietly(root)
        raise _write_failed(error, root, label, committed=False) from None
    try:
        apply(root, journal, faults)
    except OSError as error:
        raise _write_failed(error, root, label, committed=True) from None
    return report


def _discard_quietly(root: Path) -> None:
    """Drop a failed run's staging folder, ignoring errors (the next run retries)."""
    with contextlib.suppress(OSError):
        discard(root)
