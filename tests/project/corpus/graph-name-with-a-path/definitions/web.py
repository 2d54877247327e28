from pydantic import BaseModel, Field

from kro_gen import ResourceGraph
from kro_gen.graph import Resource


class Spec(BaseModel):
    image: str
    replicas: int = Field(1, ge=0)
    message: str = "hello"


web = ResourceGraph("../web", api_version="example.com/v1alpha1", kind="WebApp", spec=Spec)


@web.resources
def resources(schema):
    spec = schema.spec
    config = Resource({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "web-config"},
        "data": {"MESSAGE": spec.message},
    })
    deployment = Resource({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": spec.replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{
                    "name": "web",
                    "image": spec.image,
                    "envFrom": [{"configMapRef": {"name": config.metadata.name}}],
                }]},
            },
        },
    })
    return {"config": config, "deployment": deployment}


web.instance("dev", {"image": "nginx:1.27"})
web.instance("prod", {"image": "nginx:1.27", "replicas": 3})
