"""The reference RGDs of tests/kro_reference/, written with kro-gen's Python API (no tests here).

Each function builds the graph that should emit the same RGD as its reference; the comparison, and
every intentional difference, is in tests/test_reference_ports.py. Templates are plain dicts through
``k8s.resource`` / ``k8s.external_ref`` so that they mirror the reference field for field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, cel, k8s


# -- kro's webapp example -------------------------------------------------------------------------------
class Toggle(BaseModel):
    enabled: bool = True


class IngressToggle(BaseModel):
    enabled: bool = False


class WebAppSpec(BaseModel):
    name: str
    namespace: str = "default"
    image: str = "nginx"
    port: int = 8080
    replicas: int = 1
    service: Toggle = Field(default_factory=Toggle)
    ingress: IngressToggle = Field(default_factory=IngressToggle)
    serviceAccount: str = "default"


class WebAppStatus(BaseModel):
    deploymentConditions: list[dict[str, Any]]
    availableReplicas: int
    url: str


ALB = {
    "kubernetes.io/ingress.class": "alb",
    "alb.ingress.kubernetes.io/scheme": "internet-facing",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/healthcheck-path": "/health",
    "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}]',
    "alb.ingress.kubernetes.io/target-group-attributes": (
        "stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=60"
    ),
}


def webapp() -> ResourceGraph:
    graph = ResourceGraph(
        "webapp.kro.run", api_version="v1alpha1", kind="WebApp", spec=WebAppSpec, status=WebAppStatus
    )

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        spec = schema.spec
        labels = {"app.kubernetes.io/name": spec.name, "app": spec.name}
        container = {
            "name": "webapp-demo",
            "image": spec.image,
            "imagePullPolicy": "Always",
            "ports": [{"containerPort": spec.port}],
            "resources": {
                "requests": {"memory": "64Mi", "cpu": "250m"},
                "limits": {"memory": "1Gi", "cpu": "1"},
            },
        }
        deployment = k8s.resource(
            "apps/v1",
            "Deployment",
            spec.name,
            namespace=spec.namespace,
            labels={"app.kubernetes.io/name": spec.name},
            spec={
                "replicas": spec.replicas,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "serviceAccountName": spec.serviceAccount,
                        "containers": [container],
                        "restartPolicy": "Always",
                    },
                },
            },
            ready_when=lambda d: d.spec.replicas == d.status.availableReplicas,
        )
        service = k8s.resource(
            "v1",
            "Service",
            deployment.metadata.name,
            namespace=deployment.metadata.namespace,
            spec={
                "selector": {"app": spec.name},
                "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": spec.port}],
            },
            include_when=spec.service.enabled,
        )
        backend = {"service": {"name": service.metadata.name, "port": {"number": 80}}}
        ingress = k8s.resource(
            "networking.k8s.io/v1",
            "Ingress",
            deployment.metadata.name,
            namespace=deployment.metadata.namespace,
            annotations=ALB,
            spec={"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}]},
            # The reference says only ingress.enabled: with service.enabled=false kro skips the
            # Ingress too, since it reads the Service (includewhen-dependent). The port says so.
            include_when=[spec.ingress.enabled, spec.service.enabled],
            ready_when=k8s.EXISTS,  # the reference RGD does not wait for the Ingress's address
        )
        return {"deployment": deployment, "service": service, "ingress": ingress}

    @graph.status
    def status(schema, r):  # type: ignore[no-untyped-def]
        return {
            "deploymentConditions": r.deployment.status.conditions,
            "availableReplicas": r.deployment.status.availableReplicas,
            "url": r.ingress.status.loadBalancer.ingress[0].hostname,
        }

    return graph


# -- kro's externalRef example --------------------------------------------------------------------------
class ExternalSpec(BaseModel):
    name: str = "foobar"


def external_reference() -> ResourceGraph:
    graph = ResourceGraph(
        "check-external-references", api_version="v1alpha1", kind="ExternalReferenceTest", spec=ExternalSpec
    )

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        source = k8s.external_ref("v1", "ConfigMap", name="check-external-references", namespace="default")
        # The reference guards `data` itself (input.?data.ECHO_VALUE): a ConfigMap without data also
        # falls back. cel.default() makes only the last step optional, so this one read is raw CEL.
        echo = cel.raw('input.?data.ECHO_VALUE.orValue("not found")', "string")
        owned = k8s.ConfigMap("config", {"ECHO_VALUE": echo})
        return {"input": source, "owned": owned}

    return graph


# -- kro's forEach example (worker pool) ----------------------------------------------------------------
class WorkerPoolSpec(BaseModel):
    workers: list[str]
    image: str


def worker_pool() -> ResourceGraph:
    graph = ResourceGraph("worker-pool", api_version="v1alpha1", kind="WorkerPool", spec=WorkerPoolSpec)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        worker = cel.var("worker", "string")
        pods = k8s.resource(
            "v1",
            "Pod",
            schema.metadata.name + "-" + worker,
            spec={"containers": [{"name": "app", "image": schema.spec.image}]},
            for_each={"worker": schema.spec.workers},
        )
        return {"workerPods": pods}

    return graph


# -- KRO-RULES.md §13 -----------------------------------------------------------------------------------
class Ingress13(BaseModel):
    enabled: bool = False


class PlatformWebAppSpec(BaseModel):
    image: str
    replicas: int = Field(2, ge=1)
    ports: list[int] = Field(default_factory=lambda: [8080], min_length=1)
    ingress: Ingress13 = Field(default_factory=Ingress13)


class PlatformWebAppStatus(BaseModel):
    availableReplicas: int
    serviceNames: list[str]


def platform_webapp() -> ResourceGraph:
    graph = ResourceGraph(
        "webapps.platform.example.com",
        api_version="platform.example.com/v1alpha1",
        kind="WebApp",
        spec=PlatformWebAppSpec,
        status=PlatformWebAppStatus,
    )

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        spec, name = schema.spec, schema.metadata.name
        platform = k8s.external_ref("v1", "ConfigMap", name="platform-config")
        deployment = k8s.resource(
            "apps/v1",
            "Deployment",
            name,
            spec={
                "replicas": spec.replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {
                        "containers": [
                            {
                                "name": "app",
                                "image": spec.image,
                                "env": [
                                    {
                                        "name": "LOG_LEVEL",
                                        "value": cel.default(platform.data.logLevel, "info"),
                                    }
                                ],
                            }
                        ]
                    },
                },
            },
            ready_when=lambda d: cel.default(d.status.availableReplicas, 0) >= d.spec.replicas,
        )
        port = cel.var("port", "int")
        services = k8s.resource(
            "v1",
            "Service",
            name + "-" + cel.string(port),
            spec={
                "selector": deployment.spec.selector.matchLabels,
                "ports": [{"port": port, "targetPort": port}],
            },
            for_each={"port": spec.ports},
        )
        backend = {"service": {"name": services.ref()[0].metadata.name, "port": {"number": spec.ports[0]}}}
        ingress = k8s.resource(
            "networking.k8s.io/v1",
            "Ingress",
            name,
            spec={"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}]},
            include_when=spec.ingress.enabled,
            ready_when=k8s.EXISTS,  # the reference RGD does not wait for the Ingress's address
        )
        return {
            "platformConfig": platform,
            "deployment": deployment,
            "services": services,
            "ingress": ingress,
        }

    @graph.status
    def status(schema, r):  # type: ignore[no-untyped-def]
        return {
            "availableReplicas": cel.default(r.deployment.status.availableReplicas, 0),
            "serviceNames": cel.map_(r.services, lambda s: s.metadata.name),
        }

    return graph
