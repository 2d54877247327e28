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
