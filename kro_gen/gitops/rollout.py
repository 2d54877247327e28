"""The rollout model: the order a fresh cluster goes through, read back from the planned tree.

One model serves ``kro-gen rollout``, the tree's README and the ordering tests, so what they show is
what the files impose, not what the generator meant. It is derived from the files alone:

* **Argo CD**: the root Application (``argocd/bootstrap/root.yaml``) syncs its folder in sync waves;
  each wave waits for its Applications to be Healthy (the ``argoproj.io_Application`` check) before the
  next. An environment's rollout holds the root objects it needs: the AppProjects and the Applications
  whose destination is its cluster, except other environments' own Applications (environments are
  independent). Inside an Application the objects of its sources are applied by their own sync waves.
* **Flux**: the environment's Kustomization and, transitively, every Kustomization it ``dependsOn`` in
  its cluster's folder, in dependency levels. A Kustomization applies its objects at once (CRDs and
  Namespaces first) and, with ``wait``, waits for all of them and its ``healthCheckExprs``.

What each object waits for comes from :mod:`.rollout_waits` (the health checks in the tree, the tools'
built-in checks, and the ``readyWhen`` of every resource in the RGD an instance uses).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from kro_gen.gitops import annotations as ann
from kro_gen.gitops import layout
from kro_gen.gitops.rollout_waits import Tree, argocd_waits, describe, flux_waits
from kro_gen.yamlread import load_yaml

Tool = Literal["argocd", "flux"]
TOOLS: tuple[Tool, ...] = ("argocd", "flux")
ROOT_FILE = "argocd/bootstrap/root.yaml"
FLUX_CLUSTERS = "flux/clusters"


@dataclass(frozen=True)
class Phase:
    """What one unit applies together and what it then waits for.

    Attributes:
        label: ``wave -1`` (an Argo CD sync wave inside an Application) or ``apply`` (Flux, a chart).
        wave: the sync wave (Argo CD), ``None`` for Flux and Helm charts.
        applies: objects, ``Kind name`` each (a chart: ``Helm chart <chart> <version> ...``).
        waits_for: one line per condition, in the order of ``applies``.
    """

    label: str
    wave: int | None
    applies: tuple[str, ...]
    waits_for: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """One unit of a stage: an Application, an AppProject or a Flux Kustomization.

    Attributes:
        unit: ``Application kro-env-staging``, ``Kustomization kro-rgds``, ...
        after: the Flux Kustomizations it ``dependsOn`` (empty for Argo CD: the stage orders it).
        phases: what it applies, in order.
    """

    unit: str
    after: tuple[str, ...]
    phases: tuple[Phase, ...]


@dataclass(frozen=True)
class Stage:
    """Steps that run side by side; a stage starts when the previous one is done.

    Attributes:
        label: ``root wave -2`` (Argo CD) or ``level 1`` (Flux: dependency depth).
        order: the wave (Argo CD) or the level (Flux).
        steps: sorted by unit.
    """

    label: str
    order: int
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Rollout:
    """How one environment comes up on a fresh cluster with one tool."""

    tool: Tool
    environment: str
    cluster: str
    mode: str
    stages: tuple[Stage, ...]

    def applied(self) -> list[tuple[int, str]]:
        """``(position, object)`` for every object applied, ``position`` counting phases in order."""
        found: list[tuple[int, str]] = []
        position = 0
        for stage in self.stages:
            start = position
            for step in stage.steps:
                for offset, phase in enumerate(step.phases):
                    found += [(start + offset, thing) for thing in phase.applies]
                    position = max(position, start + offset + 1)
        return found

    def position(self, predicate: Any) -> list[int]:
        """Positions (see :meth:`applied`) of the objects for which ``predicate(text)`` holds."""
        return [index for index, thing in self.applied() if predicate(thing)]

    def units(self) -> list[str]:
        """Every unit, in stage order."""
        return [step.unit for stage in self.stages for step in stage.steps]


class _Files:
    """The planned tree's files (relative to the output dir), parsed on demand."""

    def __init__(self, files: Mapping[str, str], repo_dir: str, bodies: Mapping[str, Any]) -> None:
        self.files = files
        self.prefix = "" if repo_dir in ("", ".") else repo_dir.rstrip("/") + "/"
        self._bodies = bodies
        self._parsed: dict[str, Any] = {}

    def load(self, path: str) -> Any:
        if path not in self._parsed:
            text = self.files.get(path)
            if text is None:
                self._parsed[path] = None
            else:
                known = self._bodies.get(text)
                self._parsed[path] = known if known is not None else load_yaml(text)
        return self._parsed[path]

    def relative(self, repo_path: str) -> str:
        path = posixpath.normpath(repo_path.removeprefix("./"))
        return path.removeprefix(self.prefix) if self.prefix else path

    def folder_objects(self, folder: str) -> list[dict[str, Any]]:
        """The objects the folder's kustomization.yaml lists (folders followed), in listed order."""
        kustomization = self.load(f"{folder}/{layout.KUSTOMIZATION}") or {}
        objects: list[dict[str, Any]] = []
        for entry in kustomization.get("resources", []) or []:
            path = posixpath.normpath(f"{folder}/{entry}")
            if f"{path}/{layout.KUSTOMIZATION}" in self.files:
                objects += self.folder_objects(path)
            elif isinstance(body := self.load(path), dict):
                objects.append(body)
        return objects

    @cached_property
    def tree(self) -> Tree:
        rgds = [b for b in self.folder_objects(layout.RGD_DIR) if b.get("kind") == "ResourceGraphDefinition"]
        health = self.load("argocd/config/health/argocd-cm.yaml") or {}
        return Tree(rgds=tuple(rgds), argocd_checks=frozenset((health.get("data") or {}).keys()))


