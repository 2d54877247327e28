"""Measure kro-gen's speed and memory and print the results as Markdown tables.

Usage::

    python benchmarks/run.py                    # the full run (a few minutes)
    python benchmarks/run.py --quick            # fewer repeats, smaller sizes
    python benchmarks/run.py --only cel,writer  # some sections
    python benchmarks/run.py --update-readme    # also write the tables into benchmarks/README.md

Sections: startup, generate, scaling, cel, validation, writer (see benchmarks/README.md for what each
row measures). Every input is deterministic; every timing is the median of several repeats, shown
with its minimum and maximum.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable as the package root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_cel, bench_generate, bench_scaling, bench_startup, bench_validation, bench_writer
from benchmarks.machine import header
from benchmarks.measure import REPO, Table
from benchmarks.settings import FULL, QUICK, Settings

README = REPO / "benchmarks" / "README.md"
START_MARK = "<!-- benchmarks:start (written by `python benchmarks/run.py --update-readme`) -->"
END_MARK = "<!-- benchmarks:end -->"

#: key -> (title, section function), in the order they run and print.
SECTIONS: dict[str, tuple[str, Callable[[Settings], list[Table]]]] = {
    "startup": ("1. CLI start-up", bench_startup.run),
    "generate": ("2. `kro-gen generate` on the bundled example", bench_generate.run),
    "scaling": ("3. Scaling with the number of resources", bench_scaling.run),
    "cel": ("4. CEL", bench_cel.run),
    "validation": ("5. Validation", bench_validation.run),
    "writer": ("6. Writing the tree", bench_writer.run),
}

#: Probes run alone in a new process (``--probe NAME``) and print a JSON object of seconds.
PROBES: dict[str, Callable[[str | None], dict[str, float]]] = {
    "cel-first-use": lambda _: bench_cel.probe_first_use(),
    "check-rgd": lambda argument: bench_validation.probe_check_rgd(argument or ""),
}


def render(settings: Settings, keys: Sequence[str], progress: Callable[[str], None]) -> str:
    """Run the sections ``keys`` and return the Markdown: a header, then each section's tables."""
    parts = [header("quick" if settings.quick else "full")]
    for key in keys:
        title, section = SECTIONS[key]
        progress(f"running {key}...")
        tables = section(settings)
        parts.append(f"### {title}\n\n" + "\n\n".join(table.markdown() for table in tables))
    return "\n\n".join(parts) + "\n"


def update_readme(markdown: str, readme: Path = README) -> None:
    """Replace the text between the markers of ``readme`` with ``markdown``."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(START_MARK), text.find(END_MARK)
    if start < 0 or end < start:
        raise SystemExit(f"{readme}: the markers {START_MARK!r} and {END_MARK!r} are missing")
    head, tail = text[: start + len(START_MARK)], text[end:]
    readme.write_text(f"{head}\n\n{markdown}\n{tail}", encoding="utf-8")


def _sections(value: str) -> list[str]:
    keys = [key.strip() for key in value.split(",") if key.strip()]
    unknown = [key for key in keys if key not in SECTIONS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown section {', '.join(unknown) or '(none)'}; choose from {', '.join(SECTIONS)}"
        )
    return [key for key in SECTIONS if key in keys]  # always in the documented order


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes (a smoke run)")
    parser.add_argument(
        "--only", type=_sections, default=list(SECTIONS), metavar="SECTIONS", help="comma-separated sections"
    )
    parser.add_argument("--update-readme", action="store_true", help=f"write the tables into {README.name}")
    parser.add_argument("--probe", choices=sorted(PROBES), help=argparse.SUPPRESS)
    parser.add_argument("--probe-arg", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.probe:
        print(json.dumps(PROBES[options.probe](options.probe_arg)))
        return 0
    if options.update_readme and options.only != list(SECTIONS):
        parser.error("--update-readme needs every section (drop --only)")
    settings = QUICK if options.quick else FULL
    markdown = render(settings, options.only, lambda message: print(message, file=sys.stderr, flush=True))
    print(markdown, end="")
    if options.update_readme:
        update_readme(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
