"""``check_tree``: how the tree on disk differs from a plan, without writing anything (``--check`` in CI).

Kinds of drift, each with a unified diff from the disk (``a/``) to the plan (``b/``):

* ``missing``     planned, not on disk;
* ``changed``     owned and untouched, but the plan now says something else (regenerate);
* ``hand-edited`` owned, but its bytes differ from the hash kro-gen recorded;
* ``stale``       owned, no longer planned, still on disk (a write would delete it);
* ``unowned``     planned, but the path holds a file kro-gen does not own (a write would refuse);
* ``interrupted`` an earlier write stopped halfway (its journal is still there).

:func:`unlisted_files` finds what is not drift but still worth a warning: hand-written manifests put in
a folder whose ``kustomization.yaml`` kro-gen writes. That list names only generated files, so Argo CD
and Flux never apply them (kro-gen does not add them: the tree would then depend on whatever lies on
disk, and the checks every generated object passes would not cover them).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kro_gen.gitops.index import file_sha256, read_index, sha256_bytes
from kro_gen.gitops.layout import KUSTOMIZATION
from kro_gen.gitops.model import TreePlan
from kro_gen.gitops.writer import JOURNAL_PATH, shown_path

_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

DriftKind = Literal["missing", "changed", "hand-edited", "stale", "unowned", "interrupted"]


@dataclass(frozen=True)
class Drift:
    """One difference between the plan and the disk: ``path`` is relative to the output dir,
    ``shown_path`` is how the report and the diff headers name it (see :func:`check_tree`)."""

    kind: DriftKind
    path: str
    diff: str
    shown_path: str


def _read(path: Path) -> str | None:
    if path.is_symlink() or not path.is_file():
        return None
    return path.read_bytes().decode("utf-8", errors="replace")


def unified_diff(path: str, before: str | None, after: str | None) -> str:
    """A unified diff of the file ``path`` (as the headers name it); ``None`` stands for "no file"
    (``/dev/null``)."""
    absolute = Path(path).is_absolute()  # git's a/ and b/ prefixes are for relative paths only
    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True),
        (after or "").splitlines(keepends=True),
        fromfile=("/dev/null" if before is None else path if absolute else f"a/{path}"),
        tofile=("/dev/null" if after is None else path if absolute else f"b/{path}"),
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def check_tree(plan: TreePlan, root: Path | str, *, label: str | None = None) -> list[Drift]:
    """Every difference between ``plan`` and the tree under ``root``, sorted by path (empty = in sync).

    ``label`` is how the report and the diff headers name ``root`` (the CLI passes the configured output
    folder, e.g. ``gitops``, so ``a/gitops/platform/...`` opens from the project root); default: ``root``
    as given.
    """
    root = Path(root)
    label = str(root) if label is None else label

    def drift(kind: DriftKind, path: str, before: str | None, after: str | None) -> Drift:
        shown = shown_path(label, path)
        return Drift(kind, path, unified_diff(shown, before, after), shown)

    drifts: list[Drift] = []
    if (root / JOURNAL_PATH).exists():
        drifts.append(Drift("interrupted", JOURNAL_PATH, "", shown_path(label, JOURNAL_PATH)))
    owned = read_index(root)
    for path, text in plan.files.items():
        disk = _read(root / path)
        if disk is None and not (root / path).exists():
            drifts.append(drift("missing", path, None, text))
        elif path not in owned:
            drifts.append(drift("unowned", path, disk, text))
        elif file_sha256(root / path) != owned[path]:
            drifts.append(drift("hand-edited", path, disk, text))
        elif sha256_bytes(text.encode("utf-8")) != owned[path]:
            drifts.append(drift("changed", path, disk, text))
    for path, sha in owned.items():
        if path in plan.files or not (root / path).exists():
            continue
        kind: DriftKind = "stale" if file_sha256(root / path) == sha else "hand-edited"
        drifts.append(drift(kind, path, _read(root / path), None))
    return sorted(drifts, key=lambda d: (d.path, d.kind))


def render_diff(drifts: list[Drift]) -> str:
    """A human-readable report: one ``# <kind>: <path>`` line per drift, followed by its diff."""
    return "".join(f"# {drift.kind}: {drift.shown_path}\n{drift.diff}" for drift in drifts)


def unlisted_files(plan: TreePlan, root: Path | str) -> list[tuple[str, str]]:
    """``(manifest, kustomization)`` pairs, paths relative to ``root``, sorted: each manifest on disk
    sits under a folder whose planned ``kustomization.yaml`` does not list it, so no GitOps tool
    applies it."""
    root = Path(root)
    folders = {path.rpartition("/")[0] for path in plan.files if path.rpartition("/")[2] == KUSTOMIZATION}
    # an owned file no longer planned is not hand-written: it is stale drift, which a write deletes
    known = {*plan.files, *read_index(root)}
    found: dict[str, str] = {}
    for folder in sorted(folders, key=len):  # the nearest (longest) folder wins
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            relative = path.relative_to(root).as_posix()
            if path.suffix in _MANIFEST_SUFFIXES and path.is_file() and relative not in known:
                found[relative] = f"{folder}/{KUSTOMIZATION}"
    return sorted(found.items())
