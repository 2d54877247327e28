"""The tree lock: one ``kro-gen`` at a time writes a tree; readers see it whole.

The lock is an OS lock (``flock``) on the output folder itself: ``generate`` holds it exclusively while
it recovers, checks and writes; ``--check``, ``diff`` and ``commit`` hold it shared while they read, so
they never see a write halfway and never create a file. The kernel drops the lock when its process
ends, however it ends, so a run killed with ``kill -9`` leaves no lock to clean up: the next run takes
it at once (and finishes the killed run's write from its journal).

While holding the lock exclusively, a run records who it is in ``.kro-gen/lock`` (pid, host, command;
never committed: ``.kro-gen/.gitignore`` lists it), so a run that has to wait can say whom it waits for.
The waiting run prints one message after a second and gives up with a clear error after the timeout.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kro_gen.errors import KroGenError, Location
from kro_gen.gitops.model import STATE_DIR

LOCK_INFO_PATH = f"{STATE_DIR}/lock"
DEFAULT_TIMEOUT = 300.0
_WAIT_NOTICE_AFTER = 1.0
_POLL = 0.05

Say = Callable[[str], None]


def _holder(root: Path) -> str:
    """Who holds the lock, as far as ``.kro-gen/lock`` tells (a reader does not record itself)."""
    path = root / LOCK_INFO_PATH
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        since = time.strftime("%H:%M:%S", time.localtime(path.stat().st_mtime))
    except (OSError, ValueError):
        return "another kro-gen run (reading the tree)"
    if not isinstance(info, dict):
        return "another kro-gen run"
    return f"pid {info.get('pid')} on {info.get('host')} ({info.get('command')}) since {since}"


def _record(root: Path) -> None:
    command = " ".join(["kro-gen", *sys.argv[1:]])[:200]
    info = {"pid": os.getpid(), "host": socket.gethostname(), "command": command}
    path = root / LOCK_INFO_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info, sort_keys=True) + "\n", encoding="utf-8")


def _previous_holder(root: Path) -> str | None:
    """The run that recorded itself and never released the lock (killed), if any."""
    if not (root / LOCK_INFO_PATH).exists():
        return None
    return _holder(root)


@contextmanager
def tree_lock(
    root: Path,
    *,
    shared: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    say: Say | None = None,
    label: str | None = None,
) -> Iterator[None]:
    """Hold the lock on the tree ``root`` (which must exist) for the ``with`` block.

    Args:
        root: the output folder.
        shared: a reader's lock (many at once, none while a writer holds it).
        timeout: seconds to wait before giving up.
        say: called with a message when the wait passes a second, and when a killed run's lock is
            taken over.
        label: how messages name ``root`` (default: as given).

    Raises:
        KroGenError: the lock was not free within ``timeout`` (rule ``tree-locked``).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no OS lock to take
        yield
        return
    shown = str(root) if label is None else label
    fd = os.open(root, os.O_RDONLY)
    try:
        _acquire(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX, root, timeout, say, shown)
        try:
            if not shared:
                previous = _previous_holder(root)
                if previous is not None and say is not None:
                    say(f"the last run to write {shown}/ ({previous}) ended without releasing its lock")
                _record(root)
            yield
        finally:
            if not shared:
                (root / LOCK_INFO_PATH).unlink(missing_ok=True)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, mode: int, root: Path, timeout: float, say: Say | None, shown: str) -> None:
    import fcntl

    start = time.monotonic()
    told = False
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as error:  # pragma: no cover - a file system without locks (some NFS mounts)
            if say is not None:
                say(f"cannot lock {shown}/ ({error.strerror}); concurrent kro-gen runs are not serialised")
            return
        waited = time.monotonic() - start
        if waited >= timeout:
            raise KroGenError(
                f"gave up after {timeout:g} s waiting for the lock on {shown}/, held by {_holder(root)}",
                location=Location(file=f"{shown}/{LOCK_INFO_PATH}"),
                hint="let that run finish (or stop it), then run again; "
                "raise lock_timeout in [tool.kro-gen] if runs are long",
                rule="tree-locked",
            )
        if not told and waited >= _WAIT_NOTICE_AFTER and say is not None:
            say(f"waiting for the lock on {shown}/ held by {_holder(root)}")
            told = True
        time.sleep(_POLL)
