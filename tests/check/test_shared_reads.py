"""What the RGD rules read once per RGD gives the findings reading it each time gives.

* ``RgdView.ids`` is computed once per view (rules ask for it at every expression site);
* ``check_generated_rgd`` runs ``check_rgd`` and ``check_generated`` over one view and one list of sites.

Compared on every RGD of the check corpus, the kro e2e fixtures and the committed gitops trees of the
seed and the examples, and on RGDs with broken ids (duplicates, empty, not strings).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kro_gen.check import check_generated_rgd, check_rgd, rules_sites
from kro_gen.check.generated import check_generated
from kro_gen.check.rules_base import RgdView
from kro_gen.check.rules_sites import Expression
from kro_gen.errors import Location

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = [
    ROOT / "tests" / "check" / "corpus",
    ROOT / "tests" / "kro_e2e",
    ROOT / "gitops",
    ROOT / "examples",
]


def _rgds() -> list[tuple[str, Any]]:
    yaml = YAML(typ="safe", pure=True)
    found: list[tuple[str, Any]] = []
    for folder in FOLDERS:
        for path in sorted(folder.rglob("*.yaml")):
            try:
                documents = list(yaml.load_all(path.read_text(encoding="utf-8")))
            except Exception:  # the corpus holds broken YAML on purpose
                continue
            for index, document in enumerate(documents):
                if isinstance(document, dict) and document.get("kind") == "ResourceGraphDefinition":
                    found.append((f"{path.relative_to(ROOT)}#{index}", document))
    return found


RGDS = _rgds()


def _odd_ids() -> list[Any]:
    base = copy.deepcopy(next(rgd for _, rgd in RGDS if len(rgd.get("spec", {}).get("resources", [])) > 1))
    resources = base["spec"]["resources"]
    variants = []
    for change in ("duplicate", "empty", "number", "missing"):
        rgd = copy.deepcopy(base)
        first = rgd["spec"]["resources"][0]
        if change == "duplicate":
            rgd["spec"]["resources"][1]["id"] = first["id"]
        elif change == "empty":
            first["id"] = ""
        elif change == "number":
            first["id"] = 7
        else:
            del first["id"]
        variants.append(rgd)
    assert resources
    return variants


CASES = [rgd for _, rgd in RGDS] + _odd_ids()


def test_the_corpus_is_large_enough() -> None:
    assert len(RGDS) > 30


def _uncached_ids(view: RgdView) -> list[str]:
    return list(dict.fromkeys(r.id for r in view.resources if r.id))


def test_cached_ids_are_the_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    where = Location(graph="g")
    cached = [check_rgd(rgd, location=where) for rgd in CASES]
    views = [RgdView(rgd, where) for rgd in CASES]
    assert [view.ids for view in views] == [_uncached_ids(view) for view in views]
    monkeypatch.setattr(RgdView, "ids", property(_uncached_ids))
    assert [check_rgd(rgd, location=where) for rgd in CASES] == cached
    assert any(cached)


def test_ids_are_a_new_list_each_time() -> None:
    view = RgdView(CASES[0], Location())
    view.ids.append("changed")
    assert "changed" not in view.ids


def _outcome(call: Any) -> Any:
    try:
        return call()
    except Exception as error:  # a non-map: the separate calls raise, and so does the shared one
        return type(error), str(error)


@pytest.mark.parametrize("declared", [None, {("health",): "string"}])
def test_one_read_for_both_gives_both(declared: dict[tuple[str, ...], str] | None) -> None:
    where = Location(file="x.yaml")
    for rgd in [*CASES, "not a map", None]:
        both = _outcome(lambda rgd=rgd: check_generated_rgd(rgd, location=where, declared_status=declared))
        apart = _outcome(
            lambda rgd=rgd: (
                check_rgd(rgd, location=where, declared_status=declared),
                check_generated(rgd, where),
            )
        )
        assert both == apart


def _fresh(expression: Expression, compute: Any) -> Any:
    return None if expression.node is None else compute(expression.node)


def test_shared_expressions_give_the_findings_of_fresh_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    # checked twice: the second round reads every expression from the shared cache
    where = Location(graph="g")
    first = [check_rgd(rgd, location=where) for rgd in CASES]
    second = [check_rgd(rgd, location=where) for rgd in CASES]
    monkeypatch.setattr(rules_sites, "parse_expression", rules_sites.parse_expression.__wrapped__)
    monkeypatch.setattr(Expression, "derived", _fresh)
    fresh = [check_rgd(rgd, location=where) for rgd in CASES]
    assert first == second == fresh
    rules = {f.rule for found in fresh for f in found}
    assert {
        "unknown-function",
        "bytes-expression",
        "schema-status-read",
        "unknown-identifier",
        "spec-field-optional-read",
    } <= rules


def test_an_expression_is_parsed_once_per_text() -> None:
    one = rules_sites.parse_expression("schema.spec.name + 'x'")
    assert rules_sites.parse_expression("schema.spec.name + 'x'") is one
    assert one.derived(rules_sites._free_names) == ("schema",)
    broken = rules_sites.parse_expression("schema.spec.(")
    assert broken.node is None and broken.error and broken.derived(rules_sites._free_names) is None
