"""Mounting ConfigMaps, Secrets and claims into a container: :func:`mount` and its volumes.

``config_map_mounts=[k8s.mount(gateway_config, "/etc/nginx/nginx.conf", sub_path="nginx.conf")]`` gives
the pod a volume ``{name: gateway-config, configMap: {name: ${gatewayConfig.metadata.name}}}`` and the
container a matching ``volumeMount``. Mounts of the same source share one volume.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kro_gen.graph.resource import Resource
from kro_gen.k8s.base import Site, is_expression, same_value
from kro_gen.k8s.refs import name_of, volume_source
from kro_gen.k8s.values import as_bool, as_string, compact, dns_label, items_of

SourceKind = Literal["configMap", "secret", "persistentVolumeClaim"]

#: Volume source kind → (volume field, the field in it that names the object).
_VOLUME_FIELDS: dict[str, tuple[str, str]] = {
    "configMap": ("configMap", "name"),
    "secret": ("secret", "secretName"),
    "persistentVolumeClaim": ("persistentVolumeClaim", "claimName"),
}


@dataclass(frozen=True, eq=False)
class Mount:
    """A ConfigMap, Secret or PersistentVolumeClaim mounted at ``path`` (made by :func:`mount`)."""

    source: object
    path: object
    sub_path: object = None
    read_only: object = None
    volume_name: str | None = None
    kind: SourceKind = "configMap"


def mount(
    source: object,
    path: object,
    *,
    sub_path: object = None,
    read_only: object = None,
    volume_name: str | None = None,
    kind: SourceKind = "configMap",
) -> Mount:
    """Mount ``source`` at ``path`` in the container.

    Args:
        source: a ConfigMap, Secret, ExternalSecret or PersistentVolumeClaim resource (referenced by
            ``${<id>.metadata.name}``), or an object name; a name is a ConfigMap unless ``kind`` says
            ``"secret"`` or ``"persistentVolumeClaim"``.
        path: the ``mountPath``.
        sub_path: mount one key of the source as a file (``subPath``).
        read_only: ``readOnly``.
        volume_name: the pod volume's name; by default the source's literal name (made a DNS label),
            or, for a computed name, one derived from ``path``.
        kind: the kind of a source given by name.

    >>> m = mount("gateway-config", "/etc/nginx/nginx.conf", sub_path="nginx.conf")
    """
    return Mount(source, path, sub_path, read_only, volume_name, kind)


def _source_kind(item: Mount, site: Site, path: str) -> str:
    if isinstance(item.source, Resource):
        kind = volume_source(item.source)
        if kind is None:
            raise site.error(
                path,
                f"{path} mounts a {item.source.kind}; mount ConfigMaps, Secrets, ExternalSecrets and "
                "PersistentVolumeClaims",
                rule="mount",
            )
        return kind
    if item.kind not in _VOLUME_FIELDS:
        raise site.error(
            f"{path}.kind", f"mount kind must be one of {', '.join(_VOLUME_FIELDS)}", rule="mount"
        )
    return item.kind


def _default_volume_name(item: Mount, site: Site, path: str) -> str:
    if item.volume_name is not None:
        if dns_label(item.volume_name) != item.volume_name:
            raise site.error(
                f"{path}.volume_name", f"{item.volume_name!r} is not a valid volume name", rule="mount"
            )
        return item.volume_name
    literal = item.source.name if isinstance(item.source, Resource) else item.source
    if isinstance(literal, str) and not is_expression(literal):
        return dns_label(literal)
    if isinstance(item.path, str) and not is_expression(item.path):
        return dns_label(item.path)
    raise site.error(
        path, f"{path} needs volume_name= (both the source name and the path are computed)", rule="mount"
    )


def mount_volumes(value: object, site: Site, path: str = "config_map_mounts") -> tuple[list[Any], list[Any]]:
    """The pod volumes and container volumeMounts for a list of :class:`Mount`."""
    volumes: dict[str, dict[str, Any]] = {}
    mounts: list[Any] = []
    for where, item in items_of(value, site, path):
        if not isinstance(item, Mount):
            raise site.error(
                where,
                f"{where} must be made with k8s.mount(source, path, ...), got {type(item).__name__}",
                hint="for a written-out volume use volumes= and volume_mounts=",
                rule="mount",
            )
        kind = _source_kind(item, site, where)
        field, key = _VOLUME_FIELDS[kind]
        volume_name = _default_volume_name(item, site, where)
        volume = {"name": volume_name, field: {key: name_of(item.source, site, where)}}
        existing = volumes.setdefault(volume_name, volume)
        if not same_value(existing, volume):
            raise site.error(
                where,
                f"two mounts use the volume name {volume_name!r} for different sources",
                hint="give one of them volume_name=",
                rule="mount",
            )
        mounts.append(
            compact(
                name=volume_name,
                mountPath=as_string(item.path, site, f"{where}.path"),
                subPath=None
                if item.sub_path is None
                else as_string(item.sub_path, site, f"{where}.sub_path"),
                readOnly=None
                if item.read_only is None
                else as_bool(item.read_only, site, f"{where}.read_only"),
            )
        )
    return list(volumes.values()), mounts
