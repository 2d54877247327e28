"""SchemaRegistry and validate_manifest against the real bundled Kubernetes schemas and real CRDs."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kro_gen.check.findings import Finding, Severity
from kro_gen.check.k8s_validate import validate_manifest
from kro_gen.check.rgd_kinds import register_rgds
from kro_gen.errors import ConfigError, Location
from kro_gen.registry import SchemaRegistry, available_versions
from kro_gen.registry.crd_schema import structural_to_jsonschema
from tests.support_reference import KRO_REFERENCE, REFERENCE_E2E_RGDS

REFERENCE = KRO_REFERENCE
FIXTURES = Path(__file__).parent / "fixtures_b"
HERE = Location(graph="g")


def load_all(path: Path) -> list[Any]:
    return [d for d in YAML(typ="safe", pure=True).load_all(path.read_text()) if d is not None]


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry.default()


def deployment(**container: Any) -> dict[str, Any]:
    base = {"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 8080}]}
    base.update(container)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [base]}},
        },
    }


def rules(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.rule, f.location.path) for f in findings]


# versions -----------------------------------------------------------------------------------------


def test_default_version_is_1_32_and_configurable() -> None:
    assert SchemaRegistry.default().kubernetes_version == "1.32"
    assert SchemaRegistry.default("1.30").kubernetes_version == "1.30"
    assert SchemaRegistry.default("v1.31.4").kubernetes_version == "1.31"
    newest = available_versions()[-1]
    assert SchemaRegistry.default("1.99").kubernetes_version == newest


@pytest.mark.parametrize("version", ["1.10", "latest"])
def test_unusable_version_is_a_config_error(version: str) -> None:
    with pytest.raises(ConfigError) as raised:
        SchemaRegistry.default(version)
    assert "1.32" in str(raised.value)  # the hint lists the bundled versions


# built-in kinds -----------------------------------------------------------------------------------


def test_valid_deployment_has_no_findings(registry: SchemaRegistry) -> None:
    assert validate_manifest(deployment(), registry, HERE) == []


def test_unknown_field_is_reported_with_a_close_match(registry: SchemaRegistry) -> None:
    manifest = deployment()
    manifest["spec"]["replica"] = 3
    [finding] = validate_manifest(manifest, registry, HERE)
    assert (finding.rule, finding.location.path) == ("manifest-unknown-field", "spec.replica")
    assert "did you mean 'replicas'" in finding.message
    assert finding.severity is Severity.ERROR and finding.location.graph == "g"


def test_configmap_data_number_and_label_boolean_must_be_strings(registry: SchemaRegistry) -> None:
    manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "labels": {"app.kubernetes.io/part-of": True}},
        "data": {"PORT": 8080, "NAME": "ok"},
    }
    findings = validate_manifest(manifest, registry, HERE)
    assert rules(findings) == [
        ("manifest-type", "data.PORT"),
        ("manifest-type", 'metadata.labels["app.kubernetes.io/part-of"]'),
    ]
    assert findings[0].message == "expected string, got integer"
    assert "quote" in findings[0].fix


def test_env_value_number_is_an_error(registry: SchemaRegistry) -> None:
    manifest = deployment(env=[{"name": "WORKERS", "value": 4}])
    assert rules(validate_manifest(manifest, registry, HERE)) == [
        ("manifest-type", "spec.template.spec.containers[0].env[0].value")
    ]


def test_missing_container_name_is_a_missing_required_field(registry: SchemaRegistry) -> None:
    manifest = deployment()
    del manifest["spec"]["template"]["spec"]["containers"][0]["name"]
    [finding] = validate_manifest(manifest, registry, HERE)
    assert (finding.rule, finding.location.path) == (
        "manifest-required",
        "spec.template.spec.containers[0].name",
    )


def test_service_port_string_and_int_or_string_target_port(registry: SchemaRegistry) -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "ports": [
                {"port": "80", "targetPort": "http"},
                {"port": 81, "targetPort": 8081},
                {"port": 82, "targetPort": True},
            ]
        },
    }
    findings = validate_manifest(service, registry, HERE)
    assert rules(findings) == [
        ("manifest-type", "spec.ports[0].port"),
        ("manifest-type", "spec.ports[2].targetPort"),
    ]
    assert findings[0].fix == "write the number without quotes"
    assert findings[1].message == "expected string or integer, got boolean"


def test_a_float_is_not_an_integer(registry: SchemaRegistry) -> None:
    manifest = deployment()
    manifest["spec"]["replicas"] = 3.0
    assert rules(validate_manifest(manifest, registry, HERE)) == [("manifest-type", "spec.replicas")]


def test_expressions_are_accepted_anywhere_unless_asked_not_to(registry: SchemaRegistry) -> None:
    manifest = deployment(ports=[{"containerPort": "${schema.spec.port}"}])
    manifest["spec"]["replicas"] = "${schema.spec.replicas}"
    manifest["spec"]["template"]["spec"]["containers"][0]["env"] = "${schema.spec.env}"
    assert validate_manifest(manifest, registry, HERE) == []
    strict = validate_manifest(manifest, registry, HERE, skip_expressions=False)
    assert {f.location.path for f in strict} == {
        "spec.replicas",
        "spec.template.spec.containers[0].ports[0].containerPort",
        "spec.template.spec.containers[0].env",
    }


def test_location_path_prefixes_field_paths(registry: SchemaRegistry) -> None:
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"n": 1}}
    where = Location(file="rgd.yaml", graph="g", resource="config", path="spec.resources[0].template")
    [finding] = validate_manifest(manifest, registry, where)
    assert finding.location == Location(
        file="rgd.yaml", graph="g", resource="config", path="spec.resources[0].template.data.n"
    )


def test_unknown_kind_is_one_warning_that_says_how_to_register_it(registry: SchemaRegistry) -> None:
    manifest = {"apiVersion": "ec2.services.k8s.aws/v1alpha1", "kind": "VPC", "spec": {"anything": 1}}
    [finding] = validate_manifest(manifest, registry, HERE)
    assert finding.rule == "unknown-kind" and finding.severity is Severity.WARNING
    assert "crds = [...]" in finding.fix and "--crd FILE" in finding.fix


def test_unknown_version_of_a_known_kind_suggests_the_known_one(registry: SchemaRegistry) -> None:
    [finding] = validate_manifest({"apiVersion": "apps/v1beta1", "kind": "Deployment"}, registry, HERE)
    assert finding.rule == "unknown-kind"
    assert "apps/v1" in finding.message and finding.fix.startswith("use apiVersion apps/v1")


def test_missing_type_meta_is_reported_not_raised(registry: SchemaRegistry) -> None:
    [finding] = validate_manifest({"metadata": {"name": "x"}}, registry, HERE)
    assert finding.rule == "manifest-type-meta"


def test_findings_are_sorted_and_deduplicated(registry: SchemaRegistry) -> None:
    manifest = deployment(env=[{"name": "A", "value": 1}, {"value": 2}])
    manifest["spec"]["zzz"] = 1
    manifest["metadata"]["labels"]["a"] = 1
    paths = [f.location.path or "" for f in validate_manifest(manifest, registry, HERE)]
    assert paths == sorted(paths) and len(paths) == len(set(paths)) == 5


def test_namespaced_scope_of_builtin_kinds(registry: SchemaRegistry) -> None:
    assert registry.is_namespaced("apps/v1", "Deployment") is True
    assert registry.is_namespaced("v1", "ConfigMap") is True
    assert registry.is_namespaced("v1", "Namespace") is False
    assert registry.is_namespaced("rbac.authorization.k8s.io/v1", "ClusterRole") is False
    assert registry.is_namespaced("storage.k8s.io/v1", "StorageClass") is False
    assert registry.is_namespaced("example.com/v1", "Widget") is None
    assert registry.known("networking.k8s.io/v1", "Ingress")
    assert not registry.known("networking.k8s.io/v1", "Ingres")


def test_field_schema_walks_refs_items_and_maps(registry: SchemaRegistry) -> None:
    root = registry.schema_for("apps/v1", "Deployment")
    assert root is not None
    port = registry.field_schema(
        root, ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort")
    )
    assert port is not None and port["type"] == "integer"
    label = registry.field_schema(root, ("metadata", "labels", "app.kubernetes.io/name"))
    assert label is not None and "string" in label["type"]
    assert registry.field_schema(root, ("spec", "replicaz")) is None
    status = registry.field_schema(root, ("status", "readyReplicas"))
    assert status is not None and status["type"] == ["integer", "null"]


def test_cached_validation_is_fast(registry: SchemaRegistry) -> None:
    manifest = deployment()
    validate_manifest(manifest, registry, HERE)  # builds the cached validator
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        validate_manifest(manifest, registry, HERE)
    per_manifest_ms = (time.perf_counter() - start) / runs * 1000
    assert per_manifest_ms < 10, per_manifest_ms  # measured ~0.4 ms; kubernetes_validate.validate ~22 ms


# CRDs ---------------------------------------------------------------------------------------------


@pytest.fixture()
def widgets() -> SchemaRegistry:
    fresh = SchemaRegistry.default()
    added = fresh.register_crd_file(FIXTURES / "widget-crd.yaml")
    assert added == [("example.com/v1", "Widget"), ("example.com/v1beta1", "Widget")]  # v1alpha1 not served
    return fresh


def widget(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"size": 1, **spec},
    }


def test_crd_registration_gives_scope_and_schema(widgets: SchemaRegistry) -> None:
    assert widgets.is_namespaced("example.com/v1", "Widget") is False
    assert (
        validate_manifest(widget(color="red", nickname=None, port="http", tags={"a": "b"}), widgets, HERE)
        == []
    )
    assert validate_manifest(widget(port=8080, extra={"any": {"thing": [1]}}), widgets, HERE) == []
    embedded = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"k": "v"}}
    assert validate_manifest(widget(template=embedded), widgets, HERE) == []


def test_crd_constraints_are_enforced(widgets: SchemaRegistry) -> None:
    bad = widget(color="purple", size=0, port=1.5, tags={"a": 1}, colour="red")
    bad["spec"].pop("nickname", None)
    findings = validate_manifest(bad, widgets, HERE)
    assert rules(findings) == [
        ("manifest-enum", "spec.color"),
        ("manifest-unknown-field", "spec.colour"),
        ("manifest-type", "spec.port"),
        ("manifest-constraint", "spec.size"),  # exclusiveMinimum: true + minimum: 0 means size > 0
        ("manifest-type", "spec.tags.a"),
    ]
    missing = widget()
    del missing["spec"]["size"]
    assert rules(validate_manifest(missing, widgets, HERE)) == [("manifest-required", "spec.size")]


def test_crd_metadata_is_object_meta(widgets: SchemaRegistry) -> None:
    manifest = widget()
    manifest["metadata"]["lables"] = {"a": "b"}
    [finding] = validate_manifest(manifest, widgets, HERE)
    assert finding.location.path == "metadata.lables" and "did you mean 'labels'" in finding.message


def test_preserve_unknown_version_accepts_any_spec(widgets: SchemaRegistry) -> None:
    manifest = {
        "apiVersion": "example.com/v1beta1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"x": 1},
    }
    assert validate_manifest(manifest, widgets, HERE) == []


def test_registration_does_not_leak_into_other_registries(widgets: SchemaRegistry) -> None:
    assert widgets.known("example.com/v1", "Widget")
    assert not SchemaRegistry.default().known("example.com/v1", "Widget")


def test_bad_crd_inputs_are_config_errors(tmp_path: Path) -> None:
    fresh = SchemaRegistry.default()
    with pytest.raises(ConfigError, match=r"not an apiextensions\.k8s\.io/v1 CustomResourceDefinition"):
        fresh.register_crd({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}})
    with pytest.raises(ConfigError, match=r"lacks spec\.group"):
        fresh.register_crd({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition"})
    only_configmap = tmp_path / "cm.yaml"
    only_configmap.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    with pytest.raises(ConfigError, match="holds no CustomResourceDefinition"):
        fresh.register_crd_file(only_configmap)
    with pytest.raises(ConfigError, match="cannot read CRD file"):
        fresh.register_crd_file(tmp_path / "missing.yaml")


def test_structural_conversion_details() -> None:
    converted = structural_to_jsonschema(
        {
            "type": "object",
            "properties": {
                "n": {"type": "number", "maximum": 5, "exclusiveMaximum": True},
                "any": {"x-kubernetes-preserve-unknown-fields": True},
                "either": {"anyOf": [{"properties": {"a": {"type": "string"}}}, {"required": ["b"]}]},
            },
        }
    )
    assert converted["additionalProperties"] is False
    assert converted["properties"]["n"] == {"type": ["number", "null"], "exclusiveMaximum": 5}
    assert "additionalProperties" not in converted["properties"]["any"]
    # junctor branches validate values only: they never forbid fields
    assert "additionalProperties" not in converted["properties"]["either"]["anyOf"][0]


# RGD-generated kinds ------------------------------------------------------------------------------


def chained_rgd(
    kind: str, group: str, uses: tuple[str, str] | None, status: dict[str, str]
) -> dict[str, Any]:
    """An RGD of ``kind`` whose one resource is a ConfigMap, or an instance of ``uses`` (apiVersion, kind)."""
    api_version, used_kind = uses or ("v1", "ConfigMap")
    template: dict[str, Any] = {"apiVersion": api_version, "kind": used_kind, "metadata": {"name": "x"}}
    schema: dict[str, Any] = {"apiVersion": "v1alpha1", "kind": kind, "group": group, "spec": {}}
    if status:
        schema["status"] = status
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": kind.lower()},
        "spec": {"schema": schema, "resources": [{"id": "inner", "template": template}]},
    }


def test_rgds_are_registered_inner_first_so_chained_status_is_typed() -> None:
    database = chained_rgd("Database", "data.example.com", None, {"endpoint": "${inner.metadata.name}"})
    app = chained_rgd(
        "App",
        "apps.example.com",
        ("data.example.com/v1alpha1", "Database"),
        {"dbEndpoint": "${inner.status.endpoint}", "dbState": "${inner.status.state}"},
    )
    platform = chained_rgd("Platform", "example.com", ("apps.example.com/v1alpha1", "App"), {})
    fresh = SchemaRegistry.default()
    assert register_rgds(fresh, [platform, app, database]) == [
        ("data.example.com/v1alpha1", "Database"),
        ("apps.example.com/v1alpha1", "App"),
        ("example.com/v1alpha1", "Platform"),
    ]
    app_schema = fresh.schema_for("apps.example.com/v1alpha1", "App")
    assert app_schema is not None

    def status_type(*path: str | int) -> Any:
        found = fresh.field_schema(app_schema, ["status", *path])
        return None if found is None else found.get("type")

    # typed from the Database's inferred status, although the App came first in the list
    assert status_type("dbEndpoint") == ["string", "null"]
    assert status_type("dbState") == ["string", "null"]
    # kro's own fields, and nothing else
    assert status_type("state") == ["string", "null"]
    assert status_type("conditions", 0, "observedGeneration") == ["integer", "null"]
    assert status_type("conditions", 0, "reason") == ["string", "null"]
    assert status_type("dbEndpont") is None
    platform_schema = fresh.schema_for("example.com/v1alpha1", "Platform")
    assert platform_schema is not None
    assert set(fresh.field_schema(platform_schema, ["status"])["properties"]) == {"state", "conditions"}


def test_rgds_that_use_each_other_are_still_registered() -> None:
    ping = chained_rgd(
        "Ping", "example.com", ("example.com/v1alpha1", "Pong"), {"peer": "${inner.status.state}"}
    )
    pong = chained_rgd(
        "Pong", "example.com", ("example.com/v1alpha1", "Ping"), {"peer": "${inner.status.peer}"}
    )
    fresh = SchemaRegistry.default()
    assert sorted(register_rgds(fresh, [ping, pong])) == [
        ("example.com/v1alpha1", "Ping"),
        ("example.com/v1alpha1", "Pong"),
    ]
    assert fresh.known("example.com/v1alpha1", "Ping") and fresh.known("example.com/v1alpha1", "Pong")


# the RGD CRD and the reference RGDs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def with_rgd_crd() -> SchemaRegistry:
    fresh = SchemaRegistry.default()
    assert fresh.register_crd_file(REFERENCE / "kro.run_resourcegraphdefinitions.v0.9.3.yaml") == [
        ("kro.run/v1alpha1", "ResourceGraphDefinition")
    ]
    return fresh


REFERENCE_RGDS = sorted(REFERENCE.glob("example-*-rgd.yaml")) + REFERENCE_E2E_RGDS


@pytest.mark.parametrize(
    "path", REFERENCE_RGDS, ids=lambda p: p.name if p.parent == REFERENCE else p.parent.name
)
def test_reference_rgds_are_valid_against_the_rgd_crd(with_rgd_crd: SchemaRegistry, path: Path) -> None:
    [rgd] = load_all(path)
    assert with_rgd_crd.is_namespaced("kro.run/v1alpha1", "ResourceGraphDefinition") is False
    assert validate_manifest(rgd, with_rgd_crd, Location(file=str(path)), skip_expressions=False) == []


def test_broken_rgd_is_caught_by_the_rgd_crd(with_rgd_crd: SchemaRegistry) -> None:
    [rgd] = load_all(REFERENCE / "example-webapp-rgd.yaml")
    broken = copy.deepcopy(rgd)
    broken["spec"]["schema"]["scope"] = "Global"
    broken["spec"]["schema"]["apiVersion"] = "1.0"
    broken["spec"]["schema"]["validation"] = ["self.x > 0"]  # removed in v0.7
    broken["spec"]["resources"][0]["readyWhen"] = "${true}"
    del broken["spec"]["resources"][1]["id"]
    assert rules(validate_manifest(broken, with_rgd_crd, HERE, skip_expressions=False)) == [
        ("manifest-type", "spec.resources[0].readyWhen"),
        ("manifest-required", "spec.resources[1].id"),
        ("manifest-constraint", "spec.schema.apiVersion"),
        ("manifest-enum", "spec.schema.scope"),
        ("manifest-unknown-field", "spec.schema.validation"),
    ]
