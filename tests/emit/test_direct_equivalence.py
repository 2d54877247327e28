"""Direct mode equals a hand evaluation of the graph, resource by resource.

Two independent paths from one definition to plain manifests:

* ``render_direct(rgd_document(built), instance)``: the graph is written as kro text, parsed back,
  evaluated by cel-python, with SimpleSchema defaults applied by the direct-mode defaulter;
* :func:`~tests.emit.support_hand_eval.hand_render`: the expression trees of the built graph are
  interpreted directly by a small evaluator written for this test, against the spec pydantic
  validated and defaulted.

They must agree on every object for the seed's three environments and for three more graphs that
exercise ternaries, templates, integer arithmetic, string functions, includeWhen (direct and
transitive), references between resources, defaults (nested models, lists, items of list[Model]),
forEach over two dimensions and comprehensions over spec lists and over a collection.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, cel, k8s
from kro_gen.emit.direct import render_direct
from kro_gen.emit.instance import instance_document
from kro_gen.emit.rgd import rgd_document
from kro_gen.graph import Instance
from tests.emit.support_hand_eval import hand_render

ROOT = Path(__file__).resolve().parents[2]


# -- graph 1: ternaries, templates, integer arithmetic, string functions ------------------------------
class TextSpec(BaseModel):
    name: str
    tier: Literal["free", "pro", "enterprise"] = "free"
    seats: int = Field(10, ge=0)
    regions: list[str] = Field(default_factory=lambda: ["eu-west"])
    debug: bool = False
    owner: str = "Platform Team"


def text_graph() -> ResourceGraph:
    graph = ResourceGraph("text", api_version="text.example.com/v1alpha1", kind="Text", spec=TextSpec)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        spec = schema.spec
        regions = cel.size(spec.regions)
        settings = k8s.ConfigMap(
            f"{spec.name}-settings",
            {
                "TIER": cel.upper(spec.tier),
                "LEVEL": cel.cond(spec.debug, "debug", cel.cond(spec.tier == "enterprise", "warn", "info")),
                "SEATS": spec.seats,
                "PER_REGION": cel.string(spec.seats / regions),
                "REMAINDER": cel.string(spec.seats % regions),
                "SHORTFALL": cel.string((spec.seats - 100) / 7),
                "SHORTFALL_REST": cel.string((spec.seats - 100) % 7),
                "SUMMARY": f"{spec.name} has {spec.seats} seats in {regions} regions (debug={spec.debug})",
                "TEMPLATE": cel.template("%s/%s", spec.tier, spec.seats),
                "OWNER": cel.replace(cel.lower(cel.trim(spec.owner)), " ", "-"),
                "REGIONS": cel.join(spec.regions, ","),
                "EU_ONLY": cel.string(cel.all_(spec.regions, lambda r: cel.starts_with(r, "eu-"))),
                "HAS_US_EAST": cel.string(cel.in_("us-east", spec.regions)),
                "BIG": cel.cond((spec.seats >= 100) | cel.contains(spec.name, "big"), "yes", "no"),
                "SCRIPT": 'echo "${HOME}"',
            },
        )
        web = k8s.Deployment(
            spec.name,
            image=f"registry.example.com/{spec.name}:{spec.tier}",
            replicas=cel.cond(spec.tier == "free", 1, spec.seats / 50 + 1),
            env_from=[settings],
        )
        return {"settings": settings, "web": web}

    return graph


TEXT_VALUES: list[dict[str, Any]] = [
    {"name": "acme"},
    {"name": "bigco", "tier": "enterprise", "seats": 260, "regions": ["eu-west", "us-east", "ap"]},
    {"name": "mid", "tier": "pro", "seats": 49, "regions": ["eu-north", "eu-west"], "debug": True},
]


# -- graph 2: includeWhen, references between resources, nested defaults ------------------------------
class Tls(BaseModel):
    enabled: bool = False
    issuer: str = "letsencrypt"


class ShopSpec(BaseModel):
    image: str
    replicas: int = Field(2, ge=0)
    port: int = 8080
    host: str = "shop.example.com"
    tls: Tls = Field(default_factory=Tls)
    labels: dict[str, str] = Field(default_factory=dict)
    budget: bool = True


def shop_graph() -> ResourceGraph:
    graph = ResourceGraph("shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=ShopSpec)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        spec = schema.spec
        config = k8s.ConfigMap(
            "shop-config",
            {"PORT": spec.port, "HOST": spec.host, "LABELS": cel.string(cel.size(spec.labels))},
        )
        web = k8s.Deployment(
            "shop",
            image=spec.image,
            replicas=spec.replicas,
            ports=[3000],
            env={"PUBLIC_HOST": config.data.HOST, "PORT_FROM_CONFIG": config.data.PORT},
            env_from=[config],
        )
        service = k8s.Service("shop", selector=web, ports=[{"port": 80, "targetPort": spec.port}])
        ingress = k8s.Ingress("shop", host=spec.host, service=service, port=80, include_when=spec.host != "")
        tls = k8s.ConfigMap("shop-tls", {"ISSUER": spec.tls.issuer}, include_when=spec.tls.enabled)
        report = k8s.ConfigMap(
            "shop-report",
            {"TLS": tls.metadata.name, "SERVICE": service.metadata.name, "INGRESS": ingress.metadata.name},
        )
        budget = k8s.PodDisruptionBudget(
            "shop", selector=web, min_available=1, include_when=[spec.budget, spec.replicas > 1]
        )
        return {
            "config": config,
            "web": web,
            "service": service,
            "ingress": ingress,
            "tls": tls,
            "report": report,
            "budget": budget,
        }

    return graph


SHOP_VALUES: list[dict[str, Any]] = [
    {"image": "shop:1"},
    {"image": "shop:2", "replicas": 1, "tls": {"enabled": True}, "labels": {"team": "a"}, "host": ""},
    {"image": "shop:3", "replicas": 4, "tls": {"enabled": True, "issuer": "internal"}, "budget": False},
]


# -- graph 3: forEach, list[Model] with item defaults, comprehensions --------------------------------
class Worker(BaseModel):
    name: str
    size: int = 1
    gpu: bool = False


class FleetSpec(BaseModel):
    regions: list[str]
    tiers: list[str] = Field(default_factory=lambda: ["a", "b"])
    workers: list[Worker] = Field(default_factory=list)


def fleet_graph() -> ResourceGraph:
    graph = ResourceGraph("fleet", api_version="fleet.example.com/v1alpha1", kind="Fleet", spec=FleetSpec)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        spec = schema.spec
        region, tier, worker = cel.var("region", "string"), cel.var("tier", "string"), cel.var("worker")
        cells = k8s.ConfigMap(
            f"cell-{region}-{tier}",
            {"REGION": region, "TIER": tier, "OWNER": schema.metadata.name},
            for_each={"region": spec.regions, "tier": spec.tiers},
        )
        workers = k8s.ConfigMap(
            f"worker-{worker.name}",
            {"SIZE": worker.size, "GPU": worker.gpu, "DOUBLE": worker.size * 2},
            for_each={"worker": spec.workers},
        )
        summary = k8s.ConfigMap(
            "fleet-summary",
            {
                "CELLS": cel.string(cel.size(cells)),
                "CELL_NAMES": cel.join(cel.map_(cells, lambda c: c.metadata.name), ","),
                "ANY_GPU": cel.string(cel.exists(spec.workers, lambda w: w.gpu)),
                "LARGE": cel.join(
                    cel.map_(cel.filter_(spec.workers, lambda w: w.size > 1), lambda w: w.name), ","
                ),
                "WORKER_OBJECTS": cel.string(cel.size(workers)),
            },
        )
        return {"cells": cells, "workers": workers, "summary": summary}

    return graph


FLEET_VALUES: list[dict[str, Any]] = [
    {"regions": ["eu", "us"]},
    {
        "regions": ["eu"],
        "tiers": ["x", "y", "z"],
        "workers": [{"name": "w1"}, {"name": "w2", "size": 3, "gpu": True}],
    },
    {"regions": [], "workers": [{"name": "solo", "size": 2}]},
]


# -- the comparison --------------------------------------------------------------------------------
def _scope(registry: Any) -> Any:
    def is_namespaced(api_version: str, kind: str) -> bool | None:
        return registry.is_namespaced(api_version, kind)

    return is_namespaced


def assert_equivalent(graph: ResourceGraph, instance: Instance, namespace: str, registry: Any) -> None:
    """Render ``instance`` both ways and compare object by object; also check the graph's expectation
    that direct mode's order puts every resource after the ones it references."""
    built = graph.build()
    output = instance_document(graph, instance, namespace)
    manifests = render_direct(
        rgd_document(built), output.document, environment=instance.environment, is_namespaced=_scope(registry)
    )
    direct = {(m.id, m.index): m.body for m in manifests}
    by_hand = hand_render(
        built, output.effective_spec, name=output.document["metadata"]["name"], namespace=namespace
    )
    assert sorted(direct, key=repr) == sorted(by_hand, key=repr)
    for key, body in by_hand.items():
        assert direct[key] == body, f"{graph.name} {instance.environment} {key}"
    position = {m.id: index for index, m in reversed(list(enumerate(manifests)))}
    for rid, dependencies in built.dependencies.items():
        if rid in position:
            assert all(position[d] < position[rid] for d in dependencies if d in position)


