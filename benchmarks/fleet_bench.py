"""Fleets at scale: whole ``kro-gen`` processes on N copies of the seed, beside the floor, in one run.

For each fleet (``benchmarks/fleet.py``: N graphs x 3 environments, and N x 20), the median of several
runs of

* **cold** -- ``kro-gen generate`` into a fresh copy (no ``gitops/``, no cache); also in one process
  (``--jobs 1``) to show what the cores bring;
* **no-op** -- ``kro-gen generate`` again, the tree committed and nothing changed;
* **--check** -- ``kro-gen generate --check`` on the same;
* **one graph changed** -- one definition edited (a replica count) before each run;
* **validate** -- ``kro-gen validate gitops/``;
* **--help** -- ``kro-gen --help``;
* **the floor** -- the same files written from plain data precomputed in memory (loaded from a pickle
  before the clock starts), with kro-gen's YAML writer, so the same bytes; and, for comparison with
  other tools, with PyYAML's C ``CSafeDumper``;

each with its peak RSS and its ratio to the floor. Run::

    python benchmarks/fleet_bench.py                       # N = 10, 100, 1000 x 3 and 1000 x 20
    python benchmarks/fleet_bench.py --sizes 10,100        # some sizes (x 3 environments only)
    python benchmarks/fleet_bench.py --quick               # a smoke run: 2 graphs, one repeat
    python benchmarks/fleet_bench.py --update-readme       # also write the table into README.md
                                                           # (replacing only the sizes measured)

The machine is shared: every figure is a median of ``--repeats`` runs, and the load average at the
start and the end is printed with the table.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable as the package root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.fleet import changed_source, write_fleet
from benchmarks.measure import REPO, Process, Stat, kro_gen_command, mebibytes, run_process, seconds
from benchmarks.projects import commit_all

README = REPO / "benchmarks" / "README.md"
START_MARK = "<!-- fleet:start (written by `python benchmarks/fleet_bench.py --update-readme`) -->"
END_MARK = "<!-- fleet:end -->"
#: Starts each run's section between the markers (a run of some sizes replaces only their rows).
RUN_MARK = "<!-- fleet-run -->"

#: The floor: write every file of the pickled ``{path: (header, [documents])}`` with ``WRITER``.
FLOOR = """\
import os, pickle, sys, time
writer = sys.argv[3]
if writer == "kro-gen":
    from kro_gen.emit.yamlio import dump_all as dump
else:
    import yaml
    def dump(docs, header=None):
        head = "".join(f"# {line}\\n" for line in header.split("\\n")) if header else ""
        return head + yaml.dump_all(docs, Dumper=yaml.CSafeDumper, default_flow_style=False,
                                    sort_keys=False, allow_unicode=True, width=2**30)
with open(sys.argv[1], "rb") as handle:
    files = pickle.load(handle)
