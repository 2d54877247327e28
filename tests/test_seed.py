"""The seed (definitions/microservices.py): golden files, and what they mean.

Golden files in tests/golden/ hold what the pipeline plans for the seed, byte for byte: the RGD
(``microservices-app.rgd.yaml``), the staging and production instance CRs, and every file of the
development environment (direct mode) under ``direct-development/``. After an intended change of the
output, regenerate them and review the diff::

    KRO_GEN_UPDATE_GOLDEN=1 /work/.venv/bin/python -m pytest tests/test_seed.py

The other tests read the golden files back and assert their meaning against the seed document itself
(ids, values, secret handling, status, nginx.conf), so a regenerated golden file that changes meaning
fails here even though it matches byte for byte.
"""

from __future__ import annotations

import base64
import graphlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kro_gen.expr import nodes as n
from kro_gen.expr.kro_text import is_standalone, parse_field
from kro_gen.schema import parse_simple_schema
from tests.support_canonical import expression_strings
from tests.support_reference import needs_seed
from tests.support_seed import (
    leaf_paths,
    seed_constant,
    seed_nginx_conf,
    seed_resource_ids,
    seed_secret_values,
)

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("KRO_GEN_UPDATE_GOLDEN") == "1"
GRAPH = "microservices-app"
BACKENDS = ("user", "product", "order")

pytestmark = pytest.mark.skipif(
    not (ROOT / "definitions" / "microservices.py").is_file(), reason="the seed's port is not in the checkout"
)
# The seed document itself is not in the repository: the tests comparing with it carry needs_seed.


@pytest.fixture(scope="module")
def result() -> Any:
    from kro_gen.pipeline import generate
    from kro_gen.project.config import load_config

    return generate(load_config(ROOT))


def golden_plan(result: Any) -> dict[str, str]:
    """Golden file (relative to tests/golden) -> the text the pipeline plans for it."""
    files = result.plan.files
    planned = {
        "microservices-app.rgd.yaml": files[f"platform/rgds/rgd-{GRAPH}.yaml"],
        "instance-staging.yaml": files[f"environments/staging/microservicesapp-{GRAPH}.yaml"],
        "instance-production.yaml": files[f"environments/production/microservicesapp-{GRAPH}.yaml"],
    }
    for path, text in files.items():
        if path.startswith("environments/development/"):
            planned[f"direct-development/{path.rsplit('/', 1)[1]}"] = text
    return planned


def test_golden_files_match_the_pipeline_byte_for_byte(result: Any) -> None:
    planned = golden_plan(result)
    if UPDATE:
        for stale in GOLDEN.rglob("*.yaml"):
            stale.unlink()
        for relative, text in planned.items():
            target = GOLDEN / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
    committed = {path.relative_to(GOLDEN).as_posix(): path.read_bytes() for path in GOLDEN.rglob("*.yaml")}
    assert sorted(committed) == sorted(planned), (
        "regenerate: KRO_GEN_UPDATE_GOLDEN=1 pytest tests/test_seed.py"
    )
    for relative, text in planned.items():
        assert committed[relative] == text.encode("utf-8"), (
            f"tests/golden/{relative} differs from the output; review, then regenerate with "
            "KRO_GEN_UPDATE_GOLDEN=1 pytest tests/test_seed.py"
        )