@pytest.fixture(scope="module")
def registry() -> Any:
    from kro_gen.registry import SchemaRegistry

    found = SchemaRegistry.default()
    for crd in sorted((ROOT / "definitions" / "crds").glob("*.yaml")):
        found.register_crd_file(crd)
    return found


CASES: list[tuple[str, Callable[[], ResourceGraph], dict[str, Any]]] = [
    *(("text", text_graph, values) for values in TEXT_VALUES),
    *(("shop", shop_graph, values) for values in SHOP_VALUES),
    *(("fleet", fleet_graph, values) for values in FLEET_VALUES),
]


@pytest.mark.parametrize(("label", "make", "values"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_direct_mode_equals_the_hand_evaluation(
    label: str, make: Any, values: dict[str, Any], registry: Any
) -> None:
    graph = make()
    assert_equivalent(graph, graph.instance("test", values), f"{label}-test", registry)


def test_the_cases_take_both_branches_of_every_include_when() -> None:
    """The shop cases are only worth comparing if each conditional resource is in one and out of another."""
    graph = shop_graph()
    present: dict[str, set[bool]] = {}
    for values in SHOP_VALUES:
        output = instance_document(graph, graph.instance(f"env{len(graph.instances)}", values), "ns")
        objects = hand_render(graph.build(), output.effective_spec, name="shop", namespace="ns")
        for rid in graph.build().resources:
            present.setdefault(rid, set()).add((rid, None) in objects)
    assert {rid for rid, seen in present.items() if seen == {True, False}} == {
        "ingress",
        "tls",
        "report",
        "budget",
    }


@pytest.mark.skipif(not (ROOT / "definitions").is_dir(), reason="the seed is not in this checkout")
@pytest.mark.parametrize("environment", ["development", "staging", "production"])
def test_the_seed_renders_the_same_both_ways(environment: str, registry: Any) -> None:
    from kro_gen.project.config import load_config
    from kro_gen.project.loader import load_definitions

    config = load_config(ROOT)
    (loaded,) = [
        item for item in load_definitions(config.definitions_dir) if item.graph.name == "microservices-app"
    ]
    configured = config.environment(environment)
    assert configured is not None
    assert_equivalent(loaded.graph, loaded.graph.instances[environment], configured.namespace, registry)
