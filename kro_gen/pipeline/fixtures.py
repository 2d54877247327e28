"""``kro-gen test [PATH...]``: fixture tests for RGDs, offline (the format is in the README).

A fixture file is any ``*.kro-test.yaml``; each YAML document in it is one test:

.. code-block:: yaml

    name: shop renders a Deployment, two Services and an Ingress   # optional
    rgd: ../rgd.yaml                # an RGD file (relative to this file) ...
    # graph: microservices-app      # ... or a graph of the project's definitions/
    instance: instance.yaml         # a file, or the instance inline as a map
    set:                            # optional: values only the cluster knows (render --set)
      platformConfig.data.logLevel: debug
    crds: [crds/widget.yaml]        # optional: CRDs of custom kinds the RGD uses
    expect:                         # objects that must be rendered; partial match, as chainsaw asserts
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: shop}
        spec: {replicas: 2}
    absent:                         # optional: objects that must not be rendered
      - {kind: Ingress, metadata: {name: shop}}
    exhaustive: true                # optional: nothing is rendered beyond ``expect``
    # expectError: "spec.replicas: Invalid value"   # instead of expect: rendering must fail so

An expected object is found among the rendered ones by kind and ``metadata.name`` (and apiVersion and
namespace when it gives them), then compared field by field: only what it lists counts, lists
compare item by item. A failing test prints, per object, what differs and a unified diff of the
expected object against the rendered one (cut to the fields the expectation lists).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kro_gen.errors import ConfigError, KroGenError, Location
from kro_gen.pipeline.rgd_source import GraphLookup, SourceDocument, read_documents, read_instance, read_rgd

if TYPE_CHECKING:
    from kro_gen.project.config import ProjectConfig

SUFFIX = ".kro-test.yaml"
_KEYS = frozenset(
    {"name", "rgd", "graph", "instance", "set", "crds", "expect", "absent", "exhaustive", "expectError"}
)
_SKIPPED_FOLDERS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".tox"})


@dataclass(frozen=True)
class Fixture:
    """One test: where it is, what to render, and what to expect."""

    name: str
    where: str
    folder: Path
    spec: Mapping[str, Any]


@dataclass
class Outcome:
    """The result of one fixture: passed, failed (with the report lines), or broken (bad fixture)."""

    fixture: Fixture
    passed: bool
    lines: list[str] = field(default_factory=list)
    broken: bool = False


def find_fixtures(paths: Iterable[Path]) -> list[Path]:
    """Every ``*.kro-test.yaml`` under ``paths`` (files are taken as given), sorted, skipping VCS and
    virtual-environment folders.

    Raises:
        ConfigError: a path does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.rglob(f"*{SUFFIX}") if not _SKIPPED_FOLDERS.intersection(p.parts))
        else:
            raise ConfigError(
                f"{path} does not exist",
                hint="give fixture files or folders holding *.kro-test.yaml",
                rule="file-not-found",
            )
    return list(dict.fromkeys(found))


def load_fixtures(path: Path) -> list[Fixture]:
    """The tests of one fixture file (one per YAML document)."""
    fixtures = []
    for number, document in enumerate(read_documents(path)):
        name = document.body.get("name")
        label = str(name) if isinstance(name, str) and name else f"{path} #{number + 1}"
        fixtures.append(Fixture(label, document.where, path.parent, document.body))
    return fixtures


def run_fixture(fixture: Fixture, config: ProjectConfig | None, graphs: GraphLookup | None) -> Outcome:
    """Render the fixture's instance and compare with what it expects."""
    try:
        rendered, error = _render(fixture, config, graphs)
    except _Broken as broken:
        return Outcome(fixture, False, [f"  {broken}"], broken=True)
    expected_error = fixture.spec.get("expectError")
    if expected_error is not None:
        if error is not None and str(expected_error) in error:
            return Outcome(fixture, True)
        got = f"it failed with: {error}" if error is not None else "it rendered without an error"
        return Outcome(fixture, False, [f"  expected an error containing {str(expected_error)!r}, but {got}"])
    if error is not None:
        return Outcome(fixture, False, [f"  rendering failed: {error}"])
    assert rendered is not None
    lines = _compare(fixture, rendered)
    return Outcome(fixture, not lines, lines)


class _Broken(Exception):
    """The fixture itself is malformed (exit 2)."""


def _render(
    fixture: Fixture, config: ProjectConfig | None, graphs: GraphLookup | None
) -> tuple[list[dict[str, Any]] | None, str | None]:
    from kro_gen.emit.supplied import Supplied
    from kro_gen.pipeline.toolbox import render_instance, toolbox_registry

    spec = fixture.spec
    unknown = sorted(set(spec) - _KEYS)
    if unknown:
        raise _Broken(
            f"{fixture.where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})"
        )
    if ("rgd" in spec) == ("graph" in spec):
        raise _Broken(f"{fixture.where}: give exactly one of rgd: FILE and graph: NAME")
    if "instance" not in spec:
        raise _Broken(f"{fixture.where}: instance: is missing (a file, or the instance as a map)")
    if ("expect" in spec) == ("expectError" in spec):
        raise _Broken(f"{fixture.where}: give exactly one of expect: [objects] and expectError: TEXT")
    try:
        rgd = _rgd(fixture, graphs)
        instance = _instance(fixture)
        supplied = [
            Supplied(*_set_path(path), value, f"{path}={value}")
            for path, value in _mapping(fixture, "set").items()
        ]
        crds = [fixture.folder / str(name) for name in _list(fixture, "crds")]
        registry = toolbox_registry(config, crds, [rgd.body])
    except KroGenError as error:
        raise _Broken(f"{fixture.where}: {error}") from None
    try:
        objects, _warnings = render_instance(rgd, instance, registry, supplied)
    except KroGenError as error:
        return None, _error_text(error)
    return objects, None


