"""2. ``kro-gen generate`` on the bundled example: first run, no-change rerun, ``--check``; and the same
pipeline in a warm process, to separate process start-up and imports from the work itself."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.measure import (
    Process,
    Stat,
    Table,
    kro_gen_command,
    mebibytes,
    run_process,
    time_calls,
    timing_row,
    timing_table,
)
from benchmarks.projects import commit_all, copy_example, generate_in_process
from benchmarks.settings import Settings


def _runs(folder: Path, repeats: int) -> dict[str, list[Process]]:
    """Per fresh copy of the example: generate (empty tree), commit, generate again, generate --check.

    The first copy is a warm-up (byte-code caches) and is not returned.
    """
    runs: dict[str, list[Process]] = {"first": [], "rerun": [], "check": []}
    for index in range(repeats + 1):
        project = copy_example(folder / f"example-{index}")
        first = run_process(kro_gen_command("generate"), cwd=project)
        commit_all(project, "generated tree")
        rerun = run_process(kro_gen_command("generate"), cwd=project)
        check = run_process(kro_gen_command("generate", "--check"), cwd=project)
        if "0 written, 0 deleted" not in rerun.stdout or "up to date" not in check.stdout:
            raise RuntimeError(f"the rerun changed the tree: {rerun.stdout!r} / {check.stdout!r}")
        if index:
            for key, process in (("first", first), ("rerun", rerun), ("check", check)):
                runs[key].append(process)
    return runs


def _stat(processes: list[Process]) -> Stat:
    return Stat(tuple(p.seconds for p in processes))


def _rss(processes: list[Process]) -> str:
    return "peak RSS " + mebibytes(Stat(tuple(float(p.max_rss) for p in processes)).median)


def run(settings: Settings) -> list[Table]:
    """The bundled-example table."""
    with tempfile.TemporaryDirectory(prefix="kro-gen-bench-") as folder:
        runs = _runs(Path(folder), settings.process_repeats)
        written = runs["first"][0].stdout.strip()
        project = copy_example(Path(folder) / "in-process")
        warm = time_calls(lambda: generate_in_process(project), settings.repeats)
    rows = [
        timing_row(
            "`kro-gen generate`, first run (empty tree)",
            _stat(runs["first"]),
            f"{written}; {_rss(runs['first'])}",
        ),
        timing_row(
            "`kro-gen generate`, no-change rerun",
            _stat(runs["rerun"]),
            f"tree committed; {_rss(runs['rerun'])}",
        ),
        timing_row("`kro-gen generate --check` (in sync)", _stat(runs["check"]), _rss(runs["check"])),
        timing_row(
            "`pipeline.generate()` in a warm process",
            warm,
            "the same work without process start-up, imports or first-use loading; nothing written",
        ),
    ]
    return [timing_table("`kro-gen generate` on the bundled example (a fresh git copy per sample)", rows)]
