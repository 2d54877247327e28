"""Any kind: ``resource()`` for CRDs and kinds without a builder, ``Namespace``, and ``external_ref``.

>>> from kro_gen import k8s
>>> cert = k8s.resource("cert-manager.io/v1", "Certificate", "web-tls",
...                     spec={"secretName": "web-tls", "dnsNames": ["example.com"]})
>>> cert.template["spec"]["secretName"]
'web-tls'
>>> platform = k8s.external_ref("v1", "ConfigMap", name="platform-config")
>>> platform.external_ref
{'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'platform-config'}}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack

from kro_gen.graph.resource import Condition, ReadyWhen, Resource
from kro_gen.k8s import kinds
from kro_gen.k8s.base import Common, KindT, Site, builder, checked_name, typed_as
from kro_gen.k8s.refs import group_of, label_selector
from kro_gen.k8s.values import as_dict, as_string

_API_VERSION = re.compile(r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?v[0-9]+((alpha|beta)[0-9]+)?$")
_KIND = re.compile(r"^[A-Z][A-Za-z0-9]*$")

#: Well-known cluster-scoped kinds by (API group, kind): kro rejects a namespace on them.
CLUSTER_SCOPED = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("networking.k8s.io", "IngressClass"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("apiregistration.k8s.io", "APIService"),
        ("kro.run", "ResourceGraphDefinition"),
        ("cert-manager.io", "ClusterIssuer"),
        ("external-secrets.io", "ClusterSecretStore"),
    }
)


def is_cluster_scoped(api_version: str, kind: str) -> bool:
    """Whether ``kind`` is a well-known cluster-scoped kind (unknown CRDs count as namespaced)."""
    return (group_of(api_version), kind) in CLUSTER_SCOPED


def check_type(site: Site, api_version: object, kind: object) -> tuple[str, str]:
    """``api_version`` and ``kind`` checked as literal ``group/version`` and UpperCamelCase names."""
    if not isinstance(api_version, str) or not _API_VERSION.match(api_version):
        raise site.error(
            "api_version",
            f"api_version {api_version!r} is not 'version' or 'group/version'",
            hint="e.g. 'v1', 'apps/v1', 'cert-manager.io/v1' (a literal: kro needs it to find the schema)",
            rule="api-version",
        )
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise site.error("kind", f"kind {kind!r} is not UpperCamelCase", rule="kind")
    return api_version, kind


@builder()
def resource(
    api_version: str,
    kind: str,
    name: object,
    *,
    spec: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    **options: Unpack[Common],
) -> Resource:
    """Any object: ``apiVersion``, ``kind``, ``metadata`` (from ``name`` and the common options),
    ``spec``, and other top-level ``fields`` (``data``, ``rules``...). Values may be expressions.

    A ``v1`` Secret built this way is held to the same rule as :func:`~kro_gen.k8s.Secret`: no literal values
    (unless ``annotations={"kro-gen/plaintext-secret": "allowed"}``).
    For type checkers the result is a plain :class:`Resource` (``spec`` and ``status`` are ``Any``); use
    :func:`resource_of` with a kind class for typed fields.
    """
    site = Site.of(kind if isinstance(kind, str) else "resource", name, options)
    api_version, kind = check_type(site, api_version, kind)
    return _any_object(site, api_version, kind, spec, fields, options, None)


@builder()
def resource_of(
    kind: type[KindT],
    name: object,
    *,
    spec: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    **options: Unpack[Common],
) -> KindT:
    """An object of a kind class: a CRD's class written by ``kro-gen stubs`` (or one of
    :mod:`kro_gen.k8s.kinds`). Like :func:`resource`, and typed: ``resource_of(ExternalSecret, "db",
    spec={...}).status.refreshTime`` is checked against the CRD's schema.
    """
    label = getattr(kind, "KIND", None)
    site = Site.of(label if isinstance(label, str) else "resource_of", name, options)
    if not (isinstance(kind, type) and issubclass(kind, Resource) and isinstance(label, str)):
        raise site.error(
            "kind",
            f"resource_of() takes a kind class, got {kind!r}",
            hint="generate one with 'kro-gen stubs CRD.yaml -o definitions/_crds.py', or use "
            "k8s.resource(api_version, kind, name, ...)",
            rule="kind-class",
        )
    api_version, kind_name = check_type(site, kind.API_VERSION, label)
    return typed_as(kind, _any_object(site, api_version, kind_name, spec, fields, options, kind))


def _any_object(
    site: Site,
    api_version: str,
    kind: str,
    spec: Mapping[str, Any] | None,
    fields: Mapping[str, Any] | None,
    options: Mapping[str, Any],
    kind_class: type[Resource] | None,
) -> Resource:
    body: dict[str, Any] = {}
    if spec is not None:
        body["spec"] = spec if not isinstance(spec, Mapping) else dict(spec)
    for key, value in as_dict(fields or {}, site, "fields").items():
        if key in ("apiVersion", "kind", "metadata", "spec"):
            raise site.error(
                f"fields.{key}",
                f"fields cannot set {key!r}",
                hint="use the api_version, kind, name, namespace, labels, annotations and spec options",
                rule="builder-conflict",
            )
        body[key] = value
    if (api_version, kind) == ("v1", "Secret"):
        from kro_gen.k8s.config import refuse_plaintext

        refuse_plaintext(
            site,
            {"fields.stringData": body.get("stringData"), "fields.data": body.get("data")},
            options.get("annotations"),
        )
    return site.finish(
        api_version,
        kind,
        body,
        options,
        cluster_scoped=is_cluster_scoped(api_version, kind),
        kind_class=kind_class,
    )


@builder(returns=kinds.Namespace)
def Namespace(name: object, **options: Unpack[Common]) -> Resource:
    """A ``v1`` Namespace (cluster-scoped: ``namespace=`` is refused)."""
    site = Site.of("Namespace", name, options)
    return site.finish("v1", "Namespace", {}, options, cluster_scoped=True)


class ExternalOptions(TypedDict, total=False):
    """Directives an external reference takes (kro refuses ``forEach`` on external references)."""

    id: str | None
    include_when: Condition | Sequence[Condition] | None
    ready_when: ReadyWhen | Sequence[ReadyWhen] | None
    depends_on: Sequence[Resource] | None


@builder(ExternalOptions)
def external_ref(
    api_version: str,
    kind: str,
    *,
    name: object = None,
    selector: Mapping[str, Any] | None = None,
    namespace: object = None,
    **options: Unpack[ExternalOptions],
) -> Resource:
    """An existing object the graph reads but does not manage (kro ``externalRef``).

    Exactly one of ``name`` (one object) and ``selector`` (labels or a LabelSelector; ``{}`` for all:
    the resource is then a list). Without ``namespace``, kro looks a named object up in the instance's
    namespace, and a selector across all namespaces.
    """
    site = Site.here(kind if isinstance(kind, str) else "external_ref", name, options.get("id"))
    api_version, kind = check_type(site, api_version, kind)
    if (name is None) == (selector is None):
        raise site.error(
            "name",
            "an external reference needs exactly one of name and selector",
            hint="name= reads one object; selector= reads every object with matching labels",
            rule="external-ref",
        )
    metadata: dict[str, Any] = {}
    if name is not None:
        metadata["name"] = checked_name(site, name)
    else:
        metadata["selector"] = _ref_selector(label_selector(selector, site, "selector"), site)
    if namespace is not None:
        if is_cluster_scoped(api_version, kind):
            raise site.error(
                "namespace", f"a {kind} is cluster-scoped and has no namespace", rule="external-ref"
            )
        metadata["namespace"] = as_string(namespace, site, "namespace")
    return site.make({"apiVersion": api_version, "kind": kind, "metadata": metadata}, options, external=True)


def _ref_selector(selector: dict[str, Any], site: Site) -> dict[str, Any]:
    """``selector`` checked against the RGD CRD, which types it as a LabelSelector.

    Unlike a template field (typed by kro, where one expression may give a whole list), the API
    server validates ``externalRef`` when the RGD is applied: ``matchExpressions`` and each
    requirement's ``values`` must be YAML lists. Only their items (and label values) may be
    expressions, each a string.
    """
    requirements = selector.get("matchExpressions")
    if requirements is None:
        return selector
    if not isinstance(requirements, list | tuple):
        raise site.error(
            "selector.matchExpressions",
            "selector.matchExpressions must be a list of requirements (the RGD CRD types it as an array)",
            hint='write [{"key": "env", "operator": "In", "values": [...]}]',
            rule="external-ref",
        )
    checked = []
    for index, requirement in enumerate(requirements):
        path = f"selector.matchExpressions[{index}]"
        requirement = dict(as_dict(requirement, site, path))
        values = requirement.get("values")
        if values is not None:
            if not isinstance(values, list | tuple):
                raise site.error(
                    f"{path}.values",
                    f"{path}.values must be a list: the RGD CRD types externalRef selector values as an "
                    "array of strings, so one expression cannot give the whole list",
                    hint="list the values, each a string or an expression: values=[schema.spec.env]",
                    rule="external-ref",
                )
            requirement["values"] = [as_string(v, site, f"{path}.values[{i}]") for i, v in enumerate(values)]
        checked.append(requirement)
    return {**selector, "matchExpressions": checked}
