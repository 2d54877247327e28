"""``check_rgd`` end to end: every valid reference RGD and instance passes, errors carry their place."""

from __future__ import annotations

from pathlib import Path

import pytest

from kro_gen.check import Severity, check_files, check_rgd, default_registry
from kro_gen.errors import Location
from tests.support_reference import KRO_E2E, KRO_REFERENCE, REFERENCE_E2E, REFERENCE_E2E_RGDS, TESTS

from .rgd_samples import build_rgd, config_map

VALID = sorted(KRO_REFERENCE.glob("*.yaml")) + REFERENCE_E2E_RGDS
INSTANCES = sorted(path for case in REFERENCE_E2E for path in case.glob("valid-instance*.yaml"))


@pytest.mark.parametrize("path", VALID + INSTANCES, ids=lambda p: str(p.relative_to(TESTS)))
def test_valid_references_have_no_errors(path: Path) -> None:
    companions = [path.parent / "rgd.yaml"] if path in INSTANCES else []
    findings = check_files([*companions, path])
    errors = [str(f) for f in findings if f.severity is Severity.ERROR]
    assert errors == []


def test_reference_instances_are_really_checked() -> None:
    """The valid instances pass because they are valid: the invalid ones next to them fail."""
    case = KRO_E2E / "check-validation-markers"
    for invalid in sorted(case.glob("invalid-*instance*.yaml")):
        errors = [f for f in check_files([case / "rgd.yaml", invalid]) if f.severity is Severity.ERROR]
        assert errors, f"{invalid.name} should fail"
        assert {f.rule for f in errors} <= {"instance-items", "instance-length", "instance-pattern"}


def test_check_rgd_combines_all_rule_families() -> None:
    web = config_map("web-app", image="${schema.spec.imag}")
    web["readyWhen"] = ["${schema.spec.name != ''}"]
    rgd = build_rgd([web], status={"state": "${web.data.image}", "fixed": "x"}, group="example")
    found = {(f.rule, f.location.path) for f in check_rgd(rgd, location=Location(graph="webapp"))}
    assert {rule for rule, _ in found} >= {
        "schema-group",
        "resource-id-format",
        "readywhen-scope",
        "status-state-reserved",
        "status-literal",
    }


def test_check_rgd_rejects_non_maps() -> None:
    [found] = check_rgd(["not", "an", "rgd"], location=Location(file="x.yaml"))  # type: ignore[arg-type]
    assert found.rule == "rgd-spec"


def test_check_rgd_has_no_duplicates_and_is_deterministic() -> None:
    rgd = build_rgd([config_map(a="${nope}", b="${nope}")])
    first = check_rgd(rgd, location=Location(graph="g"))
    assert first == check_rgd(rgd, location=Location(graph="g"))
    assert len(first) == len(set(first))


def test_templates_are_checked_against_kubernetes_schemas() -> None:
    entry = config_map()
    entry["template"]["data"] = {"port": 8080}
    found = check_rgd(build_rgd([entry]), location=Location(graph="g"), registry=default_registry())
    assert any(f.location.path == "spec.resources[0].template.data.port" for f in found)
