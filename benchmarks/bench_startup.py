"""1. CLI start-up: ``kro-gen --help`` wall time, and where import time goes (``python -X importtime``)."""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from benchmarks.measure import (
    CLI_MAIN,
    Table,
    kro_gen_command,
    run_process,
    seconds,
    time_processes,
    timing_row,
    timing_table,
)
from benchmarks.projects import commit_all, copy_example
from benchmarks.settings import Settings

_TOP = 8


def import_self_times(stderr: str) -> dict[str, float]:
    """Seconds of import time spent in each top-level package's own modules, from ``-X importtime`` output.

    Each line is ``import time: <self us> | <cumulative us> | <indent><module>``; self times add up to
    the whole import time without double counting, so they are grouped by the module's first component.
    """
    totals: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line.removeprefix("import time:").split("|", 2)
        totals[name.strip().split(".")[0]] += int(own) / 1e6
    return dict(totals)


def _importtime_table(title: str, command: list[str], repeats: int, cwd: Path | None = None) -> Table:
    """Median self time per top-level package over ``repeats`` runs of ``command`` with ``-X importtime``."""
    runs = [import_self_times(run_process(command, cwd=cwd).stderr) for _ in range(repeats + 1)][1:]
    packages = sorted({name for run in runs for name in run})
    medians = {name: statistics.median(run.get(name, 0.0) for run in runs) for name in packages}
    total = statistics.median(sum(run.values()) for run in runs)
    ranked = sorted(medians.items(), key=lambda item: (-item[1], item[0]))
    rows = [(name, seconds(value), f"{100 * value / total:.0f}%") for name, value in ranked[:_TOP]]
    rest = sum(value for _, value in ranked[_TOP:])
    rows += [(f"{len(ranked) - _TOP} other packages", seconds(rest), f"{100 * rest / total:.0f}%")]
    rows += [("**all imports**", seconds(total), "100%")]
    return Table(
        f"{title} (median of {repeats})", ("top-level package", "import self time", "share"), tuple(rows)
    )


def run(settings: Settings) -> list[Table]:
    """The start-up tables."""
    repeats = settings.startup_repeats
    python = sys.executable
    rows = [
        timing_row(
            "`python -c pass` (interpreter baseline)",
            time_processes([python, "-c", "pass"], repeats)[0],
            "the floor every command pays",
        ),
        timing_row(
            "`python -c 'import kro_gen.cli'`",
            time_processes([python, "-c", "import kro_gen.cli"], repeats)[0],
            "what every command imports before it runs",
        ),
        timing_row(
            "`kro-gen --help`",
            time_processes(kro_gen_command("--help"), repeats)[0],
            "console script: import, click parsing, help text",
        ),
    ]
    tables = [timing_table("CLI start-up (wall time of a new process)", rows)]
    tables.append(
        _importtime_table(
            "Import time of `import kro_gen.cli`",
            [python, "-X", "importtime", "-c", "import kro_gen.cli"],
            settings.process_repeats,
        )
    )
    with tempfile.TemporaryDirectory(prefix="kro-gen-bench-") as folder:
        project = copy_example(Path(folder) / "example")
        run_process(kro_gen_command("generate"), cwd=project)
        commit_all(project, "tree")
        tables.append(
            _importtime_table(
                "Import time of a whole `kro-gen generate --check` run (bundled example)",
                [python, "-X", "importtime", "-c", CLI_MAIN, "generate", "--check"],
                settings.process_repeats,
                cwd=project,
            )
        )
    return tables
