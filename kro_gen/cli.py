"""The ``kro-gen`` command line: thin click commands over :mod:`kro_gen.pipeline`, :mod:`kro_gen.gitops`,
:mod:`kro_gen.check` and :mod:`kro_gen.vcs`.

Exit codes: 0 ok; 1 drift or validation failure; 2 bad usage, definition or configuration error.
Errors are one line on stderr: ``kro-gen: error: <where>: <what> (fix: <what to do>)``. Progress
lines go to stderr only when it is a terminal, so piped and CI output stays clean.

Everything beyond click is imported inside the commands, so ``kro-gen --help`` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from kro_gen.errors import KroGenError

if TYPE_CHECKING:
    from kro_gen.check.findings import Finding
    from kro_gen.gitops.drift import Drift
    from kro_gen.pipeline import GenerationResult
    from kro_gen.pipeline.incremental import ProjectPlan
    from kro_gen.project.config import ProjectConfig


def _finding_line(finding: Finding) -> str:
    where = str(finding.location)
    prefix = f"{where}: " if where else ""
    return (
        f"kro-gen: {finding.severity.value}: {prefix}{finding.message} [{finding.rule}] (fix: {finding.fix})"
    )


def _report_error(error: KroGenError) -> None:
    from kro_gen.pipeline import CheckFailed

    if isinstance(error, CheckFailed):
        for finding in error.findings:
            click.echo(_finding_line(finding), err=True)
    if error.detail:  # e.g. the diff of a hand edit: on stdout, where --check prints it too
        click.echo(error.detail, nl=False)
    click.echo(f"kro-gen: error: {error}", err=True)


class _Group(click.Group):
    """Turns a :class:`KroGenError` into its one-line message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KroGenError as error:
            _report_error(error)
            ctx.exit(error.exit_code)


class _State:
    """The ``--project`` folder, its configuration (read once) and the run helpers commands share."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self._config: ProjectConfig | None = None

    def config(self) -> ProjectConfig:
        """The project's ``[tool.kro-gen]`` configuration (loaded on first use)."""
        if self._config is None:
            from kro_gen.project.config import load_config

            self._config = load_config(self.project)
        return self._config

    def generate(self, **options: Any) -> GenerationResult:
        """Run the pipeline, printing progress on a terminal and each warning once."""
        from kro_gen.pipeline import generate

        result = generate(self.config(), progress=_progress(), **options)
        for finding in result.findings:
            click.echo(_finding_line(finding), err=True)
        return result

    def plan(self, *, base: str, jobs: int | None, cache: bool) -> ProjectPlan:
        """The planned tree, reusing cached results (:mod:`kro_gen.pipeline.incremental`)."""
        from kro_gen.pipeline.cache import CacheStore, default_cache_dir
        from kro_gen.pipeline.incremental import plan_project
        from kro_gen.pipeline.units import default_jobs

        config = self.config()
        store = CacheStore(default_cache_dir(config.root) if cache else None)
        result = plan_project(
            config, base=base, cache=store, jobs=jobs or config.jobs or default_jobs(), progress=_progress()
        )
        for finding in result.findings:
            click.echo(_finding_line(finding), err=True)
        return result


_BASE_OPTION = click.option(
    "--base",
    default="HEAD",
    show_default=True,
    metavar="REV",
    help="Git revision whose committed RGDs breaking changes are checked against "
    "(in a pull request: the target branch, e.g. origin/main).",
)


_JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes that check and render graphs (large fleets only). "
    "Default: jobs in [tool.kro-gen], else $KRO_GEN_JOBS, else the CPUs.",
)
_NO_CACHE_OPTION = click.option(
    "--no-cache",
    is_flag=True,
    help="Neither reuse nor store results in the cache (.kro-gen/cache/, or $KRO_GEN_CACHE_DIR).",
)


def _progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None
    return lambda message: click.echo(f"kro-gen: {message}", err=True)


