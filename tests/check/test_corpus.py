"""The corpus: one small invalid file per rule, each naming the finding it must produce.

Every file in ``corpus/`` starts with ``# expect: <rule> <resource-id or -> <field path or ->`` (one or
more lines). ``kro-gen validate FILE`` must report each expected rule at that resource and path, and
no error-level finding that is not expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kro_gen.check import Severity, check_files

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.yaml"))

Expected = tuple[str, str | None, str | None]


def expectations(path: Path) -> list[Expected]:
    """The ``# expect:`` lines of a corpus file as (rule, resource, path); ``-`` means none."""
    found: list[Expected] = []
    for line in path.read_text().splitlines():
        if not line.startswith("# expect:"):
            continue
        rule, resource, field = line.removeprefix("# expect:").split(maxsplit=2)
        found.append((rule, None if resource == "-" else resource, None if field == "-" else field))
    return found


def test_corpus_is_large_and_every_file_names_its_rule() -> None:
    assert len(FILES) >= 45
    rules = [expectations(f)[0][0] for f in FILES if expectations(f)]
    assert len(rules) == len(FILES), "every corpus file needs an # expect: line"
    assert len(set(rules)) >= 45, "the corpus covers at least 45 distinct rules"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_corpus_file_yields_its_finding(path: Path) -> None:
    expected = expectations(path)
    findings = check_files([path])
    got = {(f.rule, f.location.resource, f.location.path) for f in findings}
    for item in expected:
        assert item in got, f"{path.name}: expected {item}, got:\n" + "\n".join(map(str, findings))
    unexpected = [
        f
        for f in findings
        if f.severity is Severity.ERROR and (f.rule, f.location.resource, f.location.path) not in expected
    ]
    assert not unexpected, f"{path.name}: unexpected errors:\n" + "\n".join(map(str, unexpected))
    assert all(f.location.file and f.location.file.startswith(str(path) + ":") for f in findings)


PEER_BUGS = {
    "peer-float-replicas.yaml": "expression-target-type",  # §9.1 number -> float into an int field
    "schema-untyped-items.yaml": "schema-untyped-items",  # §9.6 '[]object'
    "unknown-identifier.yaml": "unknown-identifier",  # §9.4 `? running : pending`
    "schema-default-invalid.yaml": "schema-default-invalid",  # §9.6 default="undefined"
    "iterator-id-collision.yaml": "iterator-id-collision",  # §11 iterator named like the resource id
    "spec-field-optional-read.yaml": "spec-field-optional-read",  # §11 required=true never emitted
}


@pytest.mark.parametrize("name,rule", sorted(PEER_BUGS.items()))
def test_every_peer_bug_that_reaches_an_rgd_is_caught(name: str, rule: str) -> None:
    assert rule in {f.rule for f in check_files([CORPUS / name])}
