"""Print findings for people (one line each) or machines (a JSON list), and pick the exit code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Literal

from kro_gen.check.findings import Finding, Severity

_FILE_LINE = re.compile(r"^(.*):(\d+)$")


def sort_key(finding: Finding) -> tuple[object, ...]:
    """Order by file (``name:line`` numerically), graph, resource, path, then rule and message."""
    where = finding.location
    file = where.file or ""
    match = _FILE_LINE.match(file)
    name, line = (match.group(1), int(match.group(2))) if match else (file, 0)
    return (
        name,
        line,
        where.graph or "",
        where.resource or "",
        where.environment or "",
        where.path or "",
        finding.rule,
        finding.message,
    )


def format_findings(findings: Iterable[Finding], fmt: Literal["text", "json"] = "text") -> str:
    """All findings in a stable order: ``text`` gives one line each (plus a summary line when there are
    any), ``json`` a JSON list of objects with rule, message, location, fix and severity."""
    ordered = sorted(findings, key=sort_key)
    if fmt == "json":
        return json.dumps([f.to_json() for f in ordered], indent=2, ensure_ascii=False)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}: use 'text' or 'json'")
    if not ordered:
        return "no problems found"
    errors = sum(1 for f in ordered if f.severity is Severity.ERROR)
    warnings = len(ordered) - errors
    lines = [str(f) for f in ordered]
    lines.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines)


def exit_code(findings: Iterable[Finding], strict: bool = False) -> int:
    """1 when there is an error (or, with ``strict``, a warning), else 0."""
    for found in findings:
        if found.severity is Severity.ERROR or strict:
            return 1
    return 0
