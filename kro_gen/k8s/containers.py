"""Container parts: env, envFrom, ports, probes, and the helpers users write them with.

>>> from kro_gen import k8s
>>> k8s.http_get("/health", 3000, period_seconds=10)
{'httpGet': {'path': '/health', 'port': 3000}, 'periodSeconds': 10}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, Unpack

from kro_gen.errors import DefinitionError
from kro_gen.expr.wrapper import Expr
from kro_gen.graph.resource import Resource
from kro_gen.k8s.base import Site
from kro_gen.k8s.refs import name_of, volume_source
from kro_gen.k8s.values import (
    as_dict,
    as_int,
    as_port,
    as_string,
    check_keys,
    compact,
    dicts_of,
    items_of,
    string_list,
)


# -- env ------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class KeyRef:
    """An env value read from one key of a Secret or ConfigMap (``valueFrom``). Made by
    :func:`secret_key_ref` and :func:`config_map_key_ref`."""

    field: Literal["secretKeyRef", "configMapKeyRef"]
    source: object
    key: object
    optional: bool | None = None

    def value_from(self, site: Site, path: str) -> dict[str, Any]:
        """The ``valueFrom`` dict, naming the source by reference when it is a resource."""
        kind = "Secret" if self.field == "secretKeyRef" else "ConfigMap"
        if isinstance(self.source, Resource) and volume_source(self.source) != self.field[: -len("KeyRef")]:
            raise site.error(
                path, f"{path} reads a {kind} key, but refers to a {self.source.kind}", rule="env"
            )
        ref = compact(
            name=name_of(self.source, site, f"{path}.name"),
            key=as_string(self.key, site, f"{path}.key"),
            optional=self.optional,
        )
        return {self.field: ref}


def secret_key_ref(secret: object, key: object, *, optional: bool | None = None) -> KeyRef:
    """An env value from ``key`` of ``secret`` (a Secret or ExternalSecret resource, or a name).

    >>> from kro_gen import k8s
    >>> db = k8s.external_secret("db-secrets", store="vault", data={"PASSWORD": "db/password"})
    >>> env = {"DB_PASSWORD": k8s.secret_key_ref(db, "PASSWORD")}
    """
    return KeyRef("secretKeyRef", secret, key, optional)


def config_map_key_ref(config_map: object, key: object, *, optional: bool | None = None) -> KeyRef:
    """An env value from ``key`` of ``config_map`` (a ConfigMap resource, or a name)."""
    return KeyRef("configMapKeyRef", config_map, key, optional)


_VALUE_FROM = ("secretKeyRef", "configMapKeyRef", "fieldRef", "resourceFieldRef")


def env_list(value: object, site: Site, path: str = "env") -> object:
    """``env``: a dict ``{NAME: value | KeyRef}``, a list of Kubernetes env dicts, or an expression."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, Mapping):
        return [_env_entry(name, item, site, f"{path}.{name}") for name, item in value.items()]
    result = []
    for where, entry in dicts_of(
        value, site, path, allowed=("name", "value", "valueFrom"), required=("name",)
    ):
        if ("value" in entry) == ("valueFrom" in entry):
            raise site.error(where, f"{where} needs exactly one of value and valueFrom", rule="env")
        item = entry["value"] if "value" in entry else entry["valueFrom"]
        if "valueFrom" in entry and not isinstance(item, KeyRef):
            item = {"valueFrom": item}
        result.append(_env_entry(entry["name"], item, site, where))
    return result


def _env_entry(name: object, item: object, site: Site, path: str) -> dict[str, Any]:
    if not isinstance(name, str) or not name:
        raise site.error(path, f"env names must be non-empty literal strings, got {name!r}", rule="env")
    if isinstance(item, KeyRef):
        return {"name": name, "valueFrom": item.value_from(site, f"{path}.valueFrom")}
    if isinstance(item, Mapping) and not isinstance(item, Expr):
        source = item.get("valueFrom", item)
        if isinstance(source, KeyRef):
            return {"name": name, "valueFrom": source.value_from(site, f"{path}.valueFrom")}
        source = as_dict(source, site, f"{path}.valueFrom")
        if len(source) != 1 or next(iter(source)) not in _VALUE_FROM:
            raise site.error(
                path,
                f"env {name!r} is a dict; an env value is a string, a key reference or "
                f"{{'valueFrom': {{one of {', '.join(_VALUE_FROM)}}}}}",
                hint="use k8s.secret_key_ref(secret, key) or k8s.config_map_key_ref(config_map, key)",
                rule="env",
            )
        return {"name": name, "valueFrom": dict(source)}
    if item is None:
        raise site.error(path, f"env {name!r} has no value", hint='use "" for an empty value', rule="env")
    return {"name": name, "value": as_string(item, site, path)}


def env_from_list(value: object, site: Site, path: str = "env_from") -> object:
    """``envFrom``: ConfigMap / Secret / ExternalSecret resources, or Kubernetes envFrom dicts."""
    if isinstance(value, Expr):
        return value
    result: list[Any] = []
    for where, item in items_of(value, site, path):
        if isinstance(item, Resource):
            source = volume_source(item)
            if source not in ("configMap", "secret"):
                raise site.error(
                    where,
                    f"{where} is a {item.kind}; env_from takes ConfigMaps, Secrets and ExternalSecrets",
                    rule="env-from",
                )
            result.append({f"{source}Ref": {"name": name_of(item, site, where)}})
            continue
        entry = as_dict(item, site, where)
        check_keys(entry, ("configMapRef", "secretRef", "prefix"), site, where)
        refs = [key for key in ("configMapRef", "secretRef") if key in entry]
        if len(refs) != 1:
            raise site.error(
                where, f"{where} needs exactly one of configMapRef and secretRef", rule="env-from"
            )
        result.append(dict(entry))
    return result


