"""The result cache: what a run computed, reused by the next run whose inputs are the same.

Where: ``<project>/.kro-gen/cache/`` (``KRO_GEN_CACHE_DIR`` overrides it), with a ``.gitignore`` of
``*`` written beside the entries, so git never sees them whatever the project's own ``.gitignore``
says. Per project, not per user: a CI job can keep it between runs like any folder, and two
checkouts never share (or overwrite) each other's entries.

Every entry is a file named by a hash of its key, written atomically (a temporary file, then
``os.replace``), and framed: a magic line, the SHA-256 of the payload, the payload (a pickle). An entry
whose frame, checksum or contents do not check out -- truncated, corrupt, written by another kro-gen
-- is ignored (and rewritten by the run), never fatal. The cache is as trusted as the definitions
themselves (kro-gen executes those): keep it out of the repository.

What makes an entry valid is decided by :mod:`kro_gen.pipeline.incremental`; this module only keys,
stores and fingerprints:

* :func:`tool_fingerprint` -- kro-gen's version *and* a hash of its installed code (an editable or
  development install changes code without changing the version), Python's version, and the versions
  of the packages whose behaviour shapes the output.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

MAGIC = b"kro-gen cache v1\n"
CACHE_ENV = "KRO_GEN_CACHE_DIR"
#: Entries no run has read or written for this many days are deleted by :meth:`CacheStore.prune`.
MAX_AGE_DAYS = 14
#: Temporary files older than this (seconds) were left by a killed run: :meth:`CacheStore.prune` deletes them.
STALE_TEMP_SECONDS = 3600
#: Packages whose versions are part of every key (their behaviour shapes the output or the checks).
KEYED_PACKAGES = (
    "pydantic",
    "pydantic-core",
    "ruamel.yaml",
    "ruamel.yaml.clib",
    "cel-python",
    "kubernetes-validate",
    "jsonschema",
    "google-re2",
    "lark",
)


def default_cache_dir(project_root: Path) -> Path:
    """``$KRO_GEN_CACHE_DIR``, else ``<project_root>/.kro-gen/cache``."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else project_root / ".kro-gen" / "cache"


def digest(*parts: Any) -> str:
    """A SHA-256 over ``parts`` (their ``repr``; use only for plain, deterministic values)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """SHA-256 over every file of the installed ``kro_gen`` package (paths and bytes, sorted)."""
    package = Path(__file__).resolve().parent.parent
    hasher = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """kro-gen's version and code hash, the Python version and the keyed packages' versions."""
    from importlib import metadata

    from kro_gen import __version__

    versions: list[tuple[str, str | None]] = []
    for name in KEYED_PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, None))
    return digest(__version__, code_hash(), sys.version, sys.implementation.name, versions)


class CacheStore:
    """Entries of one kind (``units``, ``run``...) in a cache folder; ``None`` as folder stores nothing.

    ``reads`` and ``writes`` count what this store did (tests use them). Reading an entry marks it used
    (its modification time), so :meth:`prune` keeps what runs still need and drops what they stopped
    asking for: the cache of a long-lived checkout or CI runner does not grow without end.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.reads = 0
        self.writes = 0

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / kind / f"{digest(kind, key)[:40]}.bin"

    def read(self, kind: str, key: str) -> Any | None:
        """The value stored for ``key``, or ``None`` (missing, unreadable, corrupt or foreign)."""
        if self.folder is None:
            return None
        path = self._path(kind, key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        self.reads += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: prune keeps it
        header = len(MAGIC) + 64
        if not data.startswith(MAGIC) or len(data) < header + 1:
            return None
        payload = data[header:]
        if hashlib.sha256(payload).hexdigest().encode() != data[len(MAGIC) : header]:
            return None
        try:
            stored_key, value = pickle.loads(payload)
        except Exception:  # a pickle of classes that no longer exist, or of another format
            return None
        return value if stored_key == key else None

    def write(self, kind: str, key: str, value: Any) -> None:
        """Store ``value`` for ``key`` atomically; a cache that cannot be written is skipped silently."""
        if self.folder is None:
            return
        try:
            payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        path = self._path(kind, key)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            self._ensure_folder(path.parent)
            temp.write_bytes(MAGIC + hashlib.sha256(payload).hexdigest().encode() + payload)
            os.replace(temp, path)
        except OSError:
            temp.unlink(missing_ok=True)
            return
        self.writes += 1

    def prune(self, max_age_days: float = MAX_AGE_DAYS, *, now: float | None = None) -> int:
        """Delete entries unused for ``max_age_days`` and temporary files a killed run left behind.

        Returns how many files were deleted. Errors (a file another run removes first, a read-only
        folder) are skipped: pruning is housekeeping, never a reason for a run to fail.
        """
        if self.folder is None or not self.folder.is_dir():
            return 0
        moment = time.time() if now is None else now
        deleted = 0
        for kind in sorted(self.folder.iterdir()):
            if not kind.is_dir():
                continue
            for path in sorted(kind.iterdir()):
                if path.suffix not in (".bin", ".tmp"):
                    continue
                limit = max_age_days * 86400 if path.suffix == ".bin" else STALE_TEMP_SECONDS
                try:
                    if moment - path.stat().st_mtime > limit:
                        path.unlink()
                        deleted += 1
                except OSError:
                    continue
        return deleted

    def _ensure_folder(self, folder: Path) -> None:
        assert self.folder is not None
        if folder.is_dir():
            return
        folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# kro-gen's result cache: never commit it\n*\n", encoding="utf-8")
