"""Breaking changes between two versions of an RGD: what kro v0.9.3 refuses to apply to its CRD.

When an RGD changes, kro regenerates its CRD and diffs the new schema against the live one, status
included (KRO-RULES §7). These changes block the update (``KindReady=False: cannot update CRD …:
breaking changes detected``) unless the RGD carries ``kro.run/allow-breaking-changes: "true"``:

``PROPERTY_REMOVED`` (spec or status), ``TYPE_CHANGED`` (also a status field whose inferred type
changes), ``REQUIRED_ADDED`` (an existing field made required, or a new required field without a
default), ``ENUM_RESTRICTED``, ``PATTERN_ADDED``/``PATTERN_CHANGED``, ``MINIMUM_ADDED``/
``MINIMUM_INCREASED`` (and the same for maximum, minLength, maxLength, minItems, maxItems),
``REQUIRED_DEFAULT_REMOVED``.

The comparison follows kro's own (``pkg/graph/crd/compat``), including what it leaves out: adding an
enum to a field that had none, and changing a map's value type, are not reported because kro does not
block them. ``apiVersion``, ``kind``, ``group`` and ``scope`` are immutable: the API server rejects any
change (``IMMUTABLE``), with or without the annotation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from kro_gen.check.findings import Finding
from kro_gen.errors import Location

if TYPE_CHECKING:
    from kro_gen.registry import SchemaRegistry

ALLOW_BREAKING = "kro.run/allow-breaking-changes"
IMMUTABLE = "IMMUTABLE"
#: The identity fields of ``spec.schema`` and their server-side defaults.
_IDENTITY = (("apiVersion", None), ("kind", None), ("group", "kro.run"), ("scope", "Namespaced"))
#: (field, is a lower bound): raising a lower bound or lowering an upper bound is breaking.
_BOUNDS = (
    ("minimum", True),
    ("maximum", False),
    ("minLength", True),
    ("maxLength", False),
    ("minItems", True),
    ("maxItems", False),
)


@dataclass(frozen=True)
class BreakingChange:
    """One change kro refuses (or the API server, for ``IMMUTABLE``).

    Attributes:
        kind: ``PROPERTY_REMOVED``, ``TYPE_CHANGED``, ``REQUIRED_ADDED``, ``ENUM_RESTRICTED``,
            ``PATTERN_ADDED``, ``PATTERN_CHANGED``, ``REQUIRED_DEFAULT_REMOVED``, ``MINIMUM_ADDED``,
            ``MINIMUM_INCREASED``, ``MAXIMUM_ADDED``, ``MAXIMUM_DECREASED`` (and the same for
            ``MIN_LENGTH``/``MAX_LENGTH``/``MIN_ITEMS``/``MAX_ITEMS``), or ``IMMUTABLE``.
        path: the instance field (``spec.replicas``, ``status.url``, ``spec.ports[]``) or, for
            ``IMMUTABLE``, the RGD field (``spec.schema.kind``).
        detail: what changed, e.g. ``integer -> string``.
    """

    kind: str
    path: str
    detail: str

    @property
    def immutable(self) -> bool:
        """True when no annotation can allow the change."""
        return self.kind == IMMUTABLE


def breaking_changes(
    old_rgd: Mapping[str, Any],
    new_rgd: Mapping[str, Any],
    *,
    registry: SchemaRegistry | None = None,
) -> list[BreakingChange]:
    """The changes from ``old_rgd`` to ``new_rgd`` that kro (or the API server) would refuse.

    ``registry`` types the status expressions (default: the built-in Kubernetes kinds). When the
    generated API's identity changes, only the identity changes are returned: the new RGD defines
    another CRD, so comparing schemas would mean nothing.
    """
    old_schema, new_schema = schema_section(old_rgd), schema_section(new_rgd)
    identity = [
        BreakingChange(IMMUTABLE, f"spec.schema.{name}", f"{_show(old)} -> {_show(new)}")
        for name, default in _IDENTITY
        if (old := old_schema.get(name, default)) != (new := new_schema.get(name, default))
    ]
    if identity:
        return identity
    if registry is None:
        from kro_gen.registry import SchemaRegistry

        registry = SchemaRegistry.default()
    changes: list[BreakingChange] = []
    _compare("", crd_schema(old_rgd, registry), crd_schema(new_rgd, registry), changes)
    return sorted(changes, key=lambda c: (c.path, c.kind, c.detail))


def breaking_findings(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    location: Location,
    allowed: bool = False,
    registry: SchemaRegistry | None = None,
) -> list[Finding]:
    """Findings for :func:`breaking_changes`: errors, except that schema changes are allowed when
    ``allowed`` is true or ``new`` carries ``kro.run/allow-breaking-changes: "true"``.

    Immutable changes (apiVersion, kind, group, scope) are always errors.
    """
    annotations = (
        (new.get("metadata") or {}).get("annotations") if isinstance(new.get("metadata"), Mapping) else None
    )
    allowed = allowed or (isinstance(annotations, Mapping) and annotations.get(ALLOW_BREAKING) == "true")
    findings = []
    for change in breaking_changes(old, new, registry=registry):
        if change.immutable:
            findings.append(
                Finding(
                    "immutable-change",
                    f"{change.path} changed ({change.detail}); the API server rejects any change to it",
                    _at(location, change.path),
                    "keep the old value, or create a new RGD (new metadata.name) for the new API and "
                    "migrate the instances",
                )
            )
        elif not allowed:
            findings.append(
                Finding(
                    "breaking-change",
                    f"{change.kind} at {change.path} ({change.detail}): kro refuses to update the CRD "
                    "(KindReady=False, breaking changes detected) and keeps the old schema",
                    _at(location, _rgd_path(change.path)),
                    f'make the change compatible, or annotate the RGD with {ALLOW_BREAKING}: "true" '
                    "(allow_breaking_changes=True) after checking the existing instances",
                )
            )
    return findings


def _at(location: Location, path: str) -> Location:
    return replace(location, resource=None, path=path)


def _rgd_path(instance_path: str) -> str:
    """Where an instance field is declared in the RGD: ``spec.ports[]`` → ``spec.schema.spec.ports``
    (fields below list items or map values are declared in ``types``, so the list field is named)."""
    return "spec.schema." + instance_path.split("[]", 1)[0]


def schema_section(rgd: Mapping[str, Any]) -> Mapping[str, Any]:
    """``spec.schema`` of an RGD (empty when it is missing or not a map)."""
    spec = rgd.get("spec")
    schema = spec.get("schema") if isinstance(spec, Mapping) else None
    return schema if isinstance(schema, Mapping) else {}


def crd_schema(rgd: Mapping[str, Any], registry: SchemaRegistry) -> dict[str, Any]:
    """The part of the generated CRD schema that can change between versions: spec and status."""
    from kro_gen.check.rgd_openapi import parse_section, spec_openapi, status_openapi
    from kro_gen.check.typecheck import analyse_types

    section = schema_section(rgd)
    parsed = parse_section(section)
    status_types = analyse_types(rgd, parsed, registry, Location()).status_types
    return {
        "type": "object",
        "properties": {"spec": spec_openapi(section, parsed), "status": status_openapi(status_types)},
    }


def _compare(path: str, old: Mapping[str, Any], new: Mapping[str, Any], out: list[BreakingChange]) -> None:
    if old.get("type") != new.get("type"):
        out.append(BreakingChange("TYPE_CHANGED", path, f"{_type(old)} -> {_type(new)}"))
        return
    old_pattern, new_pattern = old.get("pattern"), new.get("pattern")
    if new_pattern and old_pattern != new_pattern:
        kind = "PATTERN_CHANGED" if old_pattern else "PATTERN_ADDED"
        out.append(BreakingChange(kind, path, f"{_show(old_pattern)} -> {_show(new_pattern)}"))
    for name, lower in _BOUNDS:
        before, after = old.get(name), new.get(name)
        if after is None or before == after:
            continue
        tightened = before is None or (after > before if lower else after < before)
        if tightened:
            suffix = "ADDED" if before is None else "INCREASED" if lower else "DECREASED"
            out.append(BreakingChange(f"{_snake(name)}_{suffix}", path, f"{_show(before)} -> {after}"))
    _compare_properties(path, old, new, out)
    _compare_enum(path, old, new, out)
    old_items, new_items = old.get("items"), new.get("items")
    if old.get("type") == "array" and isinstance(old_items, Mapping):
        if isinstance(new_items, Mapping):
            _compare(f"{path}[]", old_items, new_items, out)
        else:
            out.append(BreakingChange("PROPERTY_REMOVED", f"{path}[]", "the item schema was removed"))


def _compare_properties(
    path: str, old: Mapping[str, Any], new: Mapping[str, Any], out: list[BreakingChange]
) -> None:
    old_props: Mapping[str, Any] = old.get("properties") or {}
    new_props: Mapping[str, Any] = new.get("properties") or {}
    old_required, new_required = set(old.get("required") or ()), set(new.get("required") or ())
    for name, old_prop in old_props.items():
        child = f"{path}.{name}" if path else name
        if name not in new_props:
            out.append(BreakingChange("PROPERTY_REMOVED", child, "the field was removed"))
            continue
        _compare(child, old_prop, new_props[name], out)
        if name in new_required and name not in old_required:
            out.append(BreakingChange("REQUIRED_ADDED", child, "the existing field became required"))
        elif name in new_required and "default" in old_prop and "default" not in new_props[name]:
            out.append(
                BreakingChange("REQUIRED_DEFAULT_REMOVED", child, "the required field lost its default")
            )
    for name, new_prop in new_props.items():
        if name not in old_props and name in new_required and "default" not in new_prop:
            child = f"{path}.{name}" if path else name
            out.append(BreakingChange("REQUIRED_ADDED", child, "a new required field without a default"))


def _compare_enum(
    path: str, old: Mapping[str, Any], new: Mapping[str, Any], out: list[BreakingChange]
) -> None:
    old_enum, new_enum = old.get("enum") or [], new.get("enum") or []
    if not old_enum or not new_enum:
        return
    kept = {json.dumps(v, sort_keys=True) for v in new_enum}
    removed = [v for v in old_enum if json.dumps(v, sort_keys=True) not in kept]
    if removed:
        out.append(BreakingChange("ENUM_RESTRICTED", path, f"removed {', '.join(_show(v) for v in removed)}"))


def _type(node: Mapping[str, Any]) -> str:
    return str(node.get("type") or "any (preserve-unknown)")


def _snake(name: str) -> str:
    return "".join(f"_{c}" if c.isupper() else c for c in name).upper()


def _show(value: Any) -> str:
    return "none" if value is None else json.dumps(value) if not isinstance(value, str) else repr(value)
