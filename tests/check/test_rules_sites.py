"""Expression sites: which strings count, their place, parse results, and free identifiers."""

from __future__ import annotations

from kro_gen.check.rules_sites import Place, collect_sites, free_names
from kro_gen.expr.parser import parse_cel

from .rgd_samples import build_rgd, config_map, view_of


def test_sites_cover_every_place_in_document_order() -> None:
    entry = config_map(a="plain", b="${schema.spec.name}-x")
    entry["readyWhen"] = ["${config.data != null}"]
    entry["includeWhen"] = ["true"]
    collection = config_map("pods")
    collection["forEach"] = [{"w": "${schema.spec.ws}"}]
    status = {"name": "${config.metadata.name}", "nested": {"n": "literal"}, "conditions": ["${x}", 3]}
    view = view_of(build_rgd([entry, collection], status=status))
    found = [(s.place, s.path[-1]) for s in collect_sites(view)]
    assert found == [
        (Place.TEMPLATE, "name"),
        (Place.TEMPLATE, "b"),
        (Place.READY_WHEN, 0),
        (Place.INCLUDE_WHEN, 0),
        (Place.TEMPLATE, "name"),
        (Place.FOR_EACH, "w"),
        (Place.STATUS, "name"),
        (Place.CONDITION, 0),
    ]


def test_site_records_standalone_and_parse_errors() -> None:
    entry = config_map(ok="${schema.spec.name}", mixed="a-${schema.spec.name}", bad="${1 +}")
    sites = {s.path[-1]: s for s in collect_sites(view_of(build_rgd([entry])))}
    assert sites["ok"].standalone and not sites["mixed"].standalone
    assert sites["bad"].expressions[0].node is None and "column" in (sites["bad"].expressions[0].error or "")
    assert sites["mixed"].identifiers() == ["schema"]


def test_free_names_know_comprehensions_bind_and_conditions() -> None:
    assert free_names(parse_cel("xs.map(x, x + y)")) == ["xs", "y"]
    assert free_names(parse_cel("cel.bind(v, a.b, v + c)")) == ["a", "c"]
    text = (
        'runtime.newCondition({type: "A", status: d.status.ok ? "True" : "False", reason: "r", message: ""})'
    )
    assert free_names(parse_cel(text)) == ["runtime", "d"]