def _say(message: str) -> None:
    """A note that matters in CI logs too (waiting for a lock, finishing an interrupted write)."""
    click.echo(f"kro-gen: note: {message}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Project folder (the nearest pyproject.toml at or above it is used). Default: the current folder.",
)
@click.version_option(message="kro-gen %(version)s", package_name="kro-gen")
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """Generate kro ResourceGraphDefinitions and a GitOps tree (Argo CD, Flux) from Python definitions.

    Exit codes: 0 ok, 1 drift or validation failure, 2 usage, definition or configuration error.
    """
    ctx.obj = _State(project or Path.cwd())


@cli.command()
@click.option("--check", is_flag=True, help="Write nothing; print a diff and exit 1 when the tree is stale.")
@click.option(
    "--adopt", is_flag=True, help="Take over existing files at generated paths that kro-gen does not own."
)
@click.option(
    "--force", is_flag=True, help="Overwrite or delete generated files even if they were edited by hand."
)
@_BASE_OPTION
@_JOBS_OPTION
@_NO_CACHE_OPTION
@click.pass_obj
def generate(
    state: _State, check: bool, adopt: bool, force: bool, base: str, jobs: int | None, no_cache: bool
) -> None:
    """Regenerate the GitOps tree from the definitions.

    Writes atomically: when any definition or check fails, nothing changes. Only files kro-gen wrote
    (listed in <output>/.kro-gen/manifest.json) are rewritten or pruned; other files are never touched.
    """
    if check and (adopt or force):
        raise click.UsageError("--adopt and --force apply only when writing; drop them or drop --check")
    result = state.plan(base=base, jobs=jobs, cache=not no_cache)
    output = result.config.output
    if check:
        drifts = _print_drift(result)
        _warn_unlisted(result)
        mismatch = _version_mismatch(result)
        if drifts:
            raise _stale(output, drifts, mismatch)
        click.echo(f"{output}/ is up to date")
        return
    from kro_gen.gitops import write_tree

    upgrade = _version_mismatch(result)
    report = write_tree(
        result.plan,
        result.config.output_dir,
        adopt=adopt,
        force=force,
        label=result.config.output,
        lock_timeout=result.config.lock_timeout,
        say=_say,
    )
    if report.recovered == "finished":
        _say(f"finished the write an earlier run left halfway in {output}/")
    if upgrade is not None and (report.written or report.deleted):
        _say(f"{output}/ now records kro-gen {upgrade[1]} (was {upgrade[0]}); CI installs what it records")
    click.echo(
        f"{output}/: {len(report.written)} written, {len(report.deleted)} deleted, "
        f"{len(report.unchanged)} unchanged"
    )
    _warn_unlisted(result)


def _warn_unlisted(result: GenerationResult | ProjectPlan) -> None:
    """Warn about hand-written manifests in generated folders: their kustomization.yaml omits them."""
    from kro_gen.check.findings import Finding, Severity
    from kro_gen.errors import Location
    from kro_gen.gitops.drift import unlisted_files

    assert result.plan is not None
    for path, kustomization in unlisted_files(result.plan, result.config.output_dir):
        finding = Finding(
            rule="unlisted-file",
            message=f"not generated and not listed in {result.settings.repo_path(kustomization)}, so Argo CD "
            "and Flux never apply it",
            location=Location(file=result.settings.repo_path(path)),
            fix="keep hand-written manifests outside the generated folders (with their own Argo CD "
            "Application or Flux Kustomization), or generate them from the definitions",
            severity=Severity.WARNING,
        )
        click.echo(_finding_line(finding), err=True)


def _print_drift(result: GenerationResult | ProjectPlan) -> list[Drift]:
    from kro_gen.gitops import check_tree, render_diff

    assert result.plan is not None
    config = result.config
    drifts = check_tree(
        result.plan, config.output_dir, label=config.output, lock_timeout=config.lock_timeout, say=_say
    )
    if drifts:
        click.echo(render_diff(drifts), nl=False)
    return drifts


