"""Shared builders for the RGD rule tests: a small valid RGD to change one thing at a time."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import RgdView
from kro_gen.check.rules_sites import Site, collect_sites
from kro_gen.errors import Location

LOCATION = Location(file="graph.yaml")

DEFAULT_SPEC = {"name": "string | required=true", "image": "string | default=nginx"}

CONFIG_MAP: dict[str, Any] = {
    "id": "config",
    "template": {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "${schema.spec.name}"},
        "data": {"image": "${schema.spec.image}"},
    },
}


def build_rgd(
    resources: list[dict[str, Any]] | None = None,
    *,
    spec: dict[str, Any] | None = None,
    status: dict[str, Any] | None = None,
    types: dict[str, Any] | None = None,
    scope: str | None = "Namespaced",
    group: str | None = "example.com",
) -> dict[str, Any]:
    """A valid RGD (one ConfigMap) unless the arguments make it otherwise."""
    schema: dict[str, Any] = {
        "apiVersion": "v1alpha1",
        "kind": "WebApp",
        "spec": spec if spec is not None else dict(DEFAULT_SPEC),
    }
    if group is not None:
        schema["group"] = group
    if scope is not None:
        schema["scope"] = scope
    if types is not None:
        schema["types"] = types
    if status is not None:
        schema["status"] = status
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "webapps.example.com"},
        "spec": {
            "schema": schema,
            "resources": resources if resources is not None else [copy.deepcopy(CONFIG_MAP)],
        },
    }


def config_map(resource_id: str = "config", **data: str) -> dict[str, Any]:
    """A ConfigMap resource named after the instance, with ``data``."""
    return {
        "id": resource_id,
        "template": {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "${schema.spec.name}-" + resource_id.lower()},
            "data": dict(data),
        },
    }


def view_of(rgd: dict[str, Any]) -> RgdView:
    """The view every rule module takes."""
    return RgdView(rgd, LOCATION)


def sites_of(rgd: dict[str, Any]) -> tuple[RgdView, list[Site]]:
    """The view and the expression sites of ``rgd``."""
    view = view_of(rgd)
    return view, collect_sites(view)


def where(findings: Iterable[Finding]) -> set[tuple[str, str | None, str | None]]:
    """(rule, resource id, path) of each finding."""
    return {(f.rule, f.location.resource, f.location.path) for f in findings}


def rules(findings: Iterable[Finding]) -> list[str]:
    """The rule names, in order."""
    return [f.rule for f in findings]
