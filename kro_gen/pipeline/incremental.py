"""``generate`` for fleets: the planned tree, reusing what an earlier run computed from the same inputs,
and computing the rest in parallel processes.

Three levels, each used only when its inputs are proven unchanged:

1. **The run**: every definition file, every file and variable its loading read, the configuration,
   the CRDs, the committed RGDs (their git blob ids at ``--base``) and kro-gen itself are as they were
   when the stored plan was made: the plan and its warnings are reused; nothing is imported, built,
   checked or rendered, no committed RGD is read and nothing is written.
2. **A definition file**: its own bytes, those of the definition files it imports (directly or not),
   the shared inputs of the session that loaded it, the blob ids of its graphs' committed RGDs and the
   kinds every graph generates are as they were: its graphs' checks, breaking-change verdicts and
   documents are reused, and the file is not even imported. Only changed files are imported (with the
   definition files they import).
3. **Nothing reusable**: every graph is computed (:mod:`kro_gen.pipeline.units`), in ``jobs`` processes
   when there are enough of them.

The result is the same as :func:`kro_gen.pipeline.generate`'s, byte for byte, and so is the order of
errors: a unit keeps its errors and they are raised where a serial run raises them.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kro_gen.errors import ConfigError, DefinitionError, Location
from kro_gen.pipeline.cache import CacheStore, digest, tool_fingerprint
from kro_gen.pipeline.findings import FindingLog, operator_findings
from kro_gen.pipeline.gctune import batch_collection
from kro_gen.project.inputs import file_sha256, read_environment, static_imports

if TYPE_CHECKING:
    from kro_gen.check.findings import Finding
    from kro_gen.gitops.model import TreePlan, TreeSettings
    from kro_gen.pipeline.units import GraphUnit
    from kro_gen.project.config import ProjectConfig
    from kro_gen.project.inputs import InputRecorder
    from kro_gen.project.loader import LoadedGraph
    from kro_gen.registry import SchemaRegistry

Progress = Callable[[str], None]


@dataclass
class ProjectPlan:
    """The planned tree of a project and how it was obtained.

    Attributes:
        config: the project configuration.
        settings: the tree settings.
        plan: the planned tree.
        findings: every warning (errors abort the run).
        reused: ``run`` (the whole plan came from the cache), ``files`` (some definition files'
            results did) or ``none``.
        computed: the graphs computed by this run (the others came from the cache).
    """

    config: ProjectConfig
    settings: TreeSettings
    plan: TreePlan
    findings: list[Finding] = field(default_factory=list)
    reused: str = "none"
    computed: list[str] = field(default_factory=list)


class _Proofs:
    """Checks recorded inputs against the disk and the environment, hashing each file once per run."""

    def __init__(self, definitions_dir: Path, blobs: dict[str, str]) -> None:
        self.definitions_dir = definitions_dir
        self.blobs = blobs
        self._hashes: dict[str, str | None] = {}
        self._sessions: dict[str, bool] = {}
        self._helpers: dict[str, str | None] | None = None

    def sha(self, path: str) -> str | None:
        if path not in self._hashes:
            self._hashes[path] = file_sha256(path)
        return self._hashes[path]

    def helpers(self) -> dict[str, str | None]:
        """Every Python file under the definitions folder that is not a definition file, hashed."""
        if self._helpers is None:
            from kro_gen.project.loader import definition_files

            definitions = set(definition_files(self.definitions_dir))
            self._helpers = {
                str(path): self.sha(str(path))
                for path in sorted(self.definitions_dir.rglob("*.py"))
                if path not in definitions and "__pycache__" not in path.parts
            }
        return self._helpers

    def session_valid(self, session: dict[str, Any]) -> bool:
        key = digest(session)
        if key not in self._sessions:
            self._sessions[key] = (
                all(self.sha(path) == sha for path, sha in session["opened"].items())
                and read_environment(session["environment"]) == session["environment"]
                and self.helpers() == session["helpers"]
            )
        return self._sessions[key]

    def file_valid(self, proof: dict[str, Any]) -> bool:
        """True when a definition file's recorded inputs are all unchanged."""
        if any(self.sha(path) != sha for path, sha in proof["files"].items()):
            return False
        for name in proof["absent"]:
            if (self.definitions_dir / f"{name}.py").exists() or (self.definitions_dir / name).is_dir():
                return False
        return self.session_valid(proof["session"])


