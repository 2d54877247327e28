"""The ownership index ``.kro-gen/manifest.json``: which files of the tree kro-gen wrote, with their hash.

Format (sorted JSON, 2-space indent, LF, no timestamps, so it only changes when the tree does)::

    {"files": {"<path>": "<sha256 hex>", ...}, "tool": "kro-gen", "version": "<kro-gen version>"}

A file in the index whose bytes no longer match its hash was edited by hand; a file on disk that is not
in the index is someone else's (e.g. ``flux bootstrap``'s ``flux-system/``) and is never touched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from kro_gen.errors import Location, ValidationError
from kro_gen.gitops.model import STATE_DIR, check_relative_path

INDEX_PATH = f"{STATE_DIR}/manifest.json"
TOOL = "kro-gen"


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """Hex SHA-256 of ``text`` as written (UTF-8)."""
    return sha256_bytes(text.encode("utf-8"))


def file_sha256(path: Path) -> str | None:
    """Hex SHA-256 of the regular file at ``path``; ``None`` when there is none (missing, dir, symlink)."""
    if path.is_symlink() or not path.is_file():
        return None
    return sha256_bytes(path.read_bytes())


def render_index(files: Mapping[str, str], version: str) -> str:
    """The index text for ``files`` (path -> sha256)."""
    body = {"files": dict(sorted(files.items())), "tool": TOOL, "version": version}
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_index(root: Path) -> dict[str, str]:
    """The owned files (path -> sha256) recorded under ``root``; empty when there is no index yet.

    Raises:
        ValidationError: the index exists but is not a kro-gen index (never guess ownership).
    """
    path = root / INDEX_PATH
    if not path.exists():
        return {}
    where = Location(file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _unreadable(error, where) from error
    return index_files(text, where)


def recorded_version(root: Path) -> str | None:
    """The kro-gen version the index under ``root`` records (None: no index, or not readable)."""
    try:
        body = json.loads((root / INDEX_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = body.get("version") if isinstance(body, dict) else None
    return version if isinstance(version, str) else None


def _unreadable(error: Exception, where: Location) -> ValidationError:
    return ValidationError(
        f"cannot read the ownership index: {error}",
        location=where,
        hint="restore it from git (git checkout -- <file>); without it kro-gen cannot tell its files",
        rule="ownership-index",
    )


def index_files(text: str, where: Location) -> dict[str, str]:
    """The files (path -> sha256) an index ``text`` records (read from disk or from a git revision).

    Raises:
        ValidationError: ``text`` is not a kro-gen index; ``where`` names it in the error.
    """
    try:
        body = json.loads(text)
    except ValueError as error:
        raise _unreadable(error, where) from error
    files = body.get("files") if isinstance(body, dict) else None
    valid = (
        isinstance(body, dict)
        and body.get("tool") == TOOL
        and isinstance(files, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    )
    if not valid:
        raise ValidationError(
            "the ownership index is not a kro-gen index",
            location=where,
            hint="restore it from git; or delete it and run with --adopt to take over the existing files",
            rule="ownership-index",
        )
    assert isinstance(files, dict)
    for owned in files:
        check_relative_path(owned)  # an index naming ../x or /etc/x must never steer a delete
    return dict(files)
