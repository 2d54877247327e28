"""render_direct on documents kro-gen writes itself (graphs built with the Python API), the reference
RGDs from kro's repository, and the seed; plus determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, cel, k8s
from kro_gen.emit.direct import DirectManifest, render_direct
from kro_gen.emit.instance import instance_document
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import DefinitionError
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr
from tests.support_reference import KRO_REFERENCE

REFERENCE = KRO_REFERENCE
ROOT = Path(__file__).resolve().parents[2]


class Tls(BaseModel):
    enabled: bool = True
    issuer: str = "letsencrypt"


class Worker(BaseModel):
    name: str
    size: int = 1


class Spec(BaseModel):
    image: str
    replicas: int = Field(2, ge=1)
    regions: list[str] = Field(default_factory=lambda: ["eu"])
    tls: Tls = Field(default_factory=Tls)
    workers: list[Worker] = Field(default_factory=list)
    debug: bool = False


def build_graph() -> ResourceGraph:
    graph = ResourceGraph("shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=Spec)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        spec = schema.spec
        config = k8s.ConfigMap(
            "shop-config",
            data={
                "REPLICAS": cel.string(spec.replicas),
                "LEVEL": cel.cond(spec.debug, "debug", "info"),
                "ISSUER": spec.tls.issuer,
                "WORKERS": cel.join(cel.map_(spec.workers, lambda w: f"{w.name}:{cel.string(w.size)}"), ","),
            },
        )
        web = k8s.Deployment("web", image=spec.image, replicas=spec.replicas, env_from=[config])
        region = Expr(n.Ident("region"))
        regional = k8s.ConfigMap(
            f"web-{region}", {"REGION": region, "WEB": web.metadata.name}, for_each={"region": spec.regions}
        )
        debug = k8s.ConfigMap("debug", {"FOR": web.metadata.name}, include_when=spec.debug)
        return {"config": config, "web": web, "regional": regional, "debug": debug}

    return graph


def render_graph(values: dict[str, Any]) -> tuple[list[DirectManifest], dict[str, Any]]:
    graph = build_graph()
    document = rgd_document(graph.build())
    instance = graph.instance("development", values)
    output = instance_document(graph, instance, "shop-dev")
    manifests = render_direct(document, output.document, environment="development")
    return manifests, output.effective_spec


def test_a_graph_built_with_the_api_renders_with_its_meaning() -> None:
    manifests, _ = render_graph({"image": "shop:1", "regions": ["eu", "us"], "workers": [{"name": "a"}]})
    assert [(m.id, m.index, m.depth) for m in manifests] == [
        ("config", None, 0),
        ("web", None, 1),
        ("regional", 0, 2),
        ("regional", 1, 2),
    ]
    config, web, eu, us = (m.body for m in manifests)
    assert config["data"] == {"REPLICAS": "2", "LEVEL": "info", "ISSUER": "letsencrypt", "WORKERS": "a:1"}
    assert web["spec"]["replicas"] == 2
    assert web["metadata"]["namespace"] == "shop-dev"
    assert web["spec"]["template"]["spec"]["containers"][0]["envFrom"] == [
        {"configMapRef": {"name": "shop-config"}}
    ]
    assert [eu["metadata"]["name"], us["metadata"]["name"]] == ["web-eu", "web-us"]
    assert us["data"] == {"REGION": "us", "WEB": "web"}


def test_include_when_from_the_api_adds_the_resource_when_true() -> None:
    manifests, _ = render_graph({"image": "shop:1", "debug": True})
    debug = [m for m in manifests if m.id == "debug"]
    assert [m.body["data"] for m in debug] == [{"FOR": "web"}]
    assert debug[0].depth == 2


def test_simple_schema_defaults_agree_with_the_pydantic_defaults() -> None:
    """Two independent readings of the defaults: the spec model (pydantic) and the RGD's SimpleSchema."""
    graph = build_graph()

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        return {"mirror": k8s.resource("example.com/v1", "Mirror", "mirror", spec={"all": schema.spec})}

    document = rgd_document(graph.build())
    for values in (
        {"image": "x"},
        {"image": "x", "tls": {"enabled": False}, "workers": [{"name": "a"}, {"name": "b", "size": 3}]},
        {"image": "x", "replicas": 5, "regions": [], "debug": True},
    ):
        output = instance_document(graph, graph.instance(f"env{len(graph.instances)}", values), "ns")
        (manifest,) = render_direct(document, output.document, is_namespaced=lambda api, kind: True)
        assert manifest.body["spec"]["all"] == output.effective_spec