def _version_mismatch(result: GenerationResult | ProjectPlan) -> tuple[str, str] | None:
    """(recorded, installed) when the tree was generated by another kro-gen version, with a warning."""
    from kro_gen.gitops.index import recorded_version

    recorded, installed = recorded_version(result.config.output_dir), result.settings.tool_version
    if recorded is None or recorded == installed:
        return None
    output = result.config.output
    click.echo(
        f"kro-gen: warning: {output}/.kro-gen/manifest.json: {output}/ was generated by kro-gen {recorded}, "
        f"this is kro-gen {installed}: differences may come from the version, not the definitions "
        f"[version-mismatch] (fix: install kro-gen=={recorded} (the CI workflow installs the version the "
        f"tree records), or regenerate with {installed} and commit to upgrade)",
        err=True,
    )
    return recorded, installed


def _stale(output: str, drifts: Sequence[Drift] = (), mismatch: tuple[str, str] | None = None) -> KroGenError:
    """The --check failure; for hand edits and unowned files, the very error a write would give."""
    from kro_gen.errors import ValidationError
    from kro_gen.gitops.writer import hand_edited_error, unowned_error

    edited = [drift.path for drift in drifts if drift.kind == "hand-edited"]
    unowned = [drift.path for drift in drifts if drift.kind == "unowned"]
    if edited:
        return hand_edited_error(edited, output)
    if unowned:
        return unowned_error(unowned, output)
    hint = "run 'kro-gen generate' and commit the result"
    if mismatch is not None:
        hint = f"install kro-gen=={mismatch[0]} first if the tree should stay on that version; else {hint}"
    return ValidationError(
        f"{output}/ is not what the definitions generate (diff above)", hint=hint, rule="stale-tree"
    )


@cli.command()
@_BASE_OPTION
@_JOBS_OPTION
@_NO_CACHE_OPTION
@click.pass_obj
def diff(state: _State, base: str, jobs: int | None, no_cache: bool) -> None:
    """Print the unified diff between the GitOps tree and what the definitions generate.

    Exit 0 when there is no difference, 1 when there is one.
    """
    if _print_drift(state.plan(base=base, jobs=jobs, cache=not no_cache)):
        sys.exit(1)


_CRD_FILES = click.option(
    "--crd",
    "crds",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CRD file defining kinds the RGD's resources use (repeatable).",
)


@cli.command()
@click.argument("graph")
@click.option("--env", "environment", metavar="ENV", help="Environment whose instance to render.")
@click.option(
    "--mode",
    type=click.Choice(["rgd", "kro", "direct"]),
    default=None,
    help="rgd: the RGD; kro: the instance CR; direct: plain manifests. "
    "Default: rgd without --env, else the environment's mode.",
)
@click.option(
    "--instance",
    "instance",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Instance file: print the objects kro would create for it (GRAPH is then an RGD file or graph).",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="PATH=VALUE",
    help="With --instance: a value only the cluster knows, for the preview "
    "(e.g. deployment.status.readyReplicas=2; repeatable).",
)
@_CRD_FILES
@click.option(
    "--show-secrets",
    is_flag=True,
    help="Print Secret values as they are (by default each literal value under a Secret's data and "
    "stringData is shown as <masked: N bytes>).",
)
@click.pass_obj
def render(
    state: _State,
    graph: str,
    environment: str | None,
    mode: Literal["rgd", "kro", "direct"] | None,
    instance: Path | None,
    sets: tuple[str, ...],
    crds: tuple[Path, ...],
    show_secrets: bool,
) -> None:
    """Print GRAPH's RGD, or its instance in one environment, as YAML (without GitOps annotations).

    With --instance I.yaml, GRAPH may be any RGD file: prints the objects kro would create for that
    instance (defaults applied, includeWhen, forEach, CEL evaluated, names, namespaces, kro's labels).
    Secret values are masked unless --show-secrets.
    """
    from kro_gen.pipeline.render import format_objects, render_objects

    if instance is not None:
        if environment is not None or mode is not None:
            raise click.UsageError("--instance renders one instance file; drop --env and --mode")
        objects, findings = _render_instance(state, graph, instance, sets, crds)
    else:
        if sets or crds:
            raise click.UsageError("--set and --crd apply with --instance only")
        result = state.generate(only_graphs=[graph])
        objects, findings = render_objects(result, graph, environment=environment, mode=mode)
    for finding in findings:
        click.echo(_finding_line(finding), err=True)
    click.echo(format_objects(objects, show_secrets=show_secrets), nl=False)


