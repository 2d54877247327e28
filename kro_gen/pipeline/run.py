"""``generate``: definitions in, the planned GitOps tree out — nothing is written.

Stages, in order (a stage's errors abort the run before anything later runs):

1. load ``definitions/`` (:mod:`kro_gen.project.loader`) and build every graph;
2. emit each graph's RGD, register every generated kind, check each RGD (kro rules, CEL, schemas) and
   compare it with the RGD committed at ``HEAD`` or ``--base`` (breaking schema changes are refused
   unless the graph allows them) — all findings of all graphs are collected before aborting;
3. per environment and graph instance: the instance CR (kro mode) or plain manifests (direct mode),
   checked against their schemas;
4. the tree plan (:func:`kro_gen.gitops.plan_tree`): path -> text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kro_gen.errors import ConfigError, DefinitionError, Location
from kro_gen.pipeline import checks
from kro_gen.pipeline.environments import (
    check_declared_environments,
    check_user_files,
    environment_artifact,
    target_of,
)
from kro_gen.pipeline.findings import FindingLog, operator_findings
from kro_gen.pipeline.graphs import GraphOutput, prepare_graphs
from kro_gen.project.config import Environment, ProjectConfig

if TYPE_CHECKING:
    from kro_gen.check.findings import Finding
    from kro_gen.gitops.model import (
        EnvironmentArtifact,
        InfraSettings,
        NotifySettings,
        TreePlan,
        TreeSettings,
    )
    from kro_gen.registry import SchemaRegistry

Progress = Callable[[str], None]


@dataclass
class GenerationResult:
    """What a run produced.

    Attributes:
        config: the project configuration used.
        graphs: every graph (or the selected ones), in definition order.
        environments: the resolved environments (configured, or inferred from the instances).
        artifacts: what each environment gets (empty when ``only_graphs`` was given).
        settings: the tree settings (repository URL and path, wiring).
        plan: the planned tree (``None`` when ``only_graphs`` was given: a partial tree would prune).
        findings: every check finding (only warnings: errors abort the run).
        registry: the schema registry of the run (built-in kinds, CRDs, generated kinds).
    """

    config: ProjectConfig
    graphs: list[GraphOutput]
    environments: tuple[Environment, ...]
    artifacts: list[EnvironmentArtifact]
    settings: TreeSettings
    plan: TreePlan | None
    registry: SchemaRegistry
    findings: list[Finding] = field(default_factory=list)

    def graph(self, name: str) -> GraphOutput:
        """The graph called ``name``; a :class:`DefinitionError` listing the known names otherwise."""
        for output in self.graphs:
            if output.name == name:
                return output
        raise unknown_graph(name, [g.name for g in self.graphs])


def unknown_graph(name: str, known: Sequence[str]) -> DefinitionError:
    """The error for a graph name that the definitions do not define."""
    import difflib

    close = difflib.get_close_matches(name, known, 1)
    return DefinitionError(
        f"no graph named {name!r} in the definitions",
        hint=f"did you mean {close[0]!r}?" if close else f"graphs are: {', '.join(known) or '(none)'}",
        rule="unknown-graph",
    )


def generate(
    config: ProjectConfig,
    *,
    only_graphs: Sequence[str] | None = None,
    extra_crds: Sequence[Path] = (),
    progress: Progress | None = None,
    base: str = "HEAD",
) -> GenerationResult:
    """Run the pipeline for ``config`` and return the planned tree; nothing is written.

    Args:
        config: the project configuration.
        only_graphs: build and check only these graphs (and compute no tree plan).
        extra_crds: CRD files to register besides the configured ones (``validate --crd``).
        progress: called with a short message as each graph and environment is processed.
        base: the git revision whose committed RGDs breaking changes are measured against (in a pull
            request, the target branch).

    Raises:
        KroGenError: a definition, configuration or check error (``CheckFailed`` carries all findings).
    """
    from kro_gen.vcs import repo_root

    say = progress or (lambda message: None)
    outputs = prepare_graphs(config, progress=say)
    # Every generated kind is registered, so a selected graph that chains another one checks cleanly.
    registry = checks.make_registry(
        config.kubernetes_version, [*config.crd_paths, *extra_crds], [o.rgd for o in outputs]
    )
    outputs = _select(outputs, only_graphs)
    top = repo_root(config.root)
    settings = tree_settings(config, top, require_repo_url=only_graphs is None)
    log = FindingLog()
    for output in outputs:
        say(f"checking {output.name}")
        log.extend(_graph_findings(output, top, settings, registry, base))
    log.raise_if_errors()

    environments = config.resolve_environments([env for o in outputs for env in o.graph.instances])
    check_declared_environments(outputs, environments, config.location())
    check_user_files(environments, config.output_dir, config.location())
    artifacts: list[EnvironmentArtifact] = []
    plan = None
    if only_graphs is None:
        for environment in environments:
            say(f"rendering environment {environment.name}")
            artifact, found = environment_artifact(outputs, target_of(environment), registry)
            artifacts.append(artifact)
            log.extend(found)
        log.raise_if_errors()
        from kro_gen.gitops import plan_tree

        plan = plan_tree([o.artifact() for o in outputs], artifacts, settings)
        log.extend(operator_findings(plan.warnings, config.location()))
    return GenerationResult(config, outputs, environments, artifacts, settings, plan, registry, log.findings)


def _select(outputs: list[GraphOutput], only_graphs: Sequence[str] | None) -> list[GraphOutput]:
    if only_graphs is None:
        return outputs
    known = [o.name for o in outputs]
    for name in only_graphs:
        if name not in known:
            raise unknown_graph(name, known)
    return [o for o in outputs if o.name in only_graphs]


def _graph_findings(
    output: GraphOutput, top: Path | None, settings: TreeSettings, registry: SchemaRegistry, base: str
) -> list[Finding]:
    from kro_gen.gitops.layout import rgd_path

    where = Location(file=output.graph.site or output.source, graph=output.name)
    found = checks.check_graph_rgd(output.rgd, where, registry, output.graph.status_model)
    old = checks.committed_rgd(top, settings.repo_path(rgd_path(output.name)), rev=base)
    breaking = checks.breaking_changes(
        old, output.rgd, where, allowed=output.graph.allow_breaking_changes, registry=registry
    )
    found += checks.without_consequences(breaking, checks.errors_only(found))
    return [checks.at_user_site(finding, output.user_site(finding.location)) for finding in found]


def tree_settings(config: ProjectConfig, top: Path | None, *, require_repo_url: bool = True) -> TreeSettings:
    """Tree settings from the configuration; the repository URL defaults to the git remote ``origin``.

    ``top`` is the git work tree's top folder (``None`` outside git): the tree's path inside the
    repository accounts for a project below it. Without ``require_repo_url`` a missing URL is left
    empty (for runs that plan no wiring).
    """
    from kro_gen import __version__
    from kro_gen.gitops.model import TreeSettings
    from kro_gen.vcs import remote_url

    output_dir = config.output
    config_source = "pyproject.toml"
    if top is not None:
        output_dir = config.output_dir.resolve().relative_to(top).as_posix()
        config_source = (config.root.resolve() / "pyproject.toml").relative_to(top).as_posix()
    url = config.repo_url or remote_url(config.root)
    if url is None and config.wiring and require_repo_url:
        raise ConfigError(
            "repo_url is not set and the git repository has no 'origin' remote; Argo CD and Flux need it",
            location=config.location(),
            hint='set repo_url = "https://..." in [tool.kro-gen], or wiring = [] to emit no wiring',
            rule="config-repo-url",
        )
    return TreeSettings(
        repo_url=url or "",
        revision=config.revision,
        output_dir=output_dir,
        wiring=tuple(config.wiring),
        tool_version=__version__,
        config_source=config_source,
        infrastructure=_infra_settings(config),
        notifications=_notify_settings(config),
    )


def _notify_settings(config: ProjectConfig) -> NotifySettings | None:
    from kro_gen.gitops.model import NotifySettings

    notify = config.notifications
    if not notify.enabled:
        return None
    return NotifySettings(
        recipient=notify.recipient,
        argocd_service=notify.argocd_service,
        flux_provider=notify.flux_provider,
        flux_secret=notify.flux_secret,
        triggers=tuple(notify.triggers),
    )


def _infra_settings(config: ProjectConfig) -> InfraSettings:
    from kro_gen.gitops.model import InfraSettings

    infra = config.infrastructure
    return InfraSettings(
        enabled=infra.enabled,
        versions=dict(infra.versions),
        skip=tuple(infra.skip),
        charts={
            name: {**chart.model_dump(), "namespace": chart.namespace or name}
            for name, chart in infra.charts.items()
        },
        rgd_groups=checks.hand_written_rgd_groups(config.root, config.crds),
    )
