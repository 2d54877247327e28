"""CEL type checking of RGD expressions against the SimpleSchema and real Kubernetes schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kro_gen.check.findings import Finding, Severity
from kro_gen.check.k8s_validate import validate_manifest
from kro_gen.check.rgd_kinds import register_rgd
from kro_gen.check.typecheck import analyse_types, check_expression_types
from kro_gen.errors import Location
from kro_gen.registry import SchemaRegistry
from tests.support_reference import KRO_REFERENCE, REFERENCE_E2E_RGDS

REFERENCE = KRO_REFERENCE
FIXTURES = Path(__file__).parent / "fixtures_b"
WHERE = Location(file="rgd.yaml")

SPEC = """
name: string | required=true
replicas: integer | default=1
ratio: float | default=0.5
ports: "[]integer | default=[80]"
enabled: boolean | default=true
labels: map[string]string
config: object
"""


def load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def rgd(resources: str, status: str | None = None, spec: str = SPEC) -> dict[str, Any]:
    """An RGD with the standard spec above and the given resources/status YAML."""
    schema: dict[str, Any] = {"apiVersion": "v1alpha1", "kind": "Test", "spec": load(spec)}
    if status:
        schema["status"] = load(status)
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "test"},
        "spec": {"schema": schema, "resources": load(resources)},
    }


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry.default()


def check(document: dict[str, Any], registry: SchemaRegistry) -> list[Finding]:
    return check_expression_types(document, None, registry, WHERE)


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [str(f) for f in findings]
    return findings[0]


def configmap(data: str) -> str:
    return f"""
- id: config
  template:
    apiVersion: v1
    kind: ConfigMap
    metadata: {{name: cfg}}
    data: {data}
"""


def service(spec: str) -> str:
    return f"""
- id: svc
  template:
    apiVersion: v1
    kind: Service
    metadata: {{name: web}}
    spec: {spec}
"""


def deployment(spec_lines: str = "", container: str = "", extra: str = "") -> str:
    return f"""
- id: deployment
  {extra}
  template:
    apiVersion: apps/v1
    kind: Deployment
    metadata: {{name: web}}
    spec:
      {spec_lines}
      selector: {{matchLabels: {{app: web}}}}
      template:
        metadata: {{labels: {{app: web}}}}
        spec:
          containers:
            - name: app
              image: nginx
              {container}
