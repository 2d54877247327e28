"""Changes to an RGD that kro v0.9.3 does not apply to the CRD it already created.

kro regenerates the CRD for every RGD change but writes it only when its comparison of the live and
the new CRD finds a change (``pkg/client/crd.go``: ``if !report.HasChanges() { return nil }``). That
comparison (``pkg/graph/crd/compat``) reads the OpenAPI schema only, and only some of it: type,
description, default, pattern, the numeric/length/item bounds, properties (added, removed),
``required``, enum values when both sides have some, and list items. So these reach an existing CRD
only together with a change it sees:

- ``spec.schema.additionalPrinterColumns`` (the CRD's printer columns);
- ``spec.schema.metadata`` (the CRD's labels and annotations);
- schema changes outside that list: ``immutable=true`` and ``validation=`` markers
  (``x-kubernetes-validations``), ``uniqueItems``/``listType``/``listMapKey``
  (``x-kubernetes-list-*``), a map's value type, ``format``, an enum added to or removed from a field
  that had none.

The finding is a warning (``crd-change-not-applied``): the RGD is accepted, the instances keep
working, but the CRD stays as it was. Pairing the change with one kro sees, such as a field's
``description``, makes kro write the whole new CRD.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kro_gen.check.findings import Finding, Severity
from kro_gen.errors import Location

if TYPE_CHECKING:
    from kro_gen.registry import SchemaRegistry

_SCHEMA_KEYS = ("spec", "types", "status")
_BOUNDS = ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems")


def unapplied_changes(
    old_rgd: Mapping[str, Any], new_rgd: Mapping[str, Any], *, registry: SchemaRegistry
) -> list[str]:
    """What changed from ``old_rgd`` to ``new_rgd`` in the CRD kro generates but would not reach an
    existing CRD (empty when nothing did, or when kro sees a change and so writes everything)."""
    from kro_gen.check.breaking import crd_schema, schema_section

    old, new = schema_section(old_rgd), schema_section(new_rgd)
    if any(old.get(key) != new.get(key) for key in ("apiVersion", "kind", "group", "scope")):
        return []  # another CRD (or an immutable change, reported as such)
    changed = []
    if (old.get("additionalPrinterColumns") or []) != (new.get("additionalPrinterColumns") or []):
        changed.append("the printer columns (spec.schema.additionalPrinterColumns)")
    for key in ("labels", "annotations"):
        if _map(_map(old.get("metadata")).get(key)) != _map(_map(new.get("metadata")).get(key)):
            changed.append(f"the CRD's {key} (spec.schema.metadata.{key})")
    if any(old.get(key) != new.get(key) for key in _SCHEMA_KEYS):
        old_schema, new_schema = crd_schema(old_rgd, registry), crd_schema(new_rgd, registry)
        if kro_sees_change(old_schema, new_schema):
            return []
        if _canonical(old_schema) != _canonical(new_schema):
            changed.append(
                "schema details kro does not compare (validation rules, immutable, list types, map "
                "value types, formats, or an enum on a field that had none)"
            )
    return changed


def unapplied_findings(
    old_rgd: Mapping[str, Any] | None,
    new_rgd: Mapping[str, Any],
    *,
    location: Location,
    registry: SchemaRegistry,
) -> list[Finding]:
    """One ``crd-change-not-applied`` warning when :func:`unapplied_changes` finds anything."""
    if old_rgd is None:
        return []
    changed = unapplied_changes(old_rgd, new_rgd, registry=registry)
    if not changed:
        return []
    return [
        Finding(
            "crd-change-not-applied",
            f"{' and '.join(changed)} changed, but kro v0.9.3 rewrites an existing CRD only when its "
            "comparison of the OpenAPI schema finds a change, so the live CRD keeps the old ones",
            replace(location, resource=None, path="spec.schema"),
            "pair the change with one kro sees, e.g. edit a field's description (a non-breaking change), "
            "so that kro writes the whole new CRD",
            Severity.WARNING,
        )
    ]


def kro_sees_change(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether kro's CRD comparison (``compat.Compare``) reports any change, breaking or not."""
    if any(old.get(key) != new.get(key) for key in ("description", "type", "pattern", *_BOUNDS)):
        return True
    if _canonical(old.get("default")) != _canonical(new.get("default")):
        return True
    old_props: Mapping[str, Any] = old.get("properties") or {}
    new_props: Mapping[str, Any] = new.get("properties") or {}
    if old_props.keys() != new_props.keys():
        return True
    if any(kro_sees_change(old_props[name], new_props[name]) for name in old_props):
        return True
    if set(old.get("required") or ()) != set(new.get("required") or ()):
        return True
    old_enum, new_enum = old.get("enum") or [], new.get("enum") or []
    if old_enum and new_enum and {_canonical(v) for v in old_enum} != {_canonical(v) for v in new_enum}:
        return True
    if old.get("type") == "array":
        old_items, new_items = old.get("items"), new.get("items")
        if isinstance(old_items, Mapping) != isinstance(new_items, Mapping):
            return True
        if isinstance(old_items, Mapping) and isinstance(new_items, Mapping):
            return kro_sees_change(old_items, new_items)
    return False


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
