"""Every rule kro v0.9.3 enforces, checked offline: RGDs, instances, and YAML files.

- :func:`check_rgd` runs every RGD rule (identity, SimpleSchema, resources, forEach, metadata,
  duplicate objects, expressions, status, graph cycles) and, with a schema registry, the Kubernetes
  schema and CEL type checks of :mod:`kro_gen.check.k8s_validate` and :mod:`kro_gen.check.typecheck`.
- :func:`check_instance` checks an instance against the RGD it belongs to.
- :func:`check_files` is ``kro-gen validate PATH...``.
- :mod:`kro_gen.check.report` prints findings and picks the exit code.

Every finding has a stable rule name, a location (file or graph, resource id, field path) and a fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.check.files import check_files
from kro_gen.check.findings import Finding, Severity, errors
from kro_gen.check.rules_base import RgdView, finding
from kro_gen.check.rules_instances import check_instance
from kro_gen.errors import Location

__all__ = [
    "Finding",
    "Severity",
    "check_files",
    "check_generated_rgd",
    "check_instance",
    "check_rgd",
    "default_registry",
    "errors",
]


def default_registry() -> Any | None:
    """A fresh registry of the built-in Kubernetes kinds (None if the schema layer is unavailable).

    Fresh, because registering CRDs or RGDs changes a registry; the built-in schemas themselves are
    loaded once per process and shared.
    """
    try:
        from kro_gen.registry import SchemaRegistry
    except ImportError:  # pragma: no cover - the schema layer ships with the package
        return None
    return SchemaRegistry.default()


def check_rgd(
    rgd: Mapping[str, Any],
    *,
    location: Location,
    registry: Any | None = None,
    declared_status: Mapping[tuple[str, ...], str] | None = None,
) -> list[Finding]:
    """Every offline kro v0.9.3 rule on one RGD dict (generated, or hand-written and parsed from YAML).

    Args:
        rgd: the ResourceGraphDefinition; nothing in it is trusted (wrong types become findings).
        location: where the RGD is (file, or graph name); findings add the resource id and field path.
        registry: schemas for template validation and type checking
            (:class:`~kro_gen.registry.SchemaRegistry`). None uses the built-in Kubernetes
            kinds; pass one with your CRDs registered to check templates of custom kinds.
        declared_status: the status model's declared CEL kind per status field (path below
            ``spec.schema.status`` -> ``string``/``int``/``double``/``bool``/``list``/``map``), for
            kro-gen's own graphs; each is checked against the inferred type (rule ``status-type``).
            Hand-written RGDs declare nothing (kro infers the status schema).

    Returns:
        Findings in rule order, without duplicates.
    """
    if not isinstance(rgd, Mapping):
        return [
            finding(
                "rgd-spec",
                f"an RGD must be a map, not a {type(rgd).__name__}",
                location,
                "give a ResourceGraphDefinition object",
            )
        ]
    from kro_gen.check.rules_sites import collect_sites

    view = RgdView(rgd, location)
    return _check_view(view, collect_sites(view), registry, declared_status)


def check_generated_rgd(
    rgd: Mapping[str, Any],
    *,
    location: Location,
    registry: Any | None = None,
    declared_status: Mapping[tuple[str, ...], str] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """``check_rgd(rgd, ...)`` and :func:`kro_gen.check.generated.check_generated` ``(rgd, location)`` of
    one generated RGD, with the RGD read once: both use one view and one list of its expression sites."""
    from kro_gen.check.generated import check_generated
    from kro_gen.check.rules_include import check_conditional_status
    from kro_gen.check.rules_sites import collect_sites

    if not isinstance(rgd, Mapping):
        return check_rgd(rgd, location=location, registry=registry, declared_status=declared_status), (
            check_generated(rgd, location)
        )
    view = RgdView(rgd, location)
    sites = collect_sites(view)
    first = _check_view(view, list(sites), registry, declared_status)
    return first, check_conditional_status(view, sites)


def _check_view(
    view: RgdView,
    sites: list[Any],
    registry: Any | None,
    declared_status: Mapping[tuple[str, ...], str] | None,
) -> list[Finding]:
    """:func:`check_rgd`'s rules on ``view`` and its expression ``sites``."""
    from kro_gen.check.rules_expressions import check_expressions
    from kro_gen.check.rules_foreach import check_for_each
    from kro_gen.check.rules_graph import check_graph
    from kro_gen.check.rules_identity import check_identity
    from kro_gen.check.rules_include import check_conditional_readers
    from kro_gen.check.rules_metadata import check_metadata
    from kro_gen.check.rules_objects import check_duplicate_objects
    from kro_gen.check.rules_printer_columns import check_printer_columns
    from kro_gen.check.rules_resources import check_resources
    from kro_gen.check.rules_schema import check_schema, parse_schema
    from kro_gen.check.rules_status import check_status

    registry = registry if registry is not None else default_registry()
    parsed = parse_schema(view)
    found = check_identity(view)
    found += check_schema(view, sites, parsed)
    found += check_printer_columns(view, parsed)
    found += check_resources(view)
    found += check_for_each(view, sites, registry)
    found += check_metadata(view, registry)
    found += check_duplicate_objects(view, sites, registry)
    found += check_expressions(view, sites)
    found += check_status(view, sites)
    found += check_graph(view, sites)
    found += check_conditional_readers(view, sites)
    if registry is not None:
        found += _schema_checks(view, sites, parsed, registry, declared_status or {})
    return list(dict.fromkeys(found))


def _schema_checks(
    view: RgdView,
    sites: list[Any],
    parsed: Any,
    registry: Any,
    declared_status: Mapping[tuple[str, ...], str],
) -> list[Finding]:
    """Templates against their kinds' schemas, expression types, declared status types."""
    try:
        from kro_gen.check.k8s_validate import validate_manifest
        from kro_gen.check.rules_status_types import check_status_types
        from kro_gen.check.typecheck import analyse_types
    except ImportError:  # pragma: no cover - the schema layer ships with the package
        return []
    found: list[Finding] = []
    for resource in view.resources:
        if resource.api_version and resource.kind and resource.template is not None:
            where = view.at((*resource.path, "template"), resource)
            found += validate_manifest(resource.template, registry, where)
    report = analyse_types(view.rgd, parsed, registry, view.location, sites=sites)
    found += report.findings
    if declared_status:
        found += check_status_types(view, declared_status, report.status_types)
    return found
