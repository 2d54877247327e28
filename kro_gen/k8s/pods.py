"""The one pod builder behind Deployment, StatefulSet, DaemonSet, Job and CronJob.

Containers: the main one from the workload's own options, then ``sidecars=``; ``init_containers=``
before them (all built by :mod:`kro_gen.k8s.sidecars`); names unique across the three.

Labels: the workload, its pod template and its selector all carry ``app: <name>`` (the expression itself
when the name is computed), unless ``default_labels=False``. The user's ``labels`` go on the workload and
the pod template, never into the selector, which Kubernetes does not let change; an explicit
``selector`` is added to the pod labels so the two always match.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kro_gen.expr.fields import field_value
from kro_gen.k8s.base import Common, Site, merge_into, merged_labels, same_value
from kro_gen.k8s.refs import name_of, selector_labels
from kro_gen.k8s.sidecars import Built, Container, ContainerKeys, build_container
from kro_gen.k8s.values import as_dict, dict_list, items_of, label_map, string_map


class PodOptions(Common, ContainerKeys, total=False):
    """Options of every workload builder (besides :class:`~kro_gen.k8s.base.Common`).

    The main container's options are :class:`~kro_gen.k8s.sidecars.ContainerKeys` (``image`` is
    required; ``ports``, ``env``, ``env_from``, ``command``, ``args``, probes, ``resources``,
    ``volume_mounts``, ``config_map_mounts``, ``image_pull_policy``, ``security_context``,
    ``container_fields``). The pod's:

    Keys:
        container_name: the main container's name (default: the workload's name).
        sidecars: more containers, after the main one: ``[k8s.container(name, image=..., ...)]``.
        init_containers: ``initContainers``, in order: ``k8s.container(...)`` values; one with
            ``restart_policy="Always"`` is a native sidecar (Kubernetes 1.29+).
        volumes: written-out pod volumes (``config_map_mounts`` of any container add theirs).
        service_account: a name or a ServiceAccount resource.
        pod_annotations: annotations of the pod template.
        pod_fields: more pod spec fields (``nodeSelector``, ``tolerations``, ``affinity``...).
        default_labels: ``False`` leaves out the ``app: <name>`` label on the workload, its pods and
            its selector, so ``labels=`` and ``selector=`` give the exact label set (a controller then
            needs ``selector=``).
    """

    container_name: object
    sidecars: Sequence[Container]
    init_containers: Sequence[Container]
    volumes: Sequence[Mapping[str, Any]] | object
    service_account: object
    pod_annotations: Mapping[str, object] | None
    pod_fields: Mapping[str, Any] | None
    default_labels: bool


@dataclass(frozen=True)
class PodTemplate:
    """A pod template and the labels that select its pods."""

    template: dict[str, Any]
    match_labels: dict[str, Any]


def app_labels(site: Site, options: Mapping[str, Any]) -> dict[str, object]:
    """The labels the builders add: ``{"app": <name>}``, or none with ``default_labels=False``."""
    wanted = options.get("default_labels", True)
    if not isinstance(wanted, bool):
        raise site.error(
            "default_labels",
            f"default_labels must be True or False, got {wanted!r}",
            hint="a build-time choice: a literal bool, not an expression",
            rule="option-value",
        )
    return {"app": site.name} if wanted else {}


def pod_template(
    site: Site,
    options: Mapping[str, Any],
    *,
    selector: object = None,
    restart_policy: object = None,
    needs_selector: bool = False,
) -> PodTemplate:
    """The pod template for a workload named ``site.name`` with ``options`` (see :class:`PodOptions`).

    ``needs_selector``: the workload is a controller with ``spec.selector`` (not a Job).
    """
    defaults = app_labels(site, options)
    labels = label_map(merged_labels(site, defaults, options), site, "labels")
    if selector is None:
        if needs_selector and not defaults:
            raise site.error(
                "selector",
                "with default_labels=False there is no app label to select the pods by, "
                "so selector= is required",
                hint='e.g. selector={"app.kubernetes.io/name": "web"} (its labels are added to the pods)',
                rule="selector",
            )
        match_labels = {"app": labels["app"]} if defaults else {}
    else:
        match_labels = selector_labels(selector, site, "selector")
        for key, value in match_labels.items():
            if key in labels and not same_value(labels[key], value):
                raise site.error(
                    f"selector.{key}",
                    f"the selector wants {key}={value!r} but the pod label is {labels[key]!r}",
                    hint="the selector must match the pod labels; change one of them",
                    rule="selector",
                )
            labels.setdefault(key, value)
    main = build_container(site, _main_name(options, site), options)
    sidecars = _extra_containers(site, options, "sidecars")
    init = _extra_containers(site, options, "init_containers")
    _check_unique_names(site, [("", main), *sidecars, *init])
    spec: dict[str, Any] = {}
    if options.get("service_account") is not None:
        spec["serviceAccountName"] = name_of(
            options["service_account"], site, "service_account", kinds=("ServiceAccount",)
        )
    if restart_policy is not None:
        spec["restartPolicy"] = restart_policy
    if init:
        spec["initContainers"] = [built.body for _, built in init]
    spec["containers"] = [main.body, *(built.body for _, built in sidecars)]
    volumes = _volumes(options.get("volumes"), _mount_volumes(site, [("", main), *sidecars, *init]), site)
    if volumes is not None:
        spec["volumes"] = volumes
    pod_fields = options.get("pod_fields")
    if pod_fields is not None:
        fields = as_dict(pod_fields, site, "pod_fields")
        if "initContainers" in fields and init:
            raise site.error(
                "pod_fields.initContainers",
                "pod_fields.initContainers and init_containers= both give the init containers",
                hint="write each of them as k8s.container(...) in init_containers=",
                rule="builder-conflict",
            )
        merge_into(spec, fields, site, "pod_fields")
    metadata: dict[str, Any] = {"labels": labels} if labels else {}
    if options.get("pod_annotations") is not None:
        metadata["annotations"] = string_map(options["pod_annotations"], site, "pod_annotations")
    template = {"metadata": metadata, "spec": spec} if metadata else {"spec": spec}
    return PodTemplate(template, match_labels)


def _main_name(options: Mapping[str, Any], site: Site) -> object:
    name = options.get("container_name")
    return site.name if name is None else name


def _extra_containers(site: Site, options: Mapping[str, Any], key: str) -> list[tuple[str, Built]]:
    """``(prefix, built)`` for each :class:`Container` of option ``key`` (sidecars, init_containers)."""
    value = options.get(key)
    if value is None:
        return []
    result = []
    for where, item in items_of(value, site, key):
        if not isinstance(item, Container):
            raise site.error(
                where,
                f"{where} must be made with k8s.container(name, image=..., ...), got {type(item).__name__}",
                hint="k8s.container takes the main container's options (env=, ports=, probes, ...)",
                rule="option-shape",
            )
        prefix = f"{where}."
        built = build_container(site, item.name, item.options, prefix, init=key == "init_containers")
        result.append((prefix, built))
    return result


def _describe_container(prefix: str) -> str:
    return "the main container" if not prefix else prefix[:-1]


def _check_unique_names(site: Site, containers: list[tuple[str, Built]]) -> None:
    """Container names are unique across the main container, sidecars and init containers."""
    seen: list[tuple[object, str]] = []
    for prefix, built in containers:
        name = field_value(built.body["name"])  # computed names compare as the text kro gets
        for other_name, other in seen:
            if name == other_name:
                raise site.error(
                    f"{prefix}name" if prefix else "container_name",
                    f"{_describe_container(prefix)} is named {name!r}, like {_describe_container(other)}",
                    hint="container names are unique in a pod (init containers included); rename one",
                    rule="container-name",
                )
        seen.append((name, prefix))


def _mount_volumes(site: Site, containers: list[tuple[str, Built]]) -> list[Any]:
    """The pod volumes the containers' ``config_map_mounts`` need, each once."""
    volumes: dict[str, tuple[str, Any]] = {}
    for prefix, built in containers:
        for volume in built.volumes:
            first = volumes.setdefault(volume["name"], (prefix, volume))
            if not same_value(first[1], volume):
                raise site.error(
                    f"{prefix}config_map_mounts",
                    f"{_describe_container(prefix)} mounts another source as volume {volume['name']!r} than "
                    f"{_describe_container(first[0])}",
                    hint="give one of the mounts volume_name=",
                    rule="mount",
                )
    return [volume for _, volume in volumes.values()]


def _volumes(value: object, generated: list[Any], site: Site) -> object:
    written = [] if value is None else dict_list(value, site, "volumes")
    if not isinstance(written, list):
        if generated:
            raise site.error("volumes", "volumes is an expression, so config_map_mounts cannot add to it")
        return written
    names = {v["name"] for v in written if isinstance(v.get("name"), str)}
    for volume in generated:
        if volume["name"] in names:
            raise site.error(
                "config_map_mounts",
                f"the mount volume {volume['name']!r} has the name of a volume in volumes=",
                hint="give the mount volume_name=",
                rule="mount",
            )
    return [*written, *generated] or None
