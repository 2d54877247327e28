"""``kro-gen validate PATH...``: read YAML files the way Kubernetes and kro do, and check every object.

Kubernetes tooling reads YAML 1.1 (``yes`` is a boolean, ``0777`` is octal) and kro parses RGD
templates with ``UnmarshalStrict``, so a duplicate key is an error, not a silent override. The
loader composes the YAML node tree once, builds plain Python values from it (dict, list, str, int,
float, bool, None), records the line of each field path, and reports syntax errors and duplicate
keys with their lines instead of raising.

Then each object is checked by what it is: RGDs with :func:`kro_gen.check.check_rgd`, instances of
any RGD among the given files with :func:`kro_gen.check.check_instance`, everything else against
its Kubernetes schema. CRDs and RGDs found in the files are registered first, so templates and
instances that use them are checked against their real schemas. Two RGDs generating one CRD are
compared only where the files say they reach one cluster (:mod:`kro_gen.check.kind_conflicts`).
Findings name ``file:line``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import RGD_API_VERSION, RGD_KIND, Path, format_path, parse_path
from kro_gen.errors import KroGenError, Location

if TYPE_CHECKING:
    from kro_gen.check.kind_conflicts import GeneratedKind

YAML_SUFFIXES = (".yaml", ".yml")
#: kustomization.yaml files (``kustomize.config.k8s.io``) are build instructions, not objects.
KUSTOMIZE_GROUP = "kustomize.config.k8s.io"

#: A document with none of these keys is not a Kubernetes object (Helm values, a tool's config file);
#: one with some of them but no apiVersion or kind is a broken object (``manifest-type-meta``).
_OBJECT_KEYS = frozenset({"apiVersion", "kind", "metadata"})
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class YamlProblem:
    """A syntax error or duplicate key, with its 1-based line."""

    rule: str
    message: str
    line: int
    path: str | None = None


@dataclass
class YamlDocument:
    """One document of a YAML stream: plain data plus the line of each path."""

    index: int
    body: Any
    line: int
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of ``path``, or of its longest existing prefix (the document start at worst)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return self.line


def load_stream(text: str) -> tuple[list[YamlDocument], list[YamlProblem]]:
    """Every non-empty document of ``text`` and the problems found while reading it.

    A syntax error stops the stream at that point (documents before it are kept).
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from kro_gen.yamlread import yaml_reader

    yaml = yaml_reader()
    yaml.version = (1, 1)
    documents: list[YamlDocument] = []
    problems: list[YamlProblem] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for index, node in enumerate(yaml.compose_all(text)):
                if node is None:
                    continue
                document = YamlDocument(index, None, node.start_mark.line + 1)
                document.body = _build(yaml, node, (), document, problems)
                if document.body is not None:
                    documents.append(document)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problems.append(YamlProblem("yaml-syntax", f"invalid YAML: {error.problem or error}", line))
    except YAMLError as error:  # pragma: no cover - ruamel raises marked errors for syntax problems
        problems.append(YamlProblem("yaml-syntax", f"invalid YAML: {error}", 1))
    return documents, problems


def _build(yaml: Any, node: Any, path: Path, document: YamlDocument, problems: list[YamlProblem]) -> Any:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    document.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        return _build_mapping(yaml, node, path, document, problems)
    if isinstance(node, SequenceNode):
        return [
            _build(yaml, item, (*path, index), document, problems) for index, item in enumerate(node.value)
        ]
    if node.tag == _TIMESTAMP:
        return node.value  # Kubernetes keeps unquoted dates as strings
    return yaml.constructor.construct_object(node, deep=True)


