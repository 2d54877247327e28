"""Test-wide guard: every finding kro-gen's code produces during the tests names a rule, with a
severity, that ``kro_gen.check.rule_docs`` (and so the README's rule tables) documents.

``Finding.__init__`` is wrapped for the session; findings that tests build themselves are not
counted (only those made by code under ``kro_gen/``). An undocumented rule fails the run.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from kro_gen.check.findings import Finding

_SEEN: dict[tuple[str, str], str] = {}
_original_init = Finding.__init__


def _recording_init(self: Finding, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.endswith("dataclasses.py"):  # replace()
        frame = frame.f_back
    if frame is not None and "/kro_gen/" in frame.f_code.co_filename.replace("\\", "/"):
        key = (self.rule, self.severity.value)
        _SEEN.setdefault(key, f"{frame.f_code.co_filename}:{frame.f_lineno}")


Finding.__init__ = _recording_init  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from kro_gen.check.rule_docs import severities

    undocumented = sorted(
        (rule, level, at) for (rule, level), at in _SEEN.items() if level not in severities(rule)
    )
    if undocumented:
        lines = [f"  {rule} ({level}) from {at}" for rule, level, at in undocumented]
        sys.stderr.write(
            "\nfindings with a rule or severity that kro_gen/check/rule_docs.py does not document:\n"
            + "\n".join(lines)
            + "\n"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
