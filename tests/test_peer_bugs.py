"""One test per verified TypeKro bug (PEER-NOTES §9, items 1–13), showing kro-gen does not repeat it.

Each test is named after the bug. The peer's outputs are in ../shared/reference/typekro/out/features/.
"""

from __future__ import annotations

import functools
import inspect
import json
import textwrap
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, cel, k8s
from kro_gen.emit.direct import render_direct
from kro_gen.emit.instance import instance_document
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import DefinitionError, ExpressionError, Location
from kro_gen.expr.engine import PendingDataError, evaluate
from kro_gen.expr.fields import field_value
from kro_gen.expr.kro_text import parse_field


class AppSpec(BaseModel):
    name: str = "web"
    environment: Literal["development", "production"] = "development"
    replicas: int = Field(1, ge=0)
    ratio: float = 0.5
    port: int = 8080
    workers: list[str] = Field(default_factory=list)


def graph_of(build: Any, status: Any = None, status_model: type[BaseModel] | None = None) -> ResourceGraph:
    graph = ResourceGraph(
        "app", api_version="app.example.com/v1alpha1", kind="App", spec=AppSpec, status=status_model
    )
    graph.resources(build)
    if status is not None:
        graph.status(status)
    return graph


def web_and_service(schema):  # type: ignore[no-untyped-def]
    spec = schema.spec
    web = k8s.Deployment(spec.name, image="nginx", replicas=spec.replicas, ports=[spec.port])
    svc = k8s.Service(spec.name, selector=web, ports=[80], type="LoadBalancer")
    return {"web": web, "svc": svc}


def rgd_of(graph: ResourceGraph) -> dict[str, Any]:
    return rgd_document(graph.build())


def checked(rgd: dict[str, Any]) -> list[Any]:
    from kro_gen.check import check_rgd

    return check_rgd(rgd, location=Location(graph="app"))


def test_peer_bug_01_number_becomes_float() -> None:
    rgd = rgd_of(graph_of(web_and_service))
    schema = rgd["spec"]["schema"]["spec"]
    assert schema["replicas"] == "integer | default=1 minimum=0"
    assert schema["ratio"] == "float | default=0.5"
    web = rgd["spec"]["resources"][0]["template"]
    assert web["spec"]["replicas"] == "${schema.spec.replicas}"
    assert checked(rgd) == []  # kro's type check of spec.replicas (an integer field) passes

    def float_replicas(schema):  # type: ignore[no-untyped-def]
        return {"web": k8s.Deployment("web", image="nginx", replicas=schema.spec.ratio)}

    with pytest.raises(DefinitionError, match="must be an integer, got a double expression") as caught:
        rgd_of(graph_of(float_replicas))
    assert "cel.int_" in str(caught.value)


class SpecOnlyStatus(BaseModel):
    logLevel: str
    workerCount: int
    url: str


def test_peer_bug_02_static_status_is_dropped() -> None:
    def status(schema, r):  # type: ignore[no-untyped-def]
        spec = schema.spec
        return {
            "logLevel": cel.cond(spec.environment == "production", "info", "debug"),
            "workerCount": cel.size(spec.workers),
            "url": f"http://{spec.name}:{spec.port}",
        }

    rgd = rgd_of(graph_of(web_and_service, status, SpecOnlyStatus))
    assert rgd["spec"]["schema"]["status"] == {
        "logLevel": '${schema.spec.environment == "production" ? "info" : "debug"}',
        "workerCount": "${size(schema.spec.workers)}",
        "url": "http://${schema.spec.name}:${string(schema.spec.port)}",
    }
    assert checked(rgd) == []


class ProbeStatus(BaseModel):
    orFallback: str
    optionalChain: str
    nullish: str
    some: bool
    length: int
    find: str


