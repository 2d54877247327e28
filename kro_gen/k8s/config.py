"""Configuration: ConfigMap, Secret, and External Secrets Operator's ExternalSecret.

The RGD and the instances are committed to git, so a Secret with literal values would publish them.
``Secret`` therefore refuses literal values (unless ``allow_plaintext=True``); the GitOps way is
:func:`external_secret`, which commits only the name of the value in a secret store.

>>> from kro_gen import k8s
>>> db = k8s.external_secret("db-secrets", store="vault", data={"USER_DB_PASSWORD": "prod/user-db#password"})
>>> db.template["spec"]["data"]
[{'secretKey': 'USER_DB_PASSWORD', 'remoteRef': {'key': 'prod/user-db#password'}}]
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any, Unpack

from kro_gen.expr.wrapper import Expr
from kro_gen.graph.resource import Resource
from kro_gen.graph.secrets import PLAINTEXT_ALLOWED, PLAINTEXT_ANNOTATION
from kro_gen.k8s import kinds
from kro_gen.k8s.base import Common, Site, builder, is_expression
from kro_gen.k8s.refs import name_of
from kro_gen.k8s.values import as_bool, as_dict, as_string, check_keys, choice, compact

_DATA_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_DURATION = re.compile(r"^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$")
_REMOTE_REF_FIELDS = (
    "key",
    "property",
    "version",
    "conversionStrategy",
    "decodingStrategy",
    "metadataPolicy",
)


def _key(site: Site, key: object, path: str) -> str:
    if not isinstance(key, str) or is_expression(key) or len(key) > 253 or not _DATA_KEY.match(key):
        raise site.error(
            f"{path}.{key}",
            f"{key!r} is not a valid data key",
            hint="keys are literal strings of letters, digits, '-', '_' and '.'",
            rule="data-key",
        )
    return key


def _string_data(site: Site, value: object, path: str) -> object:
    """A data map: keys checked, values made strings; an expression for the whole map passes."""
    if isinstance(value, Expr):
        return value
    result: dict[str, object] = {}
    for key, item in as_dict(value, site, path).items():
        where = f"{path}.{key}"
        if isinstance(item, Mapping | list | tuple) and not isinstance(item, Expr):
            raise site.error(
                where,
                f"{where} is a {type(item).__name__}; ConfigMap and Secret values are strings",
                hint="serialize it (json.dumps(...)) or split it into several keys",
                rule="option-type",
            )
        if item is None:
            raise site.error(
                where, f"{where} has no value", hint='use "" for an empty value', rule="option-type"
            )
        result[_key(site, key, path)] = as_string(item, site, where)
    return result


@builder(returns=kinds.ConfigMap)
def ConfigMap(
    name: object,
    data: Mapping[str, object] | Expr | None = None,
    *,
    binary_data: Mapping[str, object] | Expr | None = None,
    immutable: object = None,
    **options: Unpack[Common],
) -> Resource:
    """A ``v1`` ConfigMap. Numbers and booleans in ``data`` become strings (Kubernetes requires it).

    >>> cm = ConfigMap("app-config", {"PORT": 3000, "DEBUG": False})
    >>> cm.template["data"]
    {'PORT': '3000', 'DEBUG': 'false'}
    """
    site = Site.of("ConfigMap", name, options)
    body = compact(
        data=None if data is None else _string_data(site, data, "data"),
        binaryData=None if binary_data is None else _base64_map(site, binary_data, "binary_data"),
        immutable=None if immutable is None else as_bool(immutable, site, "immutable"),
    )
    return site.finish("v1", "ConfigMap", body, options)


def _base64_map(site: Site, value: object, path: str) -> object:
    data = _string_data(site, value, path)
    if isinstance(data, dict):
        for key, item in data.items():
            if isinstance(item, str) and not is_expression(item):
                try:
                    base64.b64decode(item, validate=True)
                except (binascii.Error, ValueError):
                    raise site.error(
                        f"{path}.{key}",
                        f"{path}.{key} is not base64",
                        hint="encode it with base64.b64encode, or use string_data= for text",
                        rule="base64",
                    ) from None
    return data


def refuse_plaintext(site: Site, maps: Mapping[str, object], annotations: object = None) -> None:
    """Raise when a Secret value in ``maps`` (option path → value map) is a literal, unless the object's
    ``annotations`` say ``kro-gen/plaintext-secret: allowed``."""
    if isinstance(annotations, Mapping) and annotations.get(PLAINTEXT_ANNOTATION) == PLAINTEXT_ALLOWED:
        return
    for path, value in maps.items():
        if not isinstance(value, Mapping) or isinstance(value, Expr):
            continue
        for key, item in value.items():
            if not is_expression(item):
                raise site.error(
                    f"{path}.{key}",
                    f"{path}.{key} is a literal secret value; it would be committed to git with the RGD",
                    hint=(
                        "sync it from a secret store with k8s.external_secret(...), or compute it from an "
                        "expression (values from schema.spec land in the instance file, so keep real "
                        "secrets in a store); allow_plaintext=True only for non-sensitive test data "
                        f"(k8s.resource(): annotation {PLAINTEXT_ANNOTATION}: {PLAINTEXT_ALLOWED})"
                    ),
                    rule="plaintext-secret",
                )


@builder(returns=kinds.Secret)
def Secret(
    name: object,
    *,
    string_data: Mapping[str, object] | Expr | None = None,
    data: Mapping[str, object] | Expr | None = None,
    type: object = "Opaque",
    immutable: object = None,
    allow_plaintext: bool = False,
    **options: Unpack[Common],
) -> Resource:
    """A ``v1`` Secret whose values are expressions (``data`` must be base64, ``string_data`` is text).

    Literal values are refused unless ``allow_plaintext=True``: the RGD is committed to git. With it,
    the Secret carries the annotation ``kro-gen/plaintext-secret: allowed``, so the choice shows in the
    committed file and the tree (direct mode too) accepts it.
    """
    site = Site.of("Secret", name, options)
    if allow_plaintext and isinstance(options.get("annotations") or {}, Mapping):
        options = {
            **options,
            "annotations": {**(options.get("annotations") or {}), PLAINTEXT_ANNOTATION: PLAINTEXT_ALLOWED},
        }
    else:
        refuse_plaintext(site, {"string_data": string_data, "data": data}, options.get("annotations"))
    body = compact(
        type=as_string(type, site, "type"),
        immutable=None if immutable is None else as_bool(immutable, site, "immutable"),
        data=None if data is None else _base64_map(site, data, "data"),
        stringData=None if string_data is None else _string_data(site, string_data, "string_data"),
    )
    return site.finish("v1", "Secret", body, options)


def _remote_ref(site: Site, value: object, path: str) -> dict[str, Any]:
    if isinstance(value, Mapping):
        check_keys(value, _REMOTE_REF_FIELDS, site, path, required=("key",))
        return {**value, "key": as_string(value["key"], site, f"{path}.key")}
    if isinstance(value, str | Expr):
        return {"key": as_string(value, site, path)}
    raise site.error(
        path,
        f"{path} must be a remote key (a string) or a remoteRef dict, got {type(value).__name__}",
        rule="option-type",
    )


@builder()
def external_secret(
    name: object,
    *,
    store: object,
    data: Mapping[str, object],
    store_kind: str = "ClusterSecretStore",
    target_name: object = None,
    refresh_interval: object = "1h",
    creation_policy: object = None,
    **options: Unpack[Common],
) -> Resource:
    """An External Secrets Operator ``external-secrets.io/v1`` ExternalSecret.

    It writes a Secret named ``target_name`` (default: ``name``) with one key per ``data`` entry, read
    from the secret store: ``data={"USER_DB_PASSWORD": "prod/user-db"}`` maps a secret key to a remote
    key (or to a remoteRef dict such as ``{"key": "prod/db", "property": "password"}``). ``store`` is the
    store's name or a (Cluster)SecretStore resource. Use the ExternalSecret in ``env_from``,
    ``secret_key_ref`` or ``mount``: they refer to the Secret it writes, ``${<id>.spec.target.name}``.
    """
    site = Site.of("ExternalSecret", name, options)
    if isinstance(store, Resource):
        kind = choice(store.kind, ("SecretStore", "ClusterSecretStore"), site, "store")
    else:
        kind = choice(store_kind, ("SecretStore", "ClusterSecretStore"), site, "store_kind")
    entries = as_dict(data, site, "data")
    if not entries:
        raise site.error(
            "data", "data is empty: an ExternalSecret needs at least one key", rule="option-value"
        )
    interval = as_string(refresh_interval, site, "refresh_interval")
    if isinstance(interval, str) and not _DURATION.match(interval):
        raise site.error(
            "refresh_interval",
            f"{interval!r} is not a duration",
            hint="e.g. '1h', '15m', '0' (never)",
            rule="duration",
        )
    target = compact(
        name=as_string(name if target_name is None else target_name, site, "target_name"),
        creationPolicy=None
        if creation_policy is None
        else choice(creation_policy, ("Owner", "Orphan", "Merge", "None"), site, "creation_policy"),
    )
    spec = {
        "refreshInterval": interval,
        "secretStoreRef": {"name": name_of(store, site, "store"), "kind": kind},
        "target": target,
        "data": [
            {"secretKey": _key(site, key, "data"), "remoteRef": _remote_ref(site, remote, f"data.{key}")}
            for key, remote in entries.items()
        ],
    }
    return site.finish("external-secrets.io/v1", "ExternalSecret", {"spec": spec}, options)
