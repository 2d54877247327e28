"""Service, Ingress and NetworkPolicy."""

from __future__ import annotations

import pytest

from kro_gen import k8s
from kro_gen.errors import DefinitionError
from kro_gen.expr.wrapper import Expr

from .support import named, rendered


def test_service_selects_the_pods_of_a_workload_resource(schema: Expr) -> None:
    web = k8s.Deployment(schema.spec.name, image="web:1", labels={"tier": "front"})
    svc = k8s.Service("web", selector=web, ports=[3000])
    spec = rendered(svc)["spec"]
    # the workload's selector labels, not its other labels: exactly the pods it owns
    assert spec["selector"] == {"app": "${schema.spec.name}"}
    assert spec["selector"] == rendered(web)["spec"]["selector"]["matchLabels"]
    assert spec["ports"] == [{"port": 3000, "targetPort": 3000}]


def test_service_ports_type_and_headless_cluster_ip() -> None:
    svc = k8s.Service(
        "api",
        selector={"app": "api"},
        ports=[{"name": "http", "port": 80, "targetPort": "http"}, {"name": "grpc", "port": 9000}],
        type="LoadBalancer",
    )
    spec = rendered(svc)["spec"]
    assert spec["type"] == "LoadBalancer"
    assert spec["ports"][0] == {"name": "http", "port": 80, "targetPort": "http"}
    headless = k8s.Service("db", selector={"app": "db"}, ports=[5432], cluster_ip="None")
    assert rendered(headless)["spec"]["clusterIP"] == "None"


def test_several_numbered_ports_get_names_kubernetes_requires() -> None:
    spec = rendered(k8s.Service("api", selector={"app": "api"}, ports=[80, 443]))["spec"]
    assert [p["name"] for p in spec["ports"]] == ["port-80", "port-443"]
    with pytest.raises(DefinitionError) as error:
        k8s.Service("api", selector={"app": "api"}, ports=[{"port": 80}, {"port": 443}])
    assert error.value.location.path == "ports[0]"


def test_a_service_name_must_be_a_dns_label() -> None:
    for name in ("api.v1", "1-api"):  # valid for a Deployment, rejected for a Service
        with pytest.raises(DefinitionError) as error:
            k8s.Service(name, selector={"app": "api"}, ports=[80])
        assert error.value.rule == "object-name"


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"ports": []}, "ports"),
        ({"ports": [80], "type": "Internal"}, "type"),
        ({"ports": [{"port": 80, "target": 8080}]}, "ports[0].target"),
        ({"ports": [0]}, "ports[0]"),
        ({"ports": [80], "selector": k8s.Job("j", image="j")}, "selector"),
    ],
)
def test_service_misuse_is_refused(options: dict[str, object], path: str) -> None:
    arguments: dict[str, object] = {"selector": {"app": "api"}, **options}
    with pytest.raises(DefinitionError) as error:
        k8s.Service("api", **arguments)  # type: ignore[arg-type]
    assert error.value.location.path == path


def test_ingress_convenience_references_the_service_and_takes_its_only_port(schema: Expr) -> None:
    gateway = named(k8s.Service("api-gateway", selector={"app": "api-gateway"}, ports=[80]), "gatewayService")
    ingress = k8s.Ingress(
        "microservices-ingress",
        host=schema.spec.domain,
        service=gateway,
        ingress_class_name="nginx",
        tls="web-tls",
    )
    spec = rendered(ingress)["spec"]
    assert spec["ingressClassName"] == "nginx"
    assert spec["rules"] == [
        {
            "host": "${schema.spec.domain}",
            "http": {
                "paths": [
                    {
                        "path": "/",
                        "pathType": "Prefix",
                        "backend": {
                            "service": {"name": "${gatewayService.metadata.name}", "port": {"number": 80}}
                        },
                    }
                ]
            },
        }
    ]
    assert spec["tls"] == [{"hosts": ["${schema.spec.domain}"], "secretName": "web-tls"}]


def test_ingress_with_rules_verbatim_and_named_ports(schema: Expr) -> None:
    rules = [{"host": schema.spec.domain, "http": {"paths": []}}]
    assert rendered(k8s.Ingress("i", rules=rules))["spec"]["rules"] == [
        {"host": "${schema.spec.domain}", "http": {"paths": []}}
    ]
    named_port = k8s.Ingress("i", service="web", port="http", path="/api", path_type="Exact")
    path = rendered(named_port)["spec"]["rules"][0]["http"]["paths"][0]
    assert path["backend"]["service"]["port"] == {"name": "http"}
    assert path["pathType"] == "Exact"
    assert "host" not in rendered(named_port)["spec"]["rules"][0]


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"rules": [], "host": "a.example.com"}, "host"),
        ({}, "service"),
        ({"service": "web"}, "port"),  # a service by name has no known port
        ({"service": "web", "port": 80, "path_type": "Glob"}, "path_type"),
        ({"service": "web", "port": 80, "tls": "cert"}, "tls"),  # a TLS secret needs a host
    ],
)
def test_ingress_misuse_is_refused(options: dict[str, object], path: str) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Ingress("i", **options)  # type: ignore[arg-type]
    assert error.value.location.path == path


def test_network_policy_types_follow_what_is_given() -> None:
    web = k8s.Deployment("web", image="web:1")
    only_egress = k8s.NetworkPolicy("egress", pod_selector=web, egress=[{"to": [{"podSelector": {}}]}])
    spec = rendered(only_egress)["spec"]
    assert spec["podSelector"] == {"matchLabels": {"app": "web"}}
    # Kubernetes' default would add Ingress here and silently deny all ingress
    assert spec["policyTypes"] == ["Egress"]
    deny_all = rendered(k8s.NetworkPolicy("deny", pod_selector={}))["spec"]
    assert deny_all == {"podSelector": {}, "policyTypes": ["Ingress"]}
    both = rendered(k8s.NetworkPolicy("both", pod_selector={"app": "db"}, ingress=[], egress=[]))["spec"]
    assert both["policyTypes"] == ["Ingress", "Egress"]
    assert both["ingress"] == [] and both["egress"] == []
    expressions = {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a"]}]}
    assert rendered(k8s.NetworkPolicy("x", pod_selector=expressions))["spec"]["podSelector"] == expressions
    with pytest.raises(DefinitionError):
        k8s.NetworkPolicy("x", pod_selector={}, policy_types=["Both"])
