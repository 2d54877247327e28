"""cel-python's parser tables, built once per machine instead of once per process.

cel-python builds its Lark LALR parser from its grammar the first time an environment is made: about
0.2 s, the largest single cost of a small ``kro-gen generate --check``. Lark can save a built parser
and load it back in milliseconds, so the first run saves it and later runs load it.

The file lives in the user's own cache folder (``$KRO_GEN_USER_CACHE_DIR``, else ``$XDG_CACHE_HOME/kro-gen``,
else ``~/.cache/kro-gen``), named by a hash of what the tables depend on (cel-python's grammar text,
Lark's and Python's versions, the tree class). It is a pickle, so it is only read from a folder that
belongs to this user and that nobody else can write to. Any problem (no home, a read-only or foreign
folder, a truncated or stale file) falls back to building the parser as cel-python does, so the result
is the same either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

_SMOKE_TEST = "a.b[0] + 1 > 2 && [1].exists(x, x == 1) ? 'yes' : string(false)"


def cache_dir() -> Path | None:
    """The folder for the parser file, or None when there is no user cache folder."""
    configured = os.environ.get("KRO_GEN_USER_CACHE_DIR", "").strip()
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "kro-gen"
    try:
        return Path.home() / ".cache" / "kro-gen"
    except RuntimeError:  # no home directory
        return None


def _parser_key(tree_class: type) -> str:
    import celpy.celparser
    import lark

    grammar = (Path(celpy.celparser.__file__).parent / "cel.lark").read_bytes()
    parts = [grammar, lark.__version__.encode(), repr(sys.version_info[:2]).encode()]
    parts.append(f"{tree_class.__module__}.{tree_class.__qualname__}".encode())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:24]


def _private(folder: Path) -> bool:
    """True when ``folder`` is this user's and no one else may write to it (safe to unpickle from)."""
    try:
        info = folder.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def parser_file(tree_class: type) -> Path | None:
    """Where the parser for ``tree_class`` is saved, or None when there is no cache folder."""
    folder = cache_dir()
    return None if folder is None else folder / f"cel-parser-{_parser_key(tree_class)}.lark"


def load_saved_parser(tree_class: type) -> bool:
    """Install the saved parser as cel-python's shared parser; False when there is none to trust."""
    import lark
    from celpy.celparser import CELParser

    if CELParser.CEL_PARSER is not None:
        return True
    path = parser_file(tree_class)
    if path is None or not path.is_file() or not _private(path.parent):
        return False
    try:
        with path.open("rb") as handle:
            parser: Any = lark.Lark.load(handle)
        if parser.options.tree_class is not tree_class:
            return False
        parser.parse(_SMOKE_TEST)
    except Exception:  # truncated, stale or foreign: build it as cel-python does
        return False
    CELParser.CEL_PARSER = parser
    return True


def save_parser(tree_class: type) -> None:
    """Save cel-python's shared parser (once built) for later processes; problems are ignored."""
    from celpy.celparser import CELParser

    parser = CELParser.CEL_PARSER
    path = parser_file(tree_class)
    if parser is None or path is None:
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(path.parent):
            return
        with temporary.open("wb") as handle:
            parser.save(handle)
        os.replace(temporary, path)
    except Exception:  # a read-only home, a full disk: the next run builds it again
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
