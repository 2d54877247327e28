"""The README's rule tables are the rule registry, and every documented rule is real."""

from __future__ import annotations

import re
from pathlib import Path

from kro_gen.check.rule_docs import RULES, SECTIONS, severities, tables

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _rules_section() -> str:
    return README[README.index("### Rules\n") : README.index("### Breaking changes\n")]


def test_each_registry_section_is_a_table_of_the_readme() -> None:
    section = _rules_section()
    for title, table in tables().items():
        assert f"{title}:\n\n{table}\n" in section, f"README's '{title}' table differs from rule_docs.py"


def test_the_readme_lists_no_rule_the_registry_does_not_know() -> None:
    listed = re.findall(r"^\| (`[a-z0-9-]+`(?:, `[a-z0-9-]+`)*) \|", _rules_section(), re.MULTILINE)
    names = [name for row in listed for name in re.findall(r"`([a-z0-9-]+)`", row)]
    assert sorted(names) == sorted(RULES)
    assert len(names) == len(set(names)), "a rule is listed twice"


def test_every_rule_is_in_one_group_only_and_has_a_known_severity() -> None:
    groups = [rule for groups in SECTIONS.values() for group in groups for rule in group.rules]
    assert len(groups) == len(set(groups))
    assert all(severities(rule) <= {"error", "warning"} and severities(rule) for rule in RULES)


#: Rules no single corpus file can show, and the tests that do.
SHOWN_ELSEWHERE = {
    "breaking-change": "tests/check/test_breaking.py",
    "crd-change-not-applied": "tests/check/test_crd_updates.py",
    "immutable-change": "tests/check/test_breaking.py",
    "file-not-found": "tests/check/test_files.py",
    "file-unreadable": "tests/check/test_files.py",
    "includewhen-status-read": "tests/check/test_rules_include.py",
    "instance-kind": "tests/check/test_rules_instances.py",
    "instance-schema": "tests/test_toolbox_cli.py",
    # kro-gen graphs only: hand-written (corpus) RGDs declare no status types
    "status-type": "tests/check/test_rules_status_types.py",
    "unlisted-file": "tests/test_cli.py",
    "unknown-operator": "tests/gitops/test_infrastructure.py",
}


def _corpus_expectations() -> set[str]:
    return {
        line.split()[2]
        for path in (ROOT / "tests/check/corpus").glob("*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect:")
    }


def test_every_documented_rule_is_shown_by_a_corpus_file_or_a_named_test() -> None:
    """A rule nobody can trigger is not a rule: the corpus (or the named test) produces each one;
    test_corpus.py checks that each file yields the rules it expects."""
    missing = sorted(set(RULES) - _corpus_expectations() - set(SHOWN_ELSEWHERE))
    assert not missing, f"add a tests/check/corpus/<rule>.yaml for: {missing}"
    for rule, test in SHOWN_ELSEWHERE.items():
        assert rule in (ROOT / test).read_text(encoding="utf-8"), (rule, test)


def test_the_corpus_expects_only_documented_rules() -> None:
    assert _corpus_expectations() <= set(RULES)


#: Calls that make a finding (or what becomes one) with the rule as first argument or ``rule=``.
FINDING_MAKERS = frozenset(
    {"finding", "warning", "Finding", "_add", "_problem", "TypeProblem", "YamlProblem"}
)


def _rules_in_code() -> dict[str, str]:
    """Rule name -> ``file:line`` of every finding the package's code makes with a literal rule name."""
    import ast

    found: dict[str, str] = {}
    for path in sorted((ROOT / "kro_gen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in FINDING_MAKERS:
                continue
            given = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "rule")]
            for value in given:
                text = value.value if isinstance(value, ast.Constant) else None
                if isinstance(text, str) and re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", text):
                    found.setdefault(text, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_rule_the_code_reports_has_a_row() -> None:
    """Statically, so that a finding no test triggers yet cannot go undocumented (the test session's
    hook in tests/conftest.py checks the rules and severities of the findings the tests do make)."""
    in_code = _rules_in_code()
    assert len(in_code) >= 60, "the scan finds the package's findings"
    assert "status-condition-output" in in_code  # one the scan found missing from the README
    missing = {rule: at for rule, at in in_code.items() if rule not in RULES}
    assert not missing, f"rules with no row in kro_gen/check/rule_docs.py (and the README): {missing}"
