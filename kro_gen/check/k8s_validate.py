"""Validate one Kubernetes manifest (or RGD template) against its kind's schema, as kro and the API
server do: unknown fields, wrong scalar types, missing required fields, enums and other constraints.

kro rejects a template whose literal values do not fit the schema (``expected string type for path
data.port, got integer``, KRO-RULES §4.4), so a number or a boolean where a string belongs (ConfigMap
data, labels, annotations, env values) is an error here too. With ``skip_expressions`` (the default,
for templates) a string holding ``${`` is accepted wherever it stands: the CEL type checker
(:mod:`kro_gen.check.typecheck`) checks what it evaluates to.
"""

from __future__ import annotations

import difflib
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kro_gen.check.fast_schema import FastChecker
from kro_gen.check.findings import Finding, Severity
from kro_gen.check.rules_base import Path, format_path, parse_path, type_name
from kro_gen.errors import Location

if TYPE_CHECKING:
    from kro_gen.registry import SchemaRegistry

UNKNOWN_KIND_FIX = (
    "register the CRD that defines this kind: list its YAML file in [tool.kro-gen] crds = [...] in "
    "pyproject.toml, or pass --crd FILE"
)


def _is_expression(value: Any) -> bool:
    """True for a string that holds a kro ``${...}`` expression."""
    return isinstance(value, str) and "${" in value


def validate_manifest(
    manifest: Mapping[str, Any],
    registry: SchemaRegistry,
    location: Location,
    *,
    skip_expressions: bool = True,
) -> list[Finding]:
    """Check ``manifest`` against the schema of its apiVersion/kind.

    Args:
        manifest: one Kubernetes object (a template, a plain manifest or an instance).
        registry: where schemas come from.
        location: where the manifest is; ``location.path`` (if any) is the manifest's own path, and
            field paths in findings are appended to it (``spec.resources[0].template.spec.replicas``).
        skip_expressions: accept any ``${...}`` string wherever it stands (templates); False for fully
            resolved manifests (direct mode).

    Returns:
        Findings sorted by field path; one ``unknown-kind`` warning when the kind has no schema.
    """
    base = parse_path(location.path) if location.path else ()
    if not isinstance(manifest, Mapping):
        manifest = {}
    api_version, kind = manifest.get("apiVersion"), manifest.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return [
            Finding(
                "manifest-type-meta",
                "the object is not a map with apiVersion and kind strings, so its schema cannot be chosen",
                _at(location, base),
                "set apiVersion and kind (e.g. apiVersion: apps/v1, kind: Deployment)",
            )
        ]
    if skip_expressions and (_is_expression(api_version) or _is_expression(kind)):
        return []
    schema = registry.validation_schema_for(api_version, kind)
    if schema is None:
        return [_unknown_kind(api_version, kind, registry, _at(location, base), template=skip_expressions)]
    # the common case, a valid manifest, proven without jsonschema (not even imported); any doubt:
    # jsonschema decides
    if _fast_checker(registry).certainly_valid(manifest, schema, skip_expressions=skip_expressions):
        return []
    validator = registry.validator_for(api_version, kind)
    assert validator is not None  # the kind has a schema
    findings: dict[tuple[str, str], Finding] = {}
    for error in validator.iter_errors(manifest):
        if skip_expressions and _is_expression(error.instance):
            continue
        for path, rule, message, fix in _describe(error):
            where = _at(location, (*base, *path))
            findings.setdefault((where.path or "", message), Finding(rule, message, where, fix))
    return [findings[key] for key in sorted(findings)]


_CHECKERS: weakref.WeakKeyDictionary[SchemaRegistry, FastChecker] = weakref.WeakKeyDictionary()


def _fast_checker(registry: SchemaRegistry) -> FastChecker:
    """The registry's :class:`FastChecker` (its compiled schema nodes live as long as the registry)."""
    checker = _CHECKERS.get(registry)
    if checker is None:
        checker = _CHECKERS[registry] = FastChecker(registry.definitions)
    return checker


