"""Real ``kro-gen`` processes for the lock and crash-safety tests (no tests here).

:func:`stopped` starts ``kro-gen generate`` with a ``KRO_GEN_FAULT=stop:<phase>:<k>`` fault and returns
once the process has stopped itself there, so a test can kill it, let it go on, or race it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

from tests.test_cli_entrypoint import entry_point
from tests.test_pipeline_support import WEB_APP, make_project

#: The second version of the small project: one file changed, one graph and its files added, the
#: dev instance (and its direct-mode files) removed, so a write stages, renames and deletes.
CACHE_APP = (
    WEB_APP.replace('"web-app"', '"cache-app"')
    .replace('kind="WebApp"', 'kind="CacheApp"')
    .replace("web-config", "cache-config")
    .replace('web.instance("dev", {"image": "nginx:1.27"})\n', "")
    .replace('{"image": "nginx:1.27", "replicas": 3}', '{"image": "redis:7"}')
)
WEB_APP_V2 = WEB_APP.replace('web.instance("dev", {"image": "nginx:1.27"})\n', "").replace(
    '"replicas": 3', '"replicas": 4'
)


def environment(fault: str | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "KRO_GEN_FAULT"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if fault is not None:
        env["KRO_GEN_FAULT"] = fault
    return env


def kro_gen(project: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``kro-gen`` to the end."""
    return subprocess.run(
        [entry_point(), *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment(fault),
        timeout=120,
    )


def start(project: Path, *args: str, fault: str | None = None) -> subprocess.Popen[str]:
    """Start ``kro-gen`` in the background."""
    return subprocess.Popen(
        [entry_point(), *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(fault),
    )


def stopped(project: Path, phase: str, k: int = 1) -> subprocess.Popen[str] | None:
    """``kro-gen generate`` stopped at the ``k``-th pass of ``phase``; None when the run ended before it
    got there (the phase has fewer than ``k`` steps)."""
    return wait_stopped(start(project, "generate", fault=f"stop:{phase}:{k}"))


def wait_stopped(process: subprocess.Popen[str]) -> subprocess.Popen[str] | None:
    """``process`` once it has stopped itself (several can be started first and waited for after)."""
    _, status = os.waitpid(process.pid, os.WUNTRACED)
    if os.WIFSTOPPED(status):
        return process
    process.returncode = os.waitstatus_to_exitcode(status)
    process.communicate()
    return None


def stderr_line(process: subprocess.Popen[str], timeout: float = 60) -> str:
    """The next line ``process`` writes to stderr (read in a thread, so a silent process fails the test
    after ``timeout`` seconds instead of hanging it)."""
    lines: list[str] = []
    assert process.stderr is not None
    reader = threading.Thread(target=lambda: lines.append(process.stderr.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    assert lines, f"no line on stderr within {timeout} s"
    return lines[0]


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL a (stopped) process and reap it."""
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL


def resume(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Let a stopped process go on; its (stdout, stderr) once it has ended."""
    process.send_signal(signal.SIGCONT)
    out, err = process.communicate(timeout=120)
    return out, err


def two_version_project(root: Path) -> Path:
    """The small project, generated once (the "old" tree), then changed to its second version."""
    project = make_project(root)
    assert kro_gen(project, "generate").returncode == 0
    (project / "definitions/web.py").write_text(WEB_APP_V2, encoding="utf-8")
    (project / "definitions/cache.py").write_text(CACHE_APP, encoding="utf-8")
    return project


def tree_state(folder: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``folder``, by relative path."""
    return {
        path.relative_to(folder).as_posix(): (None if path.is_dir() else path.read_bytes())
        for path in sorted(folder.rglob("*"))
    }
