"""Helpers for the builder tests: a typed ``schema`` from a real graph, and rendering."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from kro_gen import ResourceGraph
from kro_gen.expr.fields import field_value
from kro_gen.expr.wrapper import Expr
from kro_gen.graph import Resource


class DemoSpec(BaseModel):
    name: str
    image: str
    replicas: int
    port: int
    debug: bool
    environment: Literal["development", "production"]
    domain: str


def make_schema() -> Expr:
    """``schema`` as a graph's resources builder receives it (typed from DemoSpec)."""
    graph = ResourceGraph("demo", api_version="demo.example.com/v1alpha1", kind="Demo", spec=DemoSpec)
    return graph.schema_ref()


def named(resource: Resource, resource_id: str) -> Resource:
    """Give ``resource`` the id a graph would, so references to it render."""
    resource.id = resource_id
    return resource


def rendered(resource: Resource) -> Any:
    """The template (or external reference) as it goes into the RGD YAML."""
    return field_value(resource.body)


def pod_spec(resource: Resource) -> Any:
    """The rendered pod spec of a Deployment/StatefulSet/DaemonSet/Job."""
    return rendered(resource)["spec"]["template"]["spec"]


def container(resource: Resource) -> Any:
    """The rendered first container of a workload."""
    return pod_spec(resource)["containers"][0]