def load_golden(relative: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load((GOLDEN / relative).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rgd() -> dict[str, Any]:
    return load_golden("microservices-app.rgd.yaml")


@pytest.fixture(scope="module")
def development() -> dict[tuple[str, str], dict[str, Any]]:
    """The development manifests by (kind, name)."""
    documents = [
        load_golden(p.relative_to(GOLDEN).as_posix()) for p in (GOLDEN / "direct-development").glob("*")
    ]
    return {(d["kind"], d["metadata"]["name"]): d for d in documents if d["kind"] != "Kustomization"}


def resources(rgd: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in rgd["spec"]["resources"]}


def expression_trees(text: str) -> tuple[n.Node, ...]:
    """The expression trees of a string that holds at least one ``${}``."""
    parsed = parse_field(text)
    assert not isinstance(parsed, str), text
    return parsed.children() if isinstance(parsed, n.Template) else (parsed,)


def container(document: dict[str, Any]) -> dict[str, Any]:
    (only,) = document["spec"]["template"]["spec"]["containers"]
    return only


# -- the RGD --------------------------------------------------------------------------------------------
def test_the_rgd_has_an_explicit_identity(rgd: dict[str, Any]) -> None:
    assert rgd["apiVersion"] == "kro.run/v1alpha1" and rgd["kind"] == "ResourceGraphDefinition"
    assert rgd["metadata"]["name"] == GRAPH
    schema = rgd["spec"]["schema"]
    assert (schema["apiVersion"], schema["kind"]) == ("v1alpha1", "MicroservicesApp")
    assert (schema["group"], schema["scope"]) == ("example.com", "Namespaced")


@needs_seed
def test_resource_ids_are_the_seeds_record_keys(rgd: dict[str, Any]) -> None:
    assert [entry["id"] for entry in rgd["spec"]["resources"]] == seed_resource_ids()
    kinds = {rid: entry["template"]["kind"] for rid, entry in resources(rgd).items()}
    assert kinds["appConfig"] == kinds["gatewayConfig"] == "ConfigMap"
    assert kinds["dbSecrets"] == "ExternalSecret"  # on purpose: no Secret literal in git (see below)
    assert {kinds[f"{b}Deployment"] for b in (*BACKENDS, "gateway")} == {"Deployment"}
    assert {kinds[f"{b}Service"] for b in (*BACKENDS, "gateway")} == {"Service"}
    assert kinds["ingress"] == "Ingress"


def test_every_expression_parses_and_every_reference_is_a_resource_id(rgd: dict[str, Any]) -> None:
    from kro_gen.expr.engine import compile_cel
    from kro_gen.expr.kro_text import extract_expressions

    ids = set(resources(rgd))
    found = expression_strings(rgd["spec"])
    assert len(found) >= 30  # status, data, env, names...: the check is not vacuous
    for path, text in found:
        for cel_text in extract_expressions(text):
            compile_cel(cel_text)  # kro's syntax (parser) and a cel-python program of it
        for tree in expression_trees(text):
            roots = set(n.free_identifiers(tree))
            assert roots <= ids | {"schema"}, (path, text)


def test_the_references_form_no_cycle(rgd: dict[str, Any]) -> None:
    ids = set(resources(rgd))
    edges: dict[str, set[str]] = {}
    for rid, entry in resources(rgd).items():
        uses: set[str] = set()
        for _, text in expression_strings(entry):
            for tree in expression_trees(text):
                uses |= set(n.free_identifiers(tree)) & ids
        edges[rid] = uses - {rid}  # readyWhen reads the resource itself: not an edge
    order = list(graphlib.TopologicalSorter(edges).static_order())  # raises CycleError on a cycle
    assert order.index("appConfig") < order.index("userDeployment")
    assert order.index("dbSecrets") < order.index("orderDeployment")
    assert order.index("gatewayService") < order.index("ingress")


def test_replicas_are_integers_read_standalone(rgd: dict[str, Any]) -> None:
    schema = rgd["spec"]["schema"]
    parsed = parse_simple_schema(schema["spec"], schema.get("types"))
    assert parsed.ok, parsed.problems
    for name in BACKENDS:
        assert parsed.fields[("services", name, "replicas")].kind == "integer"
        replicas = resources(rgd)[f"{name}Deployment"]["template"]["spec"]["replicas"]
        assert replicas == f"${{schema.spec.services.{name}.replicas}}" and is_standalone(replicas)
    assert parsed.fields[("gateway", "replicas")].kind == "integer"
    assert (
        resources(rgd)["gatewayDeployment"]["template"]["spec"]["replicas"]
        == "${schema.spec.gateway.replicas}"
    )


def test_log_level_is_the_seeds_ternary(rgd: dict[str, Any]) -> None:
    level = resources(rgd)["appConfig"]["template"]["data"]["LOG_LEVEL"]
    environment = n.Select(n.Select(n.Ident("schema"), "spec"), "environment")
    assert parse_field(level) == n.Cond(
        n.Binary("==", environment, n.Literal("production")), n.Literal("info"), n.Literal("debug")
    )


def test_env_from_and_secret_key_refs_are_references(rgd: dict[str, Any]) -> None:
    for name in BACKENDS:
        main = container(resources(rgd)[f"{name}Deployment"]["template"])
        assert main["envFrom"] == [{"configMapRef": {"name": "${appConfig.metadata.name}"}}]
        (password,) = [e for e in main["env"] if e["name"] == "DB_PASSWORD"]
        assert password["valueFrom"] == {
            "secretKeyRef": {"name": "${dbSecrets.spec.target.name}", "key": f"{name.upper()}_DB_PASSWORD"}
        }


@needs_seed
def test_the_seeds_secret_values_are_committed_nowhere(result: Any) -> None:
    secrets = seed_secret_values()
    forbidden = [*secrets.values(), *(base64.b64decode(v).decode() for v in secrets.values())]
    assert "user_password" in forbidden
    texts = {
        f"gitops/{p.relative_to(ROOT / 'gitops')}": p.read_text(encoding="utf-8")
        for p in (ROOT / "gitops").rglob("*")
        if p.is_file()
    }
    texts.update({f"plan:{path}": text for path, text in result.plan.files.items()})
    texts.update({f"golden:{p.name}": p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.yaml")})
    texts["definitions/microservices.py"] = (ROOT / "definitions" / "microservices.py").read_text(
        encoding="utf-8"
    )
    assert len(texts) > 40
    for where, text in texts.items():
        assert not any(value in text for value in forbidden), where
        assert not re.search(r"^kind:\s*Secret\s*$", text, re.MULTILINE), where
    # the passwords come from the secret store, under the names the deployments read
    external = load_golden("direct-development/externalsecret-db-secrets.yaml")
    assert [item["secretKey"] for item in external["spec"]["data"]] == list(secrets)


@needs_seed
def test_status_has_every_seed_field_and_no_literal_or_state(rgd: dict[str, Any]) -> None:
    status = rgd["spec"]["schema"]["status"]
    assert leaf_paths(status) == leaf_paths(seed_constant("MicroservicesStatus"))
    for path in leaf_paths(status):
        value: Any = status
        for key in path.split("."):
            value = value[key]
        assert not isinstance(parse_field(value), str), f"status.{path} is a literal"
    assert "state" not in status and "conditions" not in status
    # the field the peer drops because it depends on the spec only
    assert status["gatewayUrl"] == "https://${schema.spec.gateway.domain}"
    assert status["services"]["user"]["ready"] == (
        "${userDeployment.status.?readyReplicas.orValue(0) == userDeployment.spec.replicas}"
    )


@needs_seed
def test_nginx_conf_is_the_seeds_template_literal(rgd: dict[str, Any], development: dict) -> None:
    import yaml  # PyYAML reads YAML 1.1, as kubectl does

    expected = seed_nginx_conf()
    text = (GOLDEN / "microservices-app.rgd.yaml").read_text(encoding="utf-8")
    assert resources(rgd)["gatewayConfig"]["template"]["data"]["nginx.conf"] == expected
    yaml_11 = yaml.safe_load(text)["spec"]["resources"][10]["template"]["data"]["nginx.conf"]
    assert yaml_11 == expected
    assert development[("ConfigMap", "gateway-config")]["data"]["nginx.conf"] == expected


# -- development: direct mode ---------------------------------------------------------------------------
def wave(document: dict[str, Any]) -> int:
    return int(document["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])


@needs_seed
def test_development_manifests_field_by_field(development: dict[tuple[str, str], dict[str, Any]]) -> None:
    dev = seed_constant("devConfig")
    config = development[("ConfigMap", "app-config")]
    assert config["data"] == {
        "ENVIRONMENT": "development",
        "VERSION": dev["version"],
        "LOG_LEVEL": "debug",
        "USER_SERVICE_URL": "http://user-service:3000",
        "PRODUCT_SERVICE_URL": "http://product-service:3000",
        "ORDER_SERVICE_URL": "http://order-service:3000",
    }
    for name in BACKENDS:
        values = dev["services"][name]
        deployment = development[("Deployment", f"{name}-service")]
        assert deployment["spec"]["replicas"] == values["replicas"]
        assert deployment["metadata"]["labels"] == {"app": f"{name}-service", "component": "backend"}
        main = container(deployment)
        assert main["image"] == values["image"]
        assert main["env"] == [
            {"name": "PORT", "value": "3000"},
            {"name": "DB_HOST", "value": values["database"]["host"]},
            {"name": "DB_NAME", "value": values["database"]["name"]},
            {
                "name": "DB_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": "db-secrets", "key": f"{name.upper()}_DB_PASSWORD"}},
            },
        ]
        assert main["envFrom"] == [{"configMapRef": {"name": "app-config"}}]
        assert main["livenessProbe"] == {"httpGet": {"path": "/health", "port": 3000}}
        assert main["readinessProbe"] == {"httpGet": {"path": "/ready", "port": 3000}}
        service = development[("Service", f"{name}-service")]
        # resolved at generate time: applied together; the pods retry until the Secret exists
        secret = development[("ExternalSecret", "db-secrets")]
        assert wave(deployment) == wave(config) == wave(secret) == wave(service) == 0
        assert service["spec"]["selector"] == {"app": f"{name}-service"}
        assert service["spec"]["ports"] == [{"port": 3000, "targetPort": 3000}]
    gateway = development[("Deployment", "api-gateway")]
    assert gateway["spec"]["replicas"] == dev["gateway"]["replicas"]
    assert container(gateway)["image"] == "nginx:alpine"
    assert container(gateway)["volumeMounts"] == [
        {"name": "gateway-config", "mountPath": "/etc/nginx/nginx.conf", "subPath": "nginx.conf"}
    ]
    assert gateway["spec"]["template"]["spec"]["volumes"] == [
        {"name": "gateway-config", "configMap": {"name": "gateway-config"}}
    ]
    assert development[("Service", "api-gateway")]["spec"]["type"] == "LoadBalancer"
    (rule,) = development[("Ingress", "microservices-ingress")]["spec"]["rules"]
    assert rule["host"] == dev["gateway"]["domain"]
    assert rule["http"]["paths"][0]["backend"] == {"service": {"name": "api-gateway", "port": {"number": 80}}}
    assert development[("ExternalSecret", "db-secrets")]["spec"]["target"] == {"name": "db-secrets"}
    for document in development.values():
        expected_namespace = None if document["kind"] == "Namespace" else "development"
        assert document["metadata"].get("namespace") == expected_namespace
    assert "${" not in json.dumps(list(development.values()))


@needs_seed
def test_production_rendered_in_direct_mode_gives_info_and_the_seeds_replicas(result: Any) -> None:
    from kro_gen.pipeline.render import render_objects

    prod = seed_constant("prodConfig")
    objects, _ = render_objects(result, GRAPH, environment="production", mode="direct")
    by_name = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    assert by_name[("ConfigMap", "app-config")]["data"]["LOG_LEVEL"] == "info"
    replicas = {name: by_name[("Deployment", f"{name}-service")]["spec"]["replicas"] for name in BACKENDS}
    assert (
        replicas
        == {name: prod["services"][name]["replicas"] for name in BACKENDS}
        == {
            "user": 3,
            "product": 5,
            "order": 3,
        }
    )
    assert by_name[("Deployment", "api-gateway")]["spec"]["replicas"] == prod["gateway"]["replicas"]
    assert {o["metadata"]["namespace"] for o in objects} == {"production"}


# -- the instances --------------------------------------------------------------------------------------
@needs_seed
@pytest.mark.parametrize("environment", ["staging", "production"])
def test_instance_crs(environment: str) -> None:
    from kro_gen.project.config import load_config

    document = load_golden(f"instance-{environment}.yaml")
    configured = load_config(ROOT).environment(environment)
    assert configured is not None and configured.mode == "kro"
    assert (document["apiVersion"], document["kind"]) == ("example.com/v1alpha1", "MicroservicesApp")
    metadata = document["metadata"]
    assert (metadata["name"], metadata["namespace"]) == (GRAPH, configured.namespace)
    assert metadata["annotations"] == {
        "argocd.argoproj.io/sync-wave": "1",
        "argocd.argoproj.io/sync-options": "SkipDryRunOnMissingResource=true",
        "kustomize.toolkit.fluxcd.io/substitute": "disabled",
    }
    assert "labels" not in metadata
    rgd_wave = load_golden("microservices-app.rgd.yaml")["metadata"]["annotations"][
        "argocd.argoproj.io/sync-wave"
    ]
    assert int(metadata["annotations"]["argocd.argoproj.io/sync-wave"]) > int(rgd_wave)  # RGD first
    spec = document["spec"]
    assert spec["secrets"] == {"prefix": f"microservices/{environment}"}
    scaling = seed_constant("scaling")[environment]
    assert {name: spec["services"][name]["replicas"] for name in BACKENDS} == {
        b: scaling[b] for b in BACKENDS
    }
    assert spec["gateway"]["replicas"] == scaling["gateway"]
    if environment == "production":
        assert {key: value for key, value in spec.items() if key != "secrets"} == seed_constant("prodConfig")


# -- determinism ----------------------------------------------------------------------------------------
GENERATE = """
import json
from pathlib import Path
from kro_gen.pipeline import generate
from kro_gen.project.config import load_config
print(json.dumps(dict(generate(load_config(Path({root!r}))).plan.files), sort_keys=True))
"""


def test_generation_is_byte_identical_across_processes_and_hash_seeds(result: Any) -> None:
    outputs = []
    for seed in ("0", "4242"):
        done = subprocess.run(
            [sys.executable, "-c", GENERATE.format(root=str(ROOT))],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0]) == dict(result.plan.files)
