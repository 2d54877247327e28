"""Fault injection for the writer, so tests can prove crash safety on a real ``kro-gen`` process.

Set ``KRO_GEN_FAULT=<action>:<phase>:<k>`` and the writer misbehaves at the ``k``-th (1-based) time it
passes ``phase``. When the variable is unset, :func:`from_env` returns :data:`NO_FAULTS`, whose
:meth:`Faults.point` does nothing, so the hook costs one environment lookup per write.

Phases, in the order a write passes them (see :mod:`kro_gen.gitops.journal`):

========  ===========================================================================================
``lock``  the tree lock is held (k=1), before anything is read
``write`` just before the k-th data write (staged files, the staged index, the journal)
``stage`` the k-th file is in the staging folder (nothing outside ``.kro-gen/`` has changed)
``journal``  k=1: the journal is written in the staging folder; k=2: it is in place (the commit point)
``rename``  the k-th staged file was moved onto its target
``delete``  the k-th stale file was deleted
``index``  the new ownership index is in place
``cleanup``  the staging folder is gone, the journal not yet
========  ===========================================================================================

Actions: ``kill`` (the process sends itself SIGKILL: no cleanup runs, exactly like ``kill -9``),
``stop`` (SIGSTOP: the test then kills it or lets it continue with SIGCONT), ``enospc`` and ``eacces``
(raise ``OSError`` as a full disk or a refused write would).
"""

from __future__ import annotations

import errno
import os
import signal
from dataclasses import dataclass, field

ENV_VAR = "KRO_GEN_FAULT"
PHASES = ("lock", "write", "stage", "journal", "rename", "delete", "index", "cleanup")
ACTIONS = ("kill", "stop", "enospc", "eacces")


@dataclass
class Faults:
    """One planned fault: ``action`` when ``phase`` is passed for the ``count``-th time."""

    action: str = ""
    phase: str = ""
    count: int = 0
    _seen: dict[str, int] = field(default_factory=dict)

    def point(self, phase: str) -> None:
        """The writer passes ``phase``; misbehave if this is the planned time."""
        if phase != self.phase:
            return
        self._seen[phase] = seen = self._seen.get(phase, 0) + 1
        if seen != self.count:
            return
        if self.action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif self.action == "stop":
            os.kill(os.getpid(), signal.SIGSTOP)
        else:
            code = errno.ENOSPC if self.action == "enospc" else errno.EACCES
            raise OSError(code, f"{os.strerror(code)} (injected by {ENV_VAR})")


NO_FAULTS = Faults()


def from_env() -> Faults:
    """The fault ``KRO_GEN_FAULT`` asks for, or :data:`NO_FAULTS`.

    Raises:
        ValueError: the variable is set but malformed (a typo must not silently test nothing).
    """
    text = os.environ.get(ENV_VAR)
    if not text:
        return NO_FAULTS
    action, _, rest = text.partition(":")
    phase, _, count = rest.partition(":")
    if action not in ACTIONS or phase not in PHASES or not count.isdigit() or int(count) < 1:
        raise ValueError(
            f"{ENV_VAR}={text!r}: expected <action>:<phase>:<k> with action in {', '.join(ACTIONS)}, "
            f"phase in {', '.join(PHASES)} and k >= 1"
        )
    return Faults(action, phase, int(count))
