"""What the numbers were measured on: Python, OS, CPU, memory, temp folder's file system, kro-gen commit."""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.measure import REPO


def _first_line(path: str, prefix: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else :func:`platform.processor`)."""
    return _first_line("/proc/cpuinfo", "model name") or platform.processor() or "unknown CPU"


def memory() -> str:
    """Total memory, from ``/proc/meminfo`` (``unknown`` elsewhere)."""
    total = _first_line("/proc/meminfo", "MemTotal")
    return f"{int(total.split()[0]) / 2**20:.1f} GiB" if total else "unknown"


def file_system(path: str) -> str:
    """The file system type of the mount holding ``path`` (``/proc/mounts``), or ``unknown``."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return "unknown"
    best, kind = "", "unknown"
    resolved = os.path.realpath(path)
    for line in mounts:
        fields = line.split()
        if (
            len(fields) > 2
            and (resolved + "/").startswith(fields[1].rstrip("/") + "/")
            and len(fields[1]) > len(best)
        ):
            best, kind = fields[1], fields[2]
    return kind


def load() -> str:
    """The load average when the run starts (other work on the machine skews the numbers)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min) at the start"


def commit() -> str:
    """This checkout's short commit, with ``+changes`` when the work tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def header(mode: str) -> str:
    """Markdown lines describing the run."""
    from kro_gen import __version__

    implementation = platform.python_implementation()
    lines = [
        f"- kro-gen {__version__} at commit `{commit()}`, {mode} run on {datetime.now(UTC):%Y-%m-%d}",
        f"- Python {platform.python_version()} ({implementation}) on {platform.platform()}",
        f"- {cpu_model()}, {os.cpu_count()} logical CPUs, {memory()} RAM; "
        f"temp folder {tempfile.gettempdir()} on {file_system(tempfile.gettempdir())}; {load()}",
    ]
    return "\n".join(lines)
