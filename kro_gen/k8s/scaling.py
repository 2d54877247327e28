"""Keeping replicas right: HorizontalPodAutoscaler (autoscaling/v2) and PodDisruptionBudget (policy/v1).

>>> from kro_gen import k8s
>>> web = k8s.Deployment("web", image="web:1", replicas=None)
>>> hpa = k8s.HorizontalPodAutoscaler("web", target=web, min_replicas=2, max_replicas=5, cpu_utilization=70)
>>> hpa.template["spec"]["metrics"][0]["resource"]
{'name': 'cpu', 'target': {'type': 'Utilization', 'averageUtilization': 70}}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from kro_gen.expr.wrapper import Expr
from kro_gen.graph.resource import Resource
from kro_gen.k8s import kinds
from kro_gen.k8s.base import Common, Site, builder
from kro_gen.k8s.refs import group_of, label_selector, name_ref
from kro_gen.k8s.values import as_dict, as_int, check_keys, compact, dict_list

_SCALABLE = ("Deployment", "StatefulSet", "ReplicaSet")
_PERCENT = re.compile(r"^[0-9]+%$")


def _is_builtin(api_version: str) -> bool:
    group = group_of(api_version)
    return "." not in group or group.endswith(".k8s.io")


def _scale_target(site: Site, target: object) -> dict[str, Any]:
    if isinstance(target, Resource):
        if _is_builtin(target.api_version) and target.kind not in _SCALABLE:
            raise site.error(
                "target", f"a {target.kind} cannot be scaled by an autoscaler", rule="hpa-target"
            )
        spec = (target.template or {}).get("spec")
        if isinstance(spec, Mapping) and spec.get("replicas") is not None:
            raise site.error(
                "target",
                f"the target {target.kind} sets spec.replicas, so kro would reset the replica count the "
                "autoscaler chooses on every reconcile",
                hint=f"create the {target.kind} with replicas=None",
                rule="hpa-replicas",
            )
        return {
            "apiVersion": target.api_version,
            "kind": target.kind,
            "name": name_ref(target, site, "target"),
        }
    entry = as_dict(target, site, "target")
    check_keys(entry, ("apiVersion", "kind", "name"), site, "target", required=("apiVersion", "kind", "name"))
    return dict(entry)


def _utilization(resource: str, value: object, site: Site, path: str) -> dict[str, Any]:
    percent = as_int(value, site, path, minimum=1)
    target = {"type": "Utilization", "averageUtilization": percent}
    return {"type": "Resource", "resource": {"name": resource, "target": target}}


@builder(returns=kinds.HorizontalPodAutoscaler)
def HorizontalPodAutoscaler(
    name: object,
    *,
    target: Resource | Mapping[str, Any],
    min_replicas: object,
    max_replicas: object,
    cpu_utilization: object = None,
    memory_utilization: object = None,
    metrics: Sequence[Mapping[str, Any]] | Expr | None = None,
    **options: Unpack[Common],
) -> Resource:
    """An ``autoscaling/v2`` HorizontalPodAutoscaler scaling ``target`` between the replica bounds.

    ``target`` is a Deployment/StatefulSet resource (created with ``replicas=None``, or kro and the
    autoscaler fight over the count) or a ``{apiVersion, kind, name}`` dict. ``cpu_utilization`` and
    ``memory_utilization`` are average utilization percentages; ``metrics`` adds MetricSpec dicts.
    """
    site = Site.of("HorizontalPodAutoscaler", name, options)
    low = as_int(min_replicas, site, "min_replicas", minimum=1)
    high = as_int(max_replicas, site, "max_replicas", minimum=1)
    if isinstance(low, int) and isinstance(high, int) and high < low:
        raise site.error(
            "max_replicas", f"max_replicas {high} is below min_replicas {low}", rule="option-range"
        )
    metric_list: list[Any] = []
    if cpu_utilization is not None:
        metric_list.append(_utilization("cpu", cpu_utilization, site, "cpu_utilization"))
    if memory_utilization is not None:
        metric_list.append(_utilization("memory", memory_utilization, site, "memory_utilization"))
    extra_metrics: object = None
    if metrics is not None:
        extra_metrics = dict_list(metrics, site, "metrics", required=("type",))
        if isinstance(extra_metrics, Expr):
            if metric_list:
                raise site.error(
                    "metrics", "metrics is an expression, so cpu/memory_utilization cannot add to it"
                )
            metric_list = extra_metrics  # type: ignore[assignment]
        else:
            metric_list.extend(extra_metrics)  # type: ignore[arg-type]
    spec = compact(
        scaleTargetRef=_scale_target(site, target),
        minReplicas=low,
        maxReplicas=high,
        metrics=metric_list or None,
    )
    return site.finish("autoscaling/v2", "HorizontalPodAutoscaler", {"spec": spec}, options)


def _budget(value: object, site: Site, path: str) -> object:
    if isinstance(value, str):
        if not _PERCENT.match(value):
            raise site.error(
                path, f"{path} must be a number or a percentage like '50%', got {value!r}", rule="pdb"
            )
        return value
    if isinstance(value, Expr):
        return value
    return as_int(value, site, path)


@builder(returns=kinds.PodDisruptionBudget)
def PodDisruptionBudget(
    name: object,
    *,
    selector: Mapping[str, Any] | Resource,
    min_available: object = None,
    max_unavailable: object = None,
    **options: Unpack[Common],
) -> Resource:
    """A ``policy/v1`` PodDisruptionBudget: exactly one of ``min_available`` and ``max_unavailable``
    (a count or a percentage such as ``"50%"``) for the pods ``selector`` (labels or a workload) selects."""
    site = Site.of("PodDisruptionBudget", name, options)
    if (min_available is None) == (max_unavailable is None):
        raise site.error(
            "min_available",
            "a PodDisruptionBudget needs exactly one of min_available and max_unavailable",
            rule="pdb",
        )
    spec = compact(
        minAvailable=None if min_available is None else _budget(min_available, site, "min_available"),
        maxUnavailable=None if max_unavailable is None else _budget(max_unavailable, site, "max_unavailable"),
        selector=label_selector(selector, site, "selector"),
    )
    return site.finish("policy/v1", "PodDisruptionBudget", {"spec": spec}, options)