def test_peer_bug_03_fallbacks_optional_chains_and_collection_calls_are_dropped() -> None:
    """The peer's probe (out/features/21): `||`/`??` lost their fallback, `?.` became `.`, `.some()` and
    `.find()` removed the field, `.length` stayed invalid CEL. Here each is an explicit expression that
    keeps its meaning, and the Python spellings that cannot be kept raise instead of vanishing."""

    def build(schema):  # type: ignore[no-untyped-def]
        worker = cel.var("worker", "string")
        pods = k8s.ConfigMap(f"w-{worker}", {"W": worker}, for_each={"worker": schema.spec.workers})
        return {**web_and_service(schema), "pods": pods}

    def status(schema, r):  # type: ignore[no-untyped-def]
        ingress = r.svc.status.loadBalancer.ingress
        return {
            "orFallback": cel.default(ingress[0].ip, "pending"),
            "optionalChain": cel.default(cel.default(ingress, [{}])[0].ip, "none"),
            "nullish": cel.default(r.svc.spec.clusterIP, "none"),
            "some": cel.exists(r.pods, lambda p: p.data.W == "a"),
            "length": cel.size(r.pods),
            "find": cel.join(
                cel.map_(cel.filter_(r.pods, lambda p: p.data.W == "a"), lambda p: p.metadata.name)
            ),
        }

    status_rgd = rgd_of(graph_of(build, status, ProbeStatus))["spec"]["schema"]["status"]
    assert status_rgd == {
        "orFallback": '${svc.status.loadBalancer.ingress[0].?ip.orValue("pending")}',
        "optionalChain": '${svc.status.loadBalancer.?ingress.orValue([{}])[0].?ip.orValue("none")}',
        "nullish": '${svc.spec.?clusterIP.orValue("none")}',
        "some": '${pods.exists(x, x.data.W == "a")}',
        "length": "${size(pods)}",
        "find": '${pods.filter(x, x.data.W == "a").map(x, x.metadata.name).join("")}',
    }
    # the fallbacks work: a Service without a load balancer yet reads "none", not an error
    no_lb: dict[str, Any] = {"svc": {"status": {"loadBalancer": {}}, "spec": {}}}
    assert evaluate(parse_field(status_rgd["optionalChain"]), no_lb) == "none"
    assert evaluate(parse_field(status_rgd["nullish"]), no_lb) == "none"
    # before the Service has a status at all, kro waits (data pending) rather than failing
    with pytest.raises(PendingDataError):
        evaluate(parse_field(status_rgd["optionalChain"]), {"svc": {}})

    # what Python cannot express as CEL raises; nothing is silently dropped
    probe = graph_of(build).build().resources
    with pytest.raises(ExpressionError, match="no Python truth value"):
        _ = probe["svc"].spec.clusterIP or "none"  # the peer's `||` / `??`
    with pytest.raises(ExpressionError, match=r"cel\.size"):
        len(probe["pods"].ref())  # the peer's `.length`
    with pytest.raises(ExpressionError, match="cannot be iterated"):
        list(probe["pods"].ref())  # the peer's `.some()` iterates


def test_peer_bug_04_conditional_string_literals_are_not_quoted() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        tricky = 'say "hi" \\ ${HOME} {braces}'
        state = cel.cond(schema.spec.replicas > 0, "running", "pending")
        return {"config": k8s.ConfigMap("c", {"STATE": state, "TRICKY": cel.cond(True, tricky, "")})}

    data = rgd_of(graph_of(build))["spec"]["resources"][0]["template"]["data"]
    assert data["STATE"] == '${schema.spec.replicas > 0 ? "running" : "pending"}'
    # whatever the literal holds, kro reads back exactly the Python string
    value = evaluate(parse_field(data["TRICKY"]), {})
    assert value == 'say "hi" \\ ${HOME} {braces}'
    assert evaluate(parse_field(data["STATE"]), {"schema": {"spec": {"replicas": 0}}}) == "pending"


def test_peer_bug_05_control_flow_is_guessed_from_source() -> None:
    """The peer read `if` from the function's source: an `if` on the spec silently dropped the HPA, an
    untaken `if` on a closure flag still emitted a malformed resource. Here a Python `if` on an
    expression raises (with the way out), include_when= is the cluster-time condition, and a Python
    `if` on a build-time flag simply leaves the resource out."""

    def autoscaled(schema, condition):  # type: ignore[no-untyped-def]
        web = k8s.Deployment("web", image="nginx", replicas=None)
        hpa = k8s.HorizontalPodAutoscaler(
            "web", target=web, min_replicas=1, max_replicas=5, include_when=condition(schema.spec)
        )
        return {"web": web, "hpa": hpa}

    def guessed(schema):  # type: ignore[no-untyped-def]
        resources = {"web": k8s.Deployment("web", image="nginx", replicas=None)}
        if schema.spec.environment == "production":
            resources["hpa"] = autoscaled(schema, lambda spec: None)["hpa"]
        return resources

    with pytest.raises(ExpressionError, match="no Python truth value") as caught:
        graph_of(guessed).build()
    assert "include_when" in str(caught.value)

    def explicit(schema):  # type: ignore[no-untyped-def]
        return autoscaled(schema, lambda spec: spec.environment == "production")

    hpa = rgd_of(graph_of(explicit))["spec"]["resources"][1]
    assert hpa["includeWhen"] == ['${schema.spec.environment == "production"}']
    assert hpa["template"]["kind"] == "HorizontalPodAutoscaler"

    closure_flag = False

    def build_time(schema):  # type: ignore[no-untyped-def]
        resources = {"config": k8s.ConfigMap("config", {"A": "1"})}
        if closure_flag:
            resources["extra"] = k8s.ConfigMap("yes", {"B": "2"})
        return resources

    (only,) = rgd_of(graph_of(build_time))["spec"]["resources"]
    assert only["id"] == "config"
    assert only["template"]["metadata"] == {"name": "config"}