"""


# the reference RGDs ---------------------------------------------------------------------------------

REFERENCE_RGDS = [
    *sorted(REFERENCE.glob("example-*-rgd.yaml")),
    *REFERENCE_E2E_RGDS,
    FIXTURES / "kro-rules-reference-rgd.yaml",
]


@pytest.mark.parametrize("path", REFERENCE_RGDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reference_rgds_type_check_cleanly(registry: SchemaRegistry, path: Path) -> None:
    document = load(path.read_text())
    assert check(document, registry) == []
    # their templates fit their kinds' schemas; kinds without a schema (ACK) only warn
    for index, resource in enumerate(document["spec"]["resources"]):
        if "template" in resource:
            where = Location(
                file=path.name, resource=resource["id"], path=f"spec.resources[{index}].template"
            )
            found = validate_manifest(resource["template"], registry, where)
            assert all(f.severity is Severity.WARNING and f.rule == "unknown-kind" for f in found), found


def test_status_types_of_the_reference_rgds(registry: SchemaRegistry) -> None:
    webapp = load((REFERENCE / "example-webapp-rgd.yaml").read_text())
    types = {k: str(v) for k, v in analyse_types(webapp, None, registry, WHERE).status_types.items()}
    assert types == {
        ("deploymentConditions",): "list(object)",
        ("availableReplicas",): "int",
        ("url",): "string",
    }
    reference = load((FIXTURES / "kro-rules-reference-rgd.yaml").read_text())
    types = {k: str(v) for k, v in analyse_types(reference, None, registry, WHERE).status_types.items()}
    assert types == {("availableReplicas",): "int", ("serviceNames",): "list(string)"}
    network = load((REFERENCE / "example-foreach-network-stack-rgd.yaml").read_text())
    types = {k: str(v) for k, v in analyse_types(network, None, registry, WHERE).status_types.items()}
    assert types[("vpcId",)] == "dyn" and types[("publicSubnetIds",)] == "list(dyn)"  # ACK kinds: unknown


# standalone expressions against their field ---------------------------------------------------------


def test_string_into_integer_field(registry: SchemaRegistry) -> None:
    finding = only(check(rgd(deployment("replicas: ${schema.spec.name}")), registry))
    assert finding.rule == "expression-target-type"
    assert finding.location.resource == "deployment"
    assert finding.location.path == "spec.resources[0].template.spec.replicas"
    assert finding.message == "expression 'schema.spec.name' returns string, but the field expects integer"
    assert finding.fix == "wrap the expression in int(...)"


def test_float_into_integer_needs_int(registry: SchemaRegistry) -> None:
    # the peer's bug (PEER-NOTES §9.1): a float spec field read into spec.replicas
    finding = only(check(rgd(deployment("replicas: ${schema.spec.ratio}")), registry))
    assert "returns double" in finding.message and finding.fix == "wrap the expression in int(...)"
    assert check(rgd(deployment("replicas: ${int(schema.spec.ratio)}")), registry) == []


def test_integer_into_string_data(registry: SchemaRegistry) -> None:
    finding = only(check(rgd(configmap("{PORT: '${schema.spec.replicas}'}")), registry))
    assert finding.location.path == "spec.resources[0].template.data.PORT"
    assert finding.fix == "wrap the expression in string(...)"
    assert check(rgd(configmap("{PORT: '${string(schema.spec.replicas)}'}")), registry) == []


def test_int_or_string_accepts_int_and_string_only(registry: SchemaRegistry) -> None:
    ports = [
        '{port: 80, targetPort: "${schema.spec.replicas}"}',
        '{port: 81, targetPort: "${schema.spec.name}"}',
        '{port: 82, targetPort: "${schema.spec.enabled}"}',
    ]
    finding = only(check(rgd(service("{ports: [" + ", ".join(ports) + "]}")), registry))
    assert finding.location.path == "spec.resources[0].template.spec.ports[2].targetPort"
    assert "expects integer or string" in finding.message


def test_dyn_values_fit_anywhere(registry: SchemaRegistry) -> None:
    # an `object` spec field is dyn; so is anything read from a kind without a schema
    lines = "replicas: ${schema.spec.config.count}"
    assert check(rgd(deployment(lines)), registry) == []
    unknown = """
- id: vpc
  template: {apiVersion: ec2.services.k8s.aws/v1alpha1, kind: VPC, metadata: {name: v}}
"""
    assert check(rgd(unknown + deployment("replicas: ${vpc.status.anything.goes}")), registry) == []


def test_map_literal_into_labels(registry: SchemaRegistry) -> None:
    good = deployment().replace(
        "metadata: {name: web}", 'metadata: {name: web, labels: "${{\\"app\\": schema.spec.name}}"}'
    )
    assert check(rgd(good), registry) == []
    bad = good.replace("schema.spec.name", "schema.spec.replicas")
    finding = only(check(rgd(bad), registry))
    assert finding.location.path == "spec.resources[0].template.metadata.labels"
    assert "map values do not fit" in finding.message


def test_object_into_map_field_checks_every_field(registry: SchemaRegistry) -> None:
    finding = only(check(rgd(deployment() + service("{selector: '${deployment.spec.selector}'}")), registry))
    assert "field 'matchExpressions'" in finding.message  # a LabelSelector is not a map of strings
    fixed = service("{selector: '${deployment.spec.selector.matchLabels}'}")
    assert check(rgd(deployment() + fixed), registry) == []


def test_timestamp_is_not_a_string(registry: SchemaRegistry) -> None:
    finding = only(check(rgd(configmap("{CREATED: '${schema.metadata.creationTimestamp}'}")), registry))
    assert "returns timestamp" in finding.message and "string(" in finding.fix


def test_optional_value_counts_as_its_inner_type(registry: SchemaRegistry) -> None:
    assert check(rgd(configmap("{NAME: '${schema.spec.?name}'}")), registry) == []


# string templates ------------------------------------------------------------------------------------


def test_template_parts_must_be_strings(registry: SchemaRegistry) -> None:
    resources = configmap("{URL: 'http://x:${schema.spec.replicas}/${schema.spec.name}'}")
    finding = only(check(rgd(resources), registry))
    assert finding.rule == "template-part-type"
    assert finding.fix == "wrap it: ${string(schema.spec.replicas)}"


def test_a_string_template_cannot_fill_an_integer(registry: SchemaRegistry) -> None:
    finding = only(check(rgd(deployment("replicas: '${string(schema.spec.replicas)}0'")), registry))
    assert finding.rule == "expression-target-type"
    assert "a string template always yields a string" in finding.message


# conditions and forEach ------------------------------------------------------------------------------


def test_include_when_and_ready_when_must_be_bool(registry: SchemaRegistry) -> None:
    extra = "includeWhen: ['${schema.spec.name}']\n  readyWhen: ['${deployment.status.readyReplicas}']"
    findings = check(rgd(deployment(extra=extra)), registry)
    assert [(f.rule, f.location.path) for f in findings] == [
        ("condition-type", "spec.resources[0].readyWhen[0]"),
        ("condition-type", "spec.resources[0].includeWhen[0]"),
    ]
    assert "returns int" in findings[0].message
    fine = "includeWhen: ['${schema.spec.?enabled}']\n  readyWhen: ['${deployment.status.readyReplicas > 0}']"
    assert check(rgd(deployment(extra=fine)), registry) == []


def test_for_each_must_be_a_list_and_types_its_iterator(registry: SchemaRegistry) -> None:
    services = """