def _key_text(key: Any) -> str:
    """Map keys as Kubernetes sees them after YAML → JSON: always strings (``on:`` is ``"true"``)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return key if isinstance(key, str) else str(key)


def _build_mapping(
    yaml: Any, node: Any, path: Path, document: YamlDocument, problems: list[YamlProblem]
) -> dict[Any, Any]:
    from ruamel.yaml.nodes import MappingNode

    result: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            sources = value_node.value if not isinstance(value_node, MappingNode) else [value_node]
            for source in sources:
                merged = _build(yaml, source, path, document, problems)
                for key, value in (merged or {}).items():
                    result.setdefault(key, value)
            continue
        key = _key_text(_build(yaml, key_node, path, document, problems))
        line = key_node.start_mark.line + 1
        child = (*path, key)
        if key in first_line:
            problems.append(
                YamlProblem(
                    "yaml-duplicate-key",
                    f"duplicate key {key!r} (first on line {first_line[key]}); Kubernetes and kro "
                    "(UnmarshalStrict) reject it",
                    line,
                    format_path(child),
                )
            )
            continue
        first_line[key] = line
        document.lines[child] = line
        result[key] = _build(yaml, value_node, child, document, problems)
        document.lines[child] = line
    return result


@dataclass
class _Loaded:
    """The documents of one file (a ``kind: List`` is expanded into its items)."""

    file: str
    documents: list[YamlDocument]
    objects: list[tuple[YamlDocument, Path, Mapping[str, Any]]] = field(default_factory=list)


def yaml_files(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Finding]]:
    """The YAML files named by ``paths`` (directories searched recursively, hidden ones skipped), sorted
    within each directory; a missing path is a finding."""
    files: list[str] = []
    problems: list[Finding] = []
    for raw in paths:
        path = FsPath(raw)
        if path.is_dir():
            found = [
                str(p)
                for p in path.rglob("*")
                if p.suffix in YAML_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            files.extend(sorted(found))
        elif path.is_file():
            files.append(str(path))
        else:
            problems.append(
                Finding(
                    "file-not-found",
                    f"{raw} does not exist",
                    Location(file=str(raw)),
                    "give a YAML file or a directory holding YAML files",
                )
            )
    return list(dict.fromkeys(files)), problems


def check_files(
    paths: Iterable[str | os.PathLike[str]], *, registry: Any | None = None, one_cluster: bool = False
) -> list[Finding]:
    """Check every object in the YAML files under ``paths`` (see the module docstring).

    Args:
        paths: files and directories (``*.yaml``/``*.yml``, recursively).
        registry: a :class:`~kro_gen.registry.SchemaRegistry`; a default one when None.
            CRDs and RGDs found in the files are added to it.
        one_cluster: the files are all applied to one cluster, so any two RGDs generating one CRD
            conflict (otherwise only RGDs in one file or one kustomization build do).
    """
    from kro_gen.check import check_instance, check_rgd, default_registry
    from kro_gen.check.kind_conflicts import kind_conflicts

    files, findings = yaml_files(paths)
    loaded = [_load_file(name, findings) for name in files]
    registry = registry if registry is not None else default_registry()
    kinds: list[GeneratedKind] = []
    rgds = _by_instance_kind(_register(loaded, registry, findings, kinds))
    findings += kind_conflicts(kinds, _cluster_sets(loaded, one_cluster))
    for item in loaded:
        for document, base, body in item.objects:
            where = Location(file=item.file, path=format_path(base) or None)
            if _is_rgd(body):
                found = check_rgd(body, location=Location(file=item.file), registry=registry)
            elif (rgd := _rgd_for(body, rgds)) is not None:
                found = check_instance(body, rgd, location=Location(file=item.file))
            elif _looks_like_rgd(body):
                found = check_rgd(body, location=Location(file=item.file), registry=registry)
            elif str(body.get("apiVersion", "")).startswith(KUSTOMIZE_GROUP + "/"):
                continue  # a kustomize build file, never applied to a cluster
            elif not _OBJECT_KEYS & body.keys():
                continue  # no apiVersion, kind or metadata: Helm values or a tool's config, not an object
            else:
                found = _check_manifest(body, registry, where)
            findings += [_with_line(f, item.file, document, base) for f in found]
    return findings


def _load_file(name: str, findings: list[Finding]) -> _Loaded:
    try:
        text = FsPath(name).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        findings.append(Finding("file-unreadable", str(error), Location(file=name), "check the file"))
        return _Loaded(name, [])
    documents, problems = load_stream(text)
    for problem in problems:
        fix = (
            "remove or rename the repeated key"
            if problem.rule == "yaml-duplicate-key"
            else "fix the YAML syntax"
        )
        findings.append(
            Finding(
                problem.rule, problem.message, Location(file=f"{name}:{problem.line}", path=problem.path), fix
            )
        )
    item = _Loaded(name, documents)
    for document in documents:
        body = document.body
        if isinstance(body, Mapping) and body.get("kind") == "List" and isinstance(body.get("items"), list):
            for index, entry in enumerate(body["items"]):
                item.objects += _object(name, document, ("items", index), entry, findings)
        else:
            item.objects += _object(name, document, (), body, findings)
    return item


def _object(
    name: str, document: YamlDocument, base: Path, body: Any, findings: list[Finding]
) -> list[tuple[YamlDocument, Path, Mapping[str, Any]]]:
    if isinstance(body, Mapping):
        return [(document, base, body)]
    findings.append(
        Finding(
            "yaml-not-object",
            f"document {document.index + 1} is a YAML {type(body).__name__}, not a Kubernetes object",
            Location(file=f"{name}:{document.line_of(base)}", path=format_path(base) or None),
            "each YAML document must be a map with apiVersion, kind and metadata",
        )
    )
    return []


def _is_rgd(body: Mapping[str, Any]) -> bool:
    return body.get("kind") == RGD_KIND and str(body.get("apiVersion", "")).startswith("kro.run/")


def _looks_like_rgd(body: Mapping[str, Any]) -> bool:
    """A kro.run object with spec.schema that is no known instance: an RGD with a wrong kind."""
    spec = body.get("spec")
    return (
        str(body.get("apiVersion", "")).startswith("kro.run/")
        and isinstance(spec, Mapping)
        and "schema" in spec
    )


def _cluster_sets(loaded: list[_Loaded], one_cluster: bool) -> list[set[str]]:
    """The sets of files (resolved paths) that reach one cluster together: each kustomization build
    among the files, or all of them with ``one_cluster``."""
    from kro_gen.check.kind_conflicts import KUSTOMIZATION_NAMES, kustomization_sets

    if one_cluster:
        return [{str(FsPath(item.file).resolve()) for item in loaded}]
    kustomizations = {
        item.file: item.documents[0].body
        for item in loaded
        if FsPath(item.file).name in KUSTOMIZATION_NAMES
        and item.documents
        and isinstance(item.documents[0].body, Mapping)
    }
    return kustomization_sets(kustomizations)


def _register(
    loaded: list[_Loaded], registry: Any, findings: list[Finding], kinds: list[GeneratedKind]
) -> list[Mapping[str, Any]]:
    """Register CRDs, then RGDs (inner graphs first), from the files; return the RGDs (for matching
    instances) and add the kind each generates to ``kinds``."""
    from kro_gen.check.kind_conflicts import generated_kind

    rgds: list[Mapping[str, Any]] = []
    registrable: list[Mapping[str, Any]] = []
    for item in loaded:
        for document, base, body in item.objects:
            where = f"{item.file}:{document.line_of((*base, 'spec', 'schema', 'kind'))}"
            try:
                if body.get("kind") == "CustomResourceDefinition" and hasattr(registry, "register_crd"):
                    registry.register_crd(body, source=item.file)
                elif _is_rgd(body):
                    if (kind := generated_kind(body, where, item.file)) is not None:
                        kinds.append(kind)
                    rgds.append(body)
                    if body.get("apiVersion") == RGD_API_VERSION:
                        registrable.append(body)
            except KroGenError as error:
                findings.append(
                    Finding(
                        error.rule or "crd-file",
                        error.message,
                        Location(file=f"{item.file}:{document.line_of(base)}"),
                        error.hint or "fix the object",
                    )
                )
    if registry is not None:
        from kro_gen.check.rgd_kinds import register_rgds

        register_rgds(registry, registrable)
    return rgds


def instance_api_version(rgd: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(group/version, kind)`` of the instances of ``rgd`` (group defaults to kro.run), or None."""
    spec = rgd.get("spec")
    schema = spec.get("schema") if isinstance(spec, Mapping) else None
    if not isinstance(schema, Mapping):
        return None
    version, kind = schema.get("apiVersion"), schema.get("kind")
    if not isinstance(version, str) or not isinstance(kind, str):
        return None
    group = schema.get("group") if isinstance(schema.get("group"), str) else "kro.run"
    return f"{group}/{version}", kind


