"""Formatting findings and choosing the exit code."""

from __future__ import annotations

import json

import pytest

from kro_gen.check.findings import Finding, Severity
from kro_gen.check.report import exit_code, format_findings
from kro_gen.errors import Location


def make(file: str, rule: str = "r", severity: Severity = Severity.ERROR, path: str | None = None) -> Finding:
    return Finding(rule, f"msg {rule}", Location(file=file, path=path), "fix it", severity)


def test_text_is_sorted_by_file_and_numeric_line_with_a_summary() -> None:
    findings = [make("b.yaml:2"), make("a.yaml:10"), make("a.yaml:9", "w", Severity.WARNING)]
    lines = format_findings(findings).splitlines()
    assert [line.split(":")[0] + ":" + line.split(":")[1].split(",")[0] for line in lines[:-1]] == [
        "a.yaml:9",
        "a.yaml:10",
        "b.yaml:2",
    ]
    assert lines[-1] == "2 errors, 1 warning"
    assert lines[0] == "a.yaml:9: warning[w]: msg w (fix: fix it)"


def test_text_without_findings() -> None:
    assert format_findings([]) == "no problems found"


def test_json_is_a_sorted_list_of_objects() -> None:
    data = json.loads(format_findings([make("b.yaml:1", path="spec"), make("a.yaml:1")], "json"))
    assert [d["location"]["file"] for d in data] == ["a.yaml:1", "b.yaml:1"]
    assert data[1] == {
        "rule": "r",
        "message": "msg r",
        "location": {"file": "b.yaml:1", "path": "spec"},
        "fix": "fix it",
        "severity": "error",
    }


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="text"):
        format_findings([], "xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "severities,strict,code",
    [
        ([], False, 0),
        ([Severity.WARNING], False, 0),
        ([Severity.WARNING], True, 1),
        ([Severity.WARNING, Severity.ERROR], False, 1),
        ([], True, 0),
    ],
)
def test_exit_code(severities: list[Severity], strict: bool, code: int) -> None:
    assert exit_code([make("a", severity=s) for s in severities], strict) == code