def _render_instance(
    state: _State, rgd: str, instance: Path, sets: Sequence[str], crds: Sequence[Path]
) -> tuple[list[dict[str, Any]], list[Finding]]:
    from kro_gen.emit.supplied import parse_set
    from kro_gen.pipeline.rgd_source import read_instance, read_rgd
    from kro_gen.pipeline.toolbox import graph_lookup, project_config, render_instance, toolbox_registry

    supplied = [parse_set(text) for text in sets]
    config = project_config(state.project)
    source = read_rgd(rgd, graph_lookup(config))
    registry = toolbox_registry(config, crds, [source.body])
    return render_instance(source, read_instance(str(instance)), registry, supplied)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--crd",
    "crds",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CRD file defining kinds the objects use (repeatable).",
)
@click.option(
    "--instance",
    "instances",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Instance file to check against the CRD the one RGD in PATHS generates (repeatable).",
)
@click.option(
    "--one-cluster",
    is_flag=True,
    help="The PATHS are applied to one cluster: any two RGDs generating one CRD conflict "
    "(default: only RGDs in one file or one kustomization build).",
)
@click.pass_obj
def validate(
    state: _State,
    paths: tuple[Path, ...],
    fmt: Literal["text", "json"],
    strict: bool,
    crds: tuple[Path, ...],
    instances: tuple[Path, ...],
    one_cluster: bool,
) -> None:
    """Check the project's graphs (no PATHS), or RGD, instance and manifest YAML files (PATHS).

    With --instance, PATHS is one RGD (a file or a graph name) and each instance is checked as the
    API server would admit it: unknown fields, required, types, enums, bounds, lengths, patterns,
    item counts, validation rules, each error as the API server words it.

    Prints every finding; exit 1 when there is an error (or, with --strict, a warning).
    """
    from kro_gen.check import report

    if instances:
        findings = _validate_instances(state, paths, crds, instances)
    elif paths:
        findings = _validate_files(state, paths, crds, one_cluster=one_cluster)
    else:
        findings = _validate_project(state, crds)
    click.echo(report.format_findings(findings, fmt))
    sys.exit(report.exit_code(findings, strict))


def _validate_instances(
    state: _State, paths: Sequence[Path], crds: Sequence[Path], instances: Sequence[Path]
) -> list[Finding]:
    from kro_gen.pipeline.rgd_source import read_instance, read_rgd
    from kro_gen.pipeline.toolbox import (
        graph_lookup,
        project_config,
        toolbox_registry,
        validate_instance_document,
    )

    if len(paths) != 1:
        raise click.UsageError("--instance needs exactly one RGD (a file or a graph name) in PATHS")
    config = project_config(state.project)
    rgd = read_rgd(str(paths[0]), graph_lookup(config))
    registry = toolbox_registry(config, crds, [rgd.body])
    findings: list[Finding] = []
    for instance in instances:
        findings += validate_instance_document(rgd, read_instance(str(instance)), registry)[1]
    return findings


def _validate_project(state: _State, crds: Sequence[Path]) -> list[Finding]:
    from kro_gen.pipeline import CheckFailed, generate

    try:
        return generate(state.config(), extra_crds=crds, progress=_progress()).findings
    except CheckFailed as failed:
        return failed.findings


