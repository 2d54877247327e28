"""Containers: the one container builder behind a workload's main container, its sidecars and init containers.

A workload's own options (``image=``, ``env=``, ...) describe its main container. More containers are
:func:`container` values in ``sidecars=`` (more entries of ``containers``) and ``init_containers=``
(``initContainers``; with ``restart_policy="Always"`` a Kubernetes 1.29+ native sidecar). Every container
is checked by the same code, so an error in one names its place: ``init_containers[0].image``.

>>> from kro_gen import k8s
>>> shipper = k8s.container("log-shipper", image="fluent-bit:3.1", args=["-c", "/etc/fluent-bit.conf"])
>>> web = k8s.Deployment("web", image="nginx:1.27", sidecars=[shipper])
>>> [c["name"] for c in web.template["spec"]["template"]["spec"]["containers"]]
['web', 'log-shipper']
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Required, TypedDict, Unpack

from kro_gen.expr.wrapper import Expr
from kro_gen.k8s.base import Site, builder, is_expression, merge_into
from kro_gen.k8s.containers import container_ports, env_from_list, env_list, probe, resource_requirements
from kro_gen.k8s.values import as_dict, as_string, choice, compact, dict_list, string_list
from kro_gen.k8s.volumes import mount_volumes

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_PROBES = ("liveness_probe", "readiness_probe", "startup_probe")


# No ``from __future__ import annotations`` here: TypedDict must see ``Required`` (``image`` is required).
class ContainerKeys(TypedDict, total=False):
    """The options of one container, shared by the workload builders and :func:`container`.

    Keys:
        image: the container image (required).
        ports: container ports: numbers (``[3000]``) or ContainerPort dicts.
        env: ``{NAME: value}`` (values become strings; ``k8s.secret_key_ref``/``config_map_key_ref`` read
            keys) or a list of Kubernetes env dicts.
        env_from: ConfigMap, Secret or ExternalSecret resources (referenced by name expression) or
            envFrom dicts.
        command, args: lists of strings.
        liveness_probe, readiness_probe, startup_probe: ``k8s.http_get(...)``, ``k8s.tcp_socket(...)``,
            ``k8s.exec_probe(...)`` or probe dicts.
        resources: ``{"requests": {...}, "limits": {...}}``.
        volume_mounts: written-out container volumeMounts (of volumes in the workload's ``volumes=``).
        config_map_mounts: ``k8s.mount(...)`` items; each adds a pod volume and a volumeMount.
        image_pull_policy: ``Always``, ``IfNotPresent`` or ``Never``.
        security_context: the container's securityContext.
        container_fields: more container fields (``workingDir``, ``lifecycle``...).
    """

    image: Required[object]
    ports: Sequence[object] | object
    env: Mapping[str, object] | Sequence[Mapping[str, object]] | object
    env_from: Sequence[object] | object
    command: Sequence[object] | object
    args: Sequence[object] | object
    liveness_probe: Mapping[str, Any] | object
    readiness_probe: Mapping[str, Any] | object
    startup_probe: Mapping[str, Any] | object
    resources: Mapping[str, Any] | object
    volume_mounts: Sequence[Mapping[str, Any]] | object
    config_map_mounts: Sequence[object]
    image_pull_policy: str | object
    security_context: Mapping[str, Any] | object
    container_fields: Mapping[str, Any] | None


class ContainerOptions(ContainerKeys, total=False):
    """Options of :func:`container` (besides :class:`ContainerKeys`).

    Keys:
        restart_policy: ``"Always"`` makes an init container a native sidecar (Kubernetes 1.29+): it
            starts before the main containers, keeps running beside them and may have probes.
    """

    restart_policy: str | object


@dataclass(frozen=True, eq=False)
class Container:
    """A container for a workload's ``sidecars=`` or ``init_containers=`` (made by :func:`container`).

    Its options are checked when the workload is built, where errors can name the container's place
    (``sidecars[1].env.PORT``).
    """

    name: object
    options: Mapping[str, Any]


@builder(ContainerOptions)
def container(name: object, **options: Unpack[ContainerOptions]) -> Container:
    """A container named ``name`` for ``sidecars=`` or ``init_containers=`` of a workload builder.

    It takes the main container's options (:class:`ContainerKeys`: ``image`` is required; values may
    be expressions, such as ``schema.spec.logLevel`` or another resource's fields) and
    ``restart_policy="Always"`` for a native sidecar among the init containers.

    >>> wait = container("wait-for-db", image="busybox:1.36", command=["sh", "-c", "until nc -z db 5432"])
    >>> wait.name
    'wait-for-db'
    """
    return Container(name, dict(options))


@dataclass(frozen=True)
class Built:
    """One container as it goes into the pod spec, and the pod volumes its mounts need."""

    body: dict[str, Any]
    volumes: list[Any]


def build_container(
    site: Site, name: object, options: Mapping[str, Any], prefix: str = "", *, init: bool = False
) -> Built:
    """The container dict for ``options`` (:class:`ContainerKeys`), errors located under ``prefix``.

    ``prefix`` is ``""`` for the main container (paths such as ``env.PORT``) and ``"sidecars[0]."``
    or ``"init_containers[1]."`` for the others (only they read ``restart_policy``: a Job's is the
    pod's); ``init`` applies the init-container rules.
    """

    def at(key: str) -> str:
        return f"{prefix}{key}"

    image = as_string(options["image"], site, at("image"))
    if isinstance(image, str) and not image:
        raise site.error(at("image"), f"{at('image')} is empty", rule="option-value")

    def optional(key: str, convert: Any) -> object:
        value = options.get(key)
        if value is None or (isinstance(value, list | tuple | Mapping) and not value):
            return None
        return convert(value, site, at(key))

    volumes, mounts = mount_volumes(options.get("config_map_mounts", ()), site, at("config_map_mounts"))
    volume_mounts = optional("volume_mounts", _mount_dicts)
    if mounts:
        if isinstance(volume_mounts, Expr):
            raise site.error(
                at("volume_mounts"),
                f"{at('volume_mounts')} is an expression, so config_map_mounts cannot add to it",
            )
        volume_mounts = [*(volume_mounts or []), *mounts]  # type: ignore[misc]
    policy = options.get("image_pull_policy")
    body = compact(
        name=container_name(site, name, at("name") if prefix else "container_name"),
        image=image,
        imagePullPolicy=None
        if policy is None
        else choice(policy, ("Always", "IfNotPresent", "Never"), site, at("image_pull_policy")),
        restartPolicy=_restart_policy(site, options.get("restart_policy"), prefix, init) if prefix else None,
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
    if init and "restartPolicy" not in body:
        _refuse_probes_of_a_run_once_init_container(site, options, prefix)
    extra = options.get("container_fields")
    if extra is not None:
        merge_into(body, as_dict(extra, site, at("container_fields")), site, at("container_fields"))
    return Built(body, volumes)


def container_name(site: Site, name: object, path: str) -> object:
    """A container's name: a DNS label, or a string expression."""
    value = as_string(name, site, path)
    if (
        isinstance(value, str)
        and not is_expression(value)
        and (len(value) > 63 or not _DNS_LABEL.match(value))
    ):
        raise site.error(
            path,
            f"{value!r} is not a valid container name (a DNS label: lowercase letters, digits and '-')",
            hint="pass container_name='...'" if path == "container_name" else "rename the container",
            rule="container-name",
        )
    return value


def _restart_policy(site: Site, value: object, prefix: str, init: bool) -> object:
    if value is None:
        return None
    path = f"{prefix}restart_policy"
    if not init:
        raise site.error(
            path,
            f'{path}: only init containers take restart_policy ("Always": a native sidecar)',
            hint="move the container to init_containers=, or drop restart_policy",
            rule="option-value",
        )
    return choice(value, ("Always",), site, path)


def _refuse_probes_of_a_run_once_init_container(site: Site, options: Mapping[str, Any], prefix: str) -> None:
    for key in _PROBES:
        if options.get(key) is not None:
            raise site.error(
                f"{prefix}{key}",
                f"{prefix}{key}: an init container that runs to completion cannot have probes "
                "(the API server refuses them)",
                hint='give it restart_policy="Always" to make it a native sidecar, or drop the probe',
                rule="option-value",
            )


def _dict_or_expression(value: object, site: Site, path: str) -> object:
    return value if isinstance(value, Expr) else dict(as_dict(value, site, path))


def _mount_dicts(value: object, site: Site, path: str) -> object:
    return dict_list(value, site, path, required=("name", "mountPath"))
