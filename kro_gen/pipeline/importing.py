"""``kro-gen import``: an RGD file as a definition module, checked to give back the same RGD.

:func:`import_rgd` writes the module (:mod:`kro_gen.importer`), then loads it as ``kro-gen
generate`` would, emits its RGD and compares it with the original by meaning: the CRD kro would serve
(so a custom type written inline is the same type), and every resource, condition, iterator and
status field after expressions are parsed (spacing, quoting and comprehension variable names do not
count). Where a field's Python spelling does not give back the same expression, that field is
written as ``cel.raw(...)`` and the check runs again; anything else that differs is an error, and
nothing is written.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kro_gen.errors import ConfigError, KroGenError, Location
from kro_gen.importer.models import ImportProblem
from kro_gen.importer.module import ImportedSource, SitePath, definition_source
from kro_gen.pipeline.rgd_source import SourceDocument, read_rgd

_ROUNDS = 6


@dataclass(frozen=True)
class ImportResult:
    """The module text and the fields written as ``cel.raw`` (path -> why)."""

    text: str
    raw: Mapping[SitePath, str]
    name: str


def import_rgd(reference: str) -> ImportResult:
    """The definition module for the RGD file ``reference``, checked by round trip.

    Raises:
        ConfigError: not an RGD file, a construct kro-gen cannot say, or an RGD that does not come
            back the same (naming the file, line and field).
    """
    document = read_rgd(reference)
    name = str((document.body.get("metadata") or {}).get("name", "graph"))
    forced: frozenset[SitePath] = frozenset()
    typed = status_annotations(document.body)
    for _ in range(_ROUNDS):
        source = _source(document, reference, forced, typed)
        try:
            generated, status_model = rgd_and_status_model(source.text, name)
        except KroGenError as error:
            if typed and getattr(error, "rule", None) == "status-type":
                # kro-gen's own type of an expression disagrees with kro's: leave the status untyped
                typed = {}
                continue
            raise ConfigError(
                f"the imported definition of {name} does not build: {error}",
                location=Location(file=document.where),
                hint="report this as a kro-gen bug, with the RGD",
                rule="import-roundtrip",
            ) from None
        differing = differences(document.body, generated)
        wrong = status_type_errors(generated, status_model) if typed else set()
        if wrong:  # a declared type the status-type rule refuses: that field stays Any
            typed = {path: text for path, text in typed.items() if path not in wrong}
            continue
        if not differing:
            return ImportResult(formatted(source.text), source.raw, name)
        fixable = {site for path in differing if (site := _site_of(path, source)) is not None}
        unfixable = [path for path in differing if _site_of(path, source) is None]
        if unfixable or fixable <= forced:
            path = (unfixable or sorted(differing, key=str))[0]
            raise ConfigError(
                f"kro-gen cannot say {_dotted(path)} of {name} the same way (the imported RGD differs there)",
                location=Location(file=_line(document, path)),
                hint="write this part of the definition by hand after importing the rest",
                rule="import-roundtrip",
            )
        forced = forced | fixable
    raise ConfigError(  # pragma: no cover - each round forces at least one more field
        f"the import of {name} did not settle",
        location=Location(file=document.where),
        rule="import-roundtrip",
    )


def status_annotations(rgd: Mapping[str, Any]) -> dict[tuple[str, ...], str]:
    """Path below ``spec.schema.status`` -> the Python type of that status field, from the type kro
    infers for its expression (:func:`kro_gen.check.rgd_kinds.status_types`); fields typed ``dyn``
    (an unknown kind, a mixed list...) are left out (``Any``)."""
    from kro_gen.check.rgd_kinds import status_types
    from kro_gen.registry import SchemaRegistry

    try:
        inferred = status_types(rgd, SchemaRegistry.default())
    except (ValueError, KroGenError):
        return {}
    found: dict[tuple[str, ...], str] = {}
    for path, cel_type in inferred.items():
        annotation = python_type(cel_type)
        if annotation != "Any" and all(isinstance(part, str) for part in path):
            found[tuple(str(part) for part in path)] = annotation
    return found


def python_type(cel_type: Any) -> str:
    """A CEL type (:class:`kro_gen.check.cel_types.CelType`) as a Python annotation: ``int``, ``str``,
    ``bool``, ``float``, ``list[T]``, ``dict[str, T]``; ``Any`` for ``dyn`` and the rest."""
    from kro_gen.check.cel_types import strip_optional

    value = strip_optional(cel_type)
    scalar = {
        "string": "str",
        "timestamp": "str",
        "duration": "str",
        "bytes": "str",
        "int": "int",
        "uint": "int",
        "double": "float",
        "bool": "bool",
        "object": "dict[str, Any]",
    }
    if value.kind in scalar:
        return scalar[value.kind]
    if value.kind == "list":
        return f"list[{python_type(value.args[0])}]"
    if value.kind == "map" and strip_optional(value.args[0]).kind == "string":
        return f"dict[str, {python_type(value.args[1])}]"
    return "Any"


def _source(
    document: SourceDocument,
    reference: str,
    forced: frozenset[SitePath],
    typed: Mapping[tuple[str, ...], str],
) -> ImportedSource:
    try:
        return definition_source(document.body, Path(reference).name, forced, typed)
    except ImportProblem as problem:
        raise ConfigError(
            f"cannot import {problem}",
            location=Location(file=document.line_of(problem.site) if problem.site else document.where),
            hint="write this part of the definition by hand, or simplify the RGD",
            rule="import-unsupported",
        ) from None
    except (ValueError, KroGenError) as problem:
        raise ConfigError(
            f"cannot import: {problem}",
            location=Location(file=document.where),
            hint="check the RGD with 'kro-gen validate' first",
            rule="import-unsupported",
        ) from None


def status_type_errors(rgd: Mapping[str, Any], status_model: Any) -> set[tuple[str, ...]]:
    """Status paths whose type in ``status_model`` the ``status-type`` rule refuses for ``rgd``."""
    from kro_gen.check.rgd_kinds import status_types
    from kro_gen.check.rules_base import RgdView
    from kro_gen.check.rules_status_types import check_status_types
    from kro_gen.graph.status import declared_status_types
    from kro_gen.registry import SchemaRegistry

    declared = declared_status_types(status_model)
    if not declared:
        return set()
    inferred = status_types(rgd, SchemaRegistry.default())
    view = RgdView(rgd, Location())
    return {path for path, kind in declared.items() if check_status_types(view, {path: kind}, inferred)}


def rgd_of_module(text: str, name: str) -> dict[str, Any]:
    """The RGD that ``kro-gen generate`` emits for the definition module ``text`` (its one graph)."""
    return rgd_and_status_model(text, name)[0]


def rgd_and_status_model(text: str, name: str) -> tuple[dict[str, Any], Any]:
    """(the RGD, the status model) of the graph of the definition module ``text``."""
    from kro_gen.emit.rgd import rgd_document
    from kro_gen.project.loader import load_definitions

    with tempfile.TemporaryDirectory(prefix="kro-gen-import-") as folder:
        definitions = Path(folder) / "definitions"
        definitions.mkdir()
        (definitions / "imported.py").write_text(text, "utf-8")
        loaded = load_definitions(definitions)
        graphs = [found.graph for found in loaded if found.graph.name == name] or [f.graph for f in loaded]
        return rgd_document(graphs[0].build()), graphs[0].status_model


def meaning(rgd: Mapping[str, Any]) -> dict[str, Any]:
    """What an RGD means for the round trip: its CRD, and its resources (by id), status and metadata
    with every expression parsed and comprehension variables renamed."""
    from kro_gen.emit.crd import crd_for_rgd
    from kro_gen.expr.canonical import rename_bound
    from kro_gen.expr.nodes import Node
    from kro_gen.pipeline.fmt import meaning as parsed

    def canonical(value: Any) -> Any:
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], Node):
            return ("expr", rename_bound(value[1]))
        if isinstance(value, Mapping):
            return {key: canonical(item) for key, item in value.items()}
        if isinstance(value, list):
            return [canonical(item) for item in value]
        return value

    body = canonical(parsed(dict(rgd)))
    spec = body.get("spec") or {}
    schema = spec.get("schema") or {}
    metadata = dict(body.get("metadata") or {})
    crd = crd_for_rgd(rgd)
    return {
        "metadata": {
            key: metadata.get(key) for key in ("name", "labels", "annotations") if metadata.get(key)
        },
        "crd": crd,
        "status": schema.get("status") or {},
        "resources": {str(item.get("id")): item for item in spec.get("resources") or []},
    }


def differences(original: Mapping[str, Any], generated: Mapping[str, Any]) -> list[SitePath]:
    """Paths (``("resources", id, ...)``, ``("status", ...)``, ``("crd", ...)``) where the two differ."""
    old, new = meaning(original), meaning(generated)
    found: list[SitePath] = []
    _diff(old, new, (), found)
    return found


def _diff(old: Any, new: Any, path: SitePath, found: list[SitePath]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            _diff(old.get(key), new.get(key), (*path, key), found)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, (*path, index), found)
    elif old != new:
        found.append(path)


def _site_of(path: SitePath, source: ImportedSource) -> SitePath | None:
    for end in range(len(path), 1, -1):
        if path[:end] in source.sites:
            return path[:end]
    return None


def _dotted(path: SitePath) -> str:
    return ".".join(str(part) for part in path)


def _line(document: SourceDocument, path: SitePath) -> str:
    if path[:1] == ("resources",) and len(path) > 1:
        ids = [str(item.get("id")) for item in (document.body.get("spec") or {}).get("resources") or []]
        if path[1] in ids:
            return document.line_of(("spec", "resources", ids.index(str(path[1])), *path[2:]))
    if path[:1] == ("status",):
        return document.line_of(("spec", "schema", *path))
    return document.line_of(("spec", "schema"))


def formatted(text: str) -> str:
    """``text`` through ``ruff format`` when ruff is installed (else as written)."""
    ruff = shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    try:
        done = subprocess.run(
            [*command, "format", "--line-length", "110", "--stdin-filename", "imported.py", "-"],
            input=text,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return text
    return done.stdout if done.returncode == 0 and done.stdout else text


def write_module(result: ImportResult, output: Path, force: bool) -> None:
    """Write the module to ``output``; an existing file only with ``force``.

    Raises:
        ConfigError: ``output`` exists (without ``force``), or is a folder.
    """
    if output.is_dir():
        raise ConfigError(
            f"{output} is a folder",
            location=Location(file=str(output)),
            hint="give a .py file",
            rule="import-output",
        )
    if output.exists() and not force:
        raise ConfigError(
            f"{output} exists; kro-gen import does not overwrite it",
            location=Location(file=str(output)),
            hint="pass --force to replace it, or choose another -o path",
            rule="import-output-exists",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(result.text, "utf-8")
