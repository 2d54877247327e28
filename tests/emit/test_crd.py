"""The CRD kro would create: against the CRDs kro generated in its e2e cases, and kro's rules."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kro_gen.check.assertions import partial_match
from kro_gen.emit.crd import crd_for_rgd
from kro_gen.errors import DefinitionError
from kro_gen.registry import SchemaRegistry
from kro_gen.registry.crd_schema import structural_to_jsonschema
from tests.support_reference import KRO_E2E

E2E = KRO_E2E
CASES = ["check-required-default-interactions", "check-validation-markers"]
#: What the API server adds to a stored CRD: not part of what kro sends (SOURCES.md, partial matches).
SERVER_FIELDS = (("spec", "conversion"), ("status",))


def load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text())


def without_server_fields(document: dict[str, Any]) -> dict[str, Any]:
    trimmed = copy.deepcopy(document)
    for path in SERVER_FIELDS:
        node = trimmed
        for part in path[:-1]:
            node = node.get(part, {})
        node.pop(path[-1], None)
    return trimmed


@pytest.mark.parametrize("case", CASES)
def test_crd_matches_what_kro_generated_in_its_e2e_case(case: str) -> None:
    expected = without_server_fields(load(E2E / case / "instancecrd-assert.yaml"))
    result = partial_match(expected, crd_for_rgd(load(E2E / case / "rgd.yaml")))
    assert result.ok, "\n".join(map(str, result.mismatches))
    assert not result.skipped


def test_the_match_would_catch_a_wrong_crd() -> None:
    crd = crd_for_rgd(load(E2E / "check-validation-markers" / "rgd.yaml"))
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["tags"][
        "maxItems"
    ] = 5
    expected = without_server_fields(load(E2E / "check-validation-markers" / "instancecrd-assert.yaml"))
    mismatches = partial_match(expected, crd).mismatches
    assert [str(m) for m in mismatches] == [
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.tags.maxItems: expected 3, got 5"
    ]


def spec_schema(crd: dict[str, Any]) -> dict[str, Any]:
    return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]


def status_schema(crd: dict[str, Any]) -> dict[str, Any]:
    return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["status"]


def rgd(schema: dict[str, Any], resources: list[Any] | None = None, name: str = "demo") -> dict[str, Any]:
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": name},
        "spec": {"schema": {"apiVersion": "v1alpha1", **schema}, "resources": resources or []},
    }


@pytest.mark.parametrize(
    ("kind", "plural"),
    [("WebApp", "webapps"), ("Policy", "policies"), ("Person", "people"), ("Index", "indices"),
     ("Proxy", "proxies"), ("Gateway", "gateways"), ("Ingress", "ingresses"), ("Status", "statuses"),
     ("Leaf", "leaves"), ("Sheep", "sheep"), ("Analysis", "analyses"), ("Api", "apis")],
)  # fmt: skip
def test_name_and_names_use_kros_plural(kind: str, plural: str) -> None:
    crd = crd_for_rgd(rgd({"kind": kind, "group": "platform.example.com", "spec": {"a": "string"}}))
    assert crd["metadata"]["name"] == f"{plural}.platform.example.com"
    assert crd["spec"]["names"] == {
        "kind": kind,
        "listKind": f"{kind}List",
        "plural": plural,
        "singular": kind.lower(),
    }


def test_defaults_group_scope_version_and_subresource() -> None:
    crd = crd_for_rgd(rgd({"kind": "Demo", "scope": "Cluster"}))
    assert crd["spec"]["group"] == "kro.run"
    assert crd["spec"]["scope"] == "Cluster"
    (version,) = crd["spec"]["versions"]
    assert (version["name"], version["served"], version["storage"]) == ("v1alpha1", True, True)
    assert version["subresources"] == {"status": {}}
    assert crd_for_rgd(rgd({"kind": "Demo"}))["spec"]["scope"] == "Namespaced"


def test_printer_columns_replace_the_defaults() -> None:
    default = crd_for_rgd(rgd({"kind": "Demo"}))["spec"]["versions"][0]["additionalPrinterColumns"]
    assert [column["name"] for column in default] == ["State", "Ready", "Age"]
    column = {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"}
    own = crd_for_rgd(rgd({"kind": "Demo", "additionalPrinterColumns": [column]}))
    assert own["spec"]["versions"][0]["additionalPrinterColumns"] == [
        {"jsonPath": ".spec.replicas", "name": "Replicas", "type": "integer"}
    ]


def test_labels_and_annotations_of_schema_metadata_and_kros_labels() -> None:
    document = rgd({"kind": "Demo", "metadata": {"labels": {"team": "a"}, "annotations": {"x": "y"}}})
    document["metadata"]["uid"] = "1234"
    metadata = crd_for_rgd(document)["metadata"]
    assert metadata["labels"] == {
        "kro.run/kro-version": "v0.9.3",
        "kro.run/owned": "true",
        "kro.run/resource-graph-definition-id": "1234",
        "kro.run/resource-graph-definition-name": "demo",
        "team": "a",
    }
    assert metadata["annotations"] == {"x": "y"}


def test_markers_map_to_the_openapi_kro_writes() -> None:
    spec = spec_schema(
        crd_for_rgd(
            rgd(
                {
                    "kind": "Demo",
                    "spec": {
                        "tags": "[]string | uniqueItems=true",
                        "ports": "[]Port | listType=map listMapKey=name",
                        "id": 'string | immutable=true validation="self.size() > 2" required=true',
                        "ratio": "float | minimum=0.5 maximum=2",
                        "extra": "object",
                        "labels": "map[string]string",
                    },
                    "types": {"Port": {"name": "string | required=true", "port": "integer | default=80"}},
                }
            )
        )
    )
    properties = spec["properties"]
    assert properties["tags"] == {
        "items": {"type": "string"},
        "type": "array",
        "x-kubernetes-list-type": "set",
    }
    assert properties["ports"]["x-kubernetes-list-type"] == "map"
    assert properties["ports"]["x-kubernetes-list-map-keys"] == ["name"]
    assert properties["ports"]["items"]["required"] == ["name"]
    assert "default" not in properties["ports"]["items"]  # a required child: no default: {}
    assert properties["id"]["x-kubernetes-validations"] == [
        {"message": "field is immutable", "rule": "self == oldSelf"},
        {"message": "validation failed", "rule": "self.size() > 2"},
    ]
    assert properties["ratio"] == {"maximum": 2, "minimum": 0.5, "type": "number"}
    assert properties["extra"] == {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    assert properties["labels"] == {"additionalProperties": {"type": "string"}, "type": "object"}
    assert spec["required"] == ["id"]
    assert "default" not in spec


def test_status_is_typed_from_the_expressions_with_state_and_conditions() -> None:
    resources = [
        {
            "id": "deployment",
            "template": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "${schema.metadata.name}"},
                "spec": {
                    "selector": {"matchLabels": {"app": "x"}},
                    "template": {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": []}},
                },
            },
        }
    ]
    status = {
        "ready": "${deployment.status.readyReplicas == deployment.spec.replicas}",
        "replicas": "${deployment.status.?availableReplicas.orValue(0)}",
        "url": "https://${schema.metadata.name}.example.com",
        "names": "${[deployment.metadata.name]}",
        "nested": {"created": "${deployment.metadata.creationTimestamp}"},
        "maybe": "${deployment.status.?replicas}",
    }
    properties = status_schema(crd_for_rgd(rgd({"kind": "Demo", "status": status}, resources)))["properties"]
    assert properties["ready"] == {"type": "boolean"}
    assert properties["replicas"] == {"type": "integer"}
    assert properties["url"] == {"type": "string"}
    assert properties["names"] == {"items": {"type": "string"}, "type": "array"}
    assert properties["nested"] == {
        "properties": {
            "created": {
                "description": "Timestamp representing a creation time",
                "format": "date-time",
                "type": "string",
            }
        },
        "type": "object",
    }
    assert properties["maybe"] == {
        "description": "unknown CEL type: optional_type(int)",
        "x-kubernetes-preserve-unknown-fields": True,
    }
    assert properties["state"] == {"type": "string"}
    assert properties["conditions"]["items"]["properties"]["observedGeneration"] == {"type": "integer"}


def test_the_crd_registers_and_validates_instances_like_the_registry_does() -> None:
    crd = crd_for_rgd(load(E2E / "check-validation-markers" / "rgd.yaml"))
    registry = SchemaRegistry.default()
    assert registry.register_crd(crd) == [("kro.run/v1alpha1", "ValidationTestApp")]
    openapi = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    assert registry.schema_for("kro.run/v1alpha1", "ValidationTestApp") == structural_to_jsonschema(
        openapi, resource_root=True
    )


def test_an_rgd_without_kind_has_no_crd() -> None:
    with pytest.raises(DefinitionError, match=r"no spec\.schema\.apiVersion and kind"):
        crd_for_rgd({"apiVersion": "kro.run/v1alpha1", "kind": "ResourceGraphDefinition", "spec": {}})
