"""RGD-level settings: printer columns, labels and annotations of the RGD and of the generated CRD."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from kro_gen import PrinterColumn, ResourceGraph, Schema, k8s
from kro_gen.emit.crd import crd_for_rgd
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import DefinitionError, Location
from kro_gen.pipeline.checks import check_graph_rgd
from kro_gen.registry import SchemaRegistry


class Spec(BaseModel):
    image: str
    replicas: int = 1


class Status(BaseModel):
    ready: int


def graph(**options: Any) -> ResourceGraph[Spec, Status]:
    built = ResourceGraph(
        "web", api_version="web.example.com/v1alpha1", kind="Web", spec=Spec, status=Status, **options
    )

    @built.resources
    def resources(schema: Schema[Spec]) -> dict[str, k8s.Resource]:
        return {"web": k8s.Deployment("web", image=schema.spec.image, replicas=schema.spec.replicas)}

    @built.status
    def status(schema: Schema[Spec], r: Any) -> dict[str, Any]:
        return {"ready": r.web.status.readyReplicas}

    return built


def test_every_setting_lands_where_the_rgd_crd_has_it() -> None:
    rgd = rgd_document(
        graph(
            printer_columns=[
                PrinterColumn("Replicas", "integer", ".spec.replicas", priority=1),
                {"name": "Ready", "type": "integer", "jsonPath": ".status.ready"},
                *PrinterColumn.kro_defaults(),
            ],
            labels={"team": "platform"},
            annotations={"platform.example.com/owner": "web-team"},
            crd_labels={"platform.example.com/tier": "gold"},
            crd_annotations={"docs": "https://example.com/web"},
            allow_breaking_changes=True,
        ).build()
    )
    assert rgd["metadata"] == {
        "name": "web",
        "labels": {"team": "platform"},
        "annotations": {"platform.example.com/owner": "web-team", "kro.run/allow-breaking-changes": "true"},
    }
    schema = rgd["spec"]["schema"]
    assert schema["metadata"] == {
        "labels": {"platform.example.com/tier": "gold"},
        "annotations": {"docs": "https://example.com/web"},
    }
    assert [c["name"] for c in schema["additionalPrinterColumns"]] == [
        "Replicas",
        "Ready",
        "State",
        "Ready",
        "Age",
    ]
    assert schema["additionalPrinterColumns"][0] == {
        "name": "Replicas",
        "type": "integer",
        "jsonPath": ".spec.replicas",
        "priority": 1,
    }
    # The CRD kro creates carries them (and the RGD passes every check).
    crd = crd_for_rgd(rgd)
    assert crd["metadata"]["labels"]["platform.example.com/tier"] == "gold"
    assert crd["metadata"]["annotations"] == {"docs": "https://example.com/web"}
    assert [c["jsonPath"] for c in crd["spec"]["versions"][0]["additionalPrinterColumns"]][:2] == [
        ".spec.replicas",
        ".status.ready",
    ]
    assert check_graph_rgd(rgd, Location(graph="web"), SchemaRegistry.default()) == []


def test_without_settings_the_rgd_is_as_before() -> None:
    rgd = rgd_document(graph().build())
    assert rgd["metadata"] == {"name": "web"}
    assert "additionalPrinterColumns" not in rgd["spec"]["schema"]
    assert "metadata" not in rgd["spec"]["schema"]


def test_kro_defaults_are_what_kro_writes() -> None:
    from kro_gen.emit.crd import DEFAULT_PRINTER_COLUMNS

    kro = [column.document() for column in PrinterColumn.kro_defaults()]
    assert [sorted(c.items()) for c in kro] == [sorted(c.items()) for c in DEFAULT_PRINTER_COLUMNS]
    crd = crd_for_rgd(rgd_document(graph().build()))
    assert crd["spec"]["versions"][0]["additionalPrinterColumns"] == list(DEFAULT_PRINTER_COLUMNS)


@pytest.mark.parametrize(
    ("options", "path", "words"),
    [
        (
            {"printer_columns": [PrinterColumn("R", "int", ".spec.replicas")]},
            "printer_columns[0].type",
            "'int'",
        ),  # type: ignore[arg-type]
        (
            {"printer_columns": [PrinterColumn("R", "integer", "spec.replicas")]},
            "printer_columns[0].json_path",
            "start with '.'",
        ),
        (
            {"printer_columns": [PrinterColumn("R", "date", ".x", format="datetime")]},
            "printer_columns[0].format",
            "'datetime'",
        ),  # type: ignore[arg-type]
        (
            {"printer_columns": [{"name": "R", "type": "string", "path": ".x"}]},
            "printer_columns[0].path",
            "unknown field",
        ),
        (
            {"printer_columns": [PrinterColumn("R", "string", ".x", priority=-1)]},
            "printer_columns[0].priority",
            ">= 0",
        ),
        ({"labels": {"kro.run/owned": "true"}}, "labels.kro.run/owned", "kro's own key"),
        (
            {"annotations": {"kro.run/allow-breaking-changes": "true"}},
            "annotations.kro.run/allow-breaking-changes",
            "allow_breaking_changes=True",
        ),
        ({"crd_labels": {"tier": "gold plated"}}, "crd_labels.tier", "not a valid label value"),
        ({"crd_annotations": {"bad key!": "x"}}, "crd_annotations.bad key!", "not a valid annotation key"),
        ({"labels": {"replicas": 3}}, "labels.replicas", "needs a string"),
    ],
)
def test_settings_kro_or_the_api_server_would_refuse_are_errors(
    options: dict[str, Any], path: str, words: str
) -> None:
    with pytest.raises(DefinitionError) as caught:
        graph(**options)
    assert caught.value.location.path == path
    assert words in str(caught.value)
    assert caught.value.location.file and caught.value.location.file.startswith(
        "tests/graph/test_settings.py:"
    )


def test_a_column_reading_no_model_field_is_an_error_in_a_generated_graph() -> None:
    rgd = rgd_document(graph(printer_columns=[PrinterColumn("Image", "string", ".spec.imag")]).build())
    [found] = check_graph_rgd(rgd, Location(graph="web"), SchemaRegistry.default())
    assert (found.rule, found.severity.value, found.location.path) == (
        "printer-column",
        "error",
        "spec.schema.additionalPrinterColumns[0].jsonPath",
    )
    assert "spec has no field 'imag'" in found.message and "PrinterColumn(json_path=" in found.fix