class Endpoint(BaseModel):
    url: str
    port: int = 8080


class DefaultsSpec(BaseModel):
    name: str = "web"
    port: int = 8080
    mode: Literal["debug", "info"] = "info"
    tags: list[str] = Field(default_factory=lambda: ["a", "b"])
    endpoints: list[Endpoint] = Field(default_factory=list)


def test_peer_bug_06_defaults_become_undefined_and_object_arrays_lose_their_schema() -> None:
    graph = ResourceGraph(
        "defaults", api_version="app.example.com/v1alpha1", kind="Defaults", spec=DefaultsSpec
    )
    graph.resources(lambda schema: {"c": k8s.ConfigMap("c", {"N": schema.spec.name})})
    schema = rgd_of(graph)["spec"]["schema"]
    assert schema["spec"] == {
        "name": 'string | default="web"',
        "port": "integer | default=8080",
        "mode": 'string | default="info" enum="debug,info"',
        "tags": '[]string | default=["a","b"]',
        "endpoints": "[]Endpoint | default=[]",
    }
    assert schema["types"] == {
        "Endpoint": {"url": "string | required=true", "port": "integer | default=8080"}
    }
    text = json.dumps(schema)
    assert "undefined" not in text and "[]object" not in text


def test_peer_bug_07_direct_mode_empties_values_that_need_live_status() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        resources = web_and_service(schema)
        ip = resources["svc"].status.loadBalancer.ingress[0].ip
        resources["client"] = k8s.Deployment("client", image="curl", env={"SVC_IP": ip})
        return resources

    graph = graph_of(build)
    output = instance_document(graph, graph.instance("development", {}), "dev")
    with pytest.raises(DefinitionError) as caught:
        render_direct(rgd_of(graph), output.document, environment="development")
    error = caught.value
    assert error.rule == "direct-live-reference"
    assert (error.location.environment, error.location.resource) == ("development", "client")
    assert error.location.path == "template.spec.template.spec.containers[0].env[0].value"
    assert "kro mode" in str(error)