def _validate_files(
    state: _State, paths: Sequence[Path], crds: Sequence[Path], *, one_cluster: bool
) -> list[Finding]:
    from kro_gen.check import check_files
    from kro_gen.pipeline.checks import make_registry
    from kro_gen.project.config import find_pyproject

    version, crd_files = None, list(crds)
    if find_pyproject(state.project) is not None:
        config = state.config()
        version, crd_files = config.kubernetes_version, [*config.crd_paths, *crds]
    registry = make_registry(version, crd_files, [])
    return check_files(paths, registry=registry, one_cluster=one_cluster)


@cli.command("crd")
@click.argument("rgd")
@_CRD_FILES
@click.pass_obj
def crd_command(state: _State, rgd: str, crds: tuple[Path, ...]) -> None:
    """Print the CustomResourceDefinition kro would create for RGD (a YAML file, or a graph name).

    Name <plural>.<group>, the spec schema from the SimpleSchema, the status schema typed from the
    status expressions, printer columns and the status subresource, as kro v0.9.3 makes them.
    """
    from kro_gen.emit.crd import crd_for_rgd
    from kro_gen.emit.yamlio import dump_all
    from kro_gen.pipeline.rgd_source import read_rgds
    from kro_gen.pipeline.toolbox import graph_lookup, project_config, toolbox_registry

    config = project_config(state.project)
    rgds = read_rgds(rgd, graph_lookup(config))
    registry = toolbox_registry(config, crds, [found.body for found in rgds])
    click.echo(dump_all([crd_for_rgd(found.body, registry) for found in rgds]), nl=False)


@cli.command("import")
@click.argument("rgd", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write the module here (default: print it)."
)
@click.option("--force", is_flag=True, help="Replace OUTPUT when it exists.")
def import_command(rgd: Path, output: Path | None, force: bool) -> None:
    """Write a Python definition (pydantic models, resources, expressions) from the RGD YAML file RGD.

    The module is loaded and its RGD emitted before anything is written: it must mean the same as
    RGD (same CRD, resources, conditions and status). Fields whose expression has no Python
    spelling are written as cel.raw(...) and listed on stderr.
    """
    from kro_gen.pipeline.importing import import_rgd, write_module

    result = import_rgd(str(rgd))
    if output is None:
        click.echo(result.text, nl=False)
    else:
        write_module(result, output, force)
        _say(f"wrote {output} (graph {result.name})")
    for path, reason in result.raw.items():
        _say(f"  cel.raw at {'.'.join(str(part) for part in path)}: {reason}")


@cli.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
def test_command(state: _State, paths: tuple[Path, ...]) -> None:
    """Run RGD fixture tests: every *.kro-test.yaml under PATHS (default: the project folder).

    Each test renders an instance of an RGD file or graph (as render --instance does) and compares
    the objects with the expected ones (partial match, as chainsaw asserts). Prints a diff per failing
    test; exit 1 when one fails, 2 when a fixture is malformed or none is found.
    """
    from kro_gen.pipeline.fixtures import run_all
    from kro_gen.pipeline.toolbox import graph_lookup, project_config

    config = project_config(state.project)
    outcomes = run_all(list(paths) or [state.project], config, graph_lookup(config))
    if not outcomes:
        raise click.UsageError(
            f"no *.kro-test.yaml fixtures under {', '.join(map(str, paths or [state.project]))}"
        )
    for outcome in outcomes:
        word = "PASS" if outcome.passed else ("ERROR" if outcome.broken else "FAIL")
        click.echo(f"{word} {outcome.fixture.name} ({outcome.fixture.where})")
        for line in outcome.lines:
            click.echo(line)
    failed = sum(1 for o in outcomes if not o.passed)
    click.echo(f"{len(outcomes) - failed} fixtures passed, {failed} failed")
    if any(o.broken for o in outcomes):
        sys.exit(2)
    if failed:
        sys.exit(1)


