"""Every ${...} in the reference RGDs (kro examples, kro e2e, TypeKro output) parses and reads back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kro_gen.check.rules_base import walk_values
from kro_gen.expr.engine import check_parses, evaluate_field
from kro_gen.expr.kro_text import find_expressions
from kro_gen.expr.parser import parse_cel
from kro_gen.expr.render import render_cel
from tests.support_reference import KRO_E2E, KRO_REFERENCE, REFERENCE_E2E, needs_reference, reference_path

#: label ("kro/...", "kro/e2e/...", "typekro/...") -> file. kro's RGDs, instances and e2e cases are
#: committed; TypeKro's outputs are read from the shared reference folder when it is present. The
#: CRD's descriptions mention "${...}" in prose; everything else is an RGD, instance or output.
_KRO = {
    **{f"kro/{p.name}": p for p in KRO_REFERENCE.glob("*.yaml") if "resourcegraphdefinitions" not in p.name},
    **{f"kro/e2e/{p.relative_to(KRO_E2E)}": p for case in REFERENCE_E2E for p in case.glob("**/*.yaml")},
}
_PEER_OUT = reference_path("typekro", "out")
_PEER = (
    {f"typekro/out/{p.relative_to(_PEER_OUT)}": p for p in _PEER_OUT.glob("**/*.yaml")} if _PEER_OUT else {}
)
_FILES = dict(sorted({**_KRO, **_PEER}.items()))
#: kro's files alone hold 49 distinct expressions (with TypeKro's outputs: 111)
KRO_EXPRESSIONS_AT_LEAST = 45


def _strings(value: object) -> Iterator[str]:
    """Every string leaf of a YAML document."""
    return (leaf for _, leaf in walk_values(value, ()) if isinstance(leaf, str))


def _expressions() -> list[tuple[str, str]]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    found: dict[str, str] = {}
    for label, path in _FILES.items():
        for document in yaml.load_all(path.read_text()):
            for text in _strings(document):
                for span in find_expressions(text):
                    found.setdefault(span.cel, label)
    return sorted(found.items())


EXPRESSIONS = _expressions()


def test_the_reference_corpus_is_substantial() -> None:
    kro = [cel for cel, source in EXPRESSIONS if source.startswith("kro/")]
    assert len(kro) >= KRO_EXPRESSIONS_AT_LEAST
    assert any(source.startswith("kro/e2e/") for _, source in EXPRESSIONS)


@needs_reference("typekro", "out")
def test_the_corpus_holds_the_peer_s_outputs() -> None:
    assert len(EXPRESSIONS) > 100
    assert any(source.startswith("typekro/out/") for _, source in EXPRESSIONS)


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
