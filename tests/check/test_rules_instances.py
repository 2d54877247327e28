"""Instance rules: header, namespace vs scope, and spec against the RGD's SimpleSchema."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check.findings import Severity
from kro_gen.check.rules_instances import check_instance
from kro_gen.errors import Location

from .rgd_samples import build_rgd, where

SPEC = {
    "name": 'string | required=true pattern="^[a-z]+$" minLength=2 maxLength=8',
    "replicas": "integer | default=1 minimum=1 maximum=5",
    "ratio": "float | default=0.5",
    "tier": 'string | default=web enum="web,worker"',
    "port": 'integer | enum="80,443" default=80',
    "tags": "[]string | default=[] maxItems=2 uniqueItems=true",
    "labels": "map[string]string",
    "db": "Database",
    "extra": "object",
    "ingress": {"enabled": "boolean | default=false", "host": "string | required=true"},
}
TYPES = {"Database": {"host": "string | required=true", "port": "integer | default=5432"}}


def instance(spec: Any, **header: Any) -> dict[str, Any]:
    body = {
        "apiVersion": "example.com/v1alpha1",
        "kind": "WebApp",
        "metadata": {"name": "shop", "namespace": "team-a"},
        "spec": spec,
    }
    body.update(header)
    return body


def check(body: dict[str, Any], scope: str = "Namespaced") -> list[Any]:
    rgd = build_rgd(spec=SPEC, types=TYPES, scope=scope)
    return check_instance(body, rgd, location=Location(file="instance.yaml"))


def test_a_valid_instance() -> None:
    spec = {
        "name": "shop",
        "replicas": 3,
        "ratio": 1,
        "tags": ["a", "b"],
        "labels": {"team": "x"},
        "db": {"host": "db"},
        "extra": {"anything": [1]},
        "ingress": {"host": "shop.example.com"},
    }
    assert check(instance(spec)) == []


def test_findings_name_the_rgd_and_file() -> None:
    [found] = check(instance({"name": "shop", "replicas": 9}))
    assert (found.location.file, found.location.graph, found.location.path) == (
        "instance.yaml",
        "webapps.example.com",
        "spec.replicas",
    )


@pytest.mark.parametrize(
    "header,rule,path",
    [
        ({"apiVersion": "v1alpha1"}, "instance-api-version", "apiVersion"),
        ({"apiVersion": "kro.run/v1alpha1"}, "instance-api-version", "apiVersion"),
        ({"kind": "Webapp"}, "instance-kind", "kind"),
        ({"metadata": {"name": "Shop", "namespace": "a"}}, "instance-name", "metadata.name"),
        ({"metadata": {"namespace": "a"}}, "instance-name", "metadata.name"),
    ],
)
def test_header(header: dict[str, Any], rule: str, path: str) -> None:
    assert where(check(instance({"name": "shop"}, **header))) == {(rule, None, path)}


def test_namespace_follows_scope() -> None:
    no_namespace = instance({"name": "shop"}, metadata={"name": "shop"})
    [warning] = check(no_namespace)
    assert (warning.rule, warning.severity) == ("instance-namespace", Severity.WARNING)
    assert check(no_namespace, scope="Cluster") == []
    [error] = check(instance({"name": "shop"}), scope="Cluster")
    assert (error.rule, error.severity) == ("instance-namespace", Severity.ERROR)


@pytest.mark.parametrize(
    "spec,rule,path",
    [
        ({}, "instance-required", "spec.name"),
        ({"name": "shop", "replica": 2}, "instance-unknown-field", "spec.replica"),
        ({"name": "shop", "replicas": "2"}, "instance-type", "spec.replicas"),
        ({"name": "shop", "replicas": 2.5}, "instance-type", "spec.replicas"),
        ({"name": "shop", "replicas": True}, "instance-type", "spec.replicas"),
        ({"name": "shop", "ratio": "0.5"}, "instance-type", "spec.ratio"),
        ({"name": 7}, "instance-type", "spec.name"),
        ({"name": "shop", "extra": "x"}, "instance-type", "spec.extra"),
        ({"name": "shop", "tier": "batch"}, "instance-enum", "spec.tier"),
        ({"name": "shop", "port": 8080}, "instance-enum", "spec.port"),
        ({"name": "shop", "replicas": 0}, "instance-range", "spec.replicas"),
        ({"name": "shop", "replicas": 6}, "instance-range", "spec.replicas"),
        ({"name": "s"}, "instance-length", "spec.name"),
        ({"name": "shopshopshop"}, "instance-length", "spec.name"),
        ({"name": "Shop"}, "instance-pattern", "spec.name"),
        ({"name": "shop", "tags": ["a", "b", "c"]}, "instance-items", "spec.tags"),
        ({"name": "shop", "tags": ["a", "a"]}, "instance-items", "spec.tags"),
        ({"name": "shop", "tags": ["a", 1]}, "instance-type", "spec.tags[1]"),
        ({"name": "shop", "labels": {"a": 1}}, "instance-type", "spec.labels.a"),
        ({"name": "shop", "db": {}}, "instance-required", "spec.db.host"),
        ({"name": "shop", "db": {"host": "h", "user": "u"}}, "instance-unknown-field", "spec.db.user"),
        ({"name": "shop", "ingress": {"enabled": True}}, "instance-required", "spec.ingress.host"),
    ],
)
def test_spec_values(spec: dict[str, Any], rule: str, path: str) -> None:
    assert where(check(instance(spec))) == {(rule, None, path)}


def test_unknown_field_suggests_the_close_name() -> None:
    [found] = check(instance({"name": "shop", "replica": 2}))
    assert "did you mean 'replicas'" in found.message


def test_spec_must_be_a_map_and_status_is_ignored() -> None:
    found = check(instance(["a"], status={"state": "ACTIVE"}))
    assert {(f.rule, f.severity) for f in found} == {
        ("instance-spec", Severity.ERROR),
        ("instance-status", Severity.WARNING),
    }