# -- reference RGDs from kro's repository ---------------------------------------------------------
def load(name: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load((REFERENCE / name).read_text())


def test_the_webapp_example_renders_like_kro_would_create_it() -> None:
    document, instance = load("example-webapp-rgd.yaml"), load("example-webapp-instance.yaml")
    instance["metadata"]["namespace"] = "team-a"
    manifests = render_direct(document, instance, environment="test")
    assert [(m.id, m.depth) for m in manifests] == [("deployment", 0), ("service", 1), ("ingress", 2)]
    deployment, service, ingress = (m.body for m in manifests)
    # the template sets the namespace from schema.spec.namespace (default "default"): kept
    assert deployment["metadata"] == {
        "name": "test-app",
        "namespace": "default",
        "labels": {"app.kubernetes.io/name": "test-app"},
    }
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 80}]
    assert service["spec"]["ports"][0]["targetPort"] == 80
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "test-app"
    # status (which reads deployment.status) and readyWhen are not evaluated
    assert all("status" not in m.body for m in manifests)


def test_the_external_ref_example_is_refused_because_it_reads_live_data() -> None:
    document = load("example-externalref-rgd.yaml")
    instance = {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ExternalReferenceTest",
        "metadata": {"name": "x", "namespace": "default"},
        "spec": {},
    }
    with pytest.raises(DefinitionError) as caught:
        render_direct(document, instance, environment="development")
    assert caught.value.rule == "direct-live-reference"
    assert caught.value.location.resource == "owned"
    assert caught.value.location.path == "template.data.ECHO_VALUE"


def test_the_worker_pool_example_expands_its_collection() -> None:
    document = load("example-foreach-workerpool-rgd.yaml")
    instance = {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "WorkerPool",
        "metadata": {"name": "pool", "namespace": "jobs"},
        "spec": {"workers": ["a", "b", "c"], "image": "busybox"},
    }
    manifests = render_direct(document, instance)
    assert [m.body["metadata"] for m in manifests] == [
        {"name": f"pool-{w}", "namespace": "jobs"} for w in ("a", "b", "c")
    ]


# -- the seed ---------------------------------------------------------------------------------------
def seed_manifests() -> list[DirectManifest]:
    from kro_gen.project.loader import load_definitions
    from kro_gen.registry import SchemaRegistry

    (loaded, *_) = load_definitions(ROOT / "definitions")
    graph = loaded.graph
    registry = SchemaRegistry.default()
    for crd in sorted((ROOT / "definitions" / "crds").glob("*.yaml")):
        registry.register_crd_file(crd)
    instance = graph.instances["development"]
    output = instance_document(graph, instance, "development")
    return render_direct(
        rgd_document(graph.build()),
        output.document,
        environment="development",
        is_namespaced=registry.is_namespaced,
    )


@pytest.mark.skipif(not (ROOT / "definitions").is_dir(), reason="the seed is not in this checkout")
def test_the_seed_renders_for_development() -> None:
    manifests = seed_manifests()
    bodies = {m.id: m.body for m in manifests}
    assert bodies["appConfig"]["data"]["LOG_LEVEL"] == "debug"
    assert all(m.body["metadata"]["namespace"] == "development" for m in manifests)
    # the deployments reference the config map and the secret: they come in a later wave
    assert {m.id: m.depth for m in manifests}["userDeployment"] > {m.id: m.depth for m in manifests}[
        "appConfig"
    ]
    assert bodies["gatewayConfig"]["data"]["nginx.conf"].startswith("\nevents {")
    assert "${" not in json.dumps([m.body for m in manifests])


# -- determinism ------------------------------------------------------------------------------------
DETERMINISM_SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from tests.emit.test_direct_graphs import render_graph
manifests, _ = render_graph({{"image": "x", "regions": ["b", "a", "c"], "workers": [{{"name": "w"}}]}})
print(json.dumps([[m.id, m.index, m.depth, m.body] for m in manifests]))
"""


def test_output_is_identical_across_runs_and_hash_seeds() -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        result = subprocess.run(
            [sys.executable, "-c", DETERMINISM_SCRIPT.format(root=str(ROOT))],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    in_process = render_graph({"image": "x", "regions": ["b", "a", "c"], "workers": [{"name": "w"}]})[0]
    assert json.loads(outputs.pop()) == [[m.id, m.index, m.depth, m.body] for m in in_process]