# -- ports ----------------------------------------------------------------------------------------
_CONTAINER_PORT_FIELDS = ("containerPort", "name", "protocol", "hostPort", "hostIP")


def container_ports(value: object, site: Site, path: str = "ports") -> object:
    """``ports``: numbers (``[3000]``), ContainerPort dicts, or an expression."""
    if isinstance(value, Expr):
        return value
    result: list[Any] = []
    for where, item in items_of(value, site, path):
        if isinstance(item, Mapping):
            check_keys(item, _CONTAINER_PORT_FIELDS, site, where, required=("containerPort",))
            port = dict(item)
            port["containerPort"] = as_port(
                item["containerPort"], site, f"{where}.containerPort", named=False
            )
            result.append(port)
        else:
            result.append({"containerPort": as_port(item, site, where, named=False)})
    return result


# -- probes ---------------------------------------------------------------------------------------
class ProbeTiming(TypedDict, total=False):
    """Timing options of a probe (seconds and counts)."""

    initial_delay_seconds: int
    period_seconds: int
    timeout_seconds: int
    success_threshold: int
    failure_threshold: int


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_PROBE_FIELDS = (
    *_PROBE_HANDLERS,
    "initialDelaySeconds",
    "periodSeconds",
    "timeoutSeconds",
    "successThreshold",
    "failureThreshold",
    "terminationGracePeriodSeconds",
)


def _probe(handler: str, action: dict[str, Any], timing: ProbeTiming) -> dict[str, Any]:
    unknown = set(timing) - set(ProbeTiming.__optional_keys__)
    if unknown:
        raise DefinitionError(
            f"probe option {sorted(unknown)[0]!r} is unknown",
            hint=f"options are: {', '.join(sorted(ProbeTiming.__optional_keys__))}",
            rule="probe",
        )
    return {
        handler: action,
        **compact(
            initialDelaySeconds=timing.get("initial_delay_seconds"),
            periodSeconds=timing.get("period_seconds"),
            timeoutSeconds=timing.get("timeout_seconds"),
            successThreshold=timing.get("success_threshold"),
            failureThreshold=timing.get("failure_threshold"),
        ),
    }


def http_get(
    path: object,
    port: object,
    *,
    scheme: str | None = None,
    headers: Mapping[str, str] | None = None,
    **timing: Unpack[ProbeTiming],
) -> dict[str, Any]:
    """A probe that GETs ``path`` on ``port`` (a number or a port name).

    >>> http_get("/ready", "http", scheme="HTTPS")
    {'httpGet': {'path': '/ready', 'port': 'http', 'scheme': 'HTTPS'}}
    """
    header_list = [{"name": k, "value": v} for k, v in headers.items()] if headers else None
    return _probe("httpGet", compact(path=path, port=port, scheme=scheme, httpHeaders=header_list), timing)


def tcp_socket(port: object, **timing: Unpack[ProbeTiming]) -> dict[str, Any]:
    """A probe that opens a TCP connection to ``port``."""
    return _probe("tcpSocket", {"port": port}, timing)


def exec_probe(command: list[str], **timing: Unpack[ProbeTiming]) -> dict[str, Any]:
    """A probe that runs ``command`` in the container (exit code 0 = healthy)."""
    return _probe("exec", {"command": list(command)}, timing)


def probe(value: object, site: Site, path: str) -> object:
    """A probe dict (from :func:`http_get` or written out) checked for its shape, or an expression."""
    if isinstance(value, Expr):
        return value
    entry = as_dict(value, site, path)
    check_keys(entry, _PROBE_FIELDS, site, path)
    handlers = [key for key in _PROBE_HANDLERS if key in entry]
    if len(handlers) != 1:
        raise site.error(
            path,
            f"{path} needs exactly one of {', '.join(_PROBE_HANDLERS)}",
            hint='e.g. k8s.http_get("/health", 3000)',
            rule="probe",
        )
    result = dict(entry)
    action = entry[handlers[0]]
    if handlers[0] in ("httpGet", "tcpSocket"):
        action = as_dict(action, site, f"{path}.{handlers[0]}")
        if "port" not in action:
            raise site.error(f"{path}.{handlers[0]}", f"{path}.{handlers[0]} needs a port", rule="probe")
        result[handlers[0]] = {**action, "port": as_port(action["port"], site, f"{path}.{handlers[0]}.port")}
    if handlers[0] == "exec":
        action = as_dict(action, site, f"{path}.exec")
        result["exec"] = {"command": string_list(action.get("command"), site, f"{path}.exec.command")}
    for key in _PROBE_FIELDS[len(_PROBE_HANDLERS) :]:
        if key in entry:
            result[key] = as_int(entry[key], site, f"{path}.{key}")
    return result


# -- resources ------------------------------------------------------------------------------------
def resource_requirements(value: object, site: Site, path: str = "resources") -> object:
    """``resources``: ``{"requests": {...}, "limits": {...}}`` with quantities checked."""
    from kro_gen.k8s.values import as_quantity

    if isinstance(value, Expr):
        return value
    entry = as_dict(value, site, path)
    check_keys(entry, ("requests", "limits", "claims"), site, path)
    result = dict(entry)
    for key in ("requests", "limits"):
        if key in entry and not isinstance(entry[key], Expr):
            amounts = as_dict(entry[key], site, f"{path}.{key}")
            result[key] = {name: as_quantity(v, site, f"{path}.{key}.{name}") for name, v in amounts.items()}
    return result
