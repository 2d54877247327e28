"""A small typed graph the case files build on (itself free of type errors)."""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, Schema, k8s
from kro_gen.k8s import kinds


class Database(BaseModel):
    host: str
    port: int = 5432


class WebSpec(BaseModel):
    image: str
    replicas: int = Field(default=1, ge=0)
    environment: Literal["dev", "prod"] = "dev"
    database: Database


class WebStatus(BaseModel):
    ready: bool
    url: str


class Resources(NamedTuple):
    deployment: kinds.Deployment
    service: kinds.Service


web = ResourceGraph("web", api_version="web.example.com/v1alpha1", kind="Web", spec=WebSpec, status=WebStatus)


def make(schema: Schema[WebSpec]) -> Resources:
    deployment = k8s.Deployment("web", image=schema.spec.image, replicas=schema.spec.replicas)
    return Resources(deployment, k8s.Service("web", selector=deployment, ports=[80]))
