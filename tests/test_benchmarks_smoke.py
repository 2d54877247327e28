"""Smoke test of ``benchmarks/run.py``: the quick CEL section runs and prints a well-formed table.

Timings are never asserted (they belong in benchmarks/README.md); only that every row holds a
median between its minimum and maximum, in a known unit.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
UNITS = {"ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0}
TIME = re.compile(r"^([0-9.]+(?:e[-+]?[0-9]+)?) (ns|µs|ms|s)$")


def seconds(cell: str) -> float:
    match = TIME.match(cell)
    assert match, f"not a duration: {cell!r}"
    return float(match[1]) * UNITS[match[2]]


def test_quick_cel_section_prints_a_table_of_consistent_timings() -> None:
    result = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--only", "cel"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "### 4. CEL" in result.stdout
    assert "### 1." not in result.stdout  # --only selects the section
    lines = result.stdout.splitlines()
    header = lines.index("| measurement | n | median | min | max | notes |")
    rows = [line.strip("|").split(" | ") for line in lines[header + 2 :] if line.startswith("| ")]
    names = [row[0].strip() for row in rows]
    assert any("parse_cel" in name for name in names)
    assert any("evaluate" in name for name in names)
    assert len(rows) >= 8
    for row in rows:
        cells = [cell.strip() for cell in row]
        assert int(cells[1]) >= 2, cells
        low, median, high = seconds(cells[3]), seconds(cells[2]), seconds(cells[4])
        assert 0 < low <= median <= high, cells


def test_the_fleet_generator_writes_distinct_valid_graphs(tmp_path: Path) -> None:
    """Two copies of the seed plan cleanly side by side (distinct names, kinds and objects), and the
    20-environment variant declares an instance in every environment."""
    from benchmarks.fleet import EXTRA_ENVIRONMENTS, changed_source, graph_source, write_fleet
    from kro_gen.pipeline.incremental import plan_project
    from kro_gen.project.config import load_config

    root = write_fleet(tmp_path / "fleet", 2, git=False)
    assert graph_source(1) == (root / "definitions" / "app_0001.py").read_text(encoding="utf-8")
    plan = plan_project(load_config(root), jobs=1).plan
    rgds = [path for path in plan.files if path.startswith("platform/rgds/rgd-")]
    assert rgds == [
        "platform/rgds/rgd-microservices-app-0001.yaml",
        "platform/rgds/rgd-microservices-app-0002.yaml",
    ]
    wide = graph_source(7, environments=20)
    assert all(f"{name!r}" in wide for name, _ in EXTRA_ENVIRONMENTS)
    assert "microservices-app-0007" in wide and "MicroservicesApp0007" in wide
    assert changed_source(graph_source(1), 5) != graph_source(1)


def test_the_fleet_table_divides_by_the_floor() -> None:
    from benchmarks.fleet_bench import Fleet, Row, table
    from benchmarks.measure import Stat

    fleet = Fleet(10, 3)
    rows = [
        Row(fleet, "cold `generate`", 170, Stat((2.0, 3.0, 4.0)), Stat((1e8,))),
        Row(fleet, "floor (kro-gen's YAML writer)", 170, Stat((0.5, 0.5, 0.6)), Stat((2e7,))),
    ]
    lines = table(rows).splitlines()
    cold = [cell.strip() for cell in lines[2].strip("|").split("|")]
    assert cold[2] == "cold `generate`" and cold[3] == "3 s" and cold[6] == "6.0" and cold[7] == "300 ms"


def test_a_fleet_run_replaces_only_its_own_sizes_in_the_readme(tmp_path: Path) -> None:
    from benchmarks.fleet_bench import END_MARK, RUN_MARK, START_MARK, Fleet, Row, table, update_readme
    from benchmarks.measure import Stat

    def run(label: str, *fleets: Fleet) -> str:
        rows = [Row(f, "cold `generate`", 10, Stat((1.0,)), Stat((1e7,))) for f in fleets]
        return f"{RUN_MARK}\n- {label}\n\n{table(rows)}\n"

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START_MARK}\n{END_MARK}\nend\n", encoding="utf-8")
    update_readme(run("first small", Fleet(10, 3), Fleet(100, 3)), readme)
    update_readme(run("large", Fleet(1000, 20)), readme)
    update_readme(run("mid", Fleet(1000, 3)), readme)
    update_readme(run("second small", Fleet(10, 3)), readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"intro\n{START_MARK}\n") and text.endswith(f"{END_MARK}\nend\n")
    assert "first small" not in text
    labels = [line[2:] for line in text.splitlines() if line.startswith("- ")]
    assert labels == ["second small", "mid", "large"]
    assert text.count(RUN_MARK) == 3
