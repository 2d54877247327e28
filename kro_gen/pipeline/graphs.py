"""The per-graph stage: build each loaded graph, find its chaining depth, emit its RGD.

A graph whose resources are instances of another generated graph (``inner.use(...)``, kro RGD
chaining) has depth ``1 + depth(inner)``: the GitOps tree applies inner RGDs first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kro_gen.errors import DefinitionError, KroGenError, Location
from kro_gen.graph import BuiltGraph, ResourceGraph
from kro_gen.project.guard import DEFAULT_TIMEOUT, guarded
from kro_gen.project.loader import LoadedGraph, user_error

if TYPE_CHECKING:
    from kro_gen.project.config import ProjectConfig
    from kro_gen.project.inputs import InputRecorder


@dataclass
class GraphOutput:
    """One graph after the per-graph stage.

    Attributes:
        loaded: the graph and its definition file.
        built: the assembled graph (resources, status, dependencies).
        rgd: the RGD document, without GitOps annotations.
        depth: RGD chaining depth (0 = uses no other generated graph).
        source: the definition file relative to the project root (POSIX), for headers and messages.
    """

    loaded: LoadedGraph
    built: BuiltGraph
    rgd: dict[str, Any]
    depth: int
    source: str

    @property
    def graph(self) -> ResourceGraph[Any, Any]:
        """The user's graph object."""
        return self.loaded.graph

    @property
    def name(self) -> str:
        """The graph's (RGD's) name."""
        return self.loaded.graph.name

    def user_site(self, location: Location) -> Location | None:
        """The user's ``file:line`` (and ``built_at``) for a problem at ``location`` in this graph's RGD,
        or None.

        A resource's problem is at the line that built it (the call in the resources function, with the
        helper's line as ``built_at`` when a helper built it); a problem in the status, at the status
        builder. Other problems (the spec schema, the graph's identity) stay at the graph's line.
        """
        return user_site_of(self.resource_sites(), self.graph.status_site(), location)

    def resource_sites(self) -> dict[str, Location]:
        """Resource id -> the ``file:line`` that built it (``file`` and ``built_at`` of a Location)."""
        return {
            rid: Location(file=resource.site, built_at=resource.built_at)
            for rid, resource in self.built.resources.items()
        }

    def artifact(self) -> Any:
        """The :class:`kro_gen.gitops.model.GraphArtifact` the GitOps stage consumes."""
        from kro_gen.gitops.model import GraphArtifact

        graph = self.graph
        return GraphArtifact(
            name=graph.name,
            kind=graph.kind,
            group=graph.group,
            version=graph.version,
            scope=graph.scope,
            rgd=self.rgd,
            depth=self.depth,
            source=self.source,
            dependencies={rid: list(deps) for rid, deps in self.built.dependencies.items()},
            resource_kinds=resource_kinds(self.built),
        )


def user_site_of(
    resource_sites: dict[str, Location], status_site: str | None, location: Location
) -> Location | None:
    """:meth:`GraphOutput.user_site` from a graph's resource sites and status builder site."""
    site = resource_sites.get(location.resource or "")
    if site is not None:
        return site if site.file is not None else None
    if (location.path or "").startswith("spec.schema.status") and status_site is not None:
        return Location(file=status_site)
    return None


def resource_kinds(built: BuiltGraph) -> dict[str, str]:
    """Resource id -> diagram label: the kind, marked ``(externalRef)`` or ``(forEach)`` when it is one."""
    labels: dict[str, str] = {}
    for resource_id, resource in built.resources.items():
        label = resource.kind or "?"
        if resource.external_ref is not None:
            label += " (externalRef)"
        elif resource.for_each:
            label += " (forEach)"
        labels[resource_id] = label
    return labels


