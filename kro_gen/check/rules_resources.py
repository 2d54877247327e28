"""Resource entry rules: the shape of each ``spec.resources[]`` entry, ids, templates and externalRefs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import (
    Path,
    ResourceView,
    RgdView,
    as_map,
    finding,
    name_findings,
    type_name,
    unknown_keys,
)

_RESOURCE_KEYS = frozenset({"id", "template", "externalRef", "readyWhen", "includeWhen", "forEach"})
_REF_KEYS = frozenset({"apiVersion", "kind", "metadata"})
_REF_METADATA_KEYS = frozenset({"name", "namespace", "selector"})
_SELECTOR_KEYS = frozenset({"matchLabels", "matchExpressions"})
_REQUIREMENT_KEYS = frozenset({"key", "operator", "values"})
_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


def check_resources(view: RgdView) -> list[Finding]:
    """Entry shape, id rules, template and externalRef shape for every resource."""
    found: list[Finding] = []
    raw_resources = view.spec.get("resources")
    if raw_resources is not None and not isinstance(raw_resources, list):
        return [
            finding(
                "rgd-field-type",
                f"spec.resources must be a list, not a {type_name(raw_resources)}",
                view.at(("spec", "resources")),
                "write spec.resources as a YAML list of {id, template} entries",
            )
        ]
    for index, entry in enumerate(raw_resources or []):
        if not isinstance(entry, Mapping):
            found.append(
                finding(
                    "rgd-field-type",
                    f"resource entry {index} is a {type_name(entry)}, not a map",
                    view.at(("spec", "resources", index)),
                    "give each entry an id and a template (or externalRef)",
                )
            )
    found += _check_ids(view)
    for resource in view.resources:
        found += unknown_keys(resource.raw, _RESOURCE_KEYS, resource.path, view, resource, where="a resource")
        found += _check_lists(view, resource)
        found += _check_object_choice(view, resource)
        if resource.template is not None:
            found += _check_template(view, resource)
        if resource.external_ref is not None:
            found += _check_external_ref(view, resource)
    return found


def _check_ids(view: RgdView) -> list[Finding]:
    found: list[Finding] = []
    seen: dict[str, int] = {}
    for resource in view.resources:
        raw = resource.raw.get("id")
        path = (*resource.path, "id")
        if not isinstance(raw, str) or not raw:
            found.append(
                finding(
                    "resource-id-format",
                    f"resource #{resource.index} has no id (got {type_name(raw)})",
                    view.at(path),
                    "give it a lower camelCase id such as deployment or userService",
                )
            )
            continue
        found += name_findings(raw, kind="resource-id", location=view.at(path, resource))
        if raw in seen:
            found.append(
                finding(
                    "resource-id-duplicate",
                    f"id {raw!r} is already used by resource #{seen[raw]}",
                    view.at(path, resource),
                    "give every resource its own id",
                )
            )
        else:
            seen[raw] = resource.index
    return found


def _check_lists(view: RgdView, resource: ResourceView) -> list[Finding]:
    found: list[Finding] = []
    for key in ("readyWhen", "includeWhen"):
        value = resource.raw.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            found.append(
                finding(
                    "rgd-field-type",
                    f'{key} must be a list of "${{...}}" strings, not a {type_name(value)}',
                    view.at((*resource.path, key), resource),
                    f'write {key}: ["${{<bool expression>}}"]',
                )
            )
            continue
        for index, item in enumerate(value):
            if not isinstance(item, str):
                found.append(
                    finding(
                        "rgd-field-type",
                        f'{key}[{index}] is a {type_name(item)}; kro needs a "${{...}}" string',
                        view.at((*resource.path, key, index), resource),
                        'write the condition as a string expression, e.g. "${schema.spec.enabled}"',
                    )
                )
    return found


def _check_object_choice(view: RgdView, resource: ResourceView) -> list[Finding]:
    has_template = "template" in resource.raw
    has_ref = "externalRef" in resource.raw
    found: list[Finding] = []
    if has_template == has_ref:
        what = "both template and externalRef" if has_template else "neither template nor externalRef"
        found.append(
            finding(
                "resource-template-or-externalref",
                f"resource {resource.label} has {what}; exactly one of them must be provided",
                view.at(resource.path, resource),
                "keep template to create the object, or externalRef to read an existing one",
            )
        )
    for key in ("template", "externalRef"):
        if key in resource.raw and not isinstance(resource.raw[key], Mapping):
            found.append(
                finding(
                    "rgd-field-type",
                    f"{key} must be a map, not a {type_name(resource.raw[key])}",
                    view.at((*resource.path, key), resource),
                    f"write {key} as a Kubernetes object map (apiVersion, kind, metadata, ...)",
                )
            )
    return found


def _type_meta(view: RgdView, resource: ResourceView, rule: str) -> list[Finding]:
    """apiVersion and kind of the template or externalRef must be non-empty strings."""
    obj = resource.object
    found: list[Finding] = []
    for key, example in (("apiVersion", "apps/v1"), ("kind", "Deployment")):
        value = obj.get(key)
        if not isinstance(value, str) or not value:
            got = "missing" if key not in obj else f"a {type_name(value)}" if value != "" else "empty"
            found.append(
                finding(
                    rule,
                    f"{resource.object_key}.{key} is {got}; kro needs a string",
                    view.at((*resource.path, resource.object_key, key), resource),
                    f"set {key}, e.g. {example}",
                )
            )
    return found


def _check_template(view: RgdView, resource: ResourceView) -> list[Finding]:
    template = resource.template or {}
    base: Path = (*resource.path, "template")
    found = _type_meta(view, resource, "template-shape")
    metadata = template.get("metadata")
    if not isinstance(metadata, Mapping):
        found.append(
            finding(
                "template-shape",
                f"template metadata is {'missing' if metadata is None else 'a ' + type_name(metadata)}; "
                "kro needs a map",
                view.at((*base, "metadata"), resource),
                'add metadata: {name: "${schema.metadata.name}-<suffix>"}',
            )
        )
    elif not isinstance(metadata.get("name"), str) or not metadata.get("name"):
        found.append(
            finding(
                "template-name",
                "template metadata.name is missing or empty; kro needs it to find the object again",
                view.at((*base, "metadata", "name"), resource),
                'set metadata.name, e.g. "${schema.metadata.name}-' + (resource.id or "x").lower() + '"',
            )
        )
    return found


def _check_external_ref(view: RgdView, resource: ResourceView) -> list[Finding]:
    ref = resource.external_ref or {}
    base: Path = (*resource.path, "externalRef")
    found = unknown_keys(ref, _REF_KEYS, base, view, resource, where="externalRef")
    if resource.raw.get("forEach"):
        found.append(
            finding(
                "externalref-foreach",
                "externalRef cannot be combined with forEach",
                view.at((*resource.path, "forEach"), resource),
                "drop forEach and use externalRef.metadata.selector to read a list of existing objects",
            )
        )
    found += _type_meta(view, resource, "externalref-shape")
    metadata = ref.get("metadata")
    if not isinstance(metadata, Mapping):
        found.append(
            finding(
                "externalref-shape",
                "externalRef.metadata is missing or not a map",
                view.at((*base, "metadata"), resource),
                "set externalRef.metadata.name (one object) or externalRef.metadata.selector (a list)",
            )
        )
        return found
    found += unknown_keys(
        metadata, _REF_METADATA_KEYS, (*base, "metadata"), view, resource, where="externalRef.metadata"
    )
    has_name, has_selector = "name" in metadata, "selector" in metadata
    if has_name == has_selector:
        found.append(
            finding(
                "externalref-shape",
                "externalRef.metadata needs exactly one of name and selector, got "
                + ("both" if has_name else "neither"),
                view.at((*base, "metadata"), resource),
                "use name for one object or selector (a label selector; {} = all) for a list",
            )
        )
    if has_name and (not isinstance(metadata["name"], str) or not metadata["name"]):
        found.append(
            finding(
                "externalref-shape",
                "externalRef.metadata.name must be a non-empty string",
                view.at((*base, "metadata", "name"), resource),
                "set the name of the object to read",
            )
        )
    if has_selector:
        found += _check_selector(view, resource, metadata["selector"], (*base, "metadata", "selector"))
    return found


def _selector_types(
    view: RgdView, resource: ResourceView, selector: Mapping[str, Any], path: Path
) -> list[Finding]:
    """matchLabels must be a map of strings and matchExpressions a list (RGD CRD types, checked on apply)."""
    labels, expressions = selector.get("matchLabels"), selector.get("matchExpressions")
    found = []
    if labels is not None and not (
        isinstance(labels, Mapping) and all(isinstance(v, str) for v in labels.values())
    ):
        found.append(
            finding(
                "externalref-shape",
                "selector.matchLabels must be a map of strings (the RGD CRD types it so)",
                view.at((*path, "matchLabels"), resource),
                'write each label on its own; a value may be an expression: {team: "${schema.spec.team}"}',
            )
        )
    if expressions is not None and not isinstance(expressions, list):
        found.append(
            finding(
                "externalref-shape",
                f"selector.matchExpressions must be a list, not a {type_name(expressions)}",
                view.at((*path, "matchExpressions"), resource),
                "write a list of {key, operator, values} requirements",
            )
        )
    return found


def _check_selector(view: RgdView, resource: ResourceView, selector: Any, path: Path) -> list[Finding]:
    if not isinstance(selector, Mapping):
        return [
            finding(
                "externalref-shape",
                f"selector must be a label selector map, not a {type_name(selector)}",
                view.at(path, resource),
                "use {matchLabels: {...}} or {matchExpressions: [...]} ({} selects all)",
            )
        ]
    found = unknown_keys(selector, _SELECTOR_KEYS, path, view, resource, where="a label selector")
    found += _selector_types(view, resource, selector, path)
    expressions = selector.get("matchExpressions")
    for index, requirement in enumerate(expressions if isinstance(expressions, list) else []):
        req_path = (*path, "matchExpressions", index)
        req = as_map(requirement)
        found += unknown_keys(
            req, _REQUIREMENT_KEYS, req_path, view, resource, where="a selector requirement"
        )
        values = req.get("values")
        if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
            found.append(
                finding(
                    "externalref-shape",
                    f"selector requirement {index}: values must be a list of strings (the RGD CRD types it "
                    f"as an array, so the API server rejects a {type_name(values)})",
                    view.at((*req_path, "values"), resource),
                    'list the values; each item may be an expression: values: ["${schema.spec.env}"]',
                )
            )
        operator = req.get("operator")
        if not isinstance(req.get("key"), str) or operator not in _OPERATORS:
            found.append(
                finding(
                    "externalref-shape",
                    f"selector requirement {index} needs a key and an operator in {sorted(_OPERATORS)}",
                    view.at(req_path, resource),
                    "write {key: app, operator: In, values: [web]}",
                )
            )
        elif operator in ("In", "NotIn") and not req.get("values"):
            found.append(
                finding(
                    "externalref-shape",
                    f"operator {operator} needs a non-empty values list",
                    view.at((*req_path, "values"), resource),
                    "list the label values to match",
                )
            )
    return found
