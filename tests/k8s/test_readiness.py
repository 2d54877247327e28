"""Readiness defaults: which kinds get a readyWhen, what each means on recorded object states, and the
per-resource override, addition and removal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from kro_gen import ResourceGraph, cel, k8s
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import Location
from kro_gen.expr.engine import evaluate
from kro_gen.expr.render import render_cel
from kro_gen.expr.wrapper import node_of
from kro_gen.graph import Resource
from kro_gen.k8s.readiness import DEFAULTS, default_ready_when
from kro_gen.pipeline.checks import check_graph_rgd, make_registry

from .support import named

ROOT = Path(__file__).resolve().parents[2]


def ready(resource: Resource, observed: dict[str, Any]) -> bool:
    """Whether every readyWhen of ``resource`` holds for the ``observed`` object (kro ANDs them)."""
    return all(
        evaluate(condition, {resource.id or "": observed}) is True for condition in resource.ready_when
    )


def deployment_state(generation: int = 2, **status: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "generation": generation},
        "spec": {"replicas": 3},
        "status": status,
    }


@pytest.fixture
def web() -> Resource:
    return named(k8s.Deployment("web", image="web:1"), "web")


def test_a_deployment_is_ready_only_when_rolled_out_at_the_current_generation(web: Resource) -> None:
    rolled_out = {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3}
    assert ready(web, deployment_state(**rolled_out))
    # crash-looping pods: created, never available
    assert not ready(web, deployment_state(observedGeneration=2, replicas=3, updatedReplicas=3))
    # the controller has not looked at the new spec yet: the counts describe the old one
    assert not ready(web, deployment_state(**{**rolled_out, "observedGeneration": 1}))
    # mid-rollout: an old pod is still running beside the new ones
    assert not ready(web, deployment_state(**{**rolled_out, "replicas": 4}))
    # just created: no status at all is "not yet", not an error
    assert not ready(web, {**deployment_state(), "status": {}})
    no_status = {key: value for key, value in deployment_state().items() if key != "status"}
    assert not ready(web, no_status)


def test_a_deployment_scaled_to_zero_is_ready_although_kubernetes_omits_every_counter(web: Resource) -> None:
    state = deployment_state(observedGeneration=2)
    state["spec"] = {"replicas": 0}
    assert ready(web, state)


def test_statefulset_daemonset_and_job_follow_their_controllers() -> None:
    db = named(k8s.StatefulSet("db", image="postgres:16"), "db")
    base = {"metadata": {"name": "db", "generation": 1}, "spec": {"replicas": 2}}
    assert ready(db, {**base, "status": {"observedGeneration": 1, "readyReplicas": 2, "updatedReplicas": 2}})
    assert not ready(
        db, {**base, "status": {"observedGeneration": 1, "readyReplicas": 1, "updatedReplicas": 2}}
    )
    partitioned = {**base, "spec": {"replicas": 2, "updateStrategy": {"rollingUpdate": {"partition": 1}}}}
    assert ready(
        db, {**partitioned, "status": {"observedGeneration": 1, "readyReplicas": 2, "updatedReplicas": 1}}
    )
    on_delete = {**base, "spec": {"replicas": 2, "updateStrategy": {"type": "OnDelete"}}}
    assert ready(db, {**on_delete, "status": {"observedGeneration": 1, "readyReplicas": 2}})

    agent = named(k8s.DaemonSet("agent", image="agent:1"), "agent")
    meta = {"metadata": {"name": "agent", "generation": 3}, "spec": {}}
    counts = {"observedGeneration": 3, "desiredNumberScheduled": 4, "updatedNumberScheduled": 4}
    assert ready(agent, {**meta, "status": {**counts, "numberAvailable": 4}})
    assert not ready(agent, {**meta, "status": {**counts, "numberAvailable": 3}})

    job = named(k8s.Job("migrate", image="migrate:1"), "migrate")
    complete = [{"type": "Complete", "status": "True"}]
    assert ready(job, {"metadata": {"name": "migrate"}, "status": {"conditions": complete}})
    failed = [{"type": "Failed", "status": "True"}]
    assert not ready(job, {"metadata": {"name": "migrate"}, "status": {"conditions": failed}})
    assert not ready(job, {"metadata": {"name": "migrate"}, "status": {"active": 1}})


def test_only_a_load_balancer_service_waits_and_a_spec_chosen_type_is_decided_live() -> None:
    assert k8s.Service("web", selector={"app": "web"}, ports=[80]).ready_when == ()
    edge = named(k8s.Service("edge", selector={"app": "web"}, ports=[80], type="LoadBalancer"), "edge")
    pending = {"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {}}}
    assert not ready(edge, pending)
    assert ready(edge, {**pending, "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}})

    graph = ResourceGraph("svc", api_version="svc.example.com/v1alpha1", kind="Svc", spec=_TypeSpec)
    chosen = named(
        k8s.Service("chosen", selector={"app": "web"}, ports=[80], type=graph.schema_ref().spec.type),
        "chosen",
    )
    assert ready(chosen, {"spec": {"type": "ClusterIP"}, "status": {"loadBalancer": {}}})
    assert not ready(chosen, pending)


class _TypeSpec(BaseModel):
    type: str = "ClusterIP"


def test_secret_carriers_and_ingress_wait_for_their_controllers() -> None:
    secret = named(k8s.external_secret("db", store="vault", data={"PASSWORD": "db/password"}), "db")
    synced = {"conditions": [{"type": "Ready", "status": "True", "reason": "SecretSynced"}]}
    assert ready(secret, {"status": synced})
    assert not ready(secret, {"status": {"conditions": [{"type": "Ready", "status": "False"}]}})
    assert not ready(secret, {})  # the operator has not written a status yet
    ingress = named(k8s.Ingress("web", host="shop.example.com", service="web", port=80), "ingress")
    assert not ready(ingress, {"status": {"loadBalancer": {}}})
    assert ready(ingress, {"status": {"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}]}}})


def test_kinds_that_are_ready_once_stored_get_no_readiness() -> None:
    config = k8s.ConfigMap("app", {"A": "1"})
    claim = k8s.PersistentVolumeClaim("data", size="1Gi")  # WaitForFirstConsumer would deadlock
    hpa = k8s.HorizontalPodAutoscaler(
        "web", target=k8s.Deployment("web", image="web:1", replicas=None), min_replicas=1, max_replicas=3
    )
    for resource in (config, claim, hpa, k8s.ServiceAccount("runner"), k8s.Namespace("team")):
        assert resource.ready_when == (), resource.kind


def test_generic_builders_get_the_same_readiness_by_kind_but_external_refs_none() -> None:
    via_resource = k8s.resource("apps/v1", "Deployment", "web", spec={"replicas": 1})
    via_yaml = k8s.from_yaml("apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\nspec: {}\n")
    assert len(via_resource.ready_when) == 4 and len(via_yaml.ready_when) == 1
    assert k8s.external_ref("apps/v1", "Deployment", name="shared").ready_when == ()


def test_ready_when_replaces_the_default_when_ready_adds_and_exists_removes() -> None:
    replaced = named(
        k8s.Deployment("web", image="web:1", ready_when=lambda d: cel.default(d.status.readyReplicas, 0) > 0),
        "web",
    )
    assert [render_cel(node_of(c)) for c in replaced.ready_when] == [
        "web.status.?readyReplicas.orValue(0) > 0"
    ]
    added = named(k8s.Deployment("web", image="web:1"), "web").when_ready(lambda d: d.spec.paused == False)  # noqa: E712
    assert len(added.ready_when) == 5
    assert k8s.Deployment("web", image="web:1", ready_when=k8s.EXISTS).ready_when == ()
    assert k8s.EXISTS == ()


def test_a_collection_s_readiness_reads_each() -> None:
    graph = ResourceGraph("pool", api_version="pool.example.com/v1alpha1", kind="Pool", spec=_Regions)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        region = cel.var("region", type="string")
        return {
            "workers": k8s.Deployment(
                f"worker-{region}", image="w:1", for_each={"region": schema.spec.regions}
            )
        }

    entry = rgd_document(graph.build())["spec"]["resources"][0]
    assert (
        entry["readyWhen"][0] == "${each.?status.?observedGeneration.orValue(0) == each.metadata.generation}"
    )


class _Regions(BaseModel):
    regions: list[str]


class _AllSpec(BaseModel):
    image: str
    type: str = "ClusterIP"


def test_every_default_passes_kro_gen_s_checks_against_the_kubernetes_schemas() -> None:
    """Each rule, built into a graph, type-checks against the real schemas (kro would refuse a readyWhen
    that does not return bool or reads a field the kind lacks)."""
    graph = ResourceGraph("every", api_version="every.example.com/v1alpha1", kind="Every", spec=_AllSpec)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        spec = schema.spec
        web = k8s.Deployment("web", image=spec.image)
        return {
            "web": web,
            "db": k8s.StatefulSet("db", image=spec.image, service_name="db"),
            "agent": k8s.DaemonSet("agent", image=spec.image),
            "once": k8s.Job("once", image=spec.image),
            "edge": k8s.Service("edge", selector=web, ports=[80], type="LoadBalancer"),
            "chosen": k8s.Service("chosen", selector=web, ports=[80], type=spec.type),
            "ingress": k8s.Ingress("web", host="shop.example.com", service="edge", port=80),
            "secret": k8s.external_secret("creds", store="vault", data={"A": "a"}),
        }

    rgd = rgd_document(graph.build())
    entries = {entry["id"]: entry for entry in rgd["spec"]["resources"]}
    assert all(entry.get("readyWhen") for entry in entries.values()), sorted(entries)
    registry = make_registry(
        None, [ROOT / "definitions/crds/external-secrets.io_externalsecrets.yaml"], [rgd]
    )
    findings = check_graph_rgd(rgd, Location(graph="every"), registry)
    assert [f for f in findings if f.location.path and "readyWhen" in f.location.path] == []
    assert [str(f) for f in findings if f.severity.name == "ERROR"] == []


def test_the_table_covers_the_documented_kinds() -> None:
    assert set(DEFAULTS) == {
        ("apps", "Deployment"),
        ("apps", "StatefulSet"),
        ("apps", "DaemonSet"),
        ("batch", "Job"),
        ("", "Service"),
        ("networking.k8s.io", "Ingress"),
        ("external-secrets.io", "ExternalSecret"),
        ("cert-manager.io", "Certificate"),
        ("bitnami.com", "SealedSecret"),
    }
    assert default_ready_when({"apiVersion": "v1", "kind": "ConfigMap"}) == ()
