"""Unified diffs of tree files, and how messages name a file of the tree.

One place, so ``--check``, ``diff`` and a refused ``generate`` show the same diff for the same file,
and none of them prints a Secret's values (:mod:`kro_gen.emit.masking`).
"""

from __future__ import annotations

import difflib
from pathlib import Path


def shown_path(label: str, path: str) -> str:
    """``path`` (relative to the output dir) as messages name it: under ``label``, the output dir as the
    user knows it (e.g. ``gitops``, so ``gitops/platform/rgds/...`` opens from the project root)."""
    label = label.rstrip("/")
    return path if label in ("", ".") else f"{label}/{path}"


def read_text(path: Path) -> str | None:
    """The text of the regular file at ``path`` (undecodable bytes replaced); None if there is none."""
    if path.is_symlink() or not path.is_file():
        return None
    return path.read_bytes().decode("utf-8", errors="replace")


def unified_diff(path: str, before: str | None, after: str | None) -> str:
    """A unified diff of the file ``path`` (as the headers name it); ``None`` stands for "no file"
    (``/dev/null``).

    Secret values are masked on both sides as ``<masked: N bytes, value K>``: ``K`` numbers the distinct
    values of this diff, so a changed value still shows as a changed line, without its text.
    """
    from kro_gen.emit.masking import mask_pair

    before, after = mask_pair(before, after)
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


def file_diff(root: Path, path: str, planned: str | None, label: str) -> str:
    """The diff from the file ``path`` on disk under ``root`` to ``planned`` (None: the file goes),
    headed ``# <kind>: <shown path>`` by :func:`report_block`'s callers."""
    return unified_diff(shown_path(label, path), read_text(root / path), planned)


def report_block(kind: str, shown: str, diff: str) -> str:
    """One entry of a drift report: a ``# <kind>: <path>`` line, then the diff."""
    return f"# {kind}: {shown}\n{diff}"