def _at(location: Location, path: Path) -> Location:
    return Location(
        file=location.file,
        graph=location.graph,
        resource=location.resource,
        environment=location.environment,
        path=format_path(path) or None,
        built_at=location.built_at,
    )


def _unknown_kind(
    api_version: str, kind: str, registry: SchemaRegistry, where: Location, *, template: bool
) -> Finding:
    others = [v for v in registry.api_versions_of(kind) if v != api_version]
    elsewhere = f"; {kind} is known as {', '.join(others)}" if others else ""
    consequence = " (kro rejects the RGD if the cluster lacks this kind)" if template else ""
    return Finding(
        "unknown-kind",
        f"no schema for {api_version} {kind} among the Kubernetes {registry.kubernetes_version} kinds and "
        f"the registered CRDs, so its fields are not checked{consequence}{elsewhere}",
        where,
        UNKNOWN_KIND_FIX if not others else f"use apiVersion {others[-1]}, or {UNKNOWN_KIND_FIX}",
        Severity.WARNING,
    )


def _describe(error: Any) -> list[tuple[Path, str, str, str]]:
    """(field path, rule, message, fix) for one jsonschema error."""
    path: Path = tuple(error.absolute_path)
    shown = format_path(path) or "the object"
    keyword = error.validator
    if keyword == "additionalProperties":
        return _unknown_fields(error, path)
    if keyword == "required":
        properties = error.schema.get("properties") or {}
        # the API server fills in defaults before it validates, so a defaulted field is never missing
        missing = [
            name
            for name in error.validator_value
            if name not in error.instance and "default" not in properties.get(name, {})
        ]
        return [
            (
                (*path, name),
                "manifest-required",
                f"required field {name!r} is missing" + (f" from {shown}" if path else ""),
                f"set {format_path((*path, name))}",
            )
            for name in missing
        ]
    if keyword in ("type", "oneOf", "anyOf"):
        expected = _expected_types(error)
        got = type_name(error.instance)
        return [(path, "manifest-type", f"expected {expected}, got {got}", _type_fix(expected, got))]
    if keyword == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return [
            (
                path,
                "manifest-enum",
                f"{error.instance!r} is not one of {allowed}",
                "use one of the allowed values",
            )
        ]
    return [
        (path, "manifest-constraint", f"{shown}: {error.message}", "change the value to satisfy the schema")
    ]


def _unknown_fields(error: Any, path: Path) -> list[tuple[Path, str, str, str]]:
    known = sorted((error.schema.get("properties") or {}).keys())
    found = []
    for key in sorted(k for k in error.instance if k not in known):
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        owner = format_path(path) or "the object"
        found.append(
            (
                (*path, str(key)),
                "manifest-unknown-field",
                f"{owner} has no field {key!r}{hint}",
                f"rename it to {close[0]!r}" if close else "remove the field; kro rejects unknown fields",
            )
        )
    return found


def _expected_types(error: Any) -> str:
    schema = error.schema
    branches = schema.get(error.validator) if error.validator in ("oneOf", "anyOf") else [schema]
    names: list[str] = []
    for branch in branches if isinstance(branches, list) else []:
        declared = branch.get("type") if isinstance(branch, Mapping) else None
        for name in [declared] if isinstance(declared, str) else declared or []:
            if name != "null" and name not in names:
                names.append(name)
    return " or ".join(names) if names else "another type"


def _type_fix(expected: str, got: str) -> str:
    if expected == "string" and got in ("integer", "number", "boolean"):
        return 'quote the value so YAML reads it as a string (e.g. "80", "true")'
    if "integer" in expected and got == "number":
        return "use a whole number without a decimal point"
    if "integer" in expected and got == "string":
        return "write the number without quotes"
    return f"give a value of type {expected}"
