"""Collecting check findings across a run, and the error that aborts a run with all of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kro_gen.check.findings import Finding, Severity
from kro_gen.errors import Location, ValidationError


class CheckFailed(ValidationError):
    """Checks found errors (exit code 1). ``findings`` holds every finding of the run, warnings included."""

    def __init__(self, findings: list[Finding]) -> None:
        errors = [f for f in findings if f.severity is Severity.ERROR]
        graphs = sorted({f.location.graph for f in errors if f.location.graph})
        where = f" in {', '.join(graphs)}" if graphs else ""
        super().__init__(
            f"{len(errors)} check error{'s' if len(errors) != 1 else ''}{where}; nothing was written",
            hint="correct the definitions as each line above says, then run kro-gen again",
            rule="check-failed",
        )
        self.findings = findings


@dataclass
class FindingLog:
    """Findings of a whole run, in the order they were found, without duplicates."""

    findings: list[Finding] = field(default_factory=list)

    def extend(self, found: Iterable[Finding]) -> None:
        """Add findings (a finding already logged is skipped)."""
        for finding in found:
            if finding not in self.findings:
                self.findings.append(finding)

    @property
    def has_errors(self) -> bool:
        """True when an error-level finding was logged."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> list[Finding]:
        """The warning-level findings."""
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def raise_if_errors(self) -> None:
        """Raise :class:`CheckFailed` with every finding when any is an error."""
        if self.has_errors:
            raise CheckFailed(list(self.findings))


def operator_findings(warnings: Sequence[str], where: Location) -> list[Finding]:
    """The tree plan's warnings (API groups whose operator kro-gen does not know) as findings at ``where``."""
    fix = "install the operator before the RGDs, or add it to [tool.kro-gen.infrastructure.charts]"
    return [
        Finding("unknown-operator", line.split(": install", 1)[0], where, fix, Severity.WARNING)
        for line in warnings
    ]