def test_peer_bug_08_instance_name_falls_back_to_a_timestamp(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    documents = []
    for now in (1_000.0, 2_000_000.0):
        monkeypatch.setattr(time, "time", lambda now=now: now)
        monkeypatch.setattr(time, "time_ns", lambda now=now: int(now * 1e9))
        graph = graph_of(web_and_service)
        documents.append(instance_document(graph, graph.instance("prod", {}), "prod").document)
    assert documents[0] == documents[1]
    assert documents[0]["metadata"] == {"name": "app", "namespace": "prod"}  # the graph's name: stable
    graph = graph_of(web_and_service)
    named = graph.instance("staging", {}, name="app-staging")
    assert instance_document(graph, named, "staging").document["metadata"]["name"] == "app-staging"


def test_peer_bug_09_cel_template_does_not_string_wrap_like_template_literals() -> None:
    spec = graph_of(web_and_service).schema_ref().spec
    from_fstring = field_value(f"{spec.name}:{spec.port}/{spec.replicas > 1}")
    from_template = field_value(cel.template("%s:%s/%s", spec.name, spec.port, spec.replicas > 1))
    assert from_fstring == from_template
    assert (
        from_fstring == "${schema.spec.name}:${string(schema.spec.port)}/${string(schema.spec.replicas > 1)}"
    )


def test_peer_bug_10_integer_division_differs_from_javascript_without_warning() -> None:
    """CEL divides integers with truncation (7 / 2 == 3), as kro evaluates it; direct mode evaluates
    the same way, so a percentage written with integers is 300, not 350. Write doubles for a fraction;
    Python's `//` has no CEL meaning and is refused."""

    class Split(BaseModel):
        total: int = 7
        parts: int = 2

    graph = ResourceGraph("split", api_version="app.example.com/v1alpha1", kind="Split", spec=Split)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        spec = schema.spec
        return {
            "c": k8s.ConfigMap(
                "c",
                {
                    "INT": cel.string(spec.total / spec.parts * 100),
                    "DOUBLE": cel.string(cel.double(spec.total) / cel.double(spec.parts) * 100.0),
                    "NEGATIVE": cel.string((0 - spec.total) / spec.parts),
                },
            )
        }

    data = rgd_of(graph)["spec"]["resources"][0]["template"]["data"]
    assert data["INT"] == "${string(schema.spec.total / schema.spec.parts * 100)}"
    output = instance_document(graph, graph.instance("dev", {}), "dev")
    (manifest,) = render_direct(rgd_of(graph), output.document)
    assert manifest.body["data"] == {
        "INT": "300",
        "DOUBLE": "350",
        "NEGATIVE": "-3",
    }  # truncation toward zero
    with pytest.raises(ExpressionError, match="'//' has no CEL equivalent"):
        graph.schema_ref().spec.total // 2


def test_peer_bug_11_per_environment_changes_bake_into_the_rgd(tmp_path: Path) -> None:
    from kro_gen.pipeline import generate
    from kro_gen.project.config import load_config
    from tests.test_pipeline_support import WEB_APP, make_project

    environments = (
        '[[tool.kro-gen.environments]]\nname = "dev"\n\n[[tool.kro-gen.environments]]\nname = "prod"\n'
    )
    plans = []
    for replicas in (3, 7):
        source = WEB_APP.replace('"replicas": 3', f'"replicas": {replicas}')
        project = make_project(
            tmp_path / f"p{replicas}", definitions={"web.py": source}, environments=environments
        )
        result = generate(load_config(project))
        assert result.plan is not None
        plans.append(result.plan.files)
    rgds = [path for path in plans[0] if path.startswith("platform/rgds/rgd-")]
    assert rgds == ["platform/rgds/rgd-web-app.yaml"]  # one RGD for both environments
    assert plans[0][rgds[0]] == plans[1][rgds[0]]  # and it does not depend on any environment's values
    instance = "environments/prod/webapp-web-app.yaml"
    assert "replicas: 3" in plans[0][instance] and "replicas: 7" in plans[1][instance]


def test_peer_bug_12_the_builder_source_is_parsed_with_fn_to_string() -> None:
    """kro-gen never reads source code: the same graph built from a lambda, a closure factory, a
    functools.partial and code compiled from a string (no source file to read) gives the same RGD."""

    def factory(image: str) -> Any:
        return lambda schema: {"web": k8s.Deployment("web", image=image, replicas=schema.spec.replicas)}

    def with_image(schema, image):  # type: ignore[no-untyped-def]
        return {"web": k8s.Deployment("web", image=image, replicas=schema.spec.replicas)}

    namespace: dict[str, Any] = {"k8s": k8s}
    exec(
        compile(
            textwrap.dedent("""
        def compiled(schema):
            return {"web": k8s.Deployment("web", image="nginx", replicas=schema.spec.replicas)}
    """),
            "<no file>",
            "exec",
        ),
        namespace,
    )
    with pytest.raises(OSError):
        inspect.getsource(namespace["compiled"])
    builders = [factory("nginx"), functools.partial(with_image, image="nginx"), namespace["compiled"]]
    rgds = [rgd_of(graph_of(builder)) for builder in builders]
    assert rgds[0] == rgds[1] == rgds[2]
    assert rgds[0]["spec"]["resources"][0]["template"]["spec"]["replicas"] == "${schema.spec.replicas}"


def test_peer_bug_13_a_reserved_field_appears_in_every_rgd_and_instance() -> None:
    graph = graph_of(web_and_service)
    rgd = rgd_of(graph)
    assert list(rgd["spec"]["schema"]["spec"]) == list(AppSpec.model_fields)
    document = instance_document(graph, graph.instance("prod", {"replicas": 2}), "prod").document
    assert document == {
        "apiVersion": "app.example.com/v1alpha1",
        "kind": "App",
        "metadata": {"name": "app", "namespace": "prod"},
        "spec": {"replicas": 2},
    }
    assert "typekro" not in json.dumps([rgd, document]).lower()
