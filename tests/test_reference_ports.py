"""The reference RGDs, written with kro-gen's Python API and compared with the originals by meaning.

Ported: kro's webapp, externalRef and forEach (worker pool) examples (committed in tests/kro_reference/),
and the reference RGD of KRO-RULES.md §13 (committed in tests/check/fixtures_b/). For each, the emitted
RGD and the reference have the same resource ids in the same order, the same kinds, the same templates /
externalRefs, includeWhen, readyWhen, forEach and status once every ``${}`` string of both sides is
canonicalised (read the way kro reads it, written back the way kro-gen writes it, comprehension
variables renamed by position), and the same spec schema facts (type and default of every field, other
markers).

The ports themselves are in tests/support_reference_ports.py. Every intentional difference is listed
per port in ``PORTS`` below and asserted as such (and shown to be what kro-gen's checks flag on the
reference); there are two kinds:

* ``required=true`` where the reference reads a field that is neither required nor defaulted
  (``webapp``'s ``name``, the worker pool's ``workers`` and ``image``): kro would leave an instance that
  omits it IN_PROGRESS forever (kro#893); kro-gen's spec model says the field is required.
* explicit ``group: kro.run`` and ``scope: Namespaced`` where the reference leaves them to the RGD
  CRD's defaults: kro-gen always writes both (the API's identity is then visible in the file). Either
  way the stored object is the same, so neither Argo CD nor Flux shows a diff, and kro-gen's checks do
  not flag the omission (see kro_gen/check/rules_identity.py).

One read is written as raw CEL on purpose: the externalRef example guards ``data`` itself
(``input.?data.ECHO_VALUE``), and ``cel.default()`` makes only the last step optional.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from kro_gen import ResourceGraph
from kro_gen.emit.instance import instance_document
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import Location
from kro_gen.schema import parse_simple_schema
from tests.support_canonical import canonical
from tests.support_reference import KRO_REFERENCE, TESTS, needs_reference, require_reference
from tests.support_reference_ports import external_reference, platform_webapp, webapp, worker_pool

#: The YAML block of KRO-RULES.md §13 (the rules are in the shared reference folder), committed.
SECTION_13 = TESTS / "check" / "fixtures_b" / "kro-rules-reference-rgd.yaml"


def load_reference(name: str) -> dict[str, Any]:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load((KRO_REFERENCE / name).read_text(encoding="utf-8"))


def section_13() -> dict[str, Any]:
    """The reference RGD of KRO-RULES.md §13, parsed."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(SECTION_13.read_text(encoding="utf-8"))


