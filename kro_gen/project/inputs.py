"""What loading the definitions read: the inputs a cached result must be checked against.

While definitions are imported and their builders run, an :class:`InputRecorder` notes

* per definition file, the other definition files it imported (``import database`` resolved by the
  loader) -- to which :func:`static_imports` adds every ``import``/``from ... import`` written in it;
* for the whole session, every other file that was opened (project helpers, third-party modules
  imported for the first time, data files; via the interpreter's ``open`` audit event, which imports
  raise too) and every environment variable read through ``os.environ`` / ``os.getenv``.

:func:`kro_gen.pipeline.cache` keys a definition file's cached graphs by its own bytes, those of the
definition files it imports (transitively), and the session's shared inputs: a change to any of them
invalidates the entry. Files of the standard library, of kro-gen itself and of the packages whose
versions are part of the cache key are not recorded (their versions and kro-gen's code hash stand for
them).
"""

from __future__ import annotations

import ast
import hashlib
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: The recorder of the loading session under way (the audit hook, once installed, stays installed).
_ACTIVE: list[InputRecorder] = []
_HOOKED = False


def file_sha256(path: Path | str) -> str | None:
    """The SHA-256 of the file's bytes, or ``None`` when it cannot be read (missing, a folder)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def static_imports(source: str) -> set[str]:
    """The top-level module names ``source`` imports (``import a.b`` -> ``a``; relative imports skipped)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


#: The fields of a statement (or an ``except`` handler or ``case``) that hold statements.
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(body: list[Any]) -> Iterator[Any]:
    """Every statement in ``body`` and in the blocks nested in it (an import is always a statement, so
    this finds what :func:`ast.walk` finds without visiting every expression node)."""
    todo = list(reversed(body))
    while todo:
        node = todo.pop()
        yield node
        for field in _BLOCKS:
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                todo.extend(reversed(inner))


def _skipped_roots() -> tuple[str, ...]:
    """Folders whose files are not inputs: the standard library, kro-gen, the version-keyed packages."""
    import sysconfig

    roots = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib")}
    for name in ("kro_gen", "pydantic", "pydantic_core", "ruamel", "celpy", "lark", "typing_extensions"):
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if file:
            roots.add(str(Path(file).resolve().parent))
    return tuple(sorted(root.rstrip(os.sep) + os.sep for root in roots))


class _RecordingEnviron(dict[str, str]):
    """Stands in for ``os.environ`` while definitions load: every variable read is noted."""

    def __init__(self, real: Mapping[str, str], reads: dict[str, str | None]) -> None:
        super().__init__(real)
        self._reads = reads

    def __getitem__(self, key: str) -> str:
        self._reads[key] = super().get(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._reads[key] = super().get(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._reads[key] = super().get(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self._reads["*"] = _environ_digest(self)
        return super().__iter__()


def _environ_digest(environ: Mapping[str, str]) -> str:
    return hashlib.sha256(repr(sorted(environ.items())).encode()).hexdigest()


def read_environment(names: Mapping[str, str | None]) -> dict[str, str | None]:
    """The current values of the recorded variables (``*``: a digest of the whole environment)."""
    return {name: (_environ_digest(os.environ) if name == "*" else os.environ.get(name)) for name in names}


class InputRecorder:
    """Records one loading session's inputs (see the module docstring)."""

    def __init__(self) -> None:
        self.opened: set[str] = set()
        self.environment: dict[str, str | None] = {}
        self.imports: dict[Path, set[Path]] = {}
        self._stack: list[Path] = []
        self._skipped = _skipped_roots()

    @contextmanager
    def active(self) -> Iterator[InputRecorder]:
        """Record until the block ends (``os.environ`` is swapped for a recording copy meanwhile)."""
        _install_hook()
        real = os.environ
        proxy = _RecordingEnviron(real, self.environment)
        _ACTIVE.append(self)
        os.environ = proxy  # type: ignore[assignment]  # noqa: B003 - swapped back below
        try:
            yield self
        finally:
            os.environ = real  # noqa: B003
            for key in dict.keys(proxy) - set(real):  # what a definition set stays set
                real[key] = dict.__getitem__(proxy, key)
            _ACTIVE.remove(self)

    @contextmanager
    def within(self, definition: Path) -> Iterator[None]:
        """Attribute what happens in the block to ``definition`` (nested: to each file on the stack)."""
        self._stack.append(definition)
        self.imports.setdefault(definition, set())
        try:
            yield
        finally:
            self._stack.pop()

    def imported(self, definition: Path) -> None:
        """Note that the file being loaded imported the definition file ``definition``."""
        for outer in self._stack:
            if outer != definition:
                self.imports[outer].add(definition)

    def _opened(self, path: str) -> None:
        if path.endswith(".pyc"):
            import importlib.util

            try:
                path = importlib.util.source_from_cache(path)
            except ValueError:
                return
        absolute = os.path.abspath(path)
        if not absolute.startswith(self._skipped):
            self.opened.add(absolute)


def _install_hook() -> None:
    global _HOOKED
    if _HOOKED:
        return
    _HOOKED = True

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and _ACTIVE and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            mode = args[1] if len(args) > 1 else "r"
            if isinstance(mode, str) and not any(flag in mode for flag in "wax+"):
                _ACTIVE[-1]._opened(path)

    sys.addaudithook(hook)
