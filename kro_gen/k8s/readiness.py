"""Readiness defaults: the ``readyWhen`` each kind gets unless its builder call says otherwise.

kro counts a resource without ``readyWhen`` as ready the moment it exists, so without these an instance
reports Ready while its pods crash, and dependents start before what they need runs. One table, kind ->
rule, says when an object of that kind is really up; every builder applies it through
:func:`default_ready_when` (in :meth:`kro_gen.k8s.base.Site.make`).

Per resource:

* ``ready_when=`` omitted: the kind's default (none for kinds not in the table);
* ``ready_when=[...]``: replaces the default (``resource.when_ready(...)`` adds to it instead);
* ``ready_when=k8s.EXISTS`` (an empty tuple): no readiness, ready once it exists (kro's own default).

Every rule reads only the resource itself (kro's rule for readyWhen), and reads every status field
with optional access and a fallback (``.?f.orValue(x)``): Kubernetes omits a counter that is zero and
a status not yet written, and a plain read would fail until it appears. Each condition is one
``readyWhen`` entry, so kro's "readyWhen condition evaluated to false" names the part that is missing.

The rules follow what Argo CD's built-in health checks and Flux's kstatus call healthy:

==========================  =======================================================================
kind                        ready when
==========================  =======================================================================
Deployment                  the controller saw this generation, and updated, available and total
                            replicas equal the desired count (no old pod left)
StatefulSet                 the controller saw this generation, ready replicas equal the desired
                            count, and a rolling update has updated every pod above its partition
DaemonSet                   the controller saw this generation, and every scheduled pod is updated
                            and available
Job                         its ``Complete`` condition is True
Service                     type LoadBalancer only: the load balancer has an address
Ingress                     the ingress controller published an address
ExternalSecret              its ``Ready`` condition is True (the Secret was synced)
Certificate (cert-manager)  its ``Ready`` condition is True
SealedSecret                its ``Synced`` condition is True
==========================  =======================================================================

Left out on purpose: PersistentVolumeClaim (with a ``WaitForFirstConsumer`` storage class, the default
on most clusters, a claim binds only once a pod uses it; waiting for Bound would hold back the very
workload that binds it), HorizontalPodAutoscaler, PodDisruptionBudget and CronJob (their state says
nothing about whether the workload runs; the workload's own readiness does), and ConfigMap, Secret,
ServiceAccount, RBAC, NetworkPolicy and Namespace (ready once stored).

>>> from kro_gen.expr.render import render_cel
>>> from kro_gen.expr.wrapper import node_of
>>> from kro_gen.graph.resource import Resource
>>> job = Resource({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"}}, id="migrate")
>>> [render_cel(node_of(rule(job.ref()))) for rule in default_ready_when(job.template)]
['migrate.?status.?conditions.orValue([]).exists(x, x.type == "Complete" && x.status == "True")']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kro_gen import cel
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr, as_expr, has_expression, node_of, to_node

#: ``ready_when=k8s.EXISTS``: no readiness; the resource is ready as soon as it exists.
EXISTS: tuple[()] = ()

#: One readiness condition: a function of the resource itself (``each`` in a collection).
Condition = Callable[[Expr], Expr]
#: A kind's rule: the object's template -> its conditions (empty: nothing to wait for).
Rule = Callable[[Mapping[str, Any]], tuple[Condition, ...]]


def _optional(base: Expr, path: str, fallback: object) -> Expr:
    """``base.?a.?b.orValue(fallback)``: every field of the dotted ``path`` may be absent."""
    node = node_of(base)
    for field in path.split("."):
        node = n.Select(node, field, optional=True)
    return Expr(n.Method(node, "orValue", (to_node(fallback),)))


def _status(subject: Expr, field: str, fallback: object) -> Expr:
    return _optional(subject, f"status.{field}", fallback)


def _current(subject: Expr) -> Expr:
    """The controller has seen the current spec (``status.observedGeneration == metadata.generation``)."""
    return _status(subject, "observedGeneration", 0) == subject.metadata.generation


def _desired(subject: Expr) -> Expr:
    """``spec.replicas``, which the API server defaults to 1."""
    return _optional(subject.spec, "replicas", 1)


def _condition_true(condition_type: str) -> Condition:
    def rule(subject: Expr) -> Expr:
        return as_expr(
            cel.exists(
                _status(subject, "conditions", []),
                lambda c: (c.type == condition_type) & (c.status == "True"),
            )
        )

    return rule


def _has_address(subject: Expr) -> Expr:
    return as_expr(cel.size(_status(subject, "loadBalancer.ingress", []))) > 0


def _deployment(_: Mapping[str, Any]) -> tuple[Condition, ...]:
    return (
        _current,
        lambda d: _status(d, "updatedReplicas", 0) == _desired(d),
        lambda d: _status(d, "availableReplicas", 0) == _desired(d),
        lambda d: _status(d, "replicas", 0) == _desired(d),
    )


def _stateful_set(_: Mapping[str, Any]) -> tuple[Condition, ...]:
    def rolled_out(s: Expr) -> Expr:
        on_delete = _optional(s.spec, "updateStrategy.type", "RollingUpdate") == "OnDelete"
        partition = _optional(s.spec, "updateStrategy.rollingUpdate.partition", 0)
        return on_delete | (_status(s, "updatedReplicas", 0) >= _desired(s) - partition)

    return (_current, lambda s: _status(s, "readyReplicas", 0) == _desired(s), rolled_out)


def _daemon_set(_: Mapping[str, Any]) -> tuple[Condition, ...]:
    def scheduled(d: Expr) -> Expr:
        return _status(d, "desiredNumberScheduled", 0)

    return (
        _current,
        lambda d: _status(d, "updatedNumberScheduled", 0) == scheduled(d),
        lambda d: _status(d, "numberAvailable", 0) == scheduled(d),
    )


def _service(template: Mapping[str, Any]) -> tuple[Condition, ...]:
    service_type = (template.get("spec") or {}).get("type", "ClusterIP")
    if isinstance(service_type, str) and not has_expression(service_type):
        return (_has_address,) if service_type == "LoadBalancer" else ()
    # the type comes from the spec: decide on the object kro applied
    return (lambda s: (_optional(s.spec, "type", "ClusterIP") != "LoadBalancer") | _has_address(s),)


def _always(*conditions: Condition) -> Rule:
    return lambda _: conditions


#: ``(API group, kind)`` -> readiness rule.
DEFAULTS: Mapping[tuple[str, str], Rule] = {
    ("apps", "Deployment"): _deployment,
    ("apps", "StatefulSet"): _stateful_set,
    ("apps", "DaemonSet"): _daemon_set,
    ("batch", "Job"): _always(_condition_true("Complete")),
    ("", "Service"): _service,
    ("networking.k8s.io", "Ingress"): _always(_has_address),
    ("external-secrets.io", "ExternalSecret"): _always(_condition_true("Ready")),
    ("cert-manager.io", "Certificate"): _always(_condition_true("Ready")),
    ("bitnami.com", "SealedSecret"): _always(_condition_true("Synced")),
}


def default_ready_when(template: Mapping[str, Any]) -> tuple[Condition, ...]:
    """The default readiness conditions of ``template`` (a Kubernetes object), by its kind."""
    api_version = str(template.get("apiVersion", ""))
    rule = DEFAULTS.get((api_version.rpartition("/")[0], str(template.get("kind", ""))))
    return rule(template) if rule is not None else ()
