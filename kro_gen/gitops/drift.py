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

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kro_gen.gitops.diffs import read_text, report_block, shown_path, unified_diff
from kro_gen.gitops.index import file_sha256, read_index, sha256_bytes
from kro_gen.gitops.journal import JOURNAL_PATH
from kro_gen.gitops.layout import KUSTOMIZATION
from kro_gen.gitops.lock import DEFAULT_TIMEOUT, Say, tree_lock
from kro_gen.gitops.model import TreePlan

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


def check_tree(
    plan: TreePlan,
    root: Path | str,
    *,
    label: str | None = None,
    lock_timeout: float = DEFAULT_TIMEOUT,
    say: Say | None = None,
) -> list[Drift]:
    """Every difference between ``plan`` and the tree under ``root``, sorted by path (empty = in sync).

    ``label`` is how the report and the diff headers name ``root`` (the CLI passes the configured output
    folder, e.g. ``gitops``, so ``a/gitops/platform/...`` opens from the project root); default: ``root``
    as given. The tree is read under its shared lock (a running ``generate`` is waited for, up to
    ``lock_timeout`` seconds; ``say`` hears why), so a write is never seen halfway; nothing is written.
    """
    root = Path(root)
    label = str(root) if label is None else label
    if not root.is_dir():
        return _drifts(plan, root, label)
    with tree_lock(root, shared=True, timeout=lock_timeout, say=say, label=label):
        return _drifts(plan, root, label)


def _drifts(plan: TreePlan, root: Path, label: str) -> list[Drift]:

    def drift(kind: DriftKind, path: str, before: str | None, after: str | None) -> Drift:
        shown = shown_path(label, path)
        return Drift(kind, path, unified_diff(shown, before, after), shown)

    drifts: list[Drift] = []
    if (root / JOURNAL_PATH).exists():
        drifts.append(Drift("interrupted", JOURNAL_PATH, "", shown_path(label, JOURNAL_PATH)))
    owned = read_index(root)
    for path, text in plan.files.items():
        disk = read_text(root / path)
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
        drifts.append(drift(kind, path, read_text(root / path), None))
    return sorted(drifts, key=lambda d: (d.path, d.kind))


def render_diff(drifts: list[Drift]) -> str:
    """A human-readable report: one ``# <kind>: <path>`` line per drift, followed by its diff."""
    return "".join(report_block(drift.kind, drift.shown_path, drift.diff) for drift in drifts)


def _listed(plan: TreePlan, folders: set[str]) -> set[str]:
    """Files the planned kustomizations list besides generated ones (user-owned ``resources``)."""
    from kro_gen.yamlread import load_yaml

    listed: set[str] = set()
    for folder in folders:
        body = load_yaml(plan.files[f"{folder}/{KUSTOMIZATION}"])
        entries = body.get("resources") if isinstance(body, dict) else None
        for entry in entries or ():
            if isinstance(entry, str):
                listed.add(posixpath.normpath(f"{folder}/{entry}" if folder else entry))
    return listed


def unlisted_files(plan: TreePlan, root: Path | str) -> list[tuple[str, str]]:
    """``(manifest, kustomization)`` pairs, paths relative to ``root``, sorted: each manifest on disk
    sits under a folder whose planned ``kustomization.yaml`` does not list it, so no GitOps tool
    applies it."""
    root = Path(root)
    folders = {path.rpartition("/")[0] for path in plan.files if path.rpartition("/")[2] == KUSTOMIZATION}
    # an owned file no longer planned is not hand-written: it is stale drift, which a write deletes
    known = {*plan.files, *read_index(root), *_listed(plan, folders)}
    found: dict[str, str] = {}

    # each file once: walk the outermost folders, and give a file to its nearest folder
    def ancestors(folder: str) -> list[str]:
        parts = folder.split("/")
        return ["/".join(parts[:depth]) for depth in range(1, len(parts))] + ([""] if folder else [])

    outermost = [f for f in folders if not any(a in folders for a in ancestors(f))]
    for top in sorted(outermost):
        base = root / top
        if not base.is_dir():
            continue
        for directory, _, names in os.walk(base):  # as Path.rglob: links to folders are not entered
            prefix = os.path.relpath(directory, root).replace(os.sep, "/")
            for name in names:
                relative = name if prefix == "." else f"{prefix}/{name}"
                if os.path.splitext(name)[1] not in _MANIFEST_SUFFIXES or relative in known:
                    continue
                if not os.path.isfile(os.path.join(directory, name)):
                    continue
                folder = relative.rpartition("/")[0]
                while folder not in folders:
                    folder = folder.rpartition("/")[0]
                found[relative] = f"{folder}/{KUSTOMIZATION}"
    return sorted(found.items())