def _error_text(error: KroGenError) -> str:
    findings = getattr(error, "findings", None) or []
    return "; ".join([*(finding.message for finding in findings), str(error)])


def _set_path(path: Any) -> tuple[str, tuple[str | int, ...]]:
    from kro_gen.emit.supplied import parse_set

    parsed = parse_set(f"{path}=")
    return parsed.root, parsed.steps


def _rgd(fixture: Fixture, graphs: GraphLookup | None) -> SourceDocument:
    if "graph" in fixture.spec:
        name = str(fixture.spec["graph"])
        rgd = graphs(name) if graphs is not None else None
        if rgd is None:
            raise ConfigError(f"graph {name!r} is not a graph of this project", rule="no-rgd")
        return SourceDocument(rgd, f"graph {name}", {})
    return read_rgd(str(fixture.folder / str(fixture.spec["rgd"])))


def _instance(fixture: Fixture) -> SourceDocument:
    value = fixture.spec["instance"]
    if isinstance(value, Mapping):
        return SourceDocument(dict(value), f"{fixture.where} (instance)", {})
    return read_instance(str(fixture.folder / str(value)))


def _mapping(fixture: Fixture, key: str) -> Mapping[str, Any]:
    value = fixture.spec.get(key) or {}
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{key}: must be a map of PATH: VALUE", location=Location(file=fixture.where), rule="fixture"
        )
    return value


def _list(fixture: Fixture, key: str) -> list[Any]:
    value = fixture.spec.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(f"{key}: must be a list", location=Location(file=fixture.where), rule="fixture")
    return value


# -- comparing ------------------------------------------------------------------------------------
def _identity(document: Mapping[str, Any]) -> str:
    metadata = document.get("metadata") or {}
    namespace = f" in {metadata['namespace']}" if metadata.get("namespace") else ""
    return f"{document.get('kind')} {metadata.get('name')}{namespace}"


def _matches(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    want, got = expected.get("metadata") or {}, actual.get("metadata") or {}
    return (
        expected.get("kind") == actual.get("kind")
        and want.get("name") == got.get("name")
        and expected.get("apiVersion") in (None, actual.get("apiVersion"))
        and want.get("namespace") in (None, got.get("namespace"))
    )


def _compare(fixture: Fixture, rendered: list[dict[str, Any]]) -> list[str]:
    from kro_gen.check.assertions import partial_match

    lines: list[str] = []
    used: set[int] = set()
    for expected in _objects(fixture, "expect"):
        index = next((i for i, o in enumerate(rendered) if i not in used and _matches(expected, o)), None)
        if index is None:
            present = ", ".join(_identity(o) for o in rendered) or "nothing"
            lines.append(f"  {_identity(expected)}: not rendered (rendered: {present})")
            continue
        used.add(index)
        result = partial_match(expected, rendered[index])
        if not result.ok:
            lines.append(f"  {_identity(expected)}:")
            lines += [f"    {mismatch}" for mismatch in result.mismatches]
            lines += [f"    {line}" for line in _diff(expected, _projection(expected, rendered[index]))]
    for absent in _objects(fixture, "absent"):
        if any(_matches(absent, o) for o in rendered):
            lines.append(f"  {_identity(absent)}: rendered, but the fixture says it must not be")
    if fixture.spec.get("exhaustive") is True:
        extra = [_identity(o) for i, o in enumerate(rendered) if i not in used]
        if extra:
            lines.append(f"  rendered beyond expect (exhaustive: true): {', '.join(extra)}")
    return lines


def _objects(fixture: Fixture, key: str) -> Iterator[Mapping[str, Any]]:
    for item in _list(fixture, key):
        if not isinstance(item, Mapping) or not isinstance((item.get("metadata") or {}).get("name"), str):
            raise _Broken(f"{fixture.where}: each {key}: item is an object with kind and metadata.name")
        yield item


def _projection(expected: Any, actual: Any) -> Any:
    """``actual`` cut to the keys ``expected`` lists (lists item by item), for a focused diff."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return {key: _projection(value, actual[key]) for key, value in expected.items() if key in actual}
    if isinstance(expected, list) and isinstance(actual, list):
        return [
            _projection(expected[i], item) if i < len(expected) else item for i, item in enumerate(actual)
        ]
    return actual


def _diff(expected: Any, actual: Any) -> list[str]:
    from kro_gen.emit.masking import mask_pair
    from kro_gen.emit.yamlio import dump_yaml

    before, after = mask_pair(dump_yaml(expected), dump_yaml(actual))
    return list(
        difflib.unified_diff(
            (before or "").splitlines(),
            (after or "").splitlines(),
            "expected",
            "rendered",
            lineterm="",
        )
    )


def run_all(paths: Sequence[Path], config: ProjectConfig | None, graphs: GraphLookup | None) -> list[Outcome]:
    """Every fixture under ``paths``, in file order."""
    outcomes = []
    for path in find_fixtures(paths):
        try:
            fixtures = load_fixtures(path)
        except KroGenError as error:
            broken = Fixture(str(path), str(path), path.parent, {})
            outcomes.append(Outcome(broken, False, [f"  {error}"], broken=True))
            continue
        outcomes += [run_fixture(fixture, config, graphs) for fixture in fixtures]
    return outcomes