def _context_key(config: ProjectConfig, top: Path | None) -> str:
    """Everything every entry depends on: kro-gen, the configuration, the CRDs, where it runs."""
    import os

    pyproject = file_sha256(config.pyproject) if config.pyproject else None
    crds = [(str(path), file_sha256(path)) for path in config.crd_paths]
    return digest(
        tool_fingerprint(),
        pyproject,
        config.model_dump(mode="json"),
        crds,
        str(config.root.resolve()),
        os.getcwd(),
        str(top),
    )


@batch_collection()
def plan_project(
    config: ProjectConfig,
    *,
    base: str = "HEAD",
    cache: CacheStore | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> ProjectPlan:
    """The planned tree for ``config`` (nothing written but cache entries). See the module docstring.

    Raises:
        KroGenError: a definition, configuration or check error, as :func:`kro_gen.pipeline.generate`.
    """
    from kro_gen.emit.yamlio import reusing_dumps
    from kro_gen.gitops.layout import RGD_DIR, rgd_path
    from kro_gen.gitops.model import TreePlan
    from kro_gen.pipeline.run import tree_settings
    from kro_gen.project.loader import definition_files, forget_definition_modules
    from kro_gen.vcs import committed_blob_ids, repo_root

    say = progress or (lambda message: None)
    store = cache or CacheStore(None)
    top = repo_root(config.root)
    settings = tree_settings(config, top)
    definitions_dir = config.definitions_dir.resolve()
    files = definition_files(definitions_dir) if definitions_dir.is_dir() else []
    blobs = committed_blob_ids(top, settings.repo_path(RGD_DIR), base) if top is not None else {}
    proofs = _Proofs(definitions_dir, blobs)
    context = _context_key(config, top)
    names = [str(path) for path in files]

    run = store.read("run", context)
    if (
        run is not None
        and run["files"] == names
        and all(blobs.get(path) == blob for path, blob in run["blobs"].items())
        and all(proofs.file_valid(p) for p in run["proofs"])
    ):
        plan = TreePlan(_unpack(run["plan"]), tool_version=settings.tool_version)
        return ProjectPlan(config, settings, plan, run["findings"], reused="run")

    entries: dict[Path, dict[str, Any]] = {}
    for path in files:
        entry = store.read("units", digest(context, str(path)))
        if entry is not None and proofs.file_valid(entry["proof"]):
            entries[path] = entry
    state = _compute(config, files, entries, settings, top, blobs, base, jobs, say)
    if state.kinds_changed:  # a graph's generated kind changed: nothing cached is known to hold
        state = _compute(config, files, {}, settings, top, blobs, base, jobs, say)
    if forget_definition_modules():  # the units hold all later stages need: free the graphs before planning
        import gc

        gc.collect()  # modules, classes and graphs are cycles: planning reuses their memory at once
    # with a cache, documents that did not change are not dumped again: their text is the last run's
    reuse: AbstractContextManager[dict[str, str]] = (
        reusing_dumps(_earlier_dumps(run)) if store.folder is not None else nullcontext({})
    )
    with reuse as dumps:
        plan, findings = _assemble(config, settings, state.units, say)

    for path, proof in state.new_proofs.items():
        units = state.by_file[path]
        if not any(unit.failed for unit in units):
            entry = {"proof": proof, "units": units, "kinds": state.kinds}
            store.write("units", digest(context, str(path)), entry)
    run_proofs = [state.new_proofs.get(path) or entries[path]["proof"] for path in files]
    graph_blobs = {
        path: blobs.get(path) for path in (settings.repo_path(rgd_path(u.name)) for u in state.units)
    }
    run = {
        "files": names,
        "proofs": run_proofs,
        "blobs": graph_blobs,
        "plan": _pack(plan.files),
        "dumps": _dump_paths(dumps, plan.files),
        "findings": findings,
    }
    store.write("run", context, run)
    store.prune()  # entries of graphs, configs or kro-gen versions no run has used for weeks
    reused = "files" if len(state.new_proofs) < len(files) else "none"
    return ProjectPlan(config, settings, plan, findings, reused, [u.name for u in state.live])


def _earlier_dumps(run: Any) -> dict[str, str]:
    """The dump keys of the last run's files and their texts (none when its record is unusable)."""
    try:
        files = _unpack(run["plan"])
        return {key: files[path] for key, path in run["dumps"].items()}
    except Exception:  # no record, one without dumps, or one that does not fit: dump everything
        return {}


def _dump_paths(dumps: Mapping[str, str], files: Mapping[str, str]) -> dict[str, str]:
    """Each dump key of this run -> a planned path holding its text (dumps no file holds are left out)."""
    where = {text: path for path, text in files.items()}
    return {key: where[text] for key, text in dumps.items() if text in where}


def _pack(files: Any) -> bytes:
    import pickle

    return zlib.compress(pickle.dumps(dict(files), protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack(data: bytes) -> dict[str, str]:
    import pickle

    files: dict[str, str] = pickle.loads(zlib.decompress(data))
    return files


@dataclass
class _State:
    units: list[GraphUnit]
    live: list[GraphUnit]
    by_file: dict[Path, list[GraphUnit]]
    new_proofs: dict[Path, dict[str, Any]]
    kinds: str
    kinds_changed: bool


def _compute(
    config: ProjectConfig,
    files: Sequence[Path],
    entries: dict[Path, dict[str, Any]],
    settings: TreeSettings,
    top: Path | None,
    blobs: dict[str, str],
    base: str,
    jobs: int,
    say: Progress,
) -> _State:
    """Load what is not cached, build and compute it, and merge it with the cached units in file order."""
    from kro_gen.gitops.layout import rgd_path
    from kro_gen.pipeline import checks
    from kro_gen.pipeline.environments import target_of
    from kro_gen.pipeline.graphs import graph_outputs
    from kro_gen.pipeline.units import UnitContext, compute_units
    from kro_gen.project.inputs import InputRecorder
    from kro_gen.project.loader import load_definitions

    stale = [path for path in files if path not in entries]
    recorder = InputRecorder()
    loaded: list[LoadedGraph] = []
    if stale or not files:
        with recorder.active():
            loaded = load_definitions(
                config.definitions_dir,
                timeout=config.definition_timeout,
                project=config.root,
                only=stale,
                recorder=recorder,
            )
            executed = set(recorder.imports)
            cached = {path: entry for path, entry in entries.items() if path not in executed}
            _check_unique(loaded, cached)
            outputs = graph_outputs(loaded, config, say, recorder)
    else:
        executed, cached, outputs = set(), entries, []
    if not outputs and not cached:
        raise DefinitionError(
            f"no ResourceGraph found in {config.definitions}/",
            location=Location(file=config.definitions),
            hint="define a module-level ResourceGraph(...) in a .py file there (see 'kro-gen init')",
            rule="no-graphs",
        )
    from kro_gen.pipeline.units import schema_hash

    owner = {id(item.graph): item.owner or item.source_path for item in loaded}
    kinds = digest(
        sorted(
            [(o.graph.group, o.graph.kind, schema_hash(o.rgd)) for o in outputs]
            + [(u.group, u.kind, u.schema_hash) for e in cached.values() for u in e["units"]]
        )
    )
    if any(entry["kinds"] != kinds for entry in cached.values()):
        return _State([], [], {}, {}, kinds, kinds_changed=True)

    rgds_in_order: list[dict[str, Any]] = []
    live_by_file: dict[Path, list[int]] = {}
    for index, output in enumerate(outputs):
        live_by_file.setdefault(owner[id(output.graph)], []).append(index)
    for path in files:
        if path in cached:
            rgds_in_order += [u.artifact.rgd for u in cached[path]["units"]]
        else:
            rgds_in_order += [outputs[i].rgd for i in live_by_file.get(path, [])]
    made: list[SchemaRegistry] = []

    def registry() -> SchemaRegistry:
        if not made:
            made.append(checks.make_registry(config.kubernetes_version, config.crd_paths, rgds_in_order))
        return made[0]

    depths = [o.depth for o in outputs] + [u.artifact.depth for e in cached.values() for u in e["units"]]
    instances = [env for o in outputs for env in o.graph.instances] + [
        env for e in cached.values() for u in e["units"] for env in u.instances
    ]
    try:
        environments = config.resolve_environments(instances)
    except ConfigError:
        environments = ()  # raised again, in its turn, when the units are assembled
    context = UnitContext(
        targets=tuple(target_of(environment) for environment in environments),
        registry=registry() if outputs else None,
        top=top,
        repo_rgd_path=settings.repo_path,
        committed_blobs=blobs,
        base=base,
        max_depth=max(depths, default=0),
    )
    reused = sum(len(entry["units"]) for entry in cached.values())
    say(f"checking and rendering {len(outputs)} graph(s); {reused} cached")
    live = compute_units(outputs, context, jobs)

    units: list[GraphUnit] = []
    by_file: dict[Path, list[GraphUnit]] = {}
    for path in files:
        if path in cached:
            for unit in cached[path]["units"]:
                repo_path = settings.repo_path(rgd_path(unit.name))
                unit.refresh_breaking(
                    blobs.get(repo_path),
                    functools.partial(checks.committed_rgd, top, repo_path, rev=base),
                    registry,
                )
            units += cached[path]["units"]
            continue
        mine = [live[i] for i in live_by_file.get(path, [])]
        by_file[path] = mine
        units += mine
    shared = _session_inputs(recorder, files)
    by_stem = {file.stem: file for file in files}  # once: every file's proof looks its imports up here
    new_proofs = {path: _proof(path, recorder, by_stem, shared) for path in files if path not in cached}
    return _State(units, live, by_file, new_proofs, kinds, kinds_changed=False)


def _check_unique(loaded: Sequence[LoadedGraph], cached: dict[Path, dict[str, Any]]) -> None:
    """Two graphs, one loaded and one cached, with one name or one kind: the loader's error."""
    from kro_gen.project.loader import check_unique_identities

    identities = [(item.graph.name, item.graph.group, item.graph.kind, item.graph.site) for item in loaded]
    identities += [(u.name, u.group, u.kind, u.site) for e in cached.values() for u in e["units"]]
    check_unique_identities(identities)


def _session_inputs(recorder: InputRecorder, files: Sequence[Path]) -> dict[str, Any]:
    """What every file loaded in this session depends on: the other files opened (modules imported for
    the first time, data), the environment variables read, and every helper module of the folder."""
    definitions_dir = files[0].parent if files else Path()
    definition_paths = {str(file) for file in files}
    helpers = sorted(
        file
        for file in definitions_dir.rglob("*.py")
        if str(file) not in definition_paths and "__pycache__" not in file.parts
    )
    listed = definition_paths | {str(file) for file in helpers}  # hashed by name already
    return {
        "opened": {file: file_sha256(file) for file in sorted(recorder.opened) if file not in listed},
        "environment": dict(sorted(recorder.environment.items())),
        "helpers": {str(file): file_sha256(file) for file in helpers},
        "helper_names": sorted(
            {
                file.stem if file.suffix == ".py" else file.name
                for file in definitions_dir.iterdir()
                if str(file) not in definition_paths
            }
        ),
    }


def _proof(
    path: Path, recorder: InputRecorder, by_stem: Mapping[str, Path], session: dict[str, Any]
) -> dict[str, Any]:
    """What ``path``'s results depend on: its bytes and those of the definition files it imports
    (recorded while loading, and written in its imports), names it imports that are not project files
    (a new file by that name would change what they mean), and the session's shared inputs.
    ``by_stem``: the definition files by module name."""
    helpers = set(session["helper_names"])
    seen: dict[Path, str | None] = {}
    absent: set[str] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen[current] = file_sha256(current)
        try:
            source = current.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            source = ""
        for name in sorted(static_imports(source)):
            if name in by_stem:
                todo.append(by_stem[name])
            elif name not in helpers:
                absent.add(name)
        todo += sorted(recorder.imports.get(current, ()))
    return {
        "files": {str(file): sha for file, sha in sorted(seen.items())},
        "absent": sorted(absent),
        "session": {key: value for key, value in session.items() if key != "helper_names"},
    }


def _assemble(
    config: ProjectConfig, settings: TreeSettings, units: Sequence[GraphUnit], say: Progress
) -> tuple[TreePlan, list[Finding]]:
    """The serial run's later stages over ``units``: raise their errors in its order, plan the tree."""
    from kro_gen.gitops import plan_tree
    from kro_gen.gitops.model import Document, EnvironmentArtifact
    from kro_gen.pipeline.environments import check_instance_environments, check_user_files, target_of

    log = FindingLog()
    for unit in units:
        log.extend([*unit.findings, *unit.breaking])
    log.raise_if_errors()
    environments = config.resolve_environments([env for unit in units for env in unit.instances])
    check_instance_environments([(u.name, u.instances) for u in units], environments, config.location())
    check_user_files(environments, config.output_dir, config.location())
    artifacts: list[EnvironmentArtifact] = []
    for environment in environments:
        say(f"rendering environment {environment.name}")
        documents: list[Document] = []
        for unit in units:
            if environment.name in unit.failures:
                raise unit.failures[environment.name]
            found_documents, found = unit.documents.get(environment.name, ([], []))
            documents += found_documents
            log.extend(found)
        artifacts.append(EnvironmentArtifact(target_of(environment), tuple(documents)))
    log.raise_if_errors()
    plan = plan_tree([unit.artifact for unit in units], artifacts, settings)
    log.extend(operator_findings(plan.warnings, config.location()))
    return plan, log.findings
