"""kro's ``examples/aws/ingress-triangle/application.yaml`` Deployment (v0.9.3), ported with its exact labels.

The original labels only the pods and the selector (``app: ${schema.spec.name}``), not the Deployment
itself, and writes its init container as a raw ``initContainers`` entry. Here ``default_labels=False``
and ``selector=`` give that label set exactly, and every container is a ``k8s.container``:

* ``webpage-creator``: the original's classic init container, writing index.html to a shared volume;
* ``config-agent``: a native sidecar (an init container with ``restart_policy="Always"``, Kubernetes
  1.29+) that starts before the app and keeps running beside it;
* the app (``nginx``), then ``log-shipper``: a sidecar after it, reading nginx's logs.

The Service selects the Deployment's pods by the Deployment's selector.
"""

from __future__ import annotations

from pydantic import BaseModel

from kro_gen import Resource, ResourceGraph, Schema, k8s


class WebpageSpec(BaseModel):
    name: str = "ingress-service"
    image: str = "nginx"
    logLevel: str = "info"


webpage = ResourceGraph("webpage", api_version="kro.run/v1alpha1", kind="Webpage", spec=WebpageSpec)


@webpage.resources
def resources(schema: Schema[WebpageSpec]) -> dict[str, Resource]:
    spec = schema.spec
    index_html = (
        "cat <<EOF > /workspace/index.html\n"
        "<!DOCTYPE html>\n"
        f"<html><body><h1>Welcome to {spec.name}</h1></body></html>\n"
        "EOF\n"
    )
    deployment = k8s.Deployment(
        spec.name,
        replicas=3,
        default_labels=False,  # the original labels the pods and the selector only
        selector={"app": spec.name},
        image=spec.image,
        ports=[80],
        volumes=[{"name": "shared-files", "emptyDir": {}}, {"name": "logs", "emptyDir": {}}],
        volume_mounts=[
            {"name": "shared-files", "mountPath": "/usr/share/nginx/html"},
            {"name": "logs", "mountPath": "/var/log/nginx"},
        ],
        init_containers=[
            k8s.container(
                "webpage-creator",
                image="busybox",
                command=["/bin/sh", "-c"],
                args=[index_html],
                volume_mounts=[{"name": "shared-files", "mountPath": "/workspace"}],
            ),
            k8s.container(
                "config-agent",
                image="busybox",
                restart_policy="Always",
                command=["/bin/sh", "-c", "touch /workspace/ready && exec sleep infinity"],
                volume_mounts=[{"name": "shared-files", "mountPath": "/workspace"}],
                startup_probe=k8s.exec_probe(["test", "-f", "/workspace/ready"], period_seconds=2),
            ),
        ],
        sidecars=[
            k8s.container(
                "log-shipper",
                image="fluent/fluent-bit:3.1",
                env={"LOG_LEVEL": spec.logLevel, "APP": spec.name},
                volume_mounts=[{"name": "logs", "mountPath": "/var/log/nginx", "readOnly": True}],
                resources={"limits": {"memory": "64Mi"}},
            )
        ],
    )
    service = k8s.Service(
        spec.name, selector=deployment, ports=[{"protocol": "TCP", "port": 80, "targetPort": 80}]
    )
    return {"deployment": deployment, "service": service}


webpage.instance("demo", {"name": "welcome", "logLevel": "debug"})
