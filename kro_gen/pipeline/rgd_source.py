"""Reading RGDs and instances for the toolbox commands (``crd``, ``render --instance``,
``validate --instance``, ``test``, ``import``): from any YAML file, or from a graph of the project.

An RGD given as a file is read the way kro reads it (YAML 1.1, duplicate keys are errors); the same
document then flows through the same code as a generated one (:mod:`kro_gen.emit`,
:mod:`kro_gen.check`), so a hand-written RGD and a kro-gen graph give the same answers. A name that
is not a file is looked up among the project's graphs (``definitions/``): their RGD as ``kro-gen
generate`` emits it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kro_gen.errors import ConfigError, Location

RGD_KIND = "ResourceGraphDefinition"


@dataclass(frozen=True)
class SourceDocument:
    """One object read from a file (or generated from a graph), with where it came from.

    Attributes:
        body: the object as plain data.
        where: ``file:line`` of the document, or ``graph NAME``.
        lines: field path -> line, for pointing at fields (empty for generated documents).
    """

    body: dict[str, Any]
    where: str
    lines: Mapping[tuple[str | int, ...], int]
    file: str | None = None

    def line_of(self, path: Sequence[str | int]) -> str:
        """``file:line`` of ``path`` (or of its nearest parent), or :attr:`where`."""
        if self.file is None:
            return self.where
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return f"{self.file}:{line}"
        return self.where


def read_documents(path: Path, label: str | None = None) -> list[SourceDocument]:
    """Every object of the YAML file ``path`` (``List`` items expanded).

    Raises:
        ConfigError: the file cannot be read, is not YAML, has a duplicate key, or holds a document
            that is not a map (``file:line`` named).
    """
    from kro_gen.check.files import load_stream

    shown = label or str(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read {shown}: {error}", hint="give the path of a YAML file", rule="file-unreadable"
        ) from error
    documents, problems = load_stream(text)
    if problems:
        problem = problems[0]
        raise ConfigError(
            problem.message,
            location=Location(file=f"{shown}:{problem.line}", path=problem.path),
            hint="fix the YAML (kro reads RGDs strictly: a repeated key is an error)",
            rule=problem.rule,
        )
    found: list[SourceDocument] = []
    for document in documents:
        body = document.body
        if not isinstance(body, dict):
            raise ConfigError(
                f"document {document.index + 1} is a YAML {type(body).__name__}, not a Kubernetes object",
                location=Location(file=f"{shown}:{document.line}"),
                hint="each YAML document must be a map with apiVersion, kind and metadata",
                rule="yaml-not-object",
            )
        if body.get("kind") == "List" and isinstance(body.get("items"), list):
            for index, item in enumerate(body["items"]):
                if isinstance(item, dict):
                    prefix = ("items", index)
                    lines = {path[2:]: line for path, line in document.lines.items() if path[:2] == prefix}
                    where = f"{shown}:{document.line_of(prefix)}"
                    found.append(SourceDocument(item, where, lines, shown))
            continue
        found.append(SourceDocument(body, f"{shown}:{document.line}", dict(document.lines), shown))
    return found


def is_rgd(body: Mapping[str, Any]) -> bool:
    """True for a ``kro.run`` ResourceGraphDefinition."""
    return body.get("kind") == RGD_KIND and str(body.get("apiVersion", "")).startswith("kro.run/")


#: Looks a project graph up by name: its RGD document, or None when the project has no such graph.
GraphLookup = Callable[[str], "dict[str, Any] | None"]


def read_rgds(reference: str, graphs: GraphLookup | None = None) -> list[SourceDocument]:
    """The RGDs ``reference`` names: every RGD in the YAML file, or the project graph of that name.

    Raises:
        ConfigError: neither a file nor a graph, or a file without any RGD.
    """
    path = Path(reference)
    if path.is_file():
        rgds = [document for document in read_documents(path) if is_rgd(document.body)]
        if not rgds:
            raise ConfigError(
                f"{reference} holds no ResourceGraphDefinition (kro.run/v1alpha1)",
                location=Location(file=reference),
                hint="give an RGD YAML file, or the name of a graph in definitions/",
                rule="no-rgd",
            )
        return rgds
    if graphs is not None and not path.suffix:
        rgd = graphs(reference)
        if rgd is not None:
            return [SourceDocument(rgd, f"graph {reference}", {})]
    raise ConfigError(
        f"{reference} is neither a file nor a graph of this project",
        location=Location(file=reference),
        hint="give the path of an RGD YAML file, or the name of a graph in definitions/",
        rule="no-rgd",
    )


def read_rgd(reference: str, graphs: GraphLookup | None = None) -> SourceDocument:
    """The one RGD ``reference`` names (a file with several RGDs is an error: split it)."""
    rgds = read_rgds(reference, graphs)
    if len(rgds) > 1:
        names = ", ".join(str((rgd.body.get("metadata") or {}).get("name")) for rgd in rgds)
        raise ConfigError(
            f"{reference} holds {len(rgds)} RGDs ({names}); this command takes one",
            location=Location(file=reference),
            hint="put the RGD in a file of its own",
            rule="several-rgds",
        )
    return rgds[0]


def read_instance(reference: str) -> SourceDocument:
    """The one object of the instance file ``reference``.

    Raises:
        ConfigError: the file is missing, unreadable, or does not hold exactly one object.
    """
    path = Path(reference)
    if not path.is_file():
        raise ConfigError(
            f"instance file {reference} does not exist",
            location=Location(file=reference),
            hint="give the path of the instance YAML (apiVersion <group>/<version>, kind, metadata, spec)",
            rule="file-not-found",
        )
    documents = read_documents(path)
    if len(documents) != 1:
        raise ConfigError(
            f"{reference} holds {len(documents)} objects; an instance file holds exactly one",
            location=Location(file=reference),
            hint="put each instance in a file of its own",
            rule="instance-file",
        )
    return documents[0]
