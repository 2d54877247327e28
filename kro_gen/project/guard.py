"""Guards around user code (loading a definition file, running a graph's builders).

Definitions describe graphs; they must be quick and free of side effects, or ``kro-gen generate`` would
hang in CI or change files behind the atomic writer's back. :func:`guarded` enforces both:

* **a time limit** (``definition_timeout`` in ``[tool.kro-gen]``, 60 s by default). On the main thread of
  a POSIX process it is a ``SIGALRM`` timer, which stops a busy loop and also a blocking call such as
  ``time.sleep`` or a socket read without a timeout; elsewhere (another thread, Windows) a watchdog thread
  raises the timeout asynchronously in the user's thread, which stops Python loops but waits for a
  blocking C call to return. The timeout is a ``BaseException``, so ``except Exception`` in user code
  cannot swallow it.
* **no writes and no ``chdir``**: an audit hook (:func:`sys.addaudithook`, installed once, active only
  inside :func:`guarded`) refuses opening a file for writing, creating, renaming or deleting files and
  folders, and changing the working folder, before the operation happens. Bytecode caches
  (``__pycache__``) and the system temp folder outside the project are allowed (libraries write scratch
  files there). A refusal is recorded too, so code that catches the error is still reported; the
  working folder is compared before and after as well.

Both errors name the user's ``file:line`` that was running and say what to do.
"""

from __future__ import annotations

import contextvars
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from kro_gen.errors import DefinitionError, Location
from kro_gen.graph.resource import display_path

DEFAULT_TIMEOUT = 60.0

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
# audit event -> positions of the path arguments it changes
_CHANGING_EVENTS = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.link": (1,),
    "os.symlink": (1,),
    "os.truncate": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (1,),
    "shutil.copytree": (1,),
}


class DefinitionTimeout(BaseException):
    """Raised inside user code when its time is up (a BaseException: ``except Exception`` lets it pass)."""


@dataclass
class _Watch:
    directory: Path
    project: Path
    temp: Path
    violations: list[DefinitionError] = field(default_factory=list)
    busy: bool = False


_ACTIVE: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar("kro_gen_guard", default=None)
_HOOK_INSTALLED = False
_HOOK_LOCK = threading.Lock()


def _user_frame(frame: FrameType | None, directory: Path) -> str | None:
    """The innermost frame of ``frame``'s stack in a file under ``directory``, as ``file:line``."""
    base = str(directory)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(base + os.sep):
            return f"{display_path(filename)}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def _tb_site(tb: TracebackType | None, directory: Path) -> str | None:
    site = None
    base = str(directory)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(base + os.sep):
            site = f"{display_path(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return site


def _allowed(path: object, watch: _Watch) -> bool:
    if isinstance(path, int):  # an already open descriptor (stdout, a pipe)
        return True
    try:
        resolved = Path(os.fsdecode(path)).resolve()  # type: ignore[arg-type]
    except (TypeError, ValueError, OSError):
        return False
    if "__pycache__" in resolved.parts:
        return True
    inside_project = resolved == watch.project or watch.project in resolved.parents
    return not inside_project and (resolved == watch.temp or watch.temp in resolved.parents)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    watch = _ACTIVE.get()
    if watch is None or watch.busy:
        return
    watch.busy = True  # what the hook itself does (resolving paths) is not the user's
    try:
        _audit(watch, event, args)
    finally:
        watch.busy = False


def _audit(watch: _Watch, event: str, args: tuple[Any, ...]) -> None:
    what: str | None = None
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if writing and not _allowed(path, watch):
            what = f"opens {os.fsdecode(path)!r} for writing"
    elif event == "os.chdir" or event == "os.fchdir":
        what = "changes the working folder"
    elif event in _CHANGING_EVENTS:
        paths = [args[i] for i in _CHANGING_EVENTS[event] if i < len(args)]
        if any(not _allowed(p, watch) for p in paths):
            what = f"calls {event}({', '.join(repr(os.fsdecode(p)) for p in paths)})"
    if what is None:
        return
    site = _user_frame(sys._getframe(2), watch.directory)
    error = DefinitionError(
        f"a definition {what}; definitions must not write files or change the working folder",
        location=Location(file=site),
        hint="definitions only describe graphs: compute values in Python and return them, and keep file "
        "and folder work in a script outside the definitions",
        rule="definition-side-effect",
    )
    watch.violations.append(error)
    raise error


def _install_hook() -> None:
    global _HOOK_INSTALLED
    with _HOOK_LOCK:
        if not _HOOK_INSTALLED:
            sys.addaudithook(_hook)
            _HOOK_INSTALLED = True


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        yield from _alarm(seconds)
    else:
        yield from _watchdog(seconds)


def _alarm(seconds: float) -> Iterator[None]:
    def fire(signum: int, frame: FrameType | None) -> None:
        raise DefinitionTimeout

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _watchdog(seconds: float) -> Iterator[None]:  # pragma: no cover - exercised from a thread in tests
    import ctypes

    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if state["done"]:
                return
            state["fired"] = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(target), ctypes.py_object(DefinitionTimeout)
            )

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
        timer.cancel()
        if state["fired"]:  # drop a timeout still pending in this thread, then report it
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
    if state["fired"]:
        raise DefinitionTimeout


@contextmanager
def guarded(
    what: Path, directory: Path, project: Path, timeout: float = DEFAULT_TIMEOUT, *, doing: str = "loading"
) -> Iterator[None]:
    """Run user code of the definition file ``what`` (in ``directory``, in the project at ``project``)
    within ``timeout`` seconds and without side effects; ``doing`` names the step in the timeout error
    (``loading``, or ``building graph 'x'``).

    Raises:
        DefinitionError: the time ran out (rule ``definition-timeout``), or the code wrote a file or
            changed the working folder (rule ``definition-side-effect``).
    """
    _install_hook()
    watch = _Watch(directory.resolve(), project.resolve(), Path(tempfile.gettempdir()).resolve())
    token = _ACTIVE.set(watch)
    cwd = os.getcwd()
    try:
        with _time_limit(timeout):
            yield
    except DefinitionTimeout as stop:
        site = _tb_site(stop.__traceback__, watch.directory) or display_path(str(what))
        raise DefinitionError(
            f"{doing} this definition took longer than {timeout:g} s (definition_timeout); it loops or "
            "waits for something",
            location=Location(file=site),
            hint="make it finish quickly (no network calls or waiting in definitions), or raise "
            "definition_timeout in [tool.kro-gen] if it is just slow",
            rule="definition-timeout",
        ) from None
    finally:
        _ACTIVE.reset(token)
        moved = os.getcwd() != cwd
        if moved:
            os.chdir(cwd)
    if watch.violations:
        raise watch.violations[0]
    if moved:
        raise DefinitionError(
            "a definition changed the working folder; definitions must not write files or change the "
            "working folder",
            location=Location(file=display_path(str(what))),
            hint="remove the chdir from the definition",
            rule="definition-side-effect",
        )
