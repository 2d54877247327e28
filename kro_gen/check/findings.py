"""Findings: what a check reports, with where, which rule and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from kro_gen.errors import Location


class Severity(StrEnum):
    """How bad a finding is: errors fail a run; warnings fail only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found by a check.

    Attributes:
        rule: stable rule name, e.g. ``resource-id-format`` (listed in the README's Validation section).
        message: what is wrong.
        location: file or graph, resource id, environment, field path.
        fix: what to do about it.
        severity: error or warning.
    """

    rule: str
    message: str
    location: Location
    fix: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = str(self.location)
        head = f"{where}: " if where else ""
        return f"{head}{self.severity.value}[{self.rule}]: {self.message} (fix: {self.fix})"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for ``--format json``)."""
        data = asdict(self)
        data["severity"] = self.severity.value
        data["location"] = {k: v for k, v in asdict(self.location).items() if v is not None}
        return data


def errors(findings: list[Finding]) -> list[Finding]:
    """Only the error-level findings."""
    return [f for f in findings if f.severity is Severity.ERROR]
