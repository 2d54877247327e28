"""Expression rules: syntax, standalone-only places, what each place may reference, functions, bytes.

Each place in an RGD has its own scope (KRO-RULES §4.2): templates see ``schema``, the other
resource ids and their own iterators; forEach values see ``schema`` and ids; includeWhen sees
``schema`` and ids (ids only since kro v0.9.0); readyWhen sees only the resource itself (``each``
for a collection); status sees ``schema`` and ids; status conditions also see ``runtime``.
"""

from __future__ import annotations

from collections.abc import Iterator

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import RgdView, close_matches, finding, warning
from kro_gen.check.rules_functions import check_functions
from kro_gen.check.rules_sites import Place, Site
from kro_gen.expr import nodes as n

_PLACE_NAMES = {
    Place.TEMPLATE: "a template",
    Place.EXTERNAL_REF: "an externalRef",
    Place.READY_WHEN: "readyWhen",
    Place.INCLUDE_WHEN: "includeWhen",
    Place.FOR_EACH: "a forEach value",
    Place.STATUS: "status",
    Place.CONDITION: "status.conditions",
}


def check_expressions(view: RgdView, sites: list[Site]) -> list[Finding]:
    """Every expression rule on every expression site of the RGD."""
    found: list[Finding] = []
    for site in sites:
        found += _check_syntax(view, site)
        found += _check_standalone(view, site)
        found += _check_identifiers(view, site)
        found += check_functions(view, site)
        found += _check_schema_reads(view, site)
    return found


def _check_syntax(view: RgdView, site: Site) -> list[Finding]:
    return [
        finding(
            "expression-syntax",
            f"${{{expression.cel}}} is not valid CEL: {expression.error}",
            view.at(site.path, site.resource),
            expression.hint or "fix the expression; use double-quoted CEL strings and balanced braces",
        )
        for expression in site.expressions
        if expression.error is not None
    ]


def _check_standalone(view: RgdView, site: Site) -> list[Finding]:
    if not site.place.standalone_only or site.standalone:
        return []
    where = _PLACE_NAMES[site.place]
    stripped = site.text.rstrip("\n")
    if stripped != site.text and "${" in stripped:
        from kro_gen.expr.kro_text import is_standalone

        if is_standalone(stripped):
            return [
                finding(
                    "expression-trailing-newline",
                    f"{where} value ends with a newline, so it is not a standalone ${{...}} expression",
                    view.at(site.path, site.resource),
                    "use a |- or >- block scalar (or a plain/quoted string) so no newline follows the }",
                )
            ]
    if not site.expressions:
        return [
            finding(
                "expression-not-standalone",
                f"{where} value {site.text!r} is not an expression; kro only accepts a whole-string "
                f"${{...}} here",
                view.at(site.path, site.resource),
                f"wrap it: ${{{site.text.strip()}}}",
            )
        ]
    return [
        finding(
            "expression-not-standalone",
            f"{where} value {site.text!r} mixes text and ${{...}}; kro only accepts one whole-string "
            "expression here",
            view.at(site.path, site.resource),
            "write the whole value as a single ${...} (build strings inside the expression with + or format)",
        )
    ]


def _allowed(view: RgdView, site: Site) -> set[str]:
    """Identifiers this site may reference (before the place-specific errors below)."""
    own = site.resource.id if site.resource else None
    ids = set(view.ids) - {own}
    if site.place is Place.READY_WHEN:
        assert site.resource is not None
        return {"each"} if site.resource.is_collection else {own or ""}
    allowed = {"schema"} | ids
    if site.place is Place.TEMPLATE and site.resource is not None:
        allowed |= set(site.resource.iterators)
    if site.place is Place.CONDITION:
        allowed.add("runtime")
    return allowed


def _check_identifiers(view: RgdView, site: Site) -> list[Finding]:
    allowed = _allowed(view, site)
    found: list[Finding] = []
    for name in site.identifiers():
        if name in allowed:
            if site.place is Place.INCLUDE_WHEN and name != "schema":
                found.append(
                    warning(
                        "includewhen-resource-reference",
                        f"includeWhen reads resource {name!r}; kro before v0.9.0 accepts only schema here, "
                        "and a volatile status field makes the resource flap",
                        view.at(site.path, site.resource),
                        "prefer a schema.spec flag; keep the resource reference only if you run kro >= "
                        "v0.9.0",
                    )
                )
            continue
        problem = _scope_problem(view, site, name)
        if problem is not None:
            found.append(problem)
        else:
            found.append(
                finding(
                    "unknown-identifier",
                    f"{_PLACE_NAMES[site.place]} references unknown identifier {name!r}"
                    f"{close_matches(name, sorted(allowed))}",
                    view.at(site.path, site.resource),
                    f'use schema.spec.<field>, a resource id, or quote it if you meant a string: "{name}"',
                )
            )
    return found