def _name(body: Mapping[str, Any]) -> str:
    return str((body.get("metadata") or {}).get("name", ""))


def _wave(body: Mapping[str, Any]) -> int:
    return int(((body.get("metadata") or {}).get("annotations") or {}).get(ann.SYNC_WAVE, "0"))


def environments(files: Mapping[str, str]) -> list[str]:
    """The environments of the tree (folders under ``environments/`` with a kustomization.yaml)."""
    found = set()
    for path in files:
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == layout.ENV_ROOT and parts[2] == layout.KUSTOMIZATION:
            found.add(parts[1])
    return sorted(found)


def tools(files: Mapping[str, str]) -> list[Tool]:
    """The tools the tree is wired for."""
    wired = {"argocd": ROOT_FILE in files, "flux": any(p.startswith(FLUX_CLUSTERS + "/") for p in files)}
    return [tool for tool in TOOLS if wired[tool]]


def _mode(tree: _Files, environment: str) -> str:
    kinds = {(describe(b).split(" ")[0]) for b in tree.folder_objects(layout.env_dir(environment))}
    return "kro" if kinds & tree.tree.instance_kinds else "direct"


# --- Argo CD ---------------------------------------------------------------------------------


def _chart_phase(source: Mapping[str, Any], namespace: str, tree: _Files) -> Phase:
    chart = source.get("chart") or posixpath.basename(str(source.get("repoURL", "")))
    where = source.get("repoURL", "")
    applies = f"Helm chart {chart} {source.get('targetRevision', '')} from {where} into {namespace}"
    return Phase("chart", None, (applies,), argocd_waits({"kind": "HelmChart"}, tree.tree))


def _application_phases(app: Mapping[str, Any], tree: _Files) -> tuple[Phase, ...]:
    spec = app.get("spec") or {}
    sources = spec.get("sources") or [spec.get("source") or {}]
    namespace = str((spec.get("destination") or {}).get("namespace", ""))
    objects: list[dict[str, Any]] = []
    phases: list[Phase] = []
    for source in sources:
        if "chart" in source or str(source.get("repoURL", "")).startswith("oci://"):
            phases.append(_chart_phase(source, namespace, tree))
        else:
            objects += tree.folder_objects(tree.relative(str(source.get("path", ""))))
    by_wave: dict[int, list[dict[str, Any]]] = {}
    for body in objects:
        by_wave.setdefault(_wave(body), []).append(body)
    for wave, bodies in sorted(by_wave.items()):
        bodies.sort(key=describe)
        waits = tuple(line for body in bodies for line in argocd_waits(body, tree.tree))
        phases.append(Phase(f"wave {wave}", wave, tuple(describe(b) for b in bodies), waits))
    return tuple(phases)


def _argocd(tree: _Files, environment: str) -> Rollout | None:
    root = tree.load(ROOT_FILE)
    if not isinstance(root, dict):
        return None
    apps_dir = tree.relative(str(root["spec"]["source"]["path"]))
    objects = tree.folder_objects(apps_dir)
    apps = [b for b in objects if b.get("kind") == "Application"]
    own = next((a for a in apps if _labels(a).get("kro-gen/environment") == environment), None)
    if own is None:
        return None
    cluster = str(own["spec"]["destination"].get("name", ""))
    chosen: list[dict[str, Any]] = [b for b in objects if b.get("kind") == "AppProject"]
    chosen += [
        a
        for a in apps
        if a["spec"]["destination"].get("name") == cluster
        and _labels(a).get("kro-gen/environment", environment) == environment
    ]
    by_wave: dict[int, list[Step]] = {}
    for body in chosen:
        if body.get("kind") == "AppProject":
            waits = argocd_waits(body, tree.tree)
            step = Step(describe(body), (), (Phase("apply", None, (describe(body),), waits),))
        else:
            step = Step(describe(body), (), _application_phases(body, tree))
        by_wave.setdefault(_wave(body), []).append(step)
    stages = tuple(
        Stage(f"root wave {wave}", wave, tuple(sorted(steps, key=lambda s: s.unit)))
        for wave, steps in sorted(by_wave.items())
    )
    return Rollout("argocd", environment, cluster, _mode(tree, environment), stages)


