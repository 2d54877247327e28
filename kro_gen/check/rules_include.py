"""Readers of ``includeWhen`` resources: what kro skips without saying so.

When a resource's ``includeWhen`` is false, kro skips it *and every resource that depends on it*
(KRO-RULES §4.5): a Deployment that reads an optional ConfigMap's name is silently not created
either, and kro-gen's direct mode renders neither. A reader that carries the same conditions says so
in its own text; one that does not is a ``includewhen-dependent`` finding (a warning for RGD files,
where kro accepts it; an error in kro-gen graphs, where the fix is one ``include_when=``).

A status field (or custom condition) that reads such a resource stays unresolved while the resource
is excluded, so the field is absent from the instance: ``includewhen-status-read``, a warning in
kro-gen graphs only (:func:`check_conditional_status`; in hand-written RGDs such as kro's webapp
example, a URL read from an optional Ingress, it is the usual way to say "when there is one").

Conditions are compared by their canonical CEL text (spacing and parentheses aside): the reader must
list every condition of the resource it reads.
"""

from __future__ import annotations

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import RgdView, warning
from kro_gen.check.rules_sites import Expression, Place, Site
from kro_gen.expr.render import render_cel

__all__ = ["check_conditional_readers", "check_conditional_status", "conditions_of"]

_READER_PLACES = (Place.TEMPLATE, Place.EXTERNAL_REF, Place.FOR_EACH, Place.INCLUDE_WHEN)
_STATUS_PLACES = (Place.STATUS, Place.CONDITION)


def conditions_of(sites: list[Site]) -> dict[str, tuple[str, ...]]:
    """resource id → its ``includeWhen`` conditions as canonical CEL text (the text itself when an
    entry does not parse), for every resource that has any."""
    found: dict[str, dict[str, None]] = {}
    for site in sites:
        if site.place is not Place.INCLUDE_WHEN or site.resource is None or not site.resource.id:
            continue
        for expression in site.expressions or (Expression(site.text, None, None),):
            text = render_cel(expression.node) if expression.node is not None else expression.cel
            found.setdefault(site.resource.id, {})[" ".join(text.split())] = None
    return {resource_id: tuple(texts) for resource_id, texts in found.items()}


def check_conditional_readers(view: RgdView, sites: list[Site]) -> list[Finding]:
    """An ``includewhen-dependent`` warning per (reader, conditional resource it reads) pair whose
    conditions the reader lacks."""
    conditional = conditions_of(sites)
    found: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    for site in sites if conditional else []:
        if site.place not in _READER_PLACES or site.resource is None or not site.resource.id:
            continue
        read = [name for name in site.identifiers() if name in conditional]
        if read:
            found += _reader(view, site, read, conditional, reported)
    return found


def check_conditional_status(view: RgdView, sites: list[Site]) -> list[Finding]:
    """An ``includewhen-status-read`` warning per status field reading a conditional resource."""
    conditional = conditions_of(sites)
    found: list[Finding] = []
    for site in sites if conditional else []:
        if site.place in _STATUS_PLACES:
            read = [name for name in site.identifiers() if name in conditional]
            if read:
                found += _status(view, site, read, conditional)
    return found


def _reader(
    view: RgdView,
    site: Site,
    read: list[str],
    conditional: dict[str, tuple[str, ...]],
    reported: set[tuple[str, str]],
) -> list[Finding]:
    resource = site.resource
    assert resource is not None and resource.id is not None
    own = set(conditional.get(resource.id, ()))
    found: list[Finding] = []
    for name in read:
        if name == resource.id or (resource.id, name) in reported:
            continue
        missing = [c for c in conditional[name] if c not in own]
        if not missing:
            continue
        reported.add((resource.id, name))
        when = " and ".join(f"${{{c}}}" for c in missing)
        found.append(
            warning(
                "includewhen-dependent",
                f"{resource.id!r} reads {name!r}, which is included only when {when}; "
                f"when that is false kro skips {resource.id!r} too (and direct mode renders neither)",
                view.at(site.path, resource),
                f"give {resource.id!r} the same condition (includeWhen, or include_when= in kro-gen), "
                f"or stop reading {name!r}",
            )
        )
    return found


def _status(
    view: RgdView, site: Site, read: list[str], conditional: dict[str, tuple[str, ...]]
) -> list[Finding]:
    names = ", ".join(repr(name) for name in read)
    conditions = " and ".join(dict.fromkeys(f"${{{c}}}" for name in read for c in conditional[name]))
    return [
        warning(
            "includewhen-status-read",
            f"this status field reads {names}, included only when {conditions}; while it is excluded "
            "the field stays unresolved and is absent from the instance",
            view.at(site.path),
            "expect the field to be missing (clients read it with a default), or read a resource "
            "that is always included",
        )
    ]