def build_graph(
    loaded: LoadedGraph,
    definitions_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    project: Path | None = None,
) -> BuiltGraph:
    """Run the graph's builders, guarded like loading (time limit, no side effects); an exception in user
    code becomes a located :class:`DefinitionError`."""
    try:
        doing = f"building graph {loaded.graph.name!r} of"
        with guarded(
            loaded.source_path, definitions_dir, project or definitions_dir.parent, timeout, doing=doing
        ):
            return loaded.graph.build()
    except KroGenError:
        raise
    except Exception as error:
        raise user_error(error, loaded.source_path, definitions_dir).located(
            loaded.graph.location()
        ) from None


def chain_depths(built: dict[str, BuiltGraph]) -> dict[str, int]:
    """Chaining depth of every graph (by name); every chained graph must be one of ``built``.

    Raises :class:`DefinitionError` when a graph uses a graph that is not in ``definitions/`` (its RGD
    would be missing from the tree) or when graphs use each other in a cycle.
    """
    inner_of: dict[str, list[str]] = {}
    for name, graph in built.items():
        inner: list[str] = []
        for resource in graph.resources.values():
            ref = resource.graph_ref
            if ref is None:
                continue
            if ref.name not in built or built[ref.name].graph is not ref:
                raise DefinitionError(
                    f"resource uses graph {ref.name!r}, which is not defined in the definitions folder",
                    location=resource.location().merged(Location(graph=name)),
                    hint=f"define {ref.name!r} in a definitions file (and import it from there)",
                    rule="chained-graph-missing",
                )
            inner.append(ref.name)
        inner_of[name] = inner
    from kro_gen.graph.dag import depths, find_cycle

    cycle = find_cycle(inner_of)
    if cycle:
        raise DefinitionError(
            f"graphs use each other in a cycle: {' -> '.join(cycle)}",
            location=Location(graph=cycle[0]),
            hint="kro cannot install RGDs that need each other's kinds; break the cycle",
            rule="chained-graph-cycle",
        )
    return depths(inner_of)


def prepare_graphs(config: ProjectConfig, progress: Callable[[str], None] | None = None) -> list[GraphOutput]:
    """Load ``definitions/``, build every graph, compute chaining depths and emit every RGD (unchecked).

    Raises :class:`DefinitionError` when the folder defines no graph or a definition fails.
    """
    from kro_gen.project.loader import load_definitions

    loaded = load_definitions(config.definitions_dir, timeout=config.definition_timeout, project=config.root)
    if not loaded:
        raise DefinitionError(
            f"no ResourceGraph found in {config.definitions}/",
            location=Location(file=config.definitions),
            hint="define a module-level ResourceGraph(...) in a .py file there (see 'kro-gen init')",
            rule="no-graphs",
        )
    return graph_outputs(loaded, config, progress)


def graph_outputs(
    loaded: Sequence[LoadedGraph],
    config: ProjectConfig,
    progress: Callable[[str], None] | None = None,
    recorder: InputRecorder | None = None,
) -> list[GraphOutput]:
    """Build ``loaded`` (every graph that a chained graph uses among them), compute chaining depths and
    emit every RGD (unchecked). ``recorder`` notes what the builders read, for each graph's file."""
    built: dict[str, BuiltGraph] = {}
    for item in loaded:
        if progress is not None:
            progress(f"building {item.graph.name}")
        with recorder.within(item.owner or item.source_path) if recorder else contextlib.nullcontext():
            built[item.graph.name] = build_graph(
                item, config.definitions_dir, timeout=config.definition_timeout, project=config.root
            )
    depths = chain_depths(built)
    return [
        GraphOutput(
            item,
            built[item.graph.name],
            emit_rgd(built[item.graph.name]),
            depths[item.graph.name],
            source_label(item.source_path, config.root),
        )
        for item in loaded
    ]


def emit_rgd(built: BuiltGraph) -> dict[str, Any]:
    """The RGD document of ``built``; errors are located at the graph."""
    from kro_gen.emit.rgd import rgd_document

    try:
        return rgd_document(built)
    except KroGenError as error:
        raise error.located(built.graph.location()) from None


def source_label(path: Path, root: Path) -> str:
    """``path`` relative to the project ``root`` (POSIX), or its name when outside the project."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