def _labels(body: Mapping[str, Any]) -> Mapping[str, str]:
    return (body.get("metadata") or {}).get("labels") or {}


# --- Flux ------------------------------------------------------------------------------------


def _flux_units(tree: _Files) -> dict[str, dict[str, dict[str, Any]]]:
    """cluster -> Kustomization name -> body, from ``flux/clusters/<cluster>/*.yaml``."""
    clusters: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(tree.files):
        parts = path.split("/")
        if len(parts) != 4 or "/".join(parts[:2]) != FLUX_CLUSTERS or not path.endswith(".yaml"):
            continue
        body = tree.load(path)
        if isinstance(body, dict) and body.get("kind") == "Kustomization":
            clusters.setdefault(parts[2], {})[_name(body)] = body
    return clusters


def _depends(body: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(d["name"]) for d in (body.get("spec") or {}).get("dependsOn", []) or [])


def _flux_step(body: Mapping[str, Any], tree: _Files) -> Step:
    spec = body.get("spec") or {}
    objects = sorted(tree.folder_objects(tree.relative(str(spec.get("path", "")))), key=_flux_apply_order)
    checks = spec.get("healthCheckExprs", []) or []
    waits: list[str] = []
    if spec.get("wait"):
        waits = [line for obj in objects for line in flux_waits(obj, checks, tree.tree)]
    else:
        waits = ["nothing (wait is off): applied objects count as done"]
    phase = Phase("apply", None, tuple(describe(b) for b in objects), tuple(waits))
    account = spec.get("serviceAccountName")
    unit = describe(body) + (f" as ServiceAccount {account}" if account else "")
    return Step(unit, _depends(body), (phase,))


def _flux_apply_order(body: Mapping[str, Any]) -> tuple[int, str]:
    """kustomize-controller applies CRDs and Namespaces first, then everything else."""
    first = body.get("kind") in ("CustomResourceDefinition", "Namespace")
    return (0 if first else 1, describe(body))


def _levels(units: Mapping[str, Mapping[str, Any]], start: str) -> dict[str, int]:
    """``start`` and everything it ``dependsOn`` (transitively) -> dependency level (0: depends on none)."""
    levels: dict[str, int] = {}

    def level(name: str, seen: tuple[str, ...]) -> int:
        if name in levels:
            return levels[name]
        if name in seen or name not in units:
            return -1  # a cycle or a unit outside the folder: Flux would wait forever; shown at level 0
        levels[name] = 1 + max((level(d, (*seen, name)) for d in _depends(units[name])), default=-1)
        return levels[name]

    level(start, ())
    return levels


def _flux(tree: _Files, environment: str) -> Rollout | None:
    target = layout.env_dir(environment)
    for cluster, units in _flux_units(tree).items():
        own = next(
            (n for n, b in units.items() if tree.relative(str(b["spec"].get("path", ""))) == target), None
        )
        if own is None:
            continue
        by_level: dict[int, list[Step]] = {}
        for name, level in _levels(units, own).items():
            by_level.setdefault(level, []).append(_flux_step(units[name], tree))
        stages = tuple(
            Stage(f"level {level}", level, tuple(sorted(steps, key=lambda s: s.unit)))
            for level, steps in sorted(by_level.items())
        )
        return Rollout("flux", environment, cluster, _mode(tree, environment), stages)
    return None


def plan_rollouts(
    files: Mapping[str, str],
    repo_dir: str,
    *,
    only: Iterable[str] | None = None,
    tool: Tool | None = None,
    bodies: Mapping[str, Any] | None = None,
) -> list[Rollout]:
    """The rollout of every environment (or those in ``only``) for every wired tool (or ``tool``).

    ``files`` are the planned tree's files (paths relative to the output dir), ``repo_dir`` the output
    dir's path in the repository (the prefix of Application and Kustomization paths). ``bodies`` maps a
    file's text to the data it holds, where the planner already has it (else the text is parsed).
    """
    tree = _Files(files, repo_dir, bodies or {})
    wanted = sorted(set(only)) if only is not None else environments(files)
    rollouts: list[Rollout] = []
    for environment in wanted:
        for each in tools(files):
            if tool is not None and each != tool:
                continue
            found = _argocd(tree, environment) if each == "argocd" else _flux(tree, environment)
            if found is not None:
                rollouts.append(found)
    return rollouts