- id: services
  forEach:
    - port: ${schema.spec.ports}
  readyWhen:
    - ${each.status.loadBalancer.ingres.size() > 0}
  template:
    apiVersion: v1
    kind: Service
    metadata: {name: "web-${port}"}
    spec:
      ports: [{port: "${port}"}]
"""
    findings = check(rgd(services), registry)
    assert [(f.rule, f.location.path) for f in findings] == [
        ("template-part-type", "spec.resources[0].template.metadata.name"),  # port is an int
        ("no-such-field", "spec.resources[0].readyWhen[0]"),  # each is one Service
    ]
    assert "did you mean 'ingress'" in findings[1].message
    not_a_list = services.replace("${schema.spec.ports}", "${schema.spec.name}")
    assert "foreach-type" in [f.rule for f in check(rgd(not_a_list), registry)]


# field existence ----------------------------------------------------------------------------------------


def test_unknown_spec_field_suggests_the_close_one(registry: SchemaRegistry) -> None:
    finding = only(check(rgd(configmap("{N: '${schema.spec.nmae}'}")), registry))
    assert finding.rule == "no-such-field"
    assert finding.message == "schema.spec has no field 'nmae' (did you mean 'name'?)"
    assert finding.fix == "use schema.spec.name"


def test_unknown_status_field_of_a_resource(registry: SchemaRegistry) -> None:
    status = "ready: ${deployment.status.readyReplicaz > 0}"
    finding = only(check(rgd(deployment(), status), registry))
    assert finding.location.path == "spec.schema.status.ready" and finding.location.resource is None
    assert "did you mean 'readyReplicas'" in finding.message


def test_schema_metadata_is_object_meta(registry: SchemaRegistry) -> None:
    assert check(rgd(configmap("{NS: '${schema.metadata.namespace}'}")), registry) == []
    assert (
        only(check(rgd(configmap("{NS: '${schema.metadata.namespaces}'}")), registry)).rule == "no-such-field"
    )


def test_collections_and_selector_refs_are_lists(registry: SchemaRegistry) -> None:
    selector = """
- id: cms
  externalRef:
    apiVersion: v1
    kind: ConfigMap
    metadata: {selector: {matchLabels: {team: a}}}
"""
    finding = only(check(rgd(selector + configmap("{A: '${cms.data.a}'}")), registry))
    assert finding.rule == "expression-type" and "cms.map(x, x.data)" in finding.fix
    names = configmap("{A: '${cms.map(c, c.metadata.name).join(\",\")}'}")
    assert check(rgd(selector + names), registry) == []


def test_external_ref_by_name_is_one_object(registry: SchemaRegistry) -> None:
    ref = """