@cli.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Write nothing; list the files that are not formatted and exit 1."
)
@click.option("--diff", "show_diff", is_flag=True, help="With --check: also print what would change.")
def fmt_command(paths: tuple[Path, ...], check: bool, show_diff: bool) -> None:
    """Format RGD YAML files in place: kro's field order, kro-gen's quoting and block style, and
    normalised expression spacing, without changing what they mean.

    Folders are searched for YAML files; files without a ResourceGraphDefinition are left alone.
    Comment lines at the top of a document are kept; other comments make fmt refuse the file.
    """
    import difflib

    from kro_gen.emit.masking import mask_pair
    from kro_gen.pipeline.fmt import format_file, yaml_files

    results = [format_file(path) for path in yaml_files(list(paths))]
    changed = [result for result in results if result.changed]
    for result in changed:
        assert result.after is not None
        if check:
            click.echo(f"would reformat {result.path}")
            if show_diff:
                before, after = mask_pair(result.before, result.after)
                lines = difflib.unified_diff(
                    (before or "").splitlines(keepends=True),
                    (after or "").splitlines(keepends=True),
                    f"{result.path}",
                    f"{result.path} (formatted)",
                )
                click.echo("".join(lines), nl=False)
        else:
            result.path.write_text(result.after, "utf-8")
            click.echo(f"reformatted {result.path}")
    formatted = sum(1 for result in results if result.after is not None)
    verb = "would be reformatted" if check else "reformatted"
    click.echo(f"{len(changed)} of {formatted} RGD file{'s' if formatted != 1 else ''} {verb}")
    if check and changed:
        sys.exit(1)


@cli.command()
@click.argument("graph")
@click.pass_obj
def graph(state: _State, graph: str) -> None:
    """Print a Mermaid diagram of GRAPH's resources; arrows point to the resources they reference."""
    from kro_gen.emit.mermaid import graph_mermaid
    from kro_gen.pipeline.graphs import prepare_graphs
    from kro_gen.pipeline.run import unknown_graph

    outputs = {o.name: o for o in prepare_graphs(state.config(), _progress())}
    if graph not in outputs:
        raise unknown_graph(graph, list(outputs))
    artifact = outputs[graph].artifact()
    click.echo(graph_mermaid(graph, artifact.dependencies, artifact.resource_kinds), nl=False)


@cli.command()
@click.argument("environment", metavar="[ENV]", required=False)
@click.option(
    "--tool",
    type=click.Choice(["argocd", "flux"]),
    default=None,
    help="Only this GitOps tool (default: every tool the tree is wired for).",
)
@click.pass_obj
def rollout(state: _State, environment: str | None, tool: Literal["argocd", "flux"] | None) -> None:
    """Print the order a fresh cluster goes through for ENV (default: every environment).

    Per environment and tool: each step, what it applies and what it waits for (a chart healthy, a CRD
    established, an RGD accepted, each resource's readyWhen, the instance Ready), read back from the
    tree `generate` would write.
    """
    import posixpath

    from kro_gen.errors import ConfigError, Location
    from kro_gen.gitops.rollout import environments, plan_rollouts
    from kro_gen.gitops.rollout_text import render_rollouts

    result = state.plan(base="HEAD", jobs=None, cache=True)
    files = result.plan.files
    known = environments(files)
    if environment is not None and environment not in known:
        raise ConfigError(
            f"no environment named {environment!r}",
            location=Location(file=result.config.location().file, environment=environment),
            hint=f"environments are: {', '.join(known) or '(none)'}",
            rule="unknown-environment",
        )
    only = [environment] if environment is not None else None
    found = plan_rollouts(files, posixpath.normpath(result.config.output), only=only, tool=tool)
    if not found:
        click.echo("no Argo CD or Flux wiring for this selection (wiring in [tool.kro-gen])")
        return
    click.echo(render_rollouts(found), nl=False)


