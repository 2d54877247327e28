"""One graph's share of a run: its checks, its breaking-change verdict and its documents in every
environment -- independent of every other graph, so graphs can be computed in parallel processes
and their results cached (:mod:`kro_gen.pipeline.incremental`).

A unit never raises: an error is kept in the unit and raised by the run at the point a serial run
would have raised it, so the order of errors does not depend on how the units were computed.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kro_gen.errors import KroGenError, Location
from kro_gen.pipeline import checks
from kro_gen.pipeline.environments import graph_documents
from kro_gen.pipeline.graphs import GraphOutput, user_site_of

if TYPE_CHECKING:
    from kro_gen.check.findings import Finding
    from kro_gen.gitops.model import Document, EnvironmentTarget, GraphArtifact
    from kro_gen.registry import SchemaRegistry

#: Below this many graphs to compute, a run stays in one process (a pool costs more than it saves).
PARALLEL_THRESHOLD = 16


@dataclass
class GraphUnit:
    """What one graph contributes to a run.

    Attributes:
        name, kind, group: the graph's identity (for the uniqueness check across graphs).
        site: the graph's ``file:line``.
        schema_hash: a hash of the RGD's ``spec.schema`` (the kind it generates, as the registry sees it).
        artifact: the GitOps stage's view of the graph.
        instances: environment -> the ``file:line`` of its ``.instance(...)`` call.
        findings: the RGD's check findings and breaking changes, at the user's lines.
        documents: environment -> (documents, findings), for every environment rendered.
        failures: environment -> the error rendering it raised.
        rgd_blob: the git blob id of the RGD's file as planned.
    """

    name: str
    kind: str
    group: str
    site: str | None
    schema_hash: str
    artifact: GraphArtifact
    instances: dict[str, str | None]
    allow_breaking: bool = False
    resource_sites: dict[str, Location] = field(default_factory=dict)
    status_site: str | None = None
    findings: list[Finding] = field(default_factory=list)
    breaking: list[Finding] = field(default_factory=list)
    breaking_base: str | None = None
    breaking_known: bool = False
    documents: dict[str, tuple[list[Document], list[Finding]]] = field(default_factory=dict)
    failures: dict[str, KroGenError] = field(default_factory=dict)
    rgd_blob: str = ""

    def where(self) -> Location:
        """Where the graph's RGD findings are."""
        return Location(file=self.site or self.artifact.source, graph=self.name)

    def refresh_breaking(
        self,
        committed: str | None,
        old_rgd: Callable[[], dict[str, Any] | None],
        registry: Callable[[], SchemaRegistry],
    ) -> None:
        """Make :attr:`breaking` the verdict against the committed RGD whose blob id is ``committed``
        (``None``: nothing committed). The committed RGD is read (``old_rgd``) only when its bytes differ
        from the planned file's; a verdict for the same blob is kept."""
        if self.breaking_known and committed == self.breaking_base:
            return
        self.breaking_base, self.breaking_known = committed, True
        if committed is None or committed == self.rgd_blob:
            self.breaking = []
            return
        found = checks.breaking_changes(
            old_rgd(), self.artifact.rgd, self.where(), allowed=self.allow_breaking, registry=registry()
        )
        found = checks.without_consequences(found, checks.errors_only(self.findings))
        self.breaking = [
            checks.at_user_site(f, user_site_of(self.resource_sites, self.status_site, f.location))
            for f in found
        ]

    @property
    def failed(self) -> bool:
        """True when any check or rendering of this graph failed (such units are never cached)."""
        from kro_gen.check.findings import Severity

        every = [*self.findings, *self.breaking, *(f for _, found in self.documents.values() for f in found)]
        return bool(self.failures) or any(f.severity is Severity.ERROR for f in every)