- id: platform
  externalRef: {apiVersion: v1, kind: ConfigMap, metadata: {name: platform}}
"""
    assert (
        check(rgd(ref + configmap("{LOG: '${platform.data.?logLevel.orValue(\"info\")}'}")), registry) == []
    )


# operators and functions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("schema.spec.name + schema.spec.replicas", "operator '+' does not apply to string and int"),
        ("schema.spec.replicas + schema.spec.ratio", "operator '+' does not apply to int and double"),
        ("schema.spec.enabled ? 'a' : 1", "have different types (string and int)"),
        ("schema.spec.replicas.lowerAscii()", "lowerAscii() applies to string values, not int"),
        ("schema.spec.ports.map(p, p + 'x').join(',')", "does not apply to int and string"),
        ("schema.spec.labels.all(k, v, v > 1) ? 'y' : 'n'", "operator '>' does not apply to string and int"),
        ("cel.bind(r, schema.spec.replicas, r + 'x')", "does not apply to int and string"),
        ("schema.spec.name == 3 ? 'y' : 'n'", "operator '==' does not apply to string and int"),
        ("schema.spec.replicas && true ? 'y' : 'n'", "&& needs a bool, but schema.spec.replicas is int"),
        ("schema.spec.ports.filter(p, p).size() > 0 ? 'y' : 'n'", "filter() needs a bool"),
        # cel-go's conversions have scalar overloads only: "found no matching overload for 'string'"
        ("string(schema.spec.ports)", "string() has no overload for list(int)"),
        ("string(schema.spec.labels)", "string() has no overload for map(string, string)"),
        ("string(schema.spec.labels[?'a'])", "string() has no overload for optional(string)"),
        ("string(int(schema.spec.enabled))", "int() has no overload for bool"),
        # cel-go's string.format validator runs when kro compiles the RGD
        (
            "'%d'.format([schema.spec.name])",
            "format clause %d (argument 1) takes double, int, uint, not string",
        ),
        ("'%s-%s'.format([schema.spec.name])", "has 2 clause(s) but 1 argument(s)"),
        ("'%v'.format([schema.spec.replicas])", 'unrecognized formatting clause "v"'),
    ],
)
def test_operator_and_function_mismatches(registry: SchemaRegistry, expression: str, expected: str) -> None:
    document = rgd(configmap("{V: '${" + expression.replace("'", '"') + "}'}"))
    finding = only(check(document, registry))
    assert finding.rule == "expression-type"
    assert expected.replace("'a'", '"a"') in finding.message


@pytest.mark.parametrize(
    "expression",
    [
        "schema.spec.ports.map(p, string(p)).join(',')",
        "schema.spec.labels.all(k, v, v.startsWith('a')) ? 'y' : 'n'",
        "string(size(schema.spec.ports) * 2)",
        "schema.spec.ratio > 1 ? 'big' : 'small'",  # comparisons mix numbers
        "schema.spec.name.split('-')[0].upperAscii()",
        "lists.range(3).map(i, string(i)).join(',')",
        "base64.encode(bytes(schema.spec.name))",
        "'%d replicas'.format([schema.spec.replicas])",
        "json.marshal(schema.spec.labels)",
        "cel.bind(r, schema.spec.replicas, string(r + 1))",
        "schema.spec.labels.transformMap(k, v, v + '!')[schema.spec.name]",
        "string(schema.spec.ratio) + string(schema.spec.enabled) + string(int(schema.spec.ratio))",
        "string(schema.spec.config) + string(double(schema.spec.name))",  # dyn passes; string → double
        "'%s: %d (%.1f%%) %s'.format("
        "[schema.spec.name, schema.spec.replicas, schema.spec.ratio, schema.spec.ports])",
    ],
)
def test_well_typed_expressions_pass(registry: SchemaRegistry, expression: str) -> None:
    document = rgd(configmap("{V: '${" + expression.replace("'", '"') + "}'}"))
    assert check(document, registry) == []


# status ----------------------------------------------------------------------------------------------------


def test_status_fields_are_typed_without_reporting_dyn(registry: SchemaRegistry) -> None:
    status = """
