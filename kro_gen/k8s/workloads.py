"""Workloads: Deployment, StatefulSet, DaemonSet, Job and CronJob, all on one pod builder.

>>> from kro_gen import k8s
>>> web = k8s.Deployment("web", image="nginx:1.27", ports=[80], replicas=2)
>>> web.template["spec"]["selector"]
{'matchLabels': {'app': 'web'}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from kro_gen.expr.wrapper import Expr
from kro_gen.graph.resource import Resource
from kro_gen.k8s import kinds
from kro_gen.k8s.base import Site, builder
from kro_gen.k8s.pods import PodOptions, app_labels, pod_template
from kro_gen.k8s.refs import name_of
from kro_gen.k8s.values import as_bool, as_dict, as_int, as_string, choice, compact, dicts_of


class JobOptions(PodOptions, total=False):
    """Options of Job and CronJob (besides :class:`~kro_gen.k8s.pods.PodOptions`).

    Keys:
        restart_policy: ``Never`` (default) or ``OnFailure``.
        backoff_limit, completions, parallelism, active_deadline_seconds, ttl_seconds_after_finished:
            the Job spec fields of the same (camelCase) names.
    """

    restart_policy: str
    backoff_limit: object
    completions: object
    parallelism: object
    active_deadline_seconds: object
    ttl_seconds_after_finished: object


_JOB_FIELDS = {
    "backoff_limit": "backoffLimit",
    "completions": "completions",
    "parallelism": "parallelism",
    "active_deadline_seconds": "activeDeadlineSeconds",
    "ttl_seconds_after_finished": "ttlSecondsAfterFinished",
}


def _strategy(site: Site, value: object, path: str, types: tuple[str, ...]) -> object:
    """A rollout strategy: a type name (``"Recreate"``) or a strategy dict."""
    if value is None or isinstance(value, Expr):
        return value
    if isinstance(value, str):
        return {"type": choice(value, types, site, path)}
    entry = as_dict(value, site, path)
    if "type" in entry:
        choice(entry["type"], types, site, f"{path}.type")
    return dict(entry)


def _controller(
    site: Site,
    kind: str,
    options: Mapping[str, Any],
    selector: object,
    head: Mapping[str, object],
    tail: Mapping[str, object],
) -> Resource:
    pod = pod_template(site, options, selector=selector, needs_selector=True)
    spec = {**compact(**head), "selector": {"matchLabels": pod.match_labels}, **compact(**tail)}
    spec["template"] = pod.template
    return site.finish("apps/v1", kind, {"spec": spec}, options, default_labels=app_labels(site, options))


def _replicas(site: Site, replicas: object) -> object:
    return None if replicas is None else as_int(replicas, site, "replicas")


@builder(PodOptions, returns=kinds.Deployment)
def Deployment(
    name: object,
    *,
    replicas: object = 1,
    selector: Mapping[str, object] | None = None,
    strategy: object = None,
    **options: Unpack[PodOptions],
) -> Resource:
    """An ``apps/v1`` Deployment: a main container, and ``sidecars=``/``init_containers=``.

    ``replicas=None`` leaves the field out (for a HorizontalPodAutoscaler to own); ``selector`` replaces
    the default ``{"app": name}`` (and is required with ``default_labels=False``); ``strategy`` is
    ``"Recreate"``, ``"RollingUpdate"`` or a strategy dict.
    See :class:`~kro_gen.k8s.pods.PodOptions` for the pod and container options.

    >>> d = Deployment("user-service", image="user:1.0", ports=[3000], env={"PORT": 3000})
    >>> d.template["spec"]["template"]["spec"]["containers"][0]["env"]
    [{'name': 'PORT', 'value': '3000'}]
    """
    site = Site.of("Deployment", name, options)
    return _controller(
        site,
        "Deployment",
        options,
        selector,
        {"replicas": _replicas(site, replicas)},
        {"strategy": _strategy(site, strategy, "strategy", ("RollingUpdate", "Recreate"))},
    )


@builder(PodOptions, returns=kinds.StatefulSet)
def StatefulSet(
    name: object,
    *,
    service_name: object = None,
    replicas: object = 1,
    volume_claim_templates: Sequence[Mapping[str, Any]] = (),
    selector: Mapping[str, object] | None = None,
    strategy: object = None,
    **options: Unpack[PodOptions],
) -> Resource:
    """An ``apps/v1`` StatefulSet.

    ``service_name`` is the governing (headless) Service: a name or a Service resource;
    ``volume_claim_templates`` are PVC templates, e.g. ``k8s.volume_claim_template("data", size="10Gi")``;
    ``strategy`` is the updateStrategy (``"RollingUpdate"``, ``"OnDelete"`` or a dict).
    """
    site = Site.of("StatefulSet", name, options)
    service = (
        None if service_name is None else name_of(service_name, site, "service_name", kinds=("Service",))
    )
    return _controller(
        site,
        "StatefulSet",
        options,
        selector,
        {"serviceName": service, "replicas": _replicas(site, replicas)},
        {
            "updateStrategy": _strategy(site, strategy, "strategy", ("RollingUpdate", "OnDelete")),
            "volumeClaimTemplates": _claim_templates(site, volume_claim_templates),
        },
    )


def _claim_templates(site: Site, value: object) -> object:
    if isinstance(value, Expr):
        return value
    result = []
    fields = ("apiVersion", "kind", "metadata", "spec")
    for where, entry in dicts_of(value, site, "volume_claim_templates", allowed=fields, required=fields[2:]):
        if "name" not in as_dict(entry["metadata"], site, f"{where}.metadata"):
            raise site.error(f"{where}.metadata", f"{where} needs metadata.name", rule="option-shape")
        result.append(dict(entry))
    return result or None


@builder(PodOptions, returns=kinds.DaemonSet)
def DaemonSet(
    name: object,
    *,
    selector: Mapping[str, object] | None = None,
    strategy: object = None,
    **options: Unpack[PodOptions],
) -> Resource:
    """An ``apps/v1`` DaemonSet (one pod per node); ``strategy`` is the updateStrategy."""
    site = Site.of("DaemonSet", name, options)
    strategy_field = _strategy(site, strategy, "strategy", ("RollingUpdate", "OnDelete"))
    return _controller(site, "DaemonSet", options, selector, {}, {"updateStrategy": strategy_field})


def _job_spec(site: Site, options: Mapping[str, Any]) -> dict[str, Any]:
    restart = choice(options.get("restart_policy", "Never"), ("Never", "OnFailure"), site, "restart_policy")
    pod = pod_template(site, options, restart_policy=restart)
    spec = {
        k8s: as_int(options[key], site, key)
        for key, k8s in _JOB_FIELDS.items()
        if options.get(key) is not None
    }
    spec["template"] = pod.template
    return spec


@builder(JobOptions, returns=kinds.Job)
def Job(name: object, **options: Unpack[JobOptions]) -> Resource:
    """A ``batch/v1`` Job that runs its container to completion (``restartPolicy: Never`` by default).

    >>> job = Job("migrate", image="app:1.0", command=["./migrate"], backoff_limit=2)
    >>> job.template["spec"]["backoffLimit"], job.template["spec"]["template"]["spec"]["restartPolicy"]
    (2, 'Never')
    """
    site = Site.of("Job", name, options)
    spec = _job_spec(site, options)
    return site.finish("batch/v1", "Job", {"spec": spec}, options, default_labels=app_labels(site, options))


def _schedule(site: Site, schedule: object) -> object:
    value = as_string(schedule, site, "schedule")
    if isinstance(value, str) and not value.startswith("@") and len(value.split()) != 5:
        raise site.error(
            "schedule",
            f"{value!r} is not a cron schedule (five fields, or @hourly/@daily/...)",
            hint="e.g. '*/15 * * * *'",
            rule="cron-schedule",
        )
    return value


@builder(JobOptions, returns=kinds.CronJob)
def CronJob(
    name: object,
    *,
    schedule: object,
    time_zone: object = None,
    concurrency_policy: object = None,
    suspend: object = None,
    starting_deadline_seconds: object = None,
    successful_jobs_history_limit: object = None,
    failed_jobs_history_limit: object = None,
    **options: Unpack[JobOptions],
) -> Resource:
    """A ``batch/v1`` CronJob running a Job (all :class:`JobOptions`) on ``schedule``.

    ``concurrency_policy`` is ``Allow``, ``Forbid`` or ``Replace``.
    """
    site = Site.of("CronJob", name, options)

    def count(value: object, path: str) -> object:
        return None if value is None else as_int(value, site, path)

    spec = compact(
        schedule=_schedule(site, schedule),
        timeZone=None if time_zone is None else as_string(time_zone, site, "time_zone"),
        concurrencyPolicy=None
        if concurrency_policy is None
        else choice(concurrency_policy, ("Allow", "Forbid", "Replace"), site, "concurrency_policy"),
        suspend=None if suspend is None else as_bool(suspend, site, "suspend"),
        startingDeadlineSeconds=count(starting_deadline_seconds, "starting_deadline_seconds"),
        successfulJobsHistoryLimit=count(successful_jobs_history_limit, "successful_jobs_history_limit"),
        failedJobsHistoryLimit=count(failed_jobs_history_limit, "failed_jobs_history_limit"),
        jobTemplate={"spec": _job_spec(site, options)},
    )
    labels = app_labels(site, options)
    return site.finish("batch/v1", "CronJob", {"spec": spec}, options, default_labels=labels)