@needs_reference("kro", "KRO-RULES.md")
def test_the_committed_section_13_is_the_one_of_kro_rules() -> None:
    from ruamel.yaml import YAML

    text = require_reference("kro", "KRO-RULES.md").read_text(encoding="utf-8")
    section = text[text.index("## 13.") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    assert YAML(typ="safe", pure=True).load(block.group(1)) == section_13()


# -- the comparison -------------------------------------------------------------------------------------
#: port name -> (graph factory, reference loader, fields kro-gen makes required, schema keys kro-gen adds)
PORTS: dict[str, tuple[Callable[[], ResourceGraph], Callable[[], dict[str, Any]], set[str], set[str]]] = {
    "webapp": (webapp, lambda: load_reference("example-webapp-rgd.yaml"), {"name"}, {"group", "scope"}),
    "externalref": (
        external_reference,
        lambda: load_reference("example-externalref-rgd.yaml"),
        set(),
        {"group", "scope"},
    ),
    "foreach": (
        worker_pool,
        lambda: load_reference("example-foreach-workerpool-rgd.yaml"),
        {"workers", "image"},
        {"group", "scope"},
    ),
    "kro-rules-13": (platform_webapp, section_13, set(), set()),
}

#: Conditions a port adds where the reference reads an includeWhen resource without its condition
#: (kro skips the reader too; kro-gen's includewhen-dependent flags it on the reference).
ADDED_CONDITIONS = {("webapp", "ingress"): "${schema.spec.service.enabled}"}

_FACT_MARKERS = ("default", "required", "description")


def schema_facts(schema: dict[str, Any]) -> dict[tuple[str, ...], tuple[Any, ...]]:
    """Every spec field: (kind, has default, default, other markers)."""
    parsed = parse_simple_schema(schema.get("spec") or {}, schema.get("types") or {})
    assert parsed.ok, parsed.problems
    return {
        path: (
            field.kind,
            field.has_default,
            field.default,
            {key: value for key, value in field.markers if key not in _FACT_MARKERS},
        )
        for path, field in parsed.fields.items()
    }


def required_fields(schema: dict[str, Any]) -> set[str]:
    parsed = parse_simple_schema(schema.get("spec") or {}, schema.get("types") or {})
    return {".".join(path) for path, field in parsed.fields.items() if field.required}


def emitted(port: str) -> tuple[dict[str, Any], dict[str, Any]]:
    make, load, _, _ = PORTS[port]
    return rgd_document(make().build()), load()


@pytest.mark.parametrize("port", list(PORTS))
def test_the_port_has_the_references_identity(port: str) -> None:
    ours, reference = emitted(port)
    _, _, _, added = PORTS[port]
    assert ours["metadata"]["name"] == reference["metadata"]["name"]
    theirs = reference["spec"]["schema"]
    mine = ours["spec"]["schema"]
    for key in ("apiVersion", "kind", "group", "scope"):
        if key in added:
            assert key not in theirs
            assert mine[key] == {"group": "kro.run", "scope": "Namespaced"}[key]  # kro's own default
        else:
            assert mine[key] == theirs[key]


@pytest.mark.parametrize("port", list(PORTS))
def test_the_port_has_the_same_resources_and_directives(port: str) -> None:
    ours, reference = emitted(port)
    mine, theirs = ours["spec"]["resources"], reference["spec"]["resources"]
    assert [r["id"] for r in mine] == [r["id"] for r in theirs]
    for left, right in zip(mine, theirs, strict=True):
        body = "template" if "template" in right else "externalRef"
        assert body in left, left["id"]
        assert left[body]["kind"] == right[body]["kind"]
        assert canonical(left[body]) == canonical(right[body]), left["id"]
        for directive in ("includeWhen", "readyWhen", "forEach"):
            expected = right.get(directive)
            if directive == "includeWhen" and (port, left["id"]) in ADDED_CONDITIONS:
                expected = [*expected, ADDED_CONDITIONS[port, left["id"]]]
            assert canonical(left.get(directive)) == canonical(expected), (left["id"], directive)


@pytest.mark.parametrize("port", list(PORTS))
def test_the_port_has_the_same_status(port: str) -> None:
    ours, reference = emitted(port)
    assert canonical(ours["spec"]["schema"].get("status")) == canonical(
        reference["spec"]["schema"].get("status")
    )


@pytest.mark.parametrize("port", list(PORTS))
def test_the_port_has_the_same_schema_facts_and_only_the_listed_required_fields(port: str) -> None:
    ours, reference = emitted(port)
    _, _, made_required, _ = PORTS[port]
    mine, theirs = ours["spec"]["schema"], reference["spec"]["schema"]
    assert schema_facts(mine) == schema_facts(theirs)
    assert required_fields(mine) - required_fields(theirs) == made_required
    assert required_fields(theirs) <= required_fields(mine)


def test_each_difference_is_what_kro_gen_checks_flag_on_the_reference() -> None:
    """The required fields are not arbitrary: kro-gen's own checks, run on each reference, warn about
    exactly the fields read without a default (kro would wait for them forever), and about nothing
    else of the identity (group and scope left to the CRD's defaults are fine) — and on the ports, the
    same checks find nothing."""
    from kro_gen.check import check_rgd

    for port, (make, load, made_required, _) in PORTS.items():
        findings = check_rgd(load(), location=Location(file=port))
        stalls = {
            match.group(1)
            for f in findings
            if f.rule == "spec-field-optional-read"
            for match in [re.match(r"schema\.spec\.(\w+) is read", f.message)]
            if match
        }
        assert stalls == made_required, port
        dependent = {f.location.resource for f in findings if f.rule == "includewhen-dependent"}
        assert dependent == {r for p, r in ADDED_CONDITIONS if p == port}, port
        assert {f.rule for f in findings} <= {"spec-field-optional-read", "includewhen-dependent"}, port
        assert check_rgd(rgd_document(make().build()), location=Location(file=port)) == [], port


def test_the_webapp_instance_reads_the_same() -> None:
    """kro's webapp instance is valid for the port, and kro-gen writes back exactly its values."""
    instance = load_reference("example-webapp-instance.yaml")
    graph = webapp()
    declared = graph.instance("test", instance["spec"], name=instance["metadata"]["name"])
    document = instance_document(graph, declared, "default").document
    assert document["apiVersion"] == instance["apiVersion"]
    assert document["spec"] == instance["spec"]


def test_the_canonical_form_ignores_spelling_but_not_meaning() -> None:
    """What the comparisons above rely on: quoting, spacing and bound names do not matter; the rest does."""
    same = [
        ("${schema.metadata.name + '-' + worker}", '${schema.metadata.name+"-"+worker}'),
        ("${services.map(s, s.metadata.name)}", "${services.map(x, x.metadata.name)}"),
        ("${a.map(x, b.map(y, x + y))}", "${a.map(p, b.map(q, p + q))}"),
        ("x-${(schema.spec.n)}", "x-${schema.spec.n}"),
    ]
    different = [
        ("${schema.metadata.name + '-' + worker}", "${schema.metadata.name + '_' + worker}"),
        ("${services.map(s, s.metadata.name)}", "${services.map(x, s.metadata.name)}"),
        ("${a.map(x, b.map(y, x + y))}", "${a.map(x, b.map(y, y + x))}"),
        ("${schema.spec.n}", "x-${schema.spec.n}"),
    ]
    assert all(canonical(left) == canonical(right) for left, right in same)
    assert all(canonical(left) != canonical(right) for left, right in different)