ready: ${deployment.status.readyReplicas == deployment.spec.replicas}
url: https://${schema.spec.name}.example.com
anything: ${schema.spec.config}
nested:
  count: ${size(schema.spec.ports)}
"""
    report = analyse_types(rgd(deployment(), status), None, registry, WHERE)
    assert report.findings == []
    assert {k: str(v) for k, v in report.status_types.items()} == {
        ("ready",): "bool",
        ("url",): "string",
        ("anything",): "dyn",
        ("nested", "count"): "int",
    }


# chained graphs --------------------------------------------------------------------------------------------


def test_chained_graph_kind_is_typed_from_the_inner_rgd(registry: SchemaRegistry) -> None:
    inner = load((FIXTURES / "chained-inner-rgd.yaml").read_text())
    chained = SchemaRegistry.default()
    assert register_rgd(chained, inner) == ("platform.example.com/v1alpha1", "Database")
    use = """
- id: db
  template:
    apiVersion: platform.example.com/v1alpha1
    kind: Database
    metadata: {name: db}
    spec: {name: "${schema.spec.name}", port: "${schema.spec.replicas}"}
"""
    assert (
        check(rgd(use + configmap("{P: '${string(db.spec.port)}', E: '${db.status.endpoint}'}")), chained)
        == []
    )
    wrong = use.replace('port: "${schema.spec.replicas}"', 'port: "${schema.spec.name}"')
    assert only(check(rgd(wrong), chained)).location.path == "spec.resources[0].template.spec.port"
    typo = only(check(rgd(use + configmap("{P: '${db.spec.prot}'}")), chained))
    assert typo.rule == "no-such-field" and "did you mean 'port'" in typo.message
    # without the inner RGD registered, the kind is unknown and everything about it is dyn
    assert check(rgd(use + configmap("{P: '${db.spec.prot}'}")), registry) == []


DB_USE = """
- id: db
  template:
    apiVersion: platform.example.com/v1alpha1
    kind: Database
    metadata: {name: db}
    spec: {name: "${schema.spec.name}"}
"""


def test_chained_graph_status_is_typed_from_the_inner_status_expressions() -> None:
    chained = SchemaRegistry.default()
    register_rgd(chained, load((FIXTURES / "chained-inner-rgd.yaml").read_text()))
    ready = (
        'db.status.conditions.exists(c, c.type == "Ready" && c.status == "True" && c.observedGeneration > 0)'
    )
    reads = (
        "{E: '${db.status.endpoint}', S: '${db.status.state}', N: '${string(db.status.portCount)}', "
        f"R: '${{string({ready})}}'}}"
    )
    assert check(rgd(DB_USE + configmap(reads)), chained) == []
    typo = only(check(rgd(DB_USE + configmap("{E: '${db.status.endpont}'}")), chained))
    assert typo.rule == "no-such-field" and "did you mean 'endpoint'" in typo.message
    assert typo.location.path == "spec.resources[1].template.data.E"
    count = only(check(rgd(DB_USE + configmap("{N: '${db.status.portCount}'}")), chained))
    assert count.rule == "expression-target-type" and "returns int" in count.message
    condition = only(check(rgd(DB_USE + configmap("{R: '${db.status.conditions[0].reson}'}")), chained))
    assert condition.rule == "no-such-field" and "did you mean 'reason'" in condition.message


def test_chained_instance_template_is_validated(registry: SchemaRegistry) -> None:
    chained = SchemaRegistry.default()
    register_rgd(chained, load((FIXTURES / "chained-inner-rgd.yaml").read_text()))
    instance = {
        "apiVersion": "platform.example.com/v1alpha1",
        "kind": "Database",
        "metadata": {"name": "db"},
        "spec": {"name": "orders", "port": "5432", "tier": "medium", "size": 3},
    }
    found = validate_manifest(instance, chained, WHERE)
    assert [(f.rule, f.location.path) for f in found] == [
        ("manifest-type", "spec.port"),
        ("manifest-unknown-field", "spec.size"),
        ("manifest-enum", "spec.tier"),
    ]
    assert chained.is_namespaced("platform.example.com/v1alpha1", "Database") is True
