"""3. Scaling: synthetic definitions of 10, 50 and 200 resources (forEach collections included), three
environments (development direct, staging and production kro): time and peak memory of ``generate``,
and where the time of the largest one goes (cProfile, by pipeline stage)."""

from __future__ import annotations

import cProfile
import pstats
import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.measure import (
    Stat,
    Table,
    kro_gen_command,
    mebibytes,
    seconds,
    time_calls,
    time_processes,
    traced_peak,
)
from benchmarks.projects import generate_in_process, make_synthetic
from benchmarks.settings import Settings

#: (module path suffix, functions, label) of the pipeline stages, in the order they run; labels starting
#: with "·" are parts of the stage above them.
STAGES = (
    ("kro_gen/pipeline/graphs.py", ("prepare_graphs",), "load definitions, build graphs, emit RGDs"),
    ("kro_gen/project/loader.py", ("load_definitions",), "· import the definition files"),
    ("kro_gen/emit/rgd.py", ("rgd_document",), "· emit the RGD (every CEL expression read back)"),
    ("kro_gen/pipeline/checks.py", ("check_graph_rgd",), "check the RGD (kro rules, CEL types, schemas)"),
    ("kro_gen/check/k8s_validate.py", ("validate_manifest",), "· templates against Kubernetes schemas"),
    ("kro_gen/check/typecheck.py", ("check_expression_types",), "· CEL type checking"),
    ("kro_gen/pipeline/checks.py", ("committed_rgd",), "read the committed RGD (git)"),
    ("kro_gen/pipeline/environments.py", ("environment_artifact",), "render every environment and check it"),
    ("kro_gen/emit/direct.py", ("render_direct",), "· direct mode: evaluate CEL into manifests"),
    ("kro_gen/pipeline/checks.py", ("check_manifest",), "· direct manifests against Kubernetes schemas"),
    ("kro_gen/pipeline/checks.py", ("check_instance_document",), "· kro instances against the RGD schema"),
    ("kro_gen/gitops/plan.py", ("plan_tree",), "plan the tree (YAML, kustomize, Argo CD, Flux, README)"),
    ("kro_gen/emit/yamlio.py", ("dump_yaml", "dump_all"), "· YAML text (ruamel, pure Python)"),
    ("kro_gen/emit/yamlio.py", ("scalar_style",), "· · choosing each string's quoting style"),
    ("kro_gen/gitops/writer.py", ("write_tree",), "write the tree (atomic, fsync per file)"),
)


def _generate_and_write(project: Path, output: Path) -> int:
    """One in-process generate plus a write of its plan into ``output`` (emptied first); the file count."""
    from kro_gen.gitops import write_tree

    shutil.rmtree(output, ignore_errors=True)
    result = generate_in_process(project)
    assert result.plan is not None
    write_tree(result.plan, output)
    return len(result.plan.files)


def _cumulative(stats: dict[Any, Any], suffix: str, functions: tuple[str, ...]) -> float | None:
    """Cumulative seconds of ``functions`` of the module ending in ``suffix``; None when none was called
    (a renamed function shows up as "not called" instead of a silent zero)."""
    found = [
        entry[3] for (file, _, name), entry in stats.items() if name in functions and file.endswith(suffix)
    ]
    return sum(found) if found else None


def stage_table(project: Path, output: Path, resources: int) -> Table:
    """Cumulative cProfile seconds of each pipeline stage for one warm in-process run."""
    _generate_and_write(project, output)  # warm caches, as in a long-lived process
    profile = cProfile.Profile()
    profile.runcall(_generate_and_write, project, output)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = pstats.Stats(profile).total_tt  # type: ignore[attr-defined]
    rows = []
    for suffix, functions, label in STAGES:
        spent = _cumulative(stats, suffix, functions)
        names = ", ".join(f"`{name}`" for name in functions)
        if spent is None:
            rows.append((label, names, "not called", "–"))
        else:
            rows.append((label, names, seconds(spent), f"{100 * spent / total:.0f}%"))
    rows.append(("**whole run (generate + write)**", "", seconds(total), "100%"))
    return Table(
        f"Where the time goes: {resources} resources, one warm in-process run under cProfile "
        "(profiling inflates times 2–3×: read the shares)",
        ("stage", "function", "cumulative", "share"),
        tuple(rows),
    )


def _span(stat: Stat, render: Any = seconds) -> str:
    return f"{render(stat.median)} ({render(stat.low)}–{render(stat.high)})"


def size_row(project: Path, output: Path, resources: int, settings: Settings) -> tuple[str, ...]:
    """One row of the scaling table: the CLI in new processes (empty tree each time), then warm runs."""
    wall, rss = time_processes(
        kro_gen_command("generate"),
        settings.process_repeats,
        cwd=project,
        setup=lambda: shutil.rmtree(project / "gitops", ignore_errors=True),
    )
    files = _generate_and_write(project, output)
    warm = time_calls(lambda: _generate_and_write(project, output), settings.repeats)
    peak = traced_peak(lambda: _generate_and_write(project, output))
    return (str(resources), str(files), _span(wall), _span(rss, mebibytes), _span(warm), mebibytes(peak))


def run(settings: Settings) -> list[Table]:
    """The scaling table and the stage breakdown of the largest size."""
    with tempfile.TemporaryDirectory(prefix="kro-gen-bench-") as name:
        folder = Path(name)
        projects = {size: make_synthetic(folder / f"fleet-{size}", size) for size in settings.sizes}
        rows = [size_row(projects[size], folder / f"out-{size}", size, settings) for size in settings.sizes]
        largest = settings.sizes[-1]
        stages = stage_table(projects[largest], folder / "out-profile", largest)
    n = settings.process_repeats
    scaling = Table(
        "Scaling: one graph, 3 environments (median (min–max))",
        (
            "resources",
            "files written",
            f"`kro-gen generate`, new process, empty tree (n={n})",
            f"peak RSS of that process (n={n})",
            f"generate + write in a warm process (n={settings.repeats})",
            "tracemalloc peak of one warm run",
        ),
        tuple(rows),
    )
    return [scaling, stages]
