"""Measuring: repeated timings (median, min, max), child processes with their peak memory, tables.

Only the standard library: this module is imported by the probe processes too, which must start clean.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Stat:
    """Samples of one measurement (seconds, or bytes for memory), in the order they were taken."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        """The median sample."""
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        """The smallest sample."""
        return min(self.samples)

    @property
    def high(self) -> float:
        """The largest sample."""
        return max(self.samples)


def time_calls(
    call: Callable[[], object],
    repeats: int,
    *,
    setup: Callable[[], object] | None = None,
    per: int = 1,
    warmup: int = 1,
) -> Stat:
    """Seconds per item of ``call``: ``repeats`` timed calls (after ``warmup`` untimed ones), each divided
    by ``per`` (the number of items one call processes). ``setup`` runs untimed before every call."""
    for _ in range(warmup):
        if setup is not None:
            setup()
        call()
    samples = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) / per)
    return Stat(tuple(samples))


def traced_peak(call: Callable[[], object]) -> int:
    """Peak bytes Python allocated (``tracemalloc``) while ``call`` ran, above what was live before it."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        call()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


@dataclass(frozen=True)
class Process:
    """One finished child process: wall seconds, peak resident memory (bytes), exit code and output."""

    seconds: float
    max_rss: int
    returncode: int
    stdout: str
    stderr: str


