"""resource(), Namespace and external_ref."""

from __future__ import annotations

import pytest

from kro_gen import k8s
from kro_gen.errors import DefinitionError
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr

from .support import rendered


def test_resource_builds_any_kind_with_spec_fields_and_metadata(schema: Expr) -> None:
    cert = k8s.resource(
        "cert-manager.io/v1",
        "Certificate",
        f"{schema.spec.name}-tls",
        spec={"secretName": f"{schema.spec.name}-tls", "dnsNames": [schema.spec.domain]},
        namespace="certs",
        labels={"team": "web"},
        annotations={"owner": "web"},
    )
    assert rendered(cert) == {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {
            "name": "${schema.spec.name}-tls",
            "namespace": "certs",
            "labels": {"team": "web"},
            "annotations": {"owner": "web"},
        },
        "spec": {"secretName": "${schema.spec.name}-tls", "dnsNames": ["${schema.spec.domain}"]},
    }
    role = k8s.resource("rbac.authorization.k8s.io/v1", "Role", "r", fields={"rules": []})
    assert rendered(role)["rules"] == []


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        (("apps/v1beta", "Deployment", "x"), "api_version"),
        (("v1", "configMap", "x"), "kind"),
        (("v1", "ConfigMap", "x", {"fields": {"metadata": {}}}), "fields.metadata"),
        (("rbac.authorization.k8s.io/v1", "ClusterRole", "x", {"namespace": "a"}), "namespace"),
        (("v1", "ConfigMap", "x", {"labels": {"app": "a b"}}), "labels.app"),
    ],
)
def test_resource_misuse_is_refused(arguments: tuple[object, ...], path: str) -> None:
    options = arguments[3] if len(arguments) == 4 else {}
    with pytest.raises(DefinitionError) as error:
        k8s.resource(*arguments[:3], **options)  # type: ignore[arg-type]
    assert error.value.location.path == path


def test_namespace_is_cluster_scoped() -> None:
    assert rendered(k8s.Namespace("team-a", labels={"team": "a"})) == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "team-a", "labels": {"team": "a"}},
    }
    with pytest.raises(DefinitionError) as error:
        k8s.Namespace("team-a", namespace="default")
    assert error.value.rule == "cluster-scoped-namespace"


def test_directives_are_passed_on_to_the_resource(schema: Expr) -> None:
    config = k8s.ConfigMap("c", {"a": "b"})
    extra_config = k8s.resource(
        "v1",
        "ConfigMap",
        "x",
        id="extraConfig",
        include_when=schema.spec.debug,
        ready_when=lambda r: r.metadata.name != "",
        depends_on=[config],
    )
    assert extra_config.id == "extraConfig"
    assert len(extra_config.include_when) == 1
    assert len(extra_config.ready_when) == 1
    assert extra_config.depends_on == (config,)
    region = Expr(n.Ident("region"))
    regional = k8s.ConfigMap(f"cfg-{region}", {"REGION": region}, for_each={"region": ["eu", "us"]})
    assert regional.is_collection
    assert rendered(regional)["metadata"]["name"] == "cfg-${string(region)}"  # the iterator is untyped
    with pytest.raises(DefinitionError) as error:
        k8s.ConfigMap("c", include_when=True)
    assert "ConfigMap 'c'" in str(error.value)


def test_external_ref_by_name_reads_one_object() -> None:
    platform = k8s.external_ref(
        "v1", "ConfigMap", name="platform-config", namespace="platform", id="platformConfig"
    )
    assert platform.template is None
    assert platform.external_ref == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "platform-config", "namespace": "platform"},
    }
    assert platform.id == "platformConfig"
    assert not platform.is_collection


def test_external_ref_by_selector_is_a_collection(schema: Expr) -> None:
    workers = k8s.external_ref("apps/v1", "Deployment", selector={"team": schema.spec.name})
    assert rendered(workers)["metadata"] == {"selector": {"matchLabels": {"team": "${schema.spec.name}"}}}
    assert workers.is_collection
    everything = k8s.external_ref("v1", "ConfigMap", selector={})
    assert everything.external_ref is not None
    assert everything.external_ref["metadata"] == {"selector": {}}
    assert everything.is_collection


def test_external_ref_selector_lists_stay_lists_for_the_rgd_crd(schema: Expr) -> None:
    # kro's RGD CRD types externalRef.metadata.selector as a LabelSelector: the API server rejects
    # `values: ${...}` (a string where an array is required) when the RGD is applied
    envs = Expr(n.Select(n.Select(n.Ident("schema"), "spec"), "envs"), "list")
    requirement = {"key": "env", "operator": "In", "values": envs}
    with pytest.raises(DefinitionError, match="must be a list") as caught:
        k8s.external_ref("v1", "Secret", selector={"matchExpressions": [requirement]})
    assert caught.value.location.path == "selector.matchExpressions[0].values"
    assert "values=[schema.spec.env]" in (caught.value.hint or "")
    with pytest.raises(DefinitionError, match="list of requirements"):
        k8s.external_ref("v1", "Secret", selector={"matchExpressions": envs})
    # each value may be an expression (a string in the list), non-strings are made strings
    ok = k8s.external_ref(
        "v1",
        "Secret",
        selector={"matchExpressions": [{"key": "env", "operator": "In", "values": [schema.spec.name, 3]}]},
    )
    assert rendered(ok)["metadata"]["selector"]["matchExpressions"] == [
        {"key": "env", "operator": "In", "values": ["${schema.spec.name}", "3"]}
    ]


@pytest.mark.parametrize(
    ("options", "rule"),
    [
        ({}, "external-ref"),
        ({"name": "a", "selector": {}}, "external-ref"),
        ({"name": "a", "for_each": {"x": [1]}}, "unknown-option"),
        ({"name": "a", "labels": {"a": "b"}}, "unknown-option"),
    ],
)
def test_external_ref_misuse_is_refused(options: dict[str, object], rule: str) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.external_ref("v1", "ConfigMap", **options)  # type: ignore[arg-type]
    assert error.value.rule == rule


def test_an_external_cluster_scoped_object_has_no_namespace() -> None:
    with pytest.raises(DefinitionError):
        k8s.external_ref("storage.k8s.io/v1", "StorageClass", name="fast", namespace="x")
    fast = k8s.external_ref("storage.k8s.io/v1", "StorageClass", name="fast")
    assert fast.external_ref is not None
    assert fast.external_ref["metadata"] == {"name": "fast"}