@cli.command()
@click.option("--message", "-m", help="Commit message (default: names the changed graphs and environments).")
@click.option("--skip-ci", is_flag=True, help="Append [skip ci] to the first line of the message.")
@click.pass_obj
def commit(state: _State, message: str | None, skip_ci: bool) -> None:
    """Commit the changes to the generated files (those kro-gen owns, listed in its index), and nothing
    else: hand-written files in the output folder are left to you.

    Refuses when the project is not in a git repository, when the tree was never generated or is
    stale (run 'kro-gen generate' first), or when other changes are staged.
    """
    from kro_gen.errors import ValidationError
    from kro_gen.gitops.index import INDEX_PATH
    from kro_gen.vcs import commit_generated, repo_root

    config = state.config()
    top = repo_root(config.root)  # checked first: no diff can help outside git
    if top is None:
        raise KroGenError(
            f"{config.root} is not in a git repository",
            hint="run 'git init' first",
            rule="vcs-no-repo",
        )
    if not (config.output_dir / INDEX_PATH).is_file():  # every file would be in the diff: say why instead
        raise ValidationError(
            f"{config.output}/ has not been generated yet (no {config.output}/{INDEX_PATH})",
            hint="run 'kro-gen generate', then 'kro-gen commit'",
            rule="stale-tree",
        )
    result = state.generate()
    drifts = _print_drift(result)
    if drifts:
        raise _stale(result.config.output, drifts)
    paths = _owned_paths(result.config.output_dir, top)
    sha = commit_generated(top, result.config.output_dir, message, skip_ci=skip_ci, paths=paths)
    if sha is None:
        click.echo(f"nothing to commit: {result.config.output}/ has no changes")
    else:
        click.echo(f"committed {sha[:12]}")


def _owned_paths(output_dir: Path, top: Path) -> set[str]:
    """Files (relative to ``output_dir``) kro-gen owns now or owned at ``HEAD``: what ``commit`` stages.

    The committed index adds the files a regeneration deleted, so their deletion is committed too.
    """
    from kro_gen.errors import Location
    from kro_gen.gitops.index import INDEX_PATH, index_files, read_index
    from kro_gen.vcs import committed_file

    index = output_dir / INDEX_PATH
    owned = {INDEX_PATH, *read_index(output_dir)}
    committed = committed_file(top, index)
    if committed is not None:
        where = Location(file=f"HEAD:{index.resolve().relative_to(top).as_posix()}")
        owned.update(index_files(committed, where))
    return owned


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--repo-url", help="Repository Argo CD and Flux read (default: the git remote 'origin').")
@click.pass_obj
def init(state: _State, directory: Path | None, repo_url: str | None) -> None:
    """Create a kro-gen project in DIRECTORY (default: the project folder): a pyproject.toml table,
    definitions/example.py, a GitHub workflow and a README. Never overwrites a file."""
    from kro_gen.project.scaffold import scaffold

    target = directory or state.project
    report = scaffold(target, repo_url=repo_url)
    for path in report.created:
        click.echo(f"created {path}")
    if report.extended is not None:
        click.echo(f"added [tool.kro-gen] to {report.extended}")
    for path in report.kept:
        click.echo(f"kept {path}")
    click.echo(f"next: cd {target} && kro-gen generate")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The module to write, e.g. definitions/_crds.py (a leading '_' keeps it a helper).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when OUTPUT is not what would be written.")
def stubs(files: tuple[Path, ...], output: Path, check: bool) -> None:
    """Write typed kind classes for the CRDs in FILES to OUTPUT, for k8s.resource_of(Kind, name, ...).

    Each CRD kind becomes a class whose spec and status are typed from the CRD's schema, so editors
    complete them and mypy/pyright flag typos.
    """
    from kro_gen.errors import ValidationError
    from kro_gen.typegen.crds import stub_source

    text = stub_source(list(files))
    current = output.read_text("utf-8") if output.is_file() else None
    if current == text:
        click.echo(f"{output} is up to date")
        return
    if check:
        raise ValidationError(
            f"{output} is not what 'kro-gen stubs' writes for {', '.join(map(str, files))}",
            hint=f"run: kro-gen stubs {' '.join(map(str, files))} -o {output}",
            rule="stale-stubs",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, "utf-8")
    click.echo(f"wrote {output}")


def main() -> None:
    """Console entry point (``kro-gen``)."""
    cli(prog_name="kro-gen")
