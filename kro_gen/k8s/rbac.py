"""RBAC: ServiceAccount, Role, ClusterRole, RoleBinding, ClusterRoleBinding.

>>> from kro_gen import k8s
>>> sa = k8s.ServiceAccount("reader")
>>> role = k8s.Role("reader", rules=[k8s.policy_rule(resources=["configmaps"], verbs=["get", "list"])])
>>> binding = k8s.RoleBinding("reader", role=role, subjects=[sa])
>>> binding.template["roleRef"]["kind"], binding.template["subjects"][0]["kind"]
('Role', 'ServiceAccount')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from kro_gen.expr.wrapper import Expr
from kro_gen.graph.resource import Resource
from kro_gen.k8s import kinds
from kro_gen.k8s.base import Common, Site, builder
from kro_gen.k8s.refs import name_of, name_ref
from kro_gen.k8s.values import (
    as_bool,
    as_dict,
    check_keys,
    choice,
    compact,
    dicts_of,
    items_of,
    string_list,
)

RBAC_GROUP = "rbac.authorization.k8s.io"
_RULE_FIELDS = ("apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs")


def policy_rule(
    *,
    resources: Sequence[str] = (),
    verbs: Sequence[str],
    api_groups: Sequence[str] = ("",),
    resource_names: Sequence[str] | None = None,
    non_resource_urls: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A PolicyRule: ``verbs`` on ``resources`` of ``api_groups`` (``""`` is the core group).

    >>> policy_rule(resources=["deployments"], verbs=["get"], api_groups=["apps"])
    {'apiGroups': ['apps'], 'resources': ['deployments'], 'verbs': ['get']}
    """
    if non_resource_urls is not None:
        return compact(nonResourceURLs=list(non_resource_urls), verbs=list(verbs))
    return compact(
        apiGroups=list(api_groups),
        resources=list(resources),
        verbs=list(verbs),
        resourceNames=None if resource_names is None else list(resource_names),
    )


def _rules(site: Site, value: object) -> object:
    if isinstance(value, Expr):
        return value
    return [
        {key: string_list(v, site, f"{where}.{key}") for key, v in rule.items()}
        for where, rule in dicts_of(value, site, "rules", allowed=_RULE_FIELDS, required=("verbs",))
    ]


@builder(returns=kinds.ServiceAccount)
def ServiceAccount(
    name: object,
    *,
    automount_token: object = None,
    image_pull_secrets: Sequence[object] = (),
    **options: Unpack[Common],
) -> Resource:
    """A ``v1`` ServiceAccount; ``image_pull_secrets`` are Secret names or Secret resources."""
    site = Site.of("ServiceAccount", name, options)
    pull = [
        {"name": name_of(s, site, where, kinds=("Secret", "ExternalSecret"))}
        for where, s in items_of(image_pull_secrets, site, "image_pull_secrets")
    ]
    body = compact(
        automountServiceAccountToken=None
        if automount_token is None
        else as_bool(automount_token, site, "automount_token"),
        imagePullSecrets=pull or None,
    )
    return site.finish("v1", "ServiceAccount", body, options)


@builder(returns=kinds.Role)
def Role(name: object, *, rules: Sequence[Mapping[str, Any]] | Expr, **options: Unpack[Common]) -> Resource:
    """An ``rbac.authorization.k8s.io/v1`` Role with ``rules`` (see :func:`policy_rule`)."""
    site = Site.of("Role", name, options)
    return site.finish(f"{RBAC_GROUP}/v1", "Role", {"rules": _rules(site, rules)}, options)


@builder(returns=kinds.ClusterRole)
def ClusterRole(
    name: object,
    *,
    rules: Sequence[Mapping[str, Any]] | Expr = (),
    aggregation_rule: Mapping[str, Any] | None = None,
    **options: Unpack[Common],
) -> Resource:
    """A cluster-scoped ClusterRole with ``rules`` (or an ``aggregation_rule``); refuses ``namespace=``."""
    site = Site.of("ClusterRole", name, options)
    body = compact(
        rules=_rules(site, rules),
        aggregationRule=None
        if aggregation_rule is None
        else dict(as_dict(aggregation_rule, site, "aggregation_rule")),
    )
    return site.finish(f"{RBAC_GROUP}/v1", "ClusterRole", body, options, cluster_scoped=True)


def _role_ref(site: Site, role: object, kinds: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(role, Resource):
        kind = role.kind
        name = name_of(role, site, "role", kinds=kinds)
    else:
        entry = as_dict(role, site, "role")
        check_keys(entry, ("apiGroup", "kind", "name"), site, "role", required=("kind", "name"))
        kind, name = entry["kind"], entry["name"]
    return {"apiGroup": RBAC_GROUP, "kind": choice(kind, kinds, site, "role.kind"), "name": name}


def _subjects(site: Site, value: object, *, namespaced: bool) -> object:
    if isinstance(value, Expr):
        return value
    result = []
    for where, item in items_of(value, site, "subjects"):
        if isinstance(item, Resource):
            if item.kind != "ServiceAccount":
                raise site.error(
                    where, f"{where} is a {item.kind}; subjects are ServiceAccounts", rule="rbac"
                )
            account = name_ref(item, site, where)
            result.append({"kind": "ServiceAccount", "name": account, "namespace": item.metadata.namespace})
            continue
        subject = as_dict(item, site, where)
        check_keys(subject, ("kind", "name", "namespace", "apiGroup"), site, where, required=("kind", "name"))
        choice(subject["kind"], ("ServiceAccount", "User", "Group"), site, f"{where}.kind")
        if (
            not namespaced
            and isinstance(subject["kind"], str)
            and subject["kind"] == "ServiceAccount"
            and "namespace" not in subject
        ):
            raise site.error(where, f"{where} is a ServiceAccount without a namespace", rule="rbac")
        result.append(dict(subject))
    if not result:
        raise site.error("subjects", "a binding needs at least one subject", rule="rbac")
    return result


@builder(returns=kinds.RoleBinding)
def RoleBinding(
    name: object,
    *,
    role: Resource | Mapping[str, Any],
    subjects: Sequence[object] | Expr,
    **options: Unpack[Common],
) -> Resource:
    """A RoleBinding granting ``role`` (a Role/ClusterRole resource, or ``{kind, name}``) to ``subjects``
    (ServiceAccount resources, referenced with their namespace, or subject dicts)."""
    site = Site.of("RoleBinding", name, options)
    body = {
        "roleRef": _role_ref(site, role, ("Role", "ClusterRole")),
        "subjects": _subjects(site, subjects, namespaced=True),
    }
    return site.finish(f"{RBAC_GROUP}/v1", "RoleBinding", body, options)


@builder(returns=kinds.ClusterRoleBinding)
def ClusterRoleBinding(
    name: object,
    *,
    role: Resource | Mapping[str, Any],
    subjects: Sequence[object] | Expr,
    **options: Unpack[Common],
) -> Resource:
    """A cluster-scoped ClusterRoleBinding granting a ClusterRole to ``subjects``; refuses ``namespace=``."""
    site = Site.of("ClusterRoleBinding", name, options)
    body = {
        "roleRef": _role_ref(site, role, ("ClusterRole",)),
        "subjects": _subjects(site, subjects, namespaced=False),
    }
    return site.finish(f"{RBAC_GROUP}/v1", "ClusterRoleBinding", body, options, cluster_scoped=True)
