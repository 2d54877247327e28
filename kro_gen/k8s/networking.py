"""Networking: Service, Ingress and NetworkPolicy.

>>> from kro_gen import k8s
>>> api = k8s.Deployment("api", image="api:1", ports=[8080])
>>> svc = k8s.Service("api", selector=api, ports=[{"port": 80, "targetPort": 8080}])
>>> svc.template["spec"]["selector"]
{'app': 'api'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from kro_gen.expr.wrapper import Expr, type_of
from kro_gen.graph.resource import Resource
from kro_gen.k8s import kinds
from kro_gen.k8s.base import Common, Site, builder, is_expression
from kro_gen.k8s.refs import label_selector, name_of, selector_labels
from kro_gen.k8s.values import as_items, as_port, as_string, check_keys, choice, compact, dict_list, items_of

_DNS_1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_SERVICE_PORT_FIELDS = ("name", "port", "targetPort", "protocol", "nodePort", "appProtocol")


def _service_ports(site: Site, value: object) -> object:
    if isinstance(value, Expr):
        return value
    items = as_items(value, site, "ports")
    if not items:
        raise site.error("ports", "a Service needs at least one port", rule="option-value")
    ports: list[dict[str, Any]] = []
    for where, item in items_of(items, site, "ports"):
        if isinstance(item, Mapping):
            check_keys(item, _SERVICE_PORT_FIELDS, site, where, required=("port",))
            port = dict(item)
            port["port"] = as_port(item["port"], site, f"{where}.port", named=False)
            if "targetPort" in item:
                port["targetPort"] = as_port(item["targetPort"], site, f"{where}.targetPort")
        else:
            number = as_port(item, site, where, named=False)
            port = {"port": number, "targetPort": number}
            if len(items) > 1:
                if isinstance(number, Expr):
                    raise site.error(
                        where, f"{where} needs a name: write {{'name': ..., 'port': ...}}", rule="port"
                    )
                port = {"name": f"port-{number}", **port}
        if len(items) > 1 and "name" not in port:
            raise site.error(
                where,
                f"{where} has no name; Kubernetes requires a name on every port of a multi-port Service",
                rule="port",
            )
        ports.append(port)
    return ports


@builder(returns=kinds.Service)
def Service(
    name: object,
    *,
    selector: Mapping[str, object] | Resource,
    ports: Sequence[object] | Expr,
    type: object = None,
    cluster_ip: object = None,
    **options: Unpack[Common],
) -> Resource:
    """A ``v1`` Service.

    ``selector`` is a dict of pod labels or a workload resource (its selector labels are copied);
    ``ports`` are numbers (``[3000]``: port and targetPort 3000) or ServicePort dicts; ``type`` is
    ``ClusterIP``, ``NodePort``, ``LoadBalancer`` or ``ExternalName``; ``cluster_ip="None"`` makes it
    headless.
    """
    site = Site.of("Service", name, options)
    if isinstance(name, str) and not is_expression(name) and (len(name) > 63 or not _DNS_1035.match(name)):
        raise site.error(
            "name",
            f"{name!r} is not a valid Service name",
            hint="Service names are DNS labels: lowercase letters, digits and '-', starting with a letter",
            rule="object-name",
        )
    spec = compact(
        type=None
        if type is None
        else choice(type, ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"), site, "type"),
        clusterIP=None if cluster_ip is None else as_string(cluster_ip, site, "cluster_ip"),
        selector=selector_labels(selector, site, "selector"),
        ports=_service_ports(site, ports),
    )
    return site.finish("v1", "Service", {"spec": spec}, options)


def _backend_port(site: Site, service: object, port: object) -> dict[str, object]:
    if port is None and isinstance(service, Resource) and service.template is not None:
        ports = (service.template.get("spec") or {}).get("ports")
        if isinstance(ports, list) and len(ports) == 1 and isinstance(ports[0], Mapping):
            port = ports[0].get("port")
    if port is None:
        raise site.error("port", "port= is needed: the service's port is not known", rule="ingress")
    if isinstance(port, str) or (isinstance(port, Expr) and type_of(port) == "string"):
        return {"name": as_port(port, site, "port")}
    return {"number": as_port(port, site, "port", named=False)}


def _tls(site: Site, tls: object, host: object) -> object:
    if tls is None or isinstance(tls, Expr):
        return tls
    if isinstance(tls, str | Resource):
        if host is None:
            raise site.error(
                "tls", "tls with a secret name needs host=", hint="or pass tls as a list of dicts"
            )
        secret = name_of(tls, site, "tls", kinds=("Secret", "ExternalSecret"))
        return [{"hosts": [as_string(host, site, "host")], "secretName": secret}]
    return dict_list(tls, site, "tls")


@builder(returns=kinds.Ingress)
def Ingress(
    name: object,
    *,
    rules: Sequence[Mapping[str, Any]] | Expr | None = None,
    host: object = None,
    service: object = None,
    port: object = None,
    path: object = "/",
    path_type: object = "Prefix",
    ingress_class_name: object = None,
    tls: object = None,
    **options: Unpack[Common],
) -> Resource:
    """A ``networking.k8s.io/v1`` Ingress.

    Either ``rules`` (the Kubernetes shape, verbatim) or the one-backend convenience: ``host``,
    ``service`` (a name or Service resource, referenced by ``${<id>.metadata.name}``), ``port`` (number
    or name; taken from the Service when it has exactly one), ``path`` and ``path_type``. ``tls`` is a
    TLS secret (name, Secret or ExternalSecret) for ``host``, or a list of IngressTLS dicts.
    """
    site = Site.of("Ingress", name, options)
    if rules is not None:
        given = [
            key for key, value in (("host", host), ("service", service), ("port", port)) if value is not None
        ]
        if given:
            raise site.error(given[0], f"{given[0]}= cannot be combined with rules=", rule="ingress")
        rule_list = rules if isinstance(rules, Expr) else dict_list(rules, site, "rules")
    else:
        if service is None:
            raise site.error("service", "an Ingress needs rules= or service=", rule="ingress")
        backend = {"service": {"name": name_of(service, site, "service", kinds=("Service",))}}
        backend["service"]["port"] = _backend_port(site, service, port)
        http_path = {
            "path": as_string(path, site, "path"),
            "pathType": choice(path_type, ("Prefix", "Exact", "ImplementationSpecific"), site, "path_type"),
            "backend": backend,
        }
        host_value = None if host is None else as_string(host, site, "host")
        rule_list = [compact(host=host_value, http={"paths": [http_path]})]
    spec = compact(
        ingressClassName=None
        if ingress_class_name is None
        else as_string(ingress_class_name, site, "ingress_class_name"),
        tls=_tls(site, tls, host),
        rules=rule_list,
    )
    return site.finish("networking.k8s.io/v1", "Ingress", {"spec": spec}, options)


@builder(returns=kinds.NetworkPolicy)
def NetworkPolicy(
    name: object,
    *,
    pod_selector: Mapping[str, Any] | Resource,
    ingress: Sequence[Mapping[str, Any]] | Expr | None = None,
    egress: Sequence[Mapping[str, Any]] | Expr | None = None,
    policy_types: Sequence[str] | None = None,
    **options: Unpack[Common],
) -> Resource:
    """A ``networking.k8s.io/v1`` NetworkPolicy for the pods ``pod_selector`` selects.

    ``pod_selector``: labels, a LabelSelector dict, a workload resource, or ``{}`` (all pods).
    ``policy_types`` defaults to what is given: ``Ingress`` when ``ingress`` is given (``[]`` denies
    all), ``Egress`` when ``egress`` is; with neither, ``["Ingress"]`` (deny all ingress). Kubernetes'
    own default would also add ``Ingress`` when only ``egress`` is given, denying all ingress unseen.
    """
    site = Site.of("NetworkPolicy", name, options)
    if policy_types is None:
        types = [kind for kind, rules in (("Ingress", ingress), ("Egress", egress)) if rules is not None] or [
            "Ingress"
        ]
    else:
        types = [
            str(choice(t, ("Ingress", "Egress"), site, "policy_types"))
            for t in as_items(policy_types, site, "policy_types")
        ]
    spec = compact(
        podSelector=label_selector(pod_selector, site, "pod_selector"),
        policyTypes=types,
        ingress=None if ingress is None else dict_list(ingress, site, "ingress"),
        egress=None if egress is None else dict_list(egress, site, "egress"),
    )
    return site.finish("networking.k8s.io/v1", "NetworkPolicy", {"spec": spec}, options)