out = sys.argv[2]
for path, (header, docs) in files.items():
    target = os.path.join(out, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(dump(docs, header=header))
"""


@dataclass(frozen=True)
class Fleet:
    """A fleet size: ``graphs`` copies of the seed in ``environments`` environments."""

    graphs: int
    environments: int

    @property
    def label(self) -> str:
        return f"{self.graphs:,} x {self.environments}"


@dataclass(frozen=True)
class Row:
    """One measured run of one fleet."""

    fleet: Fleet
    name: str
    files: int
    time: Stat
    rss: Stat


def _precompute_floor(tree: Path, target: Path) -> int:
    """Pickle every YAML file of ``tree`` as ``{path: (header, documents)}`` (untimed); its file count."""
    from kro_gen.yamlread import load_yaml_all

    files: dict[str, tuple[str | None, list[object]]] = {}
    for path in sorted(tree.rglob("*")):
        if not path.is_file() or ".kro-gen" in path.parts or path.suffix not in (".yaml", ".yml"):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        comments = [line[2:] if line.startswith("# ") else "" for line in lines if line.startswith("#")]
        header = "\n".join(comments) if comments else None
        files[path.relative_to(tree).as_posix()] = (header, [d for d in load_yaml_all(text) if d is not None])
    target.write_bytes(pickle.dumps(files, protocol=pickle.HIGHEST_PROTOCOL))
    return sum(1 for path in tree.rglob("*") if path.is_file() and ".kro-gen" not in path.parts)


def _stat(processes: Sequence[Process]) -> tuple[Stat, Stat]:
    return Stat(tuple(p.seconds for p in processes)), Stat(tuple(float(p.max_rss) for p in processes))


def _repeat(count: int, run: Callable[[int], Process]) -> tuple[Stat, Stat]:
    return _stat([run(index) for index in range(count)])


def measure_fleet(fleet: Fleet, folder: Path, repeats: int, progress: Callable[[str], None]) -> list[Row]:
    """Every row of one fleet (see the module docstring)."""
    template = write_fleet(folder / "template", fleet.graphs, environments=fleet.environments)
    copies = iter(range(10**6))
    rows: list[Row] = []

    def fresh() -> Path:
        copy = folder / f"copy-{next(copies)}"
        shutil.copytree(template, copy, symlinks=True)
        return copy

    def add(name: str, files: int, stats: tuple[Stat, Stat]) -> None:
        rows.append(Row(fleet, name, files, *stats))
        progress(f"{fleet.label}: {name}: {seconds(stats[0].median)}")

    cold_repeats = repeats if fleet.graphs * fleet.environments <= 3_000 else max(1, repeats // 2)
    run_process(kro_gen_command("generate"), cwd=fresh())  # warm-up: byte code, page cache
    add(
        "cold `generate`",
        0,
        _repeat(cold_repeats, lambda _: run_process(kro_gen_command("generate"), cwd=fresh())),
    )
    if fleet.environments == 3:
        serial = _repeat(
            cold_repeats, lambda _: run_process(kro_gen_command("generate", "--jobs", "1"), cwd=fresh())
        )
        add("cold `generate --jobs 1`", 0, serial)

    project = fresh()
    run_process(kro_gen_command("generate"), cwd=project)
    commit_all(project, "generated tree")
    run_process(kro_gen_command("generate"), cwd=project)  # learns the committed RGDs (their blob ids)
    files = _precompute_floor(project / "gitops", folder / "floor.pickle")
    rows[:] = [Row(r.fleet, r.name, files, r.time, r.rss) for r in rows]
    add(
        "no-op `generate`",
        files,
        _repeat(repeats, lambda _: run_process(kro_gen_command("generate"), cwd=project)),
    )
    add(
        "`generate --check`",
        files,
        _repeat(repeats, lambda _: run_process(kro_gen_command("generate", "--check"), cwd=project)),
    )
    definition = project / "definitions" / "app_0001.py"
    original = definition.read_text(encoding="utf-8")

    def one_changed(index: int) -> Process:
        definition.write_text(changed_source(original, 4 + index), encoding="utf-8")
        return run_process(kro_gen_command("generate"), cwd=project)

    add("one graph changed", files, _repeat(repeats, one_changed))
    validate = kro_gen_command("validate", "gitops")
    add(
        "`validate gitops/`",
        files,
        _repeat(max(1, repeats // 2), lambda _: run_process(validate, cwd=project)),
    )
    add("`--help`", 0, _repeat(repeats, lambda _: run_process(kro_gen_command("--help"), cwd=project)))
    for writer, name in (
        ("kro-gen", "floor (kro-gen's YAML writer)"),
        ("pyyaml", "floor (PyYAML CSafeDumper)"),
    ):

        def floor(_: int, writer: str = writer) -> Process:
            out = folder / "floor-out"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            pickled = str(folder / "floor.pickle")
            return run_process([sys.executable, "-c", FLOOR, pickled, str(out), writer])

        add(name, files, _repeat(repeats, floor))
    return rows


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def table(rows: Sequence[Row]) -> str:
    """The Markdown table: every row with its ratio to the same fleet's floor."""
    lines = [
        "| fleet | files | run | median | min | max | × floor | per graph | peak RSS |",
        "|---|--:|---|--:|--:|--:|--:|--:|--:|",
    ]
    floors = {r.fleet: r.time.median for r in rows if r.name.startswith("floor (kro-gen")}
    for row in rows:
        floor = floors.get(row.fleet)
        ratio = f"{row.time.median / floor:.1f}" if floor else ""
        per_graph = seconds(row.time.median / row.fleet.graphs) if "help" not in row.name else ""
        lines.append(
            f"| {row.fleet.label} | {row.files or ''} | {row.name} | {seconds(row.time.median)} | "
            f"{seconds(row.time.low)} | {seconds(row.time.high)} | {ratio} | {per_graph} | "
            f"{mebibytes(row.rss.median)} |"
        )
    return "\n".join(lines)


def render(fleets: Sequence[Fleet], repeats: int, progress: Callable[[str], None]) -> str:
    """Measure ``fleets`` and return the Markdown: the machine, the load, the command, the table."""
    from benchmarks.machine import header

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kro-gen-fleet-") as folder:
        for fleet in fleets:
            target = Path(folder) / f"{fleet.graphs}x{fleet.environments}"
            target.mkdir()
            rows += measure_fleet(fleet, target, repeats, progress)
            shutil.rmtree(target, ignore_errors=True)
    sizes = ",".join(str(f.graphs) for f in fleets if f.environments == 3)
    command = f"python benchmarks/fleet_bench.py --sizes {sizes or repr('')} --repeats {repeats}"
    if any(f.environments == 20 for f in fleets):
        command += " --envs20"
    return (
        f"{RUN_MARK}\n{header('fleet')}\n- load average {_load()} at the end (1 / 5 / 15 min)\n"
        f"- `{command}`; median of {repeats} runs (cold runs of the largest fleets: fewer)\n\n{table(rows)}\n"
    )


def _fleets_of(section: str) -> set[str]:
    """The fleet labels (``10 x 3``...) of the table rows of one run's section."""
    rows = (line for line in section.splitlines() if re.match(r"\| [\d,]+ x \d+ \|", line))
    return {row.split("|")[1].strip() for row in rows}


def _order(section: str) -> tuple[int, int]:
    """Sort key of a section: its smallest fleet, by environments, then graphs."""
    sizes = [label.replace(",", "").split(" x ") for label in _fleets_of(section)]
    return min((int(environments), int(graphs)) for graphs, environments in sizes) if sizes else (0, 0)


def merge_sections(block: str, markdown: str) -> str:
    """``block`` (the README's fleet sections, one per run) with ``markdown``'s run in place of every
    section that measured one of its fleets; the others are kept. Sections are ordered by fleet size."""
    new = _fleets_of(markdown)
    kept = [
        section.strip()
        for section in block.split(RUN_MARK)
        if section.strip() and not (_fleets_of(section) & new)
    ]
    sections = sorted([*(f"{RUN_MARK}\n{s}" for s in kept), markdown.strip()], key=_order)
    return "\n\n".join(sections) + "\n"


def update_readme(markdown: str, readme: Path = README) -> None:
    """Write ``markdown`` (one run) between the fleet markers of the benchmarks README, replacing the
    earlier runs of the same fleets and keeping those of other fleets (sizes can be run separately)."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(START_MARK), text.find(END_MARK)
    if start < 0 or end < start:
        raise SystemExit(f"{readme}: the markers {START_MARK!r} and {END_MARK!r} are missing")
    block = merge_sections(text[start + len(START_MARK) : end], markdown)
    readme.write_text(f"{text[: start + len(START_MARK)]}\n\n{block}\n{text[end:]}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000", help="graphs per fleet (x 3 environments)")
    parser.add_argument("--envs20", action="store_true", help="also 1,000 graphs x 20 environments")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 graphs, one repeat")
    parser.add_argument("--update-readme", action="store_true")
    options = parser.parse_args(argv)
    if options.quick:
        fleets, repeats = [Fleet(2, 3)], 1
    else:
        fleets = [Fleet(int(size), 3) for size in options.sizes.split(",") if size.strip()]
        fleets += [Fleet(1000, 20)] if options.envs20 else []
        repeats = options.repeats
    markdown = render(fleets, repeats, lambda message: print(message, file=sys.stderr, flush=True))
    print(markdown)
    if options.update_readme:
        update_readme(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
