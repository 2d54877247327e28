"""Load ``definitions/``: import every top-level ``*.py`` file and collect its ``ResourceGraph`` objects.

Each file is imported as its own module under a unique name (so ``definitions/json.py`` never shadows
the standard library), with the definitions folder on ``sys.path`` for the time of the import, so
definitions can import helpers (``import _common``) and each other (``from database import db``).
A definition imported by another one is executed once: ``import database`` inside ``app.py`` gets the
same module object that kro-gen loads for ``database.py``, so a chained graph is one object.

Files and folders whose names start with ``_`` or ``.`` are helpers and are not scanned for graphs.
Any exception while importing becomes a one-line :class:`DefinitionError` at the user's ``file:line``.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import re
import sys
import traceback
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, ModuleType, TracebackType
from typing import Any

from kro_gen.errors import DefinitionError, KroGenError, Location
from kro_gen.graph import ResourceGraph
from kro_gen.graph.resource import display_path
from kro_gen.project.guard import DEFAULT_TIMEOUT, guarded
from kro_gen.project.inputs import InputRecorder

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_MODULE_PREFIX = "_kro_gen_definition_"


@dataclass(frozen=True)
class LoadedGraph:
    """A graph found in ``definitions/`` and the file that defines it.

    ``owner`` is the definition file the graph is listed under (its defining file, or the first
    definition file whose module holds it when a helper module defines it).
    """

    graph: ResourceGraph[Any, Any]
    source_path: Path
    owner: Path | None = None


def definition_files(directory: Path) -> list[Path]:
    """The definition files of ``directory``, sorted: top-level ``*.py`` not starting with ``_`` or ``.``."""
    return sorted(
        path for path in directory.glob("*.py") if path.is_file() and not path.name.startswith(("_", "."))
    )


def load_definitions(
    directory: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    project: Path | None = None,
    only: Collection[Path] | None = None,
    recorder: InputRecorder | None = None,
) -> list[LoadedGraph]:
    """Import every definition file of ``directory`` and return its module-level graphs.

    Graphs come in file order, then in the order the module defines them; a graph reachable from
    two modules (imported by another definition) is listed once, under the file that created it.
    Each file is loaded under :func:`~kro_gen.project.guard.guarded`: within ``timeout`` seconds and
    without writing files (in the ``project`` folder, default: the folder above ``directory``) or
    changing the working folder.

    Raises :class:`DefinitionError` when a file fails to import, is not valid UTF-8 (or its declared
    encoding), takes too long or has side effects, when two graphs share a name or a group and kind, or
    when the folder does not exist.

    With ``only``, just those definition files are imported (and the definition files they import);
    the graphs of every imported file are returned. ``recorder`` notes what the imports read (see
    :mod:`kro_gen.project.inputs`).
    """
    directory = directory.resolve()
    if not directory.is_dir():
        raise DefinitionError(
            f"the definitions folder {display_path(str(directory))} does not exist",
            hint="create it with a .py file defining a ResourceGraph, or set 'definitions' in [tool.kro-gen]",
            rule="definitions-missing",
        )
    files = definition_files(directory)
    session = _Session(directory, files, recorder)
    wanted = None if only is None else {path.resolve() for path in only}
    with session.active():
        for path in files:
            if wanted is None or path in wanted:
                check_encoding(path)
                with guarded(path, directory, project or directory.parent, timeout):
                    session.load(path)
    return _collect(session, [path for path in files if path in session.modules])


def forget_definition_modules() -> int:
    """Drop every definition module loaded so far from ``sys.modules`` (and with it, once nothing else
    holds them, its graphs, models and built resources); returns how many were dropped.

    A run calls this when its graphs' documents are computed: a fleet's modules are most of its
    memory, and the next load imports every file afresh anyway.
    """
    names = [name for name in sys.modules if name.startswith(_MODULE_PREFIX)]
    for name in names:
        del sys.modules[name]
    return len(names)


def check_encoding(path: Path) -> None:
    """Refuse a file that is not valid UTF-8 (or the encoding its ``coding:`` line declares), naming the
    line, the column and the byte offset of the first bad byte."""
    import tokenize

    data = path.read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(iter(data.splitlines(keepends=True)).__next__)
    except SyntaxError as error:  # an unknown encoding in the coding line
        raise DefinitionError(
            f"SyntaxError: {error.msg}",
            location=Location(file=f"{display_path(str(path))}:{error.lineno or 1}"),
            hint="declare a known encoding (or none: UTF-8 is the default)",
            rule="definition-encoding",
        ) from None
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        bad = data[error.start : error.end].hex(" ")
        raise DefinitionError(
            f"the file is not valid {encoding.upper()}: byte 0x{bad} at offset {error.start} "
            f"(line {line}, column {column}) cannot be decoded ({error.reason})",
            location=Location(file=f"{display_path(str(path))}:{line}"),
            hint="save the file as UTF-8 (most editors: 'Save with encoding')",
            rule="definition-encoding",
        ) from None


def _collect(session: _Session, files: Sequence[Path]) -> list[LoadedGraph]:
    found: list[LoadedGraph] = []
    seen: set[int] = set()
    for path in files:
        module = session.modules[path]
        for value in list(vars(module).values()):
            if isinstance(value, ResourceGraph) and id(value) not in seen:
                seen.add(id(value))
                source = _defining_file(value, path)
                found.append(LoadedGraph(value, source, source if source in session.modules else path))
    _check_unique(found)
    return found


def _defining_file(graph: ResourceGraph[Any, Any], fallback: Path) -> Path:
    if graph.site:
        candidate = Path(graph.site.rsplit(":", 1)[0])
        if candidate.resolve().is_file():
            return candidate.resolve()
    return fallback


def _check_unique(found: Sequence[LoadedGraph]) -> None:
    check_unique_identities(
        [(g.graph.name, g.graph.group, g.graph.kind, g.graph.site or str(g.source_path)) for g in found]
    )


def check_unique_identities(graphs: Sequence[tuple[str, str, str, str | None]]) -> None:
    """Raise :class:`DefinitionError` at the second of two graphs ``(name, group, kind, site)`` that
    share a name, or a group and kind."""
    first_by_key: dict[str, int] = {}
    for index, (name, group, kind, site) in enumerate(graphs):
        keys = {
            f"name:{name}": f"the name {name!r}",
            f"kind:{group}/{kind}": f"the kind {kind} in group {group}",
        }
        for key, what in keys.items():
            other = first_by_key.setdefault(key, index)
            if other != index:
                raise DefinitionError(
                    f"two graphs have {what}: here and at {graphs[other][3]}",
                    location=Location(file=site, graph=name),
                    hint="give each graph its own name, and each kind its own group/kind",
                    rule="graph-unique",
                )


class _Session:
    """One loading run: module names, the alias finder, cleanup of helper modules."""

    def __init__(self, directory: Path, files: Sequence[Path], recorder: InputRecorder | None = None) -> None:
        self.directory = directory
        self.by_stem = {path.stem: path for path in files}
        self.modules: dict[Path, ModuleType] = {}
        self.recorder = recorder

    def module_name(self, path: Path) -> str:
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
        return f"{_MODULE_PREFIX}{path.stem}_{digest}"

    def load(self, path: Path) -> ModuleType:
        """Import ``path`` once per session (a second request returns the same, possibly partial, module)."""
        if path in self.modules:
            return self.modules[path]
        name = self.module_name(path)
        spec = importlib.util.spec_from_file_location(name, path, loader=HashCheckedLoader(name, str(path)))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        self.modules[path] = module
        sys.modules[name] = module
        try:
            if self.recorder is None:
                spec.loader.exec_module(module)
            else:
                with self.recorder.within(path):
                    spec.loader.exec_module(module)
        except KroGenError as error:
            site = _frame_site(error.__traceback__, path, self.directory)
            raise error.located(Location(file=site)) from None
        except Exception as error:
            raise user_error(error, path, self.directory) from None
        return module

    @contextmanager
    def active(self) -> Iterator[None]:
        """Put the folder on ``sys.path`` and the alias finder first; undo both, and forget helpers, after."""
        before = set(sys.modules)
        finder = _AliasFinder(self)
        sys.path.insert(0, str(self.directory))
        sys.meta_path.insert(0, finder)
        try:
            yield
        finally:
            sys.meta_path.remove(finder)
            sys.path.remove(str(self.directory))
            for name in set(sys.modules) - before:
                if name.startswith(_MODULE_PREFIX):
                    continue
                filename = getattr(sys.modules[name], "__file__", None)
                if filename and _is_under(Path(filename), self.directory):
                    del sys.modules[name]  # helpers and aliases: the next run re-imports fresh files


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolve ``import <stem>`` of a definition file to the session's module for that file."""

    def __init__(self, session: _Session) -> None:
        self.session = session

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self.session.by_stem.get(fullname)
        if source is not None and path is None:
            return importlib.util.spec_from_file_location(fullname, source, loader=self)
        return self._helper_spec(fullname, path)

    def _helper_spec(
        self, fullname: str, path: Sequence[str] | None
    ) -> importlib.machinery.ModuleSpec | None:
        """A helper module (or package) in the definitions folder, loaded with :class:`HashCheckedLoader`."""
        directory = str(self.session.directory)
        search = (
            [directory]
            if path is None
            else [entry for entry in path if _is_under(Path(entry), self.session.directory)]
        )
        if not search:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, search)
        if (
            spec is None
            or not isinstance(spec.loader, importlib.machinery.SourceFileLoader)
            or not spec.origin
        ):
            return spec
        return importlib.util.spec_from_file_location(
            fullname,
            spec.origin,
            loader=HashCheckedLoader(fullname, spec.origin),
            submodule_search_locations=spec.submodule_search_locations,
        )

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        path = self.session.by_stem[spec.name]
        if self.session.recorder is not None:
            self.session.recorder.imported(path)
        return self.session.load(path)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to do: :meth:`create_module` returned an executed (or executing) module."""


#: The flags of a PEP 552 bytecode file that is checked against its source's hash on every load.
_CHECKED_HASH_FLAGS = (0b11).to_bytes(4, "little")


class HashCheckedLoader(importlib.machinery.SourceFileLoader):
    """Loads a definition or helper module with bytecode checked by the source's hash, not its mtime.

    Python's default bytecode cache trusts a file's modification time and size: an edit within the
    same second that keeps the size (``replicas=3`` to ``replicas=4``, by a script or a quick save)
    would run the old code. This loader keeps a PEP 552 *checked* ``.pyc`` in ``__pycache__`` (Python
    itself accepts it too) and reuses it only when the source's hash matches, so a run always executes
    the bytes it read -- the bytes the result cache keyed it by.
    """

    def get_code(self, fullname: str) -> CodeType:
        source = self.get_data(self.path)
        source_hash = importlib.util.source_hash(source)
        bytecode_path = importlib.util.cache_from_source(self.path)
        try:
            with open(bytecode_path, "rb") as cached:
                data = cached.read()
        except OSError:
            data = b""
        header = importlib.util.MAGIC_NUMBER + _CHECKED_HASH_FLAGS + source_hash
        if data.startswith(header):
            try:
                code = marshal.loads(data[len(header) :])
            except (EOFError, ValueError, TypeError):
                code = None
            if isinstance(code, CodeType) and code.co_filename == self.path:  # (not a copied folder's)
                return code
        compiled: CodeType = self.source_to_code(source, self.path)
        if not sys.dont_write_bytecode:
            self.set_data(bytecode_path, header + marshal.dumps(compiled))  # atomic; errors skipped
        return compiled


def _is_under(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory)
    except (ValueError, OSError):
        return False
    return True


def user_error(error: BaseException, fallback: Path, directory: Path) -> DefinitionError:
    """A one-line :class:`DefinitionError` for an exception raised by user code.

    The location is the innermost traceback frame in ``directory`` (else outside kro_gen), or the
    line of a ``SyntaxError``; the message keeps the exception type and its first line.
    """
    if isinstance(error, SyntaxError) and error.filename:
        site = f"{display_path(os.path.abspath(error.filename))}:{error.lineno or 0}"
        message = f"SyntaxError: {error.msg}"
    else:
        site = _frame_site(error.__traceback__, fallback, directory)
        text = _pydantic_text(error) or " ".join(str(error).split()) or "(no message)"
        text = re.sub(rf"{_MODULE_PREFIX}(\w+?)_[0-9a-f]{{12}}\b", r"\1", text)  # the name the user imports
        message = f"{type(error).__name__}: {text}"
    return DefinitionError(
        message,
        location=Location(file=site),
        hint="fix the definition at that line",
        rule="definition-error",
    )


def _pydantic_text(error: BaseException) -> str | None:
    """``Model is invalid: field: message; ...`` for a pydantic ``ValidationError``, else None.

    (pydantic's own text spans lines and ends each error with a type tag and a documentation URL.)
    """
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return None
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or '(model)'}: {item['msg']}"
        for item in error.errors(include_url=False)
    ]
    return f"{error.title} is invalid: " + "; ".join(problems)


def _frame_site(tb: TracebackType | None, fallback: Path, directory: Path) -> str:
    frames = traceback.extract_tb(tb)
    inside = [f for f in frames if _is_under(Path(f.filename), directory)]
    outside_kro_gen = [
        f
        for f in frames
        if not _is_under(Path(f.filename), _PACKAGE_DIR) and not f.filename.startswith("<frozen")
    ]
    candidates = inside or outside_kro_gen
    if not candidates:
        return display_path(str(fallback))
    chosen = candidates[-1]
    return f"{display_path(os.path.abspath(chosen.filename))}:{chosen.lineno}"
