"""A storefront on the platform team's hand-written WebApp RGD (examples/webapp/rgd.yaml).

It shows three things an RGD can say:

- chaining into a hand-written RGD: ``web`` is an instance of the ``WebApp`` kind that RGD generates;
  its spec is checked against the RGD's SimpleSchema and ``web.status.availableReplicas`` against the
  status kro infers for it (an int), because ``pyproject.toml`` lists the RGD under ``crds``;
- an optional spec field with no default (``banner``): instances may leave it out, and it is read
  with a fallback (``cel.default``), as kro needs;
- printer columns and labels on the RGD.

``kro-gen generate`` (run in this folder) writes ``gitops/``; its README lists the hand-written RGD
under "Hand-written RGDs this tree uses": apply it before the tree's RGDs.
"""

from typing import NamedTuple

from pydantic import BaseModel, Field

from kro_gen import PrinterColumn, ResourceGraph, Schema, cel, k8s
from kro_gen.k8s import kinds


class StorefrontSpec(BaseModel):
    image: str
    replicas: int = Field(default=2, ge=1, le=20)
    banner: str | None = None  # optional, no default: instances may omit it


class StorefrontStatus(BaseModel):
    availableReplicas: int = 0
    banner: str = ""


class Parts(NamedTuple):
    web: k8s.Resource
    settings: kinds.ConfigMap


storefront = ResourceGraph(
    "storefront",
    api_version="shop.example.com/v1alpha1",
    kind="Storefront",
    spec=StorefrontSpec,
    status=StorefrontStatus,
    printer_columns=[
        PrinterColumn("Replicas", "integer", ".spec.replicas"),
        PrinterColumn("Available", "integer", ".status.availableReplicas"),
        *PrinterColumn.kro_defaults(),
    ],
    labels={"platform.example.com/team": "shop"},
)


@storefront.resources
def resources(schema: Schema[StorefrontSpec]) -> Parts:
    web = k8s.resource(
        "platform.example.com/v1alpha1",
        "WebApp",
        schema.metadata.name,
        spec={"image": schema.spec.image, "replicas": schema.spec.replicas, "tier": "frontend"},
        # kro adds no readiness check for an instance of another RGD: wait for kro's own verdict
        ready_when=lambda w: w.status.state == "ACTIVE",
    )
    settings = k8s.ConfigMap(
        f"{schema.metadata.name}-settings", {"BANNER": cel.default(schema.spec.banner, "")}
    )
    return Parts(web=web, settings=settings)


@storefront.status
def status(schema: Schema[StorefrontSpec], r: Parts) -> dict[str, object]:
    return {
        "availableReplicas": cel.default(r.web.status.availableReplicas, 0),
        "banner": cel.default(schema.spec.banner, ""),
    }


storefront.instance("staging", {"image": "ghcr.io/example/shop:1.4.0", "replicas": 1})
storefront.instance(
    "production",
    {"image": "ghcr.io/example/shop:1.4.0", "replicas": 3, "banner": "Free shipping this week"},
)