#: Instance kind -> ``(group/version, RGD)`` of every RGD among the files generating that kind, in order.
RgdsByKind = dict[str, list[tuple[str, Mapping[str, Any]]]]


def _by_instance_kind(rgds: list[Mapping[str, Any]]) -> RgdsByKind:
    """The RGDs indexed by the kind of their instances (each object then looks at its kind's only)."""
    index: RgdsByKind = {}
    for rgd in rgds:
        identity = instance_api_version(rgd)
        if identity is not None:
            index.setdefault(identity[1], []).append((identity[0], rgd))
    return index


def _rgd_for(body: Mapping[str, Any], rgds: RgdsByKind) -> Mapping[str, Any] | None:
    """The RGD whose instances ``body`` is: same apiVersion and kind; or same kind when the apiVersion
    has no group or the same group (then check_instance reports the wrong version)."""
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if not isinstance(kind, str):
        return None
    by_kind = rgds.get(kind, [])
    for version, rgd in by_kind:
        if version == api_version:
            return rgd
    if len(by_kind) == 1 and isinstance(api_version, str):
        group = by_kind[0][0].rsplit("/", 1)[0]
        if "/" not in api_version or api_version.rsplit("/", 1)[0] == group:
            return by_kind[0][1]
    return None


def _check_manifest(body: Mapping[str, Any], registry: Any, where: Location) -> list[Finding]:
    try:
        from kro_gen.check.k8s_validate import validate_manifest
    except ImportError:  # pragma: no cover - the schema layer is part of the package
        return []
    return validate_manifest(body, registry, where, skip_expressions=False)


def _with_line(found: Finding, file: str, document: YamlDocument, base: Path) -> Finding:
    """``found`` located at ``file:line`` (the line of its field path, or of the nearest parent)."""
    path = parse_path(found.location.path) if found.location.path else ()
    if base and path[: len(base)] != base:
        path = (*base, *path)
        found = replace(found, location=replace(found.location, path=format_path(path)))
    line = document.line_of(path)
    return replace(found, location=replace(found.location, file=f"{file}:{line}"))