def _scope_problem(view: RgdView, site: Site, name: str) -> Finding | None:
    """A specific finding for a known name used where it is out of scope, else None."""
    here = view.at(site.path, site.resource)
    own = site.resource.id if site.resource else None
    if site.place is Place.READY_WHEN:
        collection = site.resource is not None and site.resource.is_collection
        if name == "each":
            why = "each is only defined for forEach collections"
            fix = f"use the resource's own id: ${{{own}.status...}}"
        elif collection:
            why = f"a collection's readyWhen sees only each (one item), not {name!r}"
            fix = "write it per item: ${each.status...}"
        else:
            why = f"readyWhen may reference only the resource itself ({own!r}), not {name!r}"
            fix = "move conditions on other resources to includeWhen or to that resource's own readyWhen"
        return finding("readywhen-scope", why, here, fix)
    if name == own:
        rule = "includewhen-scope" if site.place is Place.INCLUDE_WHEN else "self-reference"
        return finding(
            rule,
            f"resource {own!r} references itself in {_PLACE_NAMES[site.place]}",
            here,
            "read the value from schema or another resource; a resource cannot depend on its own state",
        )
    if name == "runtime":
        return finding(
            "runtime-outside-conditions",
            f"runtime is only available in status.conditions, not in {_PLACE_NAMES[site.place]}",
            here,
            "move the runtime.* call into a spec.schema.status.conditions entry",
        )
    if name == "each":
        return finding(
            "readywhen-scope" if site.place is not Place.INCLUDE_WHEN else "includewhen-scope",
            "each is only defined in the readyWhen of a forEach collection, not in "
            f"{_PLACE_NAMES[site.place]}",
            here,
            "use the iterator variable (inside the template) or the collection's id",
        )
    owner = _iterator_owner(view, name)
    if owner is None:
        return None
    if site.place is Place.FOR_EACH and site.resource is not None and name in site.resource.iterators:
        return finding(
            "foreach-iterator-reference",
            f"forEach value references iterator {name!r}; forEach dimensions are independent (a cartesian "
            "product)",
            here,
            "compute the combined list in one dimension, e.g. with map() over schema.spec lists",
        )
    rule = "includewhen-scope" if site.place is Place.INCLUDE_WHEN else "unknown-identifier"
    return finding(
        rule,
        f"iterator {name!r} of resource {owner!r} is not in scope in {_PLACE_NAMES[site.place]}",
        here,
        "iterators are only visible inside their own resource's template",
    )


def _iterator_owner(view: RgdView, name: str) -> str | None:
    for resource in view.resources:
        if name in resource.iterators:
            return resource.label
    return None


def _check_schema_reads(view: RgdView, site: Site) -> list[Finding]:
    found: list[Finding] = []
    for expression in site.expressions:
        for _top, chain in expression.derived(_schema_chains) or ():
            fields = [part for part in chain if isinstance(part, str)]
            if fields[:1] == ["status"]:
                found.append(
                    finding(
                        "schema-status-read",
                        "expressions cannot read schema.status (the instance's status is not in scope)",
                        view.at(site.path, site.resource),
                        "read the resource field the status is computed from instead",
                    )
                )
            elif fields[:2] == ["metadata", "namespace"] and view.scope == "Cluster":
                found.append(
                    finding(
                        "schema-namespace-cluster",
                        "schema.metadata.namespace does not exist: the instance is cluster-scoped (scope: "
                        "Cluster)",
                        view.at(site.path, site.resource),
                        "add a namespace field to the spec (schema.spec.namespace) and read that",
                    )
                )
    return found


def _schema_chains(node: n.Node) -> tuple[tuple[n.Node, tuple[str | n.Node, ...]], ...]:
    return tuple(schema_chains(node))


def schema_chains(node: n.Node) -> Iterator[tuple[n.Node, tuple[str | n.Node, ...]]]:
    """Every maximal select chain rooted at the identifier ``schema``, with its outermost node.

    ``schema.spec.a.b`` gives ``("spec", "a", "b")``.

    Optional selections are marked by a ``"?"`` segment before the field (``.?a`` → ``"?", "a"``);
    an index is the index node itself. Only the longest chain is yielded, not its prefixes.
    """
    inner: set[int] = set()
    for current in n.walk(node):
        if isinstance(current, n.Select | n.Index) and id(current) not in inner:
            chain: list[str | n.Node] = []
            probe: n.Node = current
            while isinstance(probe, n.Select | n.Index):
                inner.add(id(probe.operand))
                if isinstance(probe, n.Select):
                    chain.append(probe.field)
                    if probe.optional:
                        chain.append("?")
                else:
                    chain.append(probe.index)
                    if probe.optional:
                        chain.append("?")
                probe = probe.operand
            if isinstance(probe, n.Ident) and probe.name == "schema":
                yield current, tuple(reversed(chain))
