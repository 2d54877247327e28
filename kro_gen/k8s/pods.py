"""The one pod and container builder behind Deployment, StatefulSet, DaemonSet, Job and CronJob.

Labels: the workload, its pod template and its selector all carry ``app: <name>`` (the expression itself
when the name is computed). The user's ``labels`` go on the workload and the pod template, never into the
selector, which Kubernetes does not let change; an explicit ``selector`` is added to the pod labels so
the two always match.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Required

from kro_gen.expr.wrapper import Expr
from kro_gen.k8s.base import Common, Site, is_expression, merge_into, merged_labels, same_value
from kro_gen.k8s.containers import container_ports, env_from_list, env_list, probe, resource_requirements
from kro_gen.k8s.refs import name_of, selector_labels
from kro_gen.k8s.values import (
    as_dict,
    as_string,
    choice,
    compact,
    dict_list,
    label_map,
    string_list,
    string_map,
)
from kro_gen.k8s.volumes import mount_volumes

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


# No ``from __future__ import annotations`` here: TypedDict must see ``Required`` (``image`` is required).
class PodOptions(Common, total=False):
    """Options of every workload builder (besides :class:`~kro_gen.k8s.base.Common`).

    Keys:
        image: the container image (required).
        ports: container ports: numbers (``[3000]``) or ContainerPort dicts.
        env: ``{NAME: value}`` (values become strings; ``k8s.secret_key_ref``/``config_map_key_ref`` read
            keys) or a list of Kubernetes env dicts.
        env_from: ConfigMap, Secret or ExternalSecret resources (referenced by name expression) or
            envFrom dicts.
        container_name: the container's name (default: the workload's name).
        command, args: lists of strings.
        liveness_probe, readiness_probe, startup_probe: ``k8s.http_get(...)``, ``k8s.tcp_socket(...)``,
            ``k8s.exec_probe(...)`` or probe dicts.
        resources: ``{"requests": {...}, "limits": {...}}``.
        volumes, volume_mounts: written-out pod volumes and container volumeMounts.
        config_map_mounts: ``k8s.mount(...)`` items; each adds a volume and a volumeMount.
        service_account: a name or a ServiceAccount resource.
        image_pull_policy: ``Always``, ``IfNotPresent`` or ``Never``.
        security_context: the container's securityContext.
        pod_annotations: annotations of the pod template.
        pod_fields: more pod spec fields (``nodeSelector``, ``tolerations``, ``initContainers``...).
        container_fields: more container fields (``workingDir``, ``lifecycle``...).
    """

    image: Required[object]
    ports: Sequence[object] | object
    env: Mapping[str, object] | Sequence[Mapping[str, object]] | object
    env_from: Sequence[object] | object
    container_name: object
    command: Sequence[object] | object
    args: Sequence[object] | object
    liveness_probe: Mapping[str, Any] | object
    readiness_probe: Mapping[str, Any] | object
    startup_probe: Mapping[str, Any] | object
    resources: Mapping[str, Any] | object
    volumes: Sequence[Mapping[str, Any]] | object
    volume_mounts: Sequence[Mapping[str, Any]] | object
    config_map_mounts: Sequence[object]
    service_account: object
    image_pull_policy: str | object
    security_context: Mapping[str, Any] | object
    pod_annotations: Mapping[str, object] | None
    pod_fields: Mapping[str, Any] | None
    container_fields: Mapping[str, Any] | None


@dataclass(frozen=True)
class PodTemplate:
    """A pod template and the labels that select its pods."""

    template: dict[str, Any]
    match_labels: dict[str, Any]


def pod_template(
    site: Site,
    options: Mapping[str, Any],
    *,
    selector: object = None,
    restart_policy: object = None,
) -> PodTemplate:
    """The pod template for a workload named ``site.name`` with ``options`` (see :class:`PodOptions`)."""
    labels = label_map(merged_labels(site, {"app": site.name}, options), site, "labels")
    if selector is None:
        match_labels = {"app": labels["app"]}
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
    volume_list, mounts = mount_volumes(options.get("config_map_mounts", ()), site)
    spec = compact(
        serviceAccountName=_service_account(options.get("service_account"), site),
        restartPolicy=restart_policy,
        containers=[_container(site, options, mounts)],
        volumes=_volumes(options.get("volumes", ()), volume_list, site),
    )
    pod_fields = options.get("pod_fields")
    if pod_fields is not None:
        merge_into(spec, as_dict(pod_fields, site, "pod_fields"), site, "pod_fields")
    metadata: dict[str, Any] = {"labels": labels}
    if options.get("pod_annotations") is not None:
        metadata["annotations"] = string_map(options["pod_annotations"], site, "pod_annotations")
    return PodTemplate({"metadata": metadata, "spec": spec}, match_labels)


def _service_account(value: object, site: Site) -> object:
    if value is None:
        return None
    return name_of(value, site, "service_account", kinds=("ServiceAccount",))


def _container_name(site: Site, options: Mapping[str, Any]) -> object:
    name = options.get("container_name")
    name = site.name if name is None else name
    value = as_string(name, site, "container_name")
    if (
        isinstance(value, str)
        and not is_expression(value)
        and (len(value) > 63 or not _DNS_LABEL.match(value))
    ):
        raise site.error(
            "container_name",
            f"{value!r} is not a valid container name (a DNS label: lowercase letters, digits and '-')",
            hint="pass container_name='...'",
            rule="container-name",
        )
    return value


def _container(site: Site, options: Mapping[str, Any], mounts: list[Any]) -> dict[str, Any]:
    image = as_string(options["image"], site, "image")
    if isinstance(image, str) and not image:
        raise site.error("image", "the image is empty", rule="option-value")

    def optional(key: str, convert: Any) -> object:
        value = options.get(key)
        if value is None or (isinstance(value, list | tuple | Mapping) and not value):
            return None
        return convert(value, site, key)

    volume_mounts = optional("volume_mounts", _mount_dicts)
    if mounts:
        if isinstance(volume_mounts, Expr):
            raise site.error(
                "volume_mounts", "volume_mounts is an expression, so config_map_mounts cannot add to it"
            )
        volume_mounts = [*(volume_mounts or []), *mounts]  # type: ignore[misc]
    policy = options.get("image_pull_policy")
    container = compact(
        name=_container_name(site, options),
        image=image,
        imagePullPolicy=None
        if policy is None
        else choice(policy, ("Always", "IfNotPresent", "Never"), site, "image_pull_policy"),
        command=optional("command", string_list),
        args=optional("args", string_list),
        ports=optional("ports", container_ports),
        env=optional("env", env_list),
        envFrom=optional("env_from", env_from_list),
        resources=optional("resources", resource_requirements),
        livenessProbe=optional("liveness_probe", probe),
        readinessProbe=optional("readiness_probe", probe),
        startupProbe=optional("startup_probe", probe),
        volumeMounts=volume_mounts,
        securityContext=optional("security_context", _dict_or_expression),
    )
    extra = options.get("container_fields")
    if extra is not None:
        merge_into(container, as_dict(extra, site, "container_fields"), site, "container_fields")
    return container


def _dict_or_expression(value: object, site: Site, path: str) -> object:
    return value if isinstance(value, Expr) else dict(as_dict(value, site, path))


def _mount_dicts(value: object, site: Site, path: str) -> object:
    return dict_list(value, site, path, required=("name", "mountPath"))


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