def schema_hash(rgd: dict[str, Any]) -> str:
    """A hash of what the registry learns from ``rgd``: its ``spec.schema`` (kind, spec, status, types)."""
    import hashlib
    import json

    schema = rgd.get("spec", {}).get("schema", {})
    return hashlib.sha256(json.dumps(schema, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class UnitContext:
    """What every unit of a run shares."""

    targets: tuple[EnvironmentTarget, ...]
    registry: SchemaRegistry | None  # None when no unit is computed
    top: Path | None
    repo_rgd_path: Callable[[str], str]
    committed_blobs: dict[str, str]
    base: str
    max_depth: int


def compute_unit(output: GraphOutput, context: UnitContext) -> GraphUnit:
    """Check ``output``, compare it with its committed RGD and render it in every target."""
    from kro_gen.gitops.layout import rgd_path
    from kro_gen.gitops.platform import rgd_file
    from kro_gen.vcs import blob_id

    graph = output.graph
    artifact = output.artifact()
    unit = GraphUnit(
        name=graph.name,
        kind=graph.kind,
        group=graph.group,
        site=graph.site,
        schema_hash=schema_hash(output.rgd),
        artifact=artifact,
        instances={env: instance.site for env, instance in graph.instances.items()},
        allow_breaking=graph.allow_breaking_changes,
        resource_sites=output.resource_sites(),
        status_site=graph.status_site(),
    )
    try:
        text = rgd_file(artifact, context.max_depth)
        # the planner writes this same text (for the same depth) instead of dumping the RGD again
        unit.artifact = dataclasses.replace(artifact, rgd_file=(context.max_depth, text))
        unit.rgd_blob = blob_id(text.encode("utf-8"))
    except KroGenError:
        unit.rgd_blob = ""  # the planner reports it, in its turn
    registry = context.registry
    assert registry is not None
    found = checks.check_graph_rgd(output.rgd, unit.where(), registry, graph.status_model)
    unit.findings = [checks.at_user_site(f, output.user_site(f.location)) for f in found]
    repo_path = context.repo_rgd_path(rgd_path(output.name))
    unit.refresh_breaking(
        context.committed_blobs.get(repo_path),
        lambda: checks.committed_rgd(context.top, repo_path, rev=context.base),
        lambda: registry,
    )
    for target in context.targets:
        if target.name not in graph.instances:
            continue
        try:
            unit.documents[target.name] = graph_documents(output, target, registry)
        except KroGenError as error:
            unit.failures[target.name] = error
    return unit


# parallel computation ----------------------------------------------------------------------------

_WORK: tuple[Sequence[GraphOutput], UnitContext] | None = None


def _unit_at(index: int) -> bytes | None:
    assert _WORK is not None
    outputs, context = _WORK
    unit = compute_unit(outputs[index], context)
    try:
        return pickle.dumps(unit, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an error object that does not pickle: the parent recomputes the unit
        return None


def default_jobs() -> int:
    """``$KRO_GEN_JOBS``, else the CPUs this process may use."""
    configured = os.environ.get("KRO_GEN_JOBS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def compute_units(outputs: Sequence[GraphOutput], context: UnitContext, jobs: int) -> list[GraphUnit]:
    """Every output's unit, in order: in ``jobs`` forked processes when there are enough graphs (and
    the platform forks), else here. The results are the same either way."""
    import multiprocessing

    forks = "fork" in multiprocessing.get_all_start_methods()
    if jobs <= 1 or len(outputs) < PARALLEL_THRESHOLD or not forks:
        return [compute_unit(output, context) for output in outputs]
    global _WORK
    _WORK = (outputs, context)
    units: list[GraphUnit] = []
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(outputs))) as pool:
            chunk = max(1, len(outputs) // (jobs * 8))
            # unpickled as they arrive, in order: a fleet's pickles are never all held at once
            results = pool.imap(_unit_at, range(len(outputs)), chunksize=chunk)
            for output, result in zip(outputs, results, strict=True):
                units.append(pickle.loads(result) if result is not None else compute_unit(output, context))
    finally:
        _WORK = None
    return units
