"""Printer columns: what the API server refuses in the generated CRD, and columns always empty."""

from __future__ import annotations

from typing import Any

from kro_gen.check.findings import Severity
from kro_gen.check.rules_printer_columns import check_printer_columns
from kro_gen.check.rules_schema import parse_schema

from .rgd_samples import build_rgd, view_of, where


def columns(*items: Any, **schema: Any) -> list[Any]:
    rgd = build_rgd(
        spec={
            "name": "string | required=true",
            "replicas": "integer | default=1",
            "labels": "map[string]string",
        },
        status={"ready": "${config.data.image != ''}", "endpoint": {"host": "${config.metadata.name}"}},
        **schema,
    )
    rgd["spec"]["schema"]["additionalPrinterColumns"] = list(items)
    view = view_of(rgd)
    return check_printer_columns(view, parse_schema(view))


def test_columns_reading_real_fields_pass() -> None:
    assert (
        columns(
            {
                "name": "Replicas",
                "type": "integer",
                "jsonPath": ".spec.replicas",
                "format": "int32",
                "priority": 1,
            },
            {"name": "Team", "type": "string", "jsonPath": ".spec.labels.team"},
            {"name": "State", "type": "string", "jsonPath": ".status.state"},
            {"name": "Ready", "type": "string", "jsonPath": '.status.conditions[?(@.type=="Ready")].status'},
            {"name": "Mine", "type": "boolean", "jsonPath": ".status.ready"},
            {"name": "Host", "type": "string", "jsonPath": ".status.endpoint.host"},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
        )
        == []
    )


def test_what_the_api_server_refuses_is_an_error() -> None:
    found = columns(
        {"name": "Replicas", "type": "int", "jsonPath": ".spec.replicas"},
        {"name": "State", "jsonPath": ".status.state"},
        {"name": "Age", "type": "date", "format": "datetime", "jsonPath": ".metadata.creationTimestamp"},
        {"name": "Name", "type": "string", "jsonPath": "{.spec.name}"},
    )
    assert where(found) == {
        ("printer-column", None, "spec.schema.additionalPrinterColumns[0].type"),
        ("printer-column", None, "spec.schema.additionalPrinterColumns[1].type"),
        ("printer-column", None, "spec.schema.additionalPrinterColumns[2].format"),
        ("printer-column", None, "spec.schema.additionalPrinterColumns[3].jsonPath"),
    }
    assert all(f.severity is Severity.ERROR for f in found)
    assert "fix: write it as a simple JSON path: .spec.name" in str(found[-1])


def test_a_path_to_no_field_warns_that_the_column_stays_empty() -> None:
    found = columns(
        {"name": "Image", "type": "string", "jsonPath": ".spec.imag"},
        {"name": "Up", "type": "boolean", "jsonPath": ".status.redy"},
        {"name": "Port", "type": "string", "jsonPath": ".status.endpoint.port"},
        {"name": "X", "type": "string", "jsonPath": ".data.x"},
    )
    assert [(f.severity, f.location.path) for f in found] == [
        (Severity.WARNING, f"spec.schema.additionalPrinterColumns[{i}].jsonPath") for i in range(4)
    ]
    assert "spec has no field 'imag'" in found[0].message and "always empty" in found[0].message
    assert "status has no field 'endpoint.port'" in found[2].message


def test_kros_printer_column_example_is_clean() -> None:
    """kro's examples/kubernetes/additionalPrinterColumns replaces the default columns on purpose."""
    found = columns(
        {"jsonPath": ".status.ready", "name": "Ready", "type": "boolean"},
        {"jsonPath": ".spec.name", "name": "Name", "type": "string"},
    )
    assert found == []
