"""forEach rules: dimension shape, iterator names, and iterators used in the object's identity."""

from __future__ import annotations

from collections.abc import Mapping

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import ResourceView, RgdView, finding, name_findings, type_name
from kro_gen.check.rules_metadata import is_namespaced
from kro_gen.check.rules_sites import Place, Site

#: kro's default --rgd-max-collection-dimension-size.
MAX_DIMENSIONS = 10


def check_for_each(view: RgdView, sites: list[Site], registry: object | None) -> list[Finding]:
    """Shape and naming of every forEach, and that each iterator reaches metadata.name/namespace."""
    found: list[Finding] = []
    ids = set(view.ids)
    for resource in view.resources:
        raw = resource.raw.get("forEach")
        if raw is None:
            continue
        path = (*resource.path, "forEach")
        if not isinstance(raw, list):
            found.append(
                finding(
                    "foreach-shape",
                    f"forEach must be a list of single-key maps, not a {type_name(raw)}",
                    view.at(path, resource),
                    'write forEach: [{region: "${schema.spec.regions}"}]',
                )
            )
            continue
        if len(raw) > MAX_DIMENSIONS:
            found.append(
                finding(
                    "foreach-dimensions",
                    f"forEach has {len(raw)} dimensions; kro allows at most {MAX_DIMENSIONS} by default",
                    view.at(path, resource),
                    "combine dimensions into one list expression, or split the resource",
                )
            )
        found += _check_dimensions(view, resource, raw, ids)
        found += _check_identity_use(view, resource, sites, registry)
    return found


def _check_dimensions(
    view: RgdView, resource: ResourceView, raw: list[object], ids: set[str]
) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for index, dimension in enumerate(raw):
        path = (*resource.path, "forEach", index)
        if not isinstance(dimension, Mapping) or len(dimension) != 1:
            size = f"{len(dimension)} keys" if isinstance(dimension, Mapping) else f"a {type_name(dimension)}"
            found.append(
                finding(
                    "foreach-shape",
                    f"forEach[{index}] must be a map with exactly one iterator, got {size}",
                    view.at(path, resource),
                    "put each iterator in its own list item: - region: ${schema.spec.regions}",
                )
            )
        if not isinstance(dimension, Mapping):
            continue
        for name, value in dimension.items():
            name_path = (*path, str(name))
            if not isinstance(value, str):
                found.append(
                    finding(
                        "foreach-shape",
                        f'forEach iterator {name!r} has a {type_name(value)} value; kro needs a "${{...}}" '
                        "list expression",
                        view.at(name_path, resource),
                        'write the list as an expression, e.g. "${[\\"a\\", \\"b\\"]}" or '
                        '"${schema.spec.items}"',
                    )
                )
            name = str(name)
            found += name_findings(name, kind="iterator-name", location=view.at(name_path, resource))
            if name in ids:
                found.append(
                    finding(
                        "iterator-id-collision",
                        f"iterator name {name!r} is also a resource id",
                        view.at(name_path, resource),
                        f"rename the iterator (e.g. {name + 'Item'!r}); iterators and ids share one "
                        "namespace",
                    )
                )
            if name in seen:
                found.append(
                    finding(
                        "iterator-name-duplicate",
                        f"iterator name {name!r} is used twice in this forEach",
                        view.at(name_path, resource),
                        "give every dimension its own iterator name",
                    )
                )
            seen.add(name)
    return found


def _check_identity_use(
    view: RgdView, resource: ResourceView, sites: list[Site], registry: object | None
) -> list[Finding]:
    """kro: every forEach dimension must be used to make each item's identity unique."""
    template = resource.template
    if template is None:
        return []
    identity = [(*resource.path, "template", "metadata", "name")]
    if is_namespaced(resource.api_version, resource.kind, registry) is not False:
        identity.append((*resource.path, "template", "metadata", "namespace"))
    used: set[str] = set()
    for site in sites:
        if site.resource is resource and site.place is Place.TEMPLATE and site.path in identity:
            used.update(site.identifiers())
    found: list[Finding] = []
    for name in dict.fromkeys(resource.iterators):
        if name not in used:
            found.append(
                finding(
                    "iterator-unused-in-identity",
                    f"iterator {name!r} is not used in metadata.name, so the items of this collection "
                    "collide",
                    view.at((*resource.path, "template", "metadata", "name"), resource),
                    f'use it in the name, e.g. name: "${{schema.metadata.name}}-${{{name}}}" (string() it if '
                    "it is not a string)",
                )
            )
    return found
