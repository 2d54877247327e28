"""Identity rules: the RGD's own apiVersion/kind/name/annotations and ``spec.schema``'s identity fields
(printer columns are in :mod:`kro_gen.check.rules_printer_columns`).

These are mostly what the RGD CRD enforces at ``kubectl apply`` time (patterns, the scope enum, no
unknown fields).

An RGD that leaves ``spec.schema.group`` or ``scope`` out is fine, and gets no finding. The RGD CRD
defaults them (``default: kro.run``, ``default: Namespaced``; ``api/v1alpha1`` ``+kubebuilder:default``),
so the API server stores the defaults, and kro reads them as written (``pkg/graph/hash`` even folds
an empty group or scope into the defaults, so no new GraphRevision follows). Neither GitOps tool
shows a diff for a field the server defaulted: Argo CD's three-way diff
(``gitops-engine/pkg/diff/diff.go``, ``ThreeWayDiff``) patches the live object with the change from
the last applied to the desired manifest, and a field absent from both is left as it is live; its
server-side diff and Flux's drift check (``fluxcd/pkg/ssa`` ``manager_diff.go``) compare the live
object with a dry-run apply of the manifest, which the API server defaults in the same way. Earlier
releases warned here ("GitOps shows a diff"); kro's own examples all omit both fields. Changing a
group or scope that was set (explicitly or by default) is still refused: see ``immutable-change``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import (
    DNS_SUBDOMAIN,
    RGD_API_VERSION,
    RGD_KIND,
    RgdView,
    as_map,
    finding,
    type_name,
    unknown_keys,
    warning,
)

SCHEMA_API_VERSION = re.compile(r"^v[0-9]+(alpha[0-9]+|beta[0-9]+)?$")
SCHEMA_KIND = re.compile(r"^[A-Z][a-zA-Z0-9]{0,62}$")
_SCHEMA_PATTERNS = (
    (
        "apiVersion",
        SCHEMA_API_VERSION,
        "schema-api-version",
        "use a Kubernetes version name such as v1alpha1, v1beta2 or v1 (the group goes in group:)",
    ),
    (
        "kind",
        SCHEMA_KIND,
        "schema-kind",
        "use an UpperCamelCase kind such as WebApplication (letters and digits only)",
    ),
)
ALLOW_BREAKING = "kro.run/allow-breaking-changes"

_TOP_KEYS = frozenset({"apiVersion", "kind", "metadata", "spec", "status"})
_SPEC_KEYS = frozenset({"schema", "resources"})
_SCHEMA_KEYS = frozenset(
    {
        "apiVersion",
        "kind",
        "group",
        "scope",
        "spec",
        "types",
        "status",
        "additionalPrinterColumns",
        "metadata",
    }
)
_SCHEMA_METADATA_KEYS = frozenset({"labels", "annotations"})
_MAIN_ONLY = {"shortNames": "schema.shortNames", "categories": "schema.categories"}


def check_identity(view: RgdView) -> list[Finding]:
    """Every identity rule on one RGD."""
    found = _check_header(view)
    found += _check_annotations(view)
    if not isinstance(view.rgd.get("spec"), Mapping):
        found.append(
            finding(
                "rgd-spec",
                f"the RGD has no spec map (got {type_name(view.rgd.get('spec'))})",
                view.at(("spec",)),
                "add spec.schema (apiVersion, kind, spec) and spec.resources",
            )
        )
        return found
    found += unknown_keys(view.spec, _SPEC_KEYS, ("spec",), view, where="spec")
    if not isinstance(view.spec.get("schema"), Mapping):
        found.append(
            finding(
                "rgd-spec",
                f"spec.schema is required and must be a map (got {type_name(view.spec.get('schema'))})",
                view.at(("spec", "schema")),
                "add spec.schema with apiVersion, kind and the instance spec",
            )
        )
        return found
    found += _check_schema_keys(view)
    found += _check_schema_identity(view)
    return found


def _check_header(view: RgdView) -> list[Finding]:
    found: list[Finding] = []
    rgd = view.rgd
    if rgd.get("apiVersion") != RGD_API_VERSION:
        found.append(
            finding(
                "rgd-api-version",
                f"apiVersion is {rgd.get('apiVersion')!r}; kro v0.9.3 serves only {RGD_API_VERSION}",
                view.at(("apiVersion",)),
                f"set apiVersion: {RGD_API_VERSION}",
            )
        )
    if rgd.get("kind") != RGD_KIND:
        found.append(
            finding(
                "rgd-kind",
                f"kind is {rgd.get('kind')!r}, not {RGD_KIND}",
                view.at(("kind",)),
                f"set kind: {RGD_KIND}",
            )
        )
    found += unknown_keys(rgd, _TOP_KEYS, (), view, where="a ResourceGraphDefinition")
    name = view.name
    if name is None:
        found.append(
            finding(
                "rgd-name",
                "metadata.name is missing",
                view.at(("metadata", "name")),
                "name the RGD, e.g. after its kind's plural and group (webapps.example.com); keep it stable",
            )
        )
    elif len(name) > 253 or not DNS_SUBDOMAIN.match(name):
        found.append(
            finding(
                "rgd-name",
                f"metadata.name {name!r} is not a DNS-1123 subdomain",
                view.at(("metadata", "name")),
                "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
            )
        )
    return found


def _check_annotations(view: RgdView) -> list[Finding]:
    found: list[Finding] = []
    annotations = as_map(as_map(view.rgd.get("metadata")).get("annotations"))
    for key, value in annotations.items():
        path = ("metadata", "annotations", str(key))
        if key == ALLOW_BREAKING:
            if value != "true":
                found.append(
                    warning(
                        "rgd-annotation",
                        f'{ALLOW_BREAKING} is {value!r}; kro only honours the string "true"',
                        view.at(path),
                        f'set {ALLOW_BREAKING}: "true" (quoted) or remove the annotation',
                    )
                )
        elif isinstance(key, str) and (key.startswith("kro.run/") or key.startswith("internal.kro.run/")):
            found.append(
                warning(
                    "rgd-annotation",
                    f"annotation {key!r} means nothing to kro v0.9.3 (only {ALLOW_BREAKING} is recognised)",
                    view.at(path),
                    "remove it, or use your own annotation prefix",
                )
            )
    return found


def _check_schema_keys(view: RgdView) -> list[Finding]:
    found: list[Finding] = []
    schema = view.schema
    base = ("spec", "schema")
    if "validation" in schema:
        found.append(
            finding(
                "schema-validation-removed",
                "spec.schema.validation was removed in kro v0.7 and is not in the v0.9.3 RGD CRD",
                view.at((*base, "validation")),
                'move each rule to a field marker: validation="<CEL>" on the field it checks',
            )
        )
    for key, what in _MAIN_ONLY.items():
        if key in schema:
            found.append(
                finding(
                    "unknown-field",
                    f"{what} exists only on kro main (unreleased), not in v0.9.3",
                    view.at((*base, key)),
                    f"remove {key} until your kro release supports it",
                )
            )
    allowed = _SCHEMA_KEYS | {"validation", *_MAIN_ONLY}
    found += unknown_keys(schema, allowed, base, view, where="spec.schema")
    for key in ("spec", "types", "status", "metadata"):
        if key in schema and not isinstance(schema[key], Mapping):
            found.append(
                finding(
                    "rgd-field-type",
                    f"spec.schema.{key} must be a map, not a {type_name(schema[key])}",
                    view.at((*base, key)),
                    f"write spec.schema.{key} as a YAML map of field names",
                )
            )
    metadata = as_map(schema.get("metadata"))
    found += unknown_keys(
        metadata, _SCHEMA_METADATA_KEYS, (*base, "metadata"), view, where="spec.schema.metadata"
    )
    for key in _SCHEMA_METADATA_KEYS:
        found += _string_map(view, metadata.get(key), (*base, "metadata", key))
    return found


def _string_map(view: RgdView, value: Any, path: tuple[str, ...]) -> list[Finding]:
    if value is None:
        return []
    if not isinstance(value, Mapping):
        return [
            finding(
                "rgd-field-type",
                f"{path[-1]} must be a map of strings, not a {type_name(value)}",
                view.at(path),
                'write it as key: "value" pairs',
            )
        ]
    return [
        finding(
            "rgd-field-type",
            f"{path[-1]} value for {key!r} is a {type_name(item)}; Kubernetes needs a string",
            view.at((*path, str(key))),
            f'quote it: {key}: "{item}"',
        )
        for key, item in value.items()
        if not isinstance(item, str)
    ]


def _check_schema_identity(view: RgdView) -> list[Finding]:
    found: list[Finding] = []
    schema = view.schema
    base = ("spec", "schema")
    for key, pattern, rule, fix in _SCHEMA_PATTERNS:
        value = schema.get(key)
        if not isinstance(value, str) or not pattern.match(value):
            found.append(
                finding(
                    rule,
                    f"spec.schema.{key} {value!r} does not match {pattern.pattern}",
                    view.at((*base, key)),
                    fix,
                )
            )
    found += _check_group(view)
    scope = schema.get("scope")
    if scope is not None and scope not in ("Namespaced", "Cluster"):  # unset: Namespaced (see above)
        found.append(
            finding(
                "schema-scope",
                f"spec.schema.scope {scope!r} is not Namespaced or Cluster",
                view.at((*base, "scope")),
                "set scope: Namespaced or scope: Cluster",
            )
        )
    return found


def _check_group(view: RgdView) -> list[Finding]:
    path = ("spec", "schema", "group")
    group = view.schema.get("group")
    if group is None:  # the CRD defaults it to kro.run (see the module docstring)
        return []
    if not isinstance(group, str) or "." not in group or len(group) > 253 or not DNS_SUBDOMAIN.match(group):
        return [
            finding(
                "schema-group",
                f"spec.schema.group {group!r} is not a dotted DNS name; the API server rejects the "
                "generated CRD and KindReady stays False",
                view.at(path),
                "use a lower-case dotted domain such as platform.example.com",
            )
        ]
    return []
