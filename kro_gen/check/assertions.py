"""Partial matching of objects, as chainsaw's ``assert`` compares a live object with an assert file.

Only what the expected document lists is compared: a map matches when every key it lists matches in
the actual map (extra actual keys are fine); a list matches when it has the same length and each
item matches in order; scalars must be equal (``1`` and ``1.0`` are the same number, ``true`` is
not ``1``). Keys written as chainsaw expressions, ``(conditions[?type == 'Ready'])``, need JMESPath
and a live cluster's status; they are reported as skipped, never as passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mismatch:
    """Where the actual object differs from the expected one (``path``: ``spec.ports[0].port``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.message}"


@dataclass(frozen=True)
class MatchResult:
    """The mismatches found, and the expression keys that were not evaluated."""

    mismatches: tuple[Mismatch, ...]
    skipped: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing differs."""
        return not self.mismatches


def partial_match(expected: Any, actual: Any) -> MatchResult:
    """Compare ``actual`` with ``expected`` the way a chainsaw assert does."""
    mismatches: list[Mismatch] = []
    skipped: list[str] = []
    _match(expected, actual, "", mismatches, skipped)
    return MatchResult(tuple(mismatches), tuple(skipped))


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _match(expected: Any, actual: Any, path: str, out: list[Mismatch], skipped: list[str]) -> None:
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            out.append(Mismatch(path, f"expected a map, got {_shown(actual)}"))
            return
        for key, value in expected.items():
            name = str(key)
            if name.startswith("(") and name.endswith(")"):
                skipped.append(_child(path, name))
                continue
            if name not in actual:
                out.append(Mismatch(_child(path, name), f"missing (expected {_shown(value)})"))
                continue
            _match(value, actual[name], _child(path, name), out, skipped)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list):
            out.append(Mismatch(path, f"expected a list, got {_shown(actual)}"))
            return
        if len(expected) != len(actual):
            out.append(Mismatch(path, f"expected {len(expected)} items, got {len(actual)}"))
            return
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            _match(want, got, f"{path}[{index}]", out, skipped)
        return
    if not _same_scalar(expected, actual):
        out.append(Mismatch(path, f"expected {_shown(expected)}, got {_shown(actual)}"))


def _same_scalar(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return type(expected) is type(actual) and expected == actual


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