@functools.lru_cache(maxsize=1)
def _bytecode_cache() -> str:
    folder = tempfile.mkdtemp(prefix="kro-gen-bench-pycache-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def child_env() -> dict[str, str]:
    """The environment for child processes: this checkout's ``kro_gen`` first on the import path, and
    byte-code caching on (into a temporary folder, so the checkout stays clean) even when the calling
    environment sets ``PYTHONDONTWRITEBYTECODE``: an installed kro-gen starts from compiled byte code."""
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": str(REPO) + (os.pathsep + path if path else "")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _bytecode_cache()
    return env


#: Runs ``argv[2:]`` and writes ``seconds max_rss exit_code`` to the file descriptor ``argv[1]``. The
#: command is forked from this small process, not from the benchmark's: on Linux a child's ``ru_maxrss``
#: starts at the RSS of the process it was forked from (kept across ``exec``), so a command forked from a
#: benchmark holding a big tree in memory would report the benchmark's peak instead of its own.
LAUNCHER = """\
import os, sys, time
fd = int(sys.argv[1])
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
os.write(fd, f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_process(command: Sequence[str], *, cwd: Path | None = None, expect: Sequence[int] = (0,)) -> Process:
    """Run ``command`` to completion and measure it; raise when its exit code is not in ``expect``.

    The command is started by a small launcher process (:data:`LAUNCHER`, started with ``-I -S``) that
    times it from fork to exit and reaps it with ``os.wait4``, so ``max_rss`` is that process's own
    peak: neither the maximum over every child so far (``RUSAGE_CHILDREN``) nor the benchmark's own RSS.
    """
    read, write = os.pipe()
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(write), *command]
            child = subprocess.Popen(
                launcher, cwd=cwd, env=child_env(), stdout=out, stderr=err, pass_fds=(write,)
            )
            os.close(write)
            write = -1
            report = b""
            while chunk := os.read(read, 4096):
                report += chunk
            child.wait()
            if child.returncode != 0 or not report:
                raise RuntimeError(f"the launcher of {' '.join(command)} failed ({child.returncode})")
            seconds, max_rss, returncode = report.decode().split()
            out.seek(0)
            err.seek(0)
            result = Process(
                float(seconds),
                _rss_bytes(int(max_rss)),
                int(returncode),
                out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"),
            )
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)
    if result.returncode not in expect:
        raise RuntimeError(
            f"{' '.join(command)} exited {result.returncode} (expected {list(expect)}) in {cwd}:\n"
            f"{result.stderr[-2000:]}"
        )
    return result


def _rss_bytes(max_rss: int) -> int:
    return max_rss if sys.platform == "darwin" else max_rss * 1024  # Linux reports KiB, macOS bytes


def time_processes(
    command: Sequence[str],
    repeats: int,
    *,
    cwd: Path | None = None,
    setup: Callable[[], object] | None = None,
    expect: Sequence[int] = (0,),
    warmup: int = 1,
) -> tuple[Stat, Stat]:
    """Wall seconds and peak RSS bytes of ``repeats`` runs of ``command`` (``setup`` untimed before each;
    ``warmup`` untimed runs first, so byte-code caches are written before anything is timed)."""
    for _ in range(warmup):
        if setup is not None:
            setup()
        run_process(command, cwd=cwd, expect=expect)
    runs = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        runs.append(run_process(command, cwd=cwd, expect=expect))
    return Stat(tuple(r.seconds for r in runs)), Stat(tuple(float(r.max_rss) for r in runs))


def probe_stats(name: str, repeats: int, *, argument: str | None = None) -> dict[str, Stat]:
    """Run ``run.py --probe NAME [--probe-arg ARGUMENT]`` in ``repeats`` new processes (after one
    warm-up): a Stat per key of the JSON object the probe prints (seconds measured inside the process)."""
    command = [sys.executable, str(REPO / "benchmarks" / "run.py"), "--probe", name]
    command += ["--probe-arg", argument] if argument is not None else []
    results = [json.loads(run_process(command).stdout) for _ in range(repeats + 1)][1:]
    return {key: Stat(tuple(result[key] for result in results)) for key in results[0]}


#: ``python -c CLI_MAIN ARGS`` runs ``kro-gen ARGS`` (for interpreter options such as ``-X importtime``).
CLI_MAIN = "import sys; from kro_gen.cli import main; sys.exit(main())"


def kro_gen_command(*args: str) -> list[str]:
    """``kro-gen ARGS`` through the installed console script, or ``python -c`` when there is none."""
    script = Path(sys.executable).with_name("kro-gen")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", CLI_MAIN, *args]


# formatting ----------------------------------------------------------------------------------------


def seconds(value: float) -> str:
    """``0.0000123`` -> ``12.3 µs``: ns, µs, ms below one second, s above."""
    for limit, scale, unit in ((1e-6, 1e9, "ns"), (1e-3, 1e6, "µs"), (1.0, 1e3, "ms")):
        if value < limit * 0.9995:  # not "1e+03 µs": what rounds to 1000 goes up a unit
            return f"{value * scale:.3g} {unit}"
    return f"{value:.3g} s"


def mebibytes(value: float) -> str:
    """Bytes as MiB with one decimal."""
    return f"{value / 2**20:.1f} MiB"


TIMING_COLUMNS = ("measurement", "n", "median", "min", "max", "notes")


def timing_row(name: str, stat: Stat, notes: str = "") -> tuple[str, ...]:
    """A row of :data:`TIMING_COLUMNS`."""
    return (
        name,
        str(len(stat.samples)),
        seconds(stat.median),
        seconds(stat.low),
        seconds(stat.high),
        notes,
    )


@dataclass(frozen=True)
class Table:
    """A titled Markdown table."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def markdown(self) -> str:
        """GitHub Markdown (columns of numbers right-aligned), with the title in bold above it."""

        def line(cells: Sequence[str]) -> str:
            return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

        align = ["--:" if _numeric(self.rows, index) else "---" for index in range(len(self.columns))]
        body = [line(self.columns), "|" + "|".join(align) + "|", *(line(row) for row in self.rows)]
        return f"**{self.title}**\n\n" + "\n".join(body)


def _numeric(rows: Sequence[Sequence[str]], index: int) -> bool:
    """True when every non-empty cell of column ``index`` starts with a digit."""
    cells = [row[index] for row in rows if row[index]]
    return bool(cells) and all(cell[0].isdigit() for cell in cells)


def timing_table(title: str, rows: Sequence[tuple[str, ...]]) -> Table:
    """A :class:`Table` of :data:`TIMING_COLUMNS` rows."""
    return Table(title, TIMING_COLUMNS, tuple(rows))
