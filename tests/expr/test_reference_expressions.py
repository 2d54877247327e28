"""Every ${...} in the reference RGDs (kro examples, kro e2e, TypeKro output) parses and reads back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kro_gen.check.rules_base import walk_values
from kro_gen.expr.engine import check_parses, evaluate_field
from kro_gen.expr.kro_text import find_expressions
from kro_gen.expr.parser import parse_cel
from kro_gen.expr.render import render_cel

REFERENCE = Path("/work/shared/reference")
# the CRD's descriptions mention "${...}" in prose; everything else is an RGD, instance or output
_FILES = sorted(
    path
    for pattern in ("kro/*.yaml", "kro/e2e/**/*.yaml", "typekro/out/**/*.yaml")
    for path in REFERENCE.glob(pattern)
    if "resourcegraphdefinitions" not in path.name
)

pytestmark = pytest.mark.skipif(not _FILES, reason="the shared reference folder is not present")


def _strings(value: object) -> Iterator[str]:
    """Every string leaf of a YAML document."""
    return (leaf for _, leaf in walk_values(value, ()) if isinstance(leaf, str))


def _expressions() -> list[tuple[str, str]]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    found: dict[str, str] = {}
    for path in _FILES:
        for document in yaml.load_all(path.read_text()):
            for text in _strings(document):
                for span in find_expressions(text):
                    found.setdefault(span.cel, str(path.relative_to(REFERENCE)))
    return sorted(found.items())


EXPRESSIONS = _expressions() if _FILES else []


def test_the_reference_corpus_is_substantial() -> None:
    assert len(EXPRESSIONS) > 100
    sources = {source.split("/")[0] + "/" + source.split("/")[1] for _, source in EXPRESSIONS}
    assert any(source.startswith("kro/e2e") for source in sources)


@pytest.mark.parametrize(("cel", "source"), EXPRESSIONS, ids=[cel[:60] for cel, _ in EXPRESSIONS])
def test_reference_expression_parses_and_reads_back(cel: str, source: str) -> None:
    node = parse_cel(cel)
    text = render_cel(node)
    assert render_cel(parse_cel(text)) == text
    check_parses(node)


def test_reference_templates_evaluate_to_what_kro_would_write() -> None:
    values = {
        "schema": {
            "metadata": {"name": "net", "namespace": "infra"},
            "spec": {"vpcName": "main", "cidrBlock": "10.20.0.0/16", "availabilityZones": ["a", "b"]},
        },
        "idx": 1,
    }
    private = (
        "${schema.spec.cidrBlock.split('.')[0] + '.' + schema.spec.cidrBlock.split('.')[1] + '.' + "
        "string(idx + size(schema.spec.availabilityZones) + 1) + '.0/24'}"
    )
    assert evaluate_field(private, values) == "10.20.4.0/24"
    assert evaluate_field("${schema.spec.vpcName}-nat-eip-1", values) == "main-nat-eip-1"
    assert evaluate_field("${lists.range(size(schema.spec.availabilityZones))}", values) == [0, 1]
    assert (
        evaluate_field("${schema.spec.vpcName + '-private-' + string(idx + 1)}", values) == "main-private-2"
    )
