"""SimpleSchema rules: every problem kro's SimpleSchema parser would raise, untyped item lists, and
spec fields that templates read although an instance may omit them (kro#893).

The parsing itself is :func:`kro_gen.schema.parse_simple_schema`; this module turns its problems
into findings at the right YAML path and looks at how expressions read ``schema.spec``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import Path, RgdView, finding, warning
from kro_gen.check.rules_sites import Site
from kro_gen.expr import nodes as n

_FIXES = {
    "schema-type-unknown": "use string, integer, float, boolean, object, []T, map[string]T or a name from "
    "types",
    "schema-type-syntax": 'quote list types in YAML ("[]string") and use map[string]T for maps',
    "schema-type-cycle": "break the cycle between the custom types",
    "schema-value-type": 'write the field as a type string ("integer | default=1") or a nested map',
    "schema-marker-unknown": "use one of kro's markers: required default description enum minimum maximum "
    "minLength maxLength minItems maxItems uniqueItems listType listMapKey pattern immutable validation",
    "schema-default-invalid": "give a default of the field's type (numbers unquoted, JSON for lists and "
    "maps)",
    "schema-marker-not-applicable": "remove the marker or change the field's type (enum: string/integer "
    "only)",
}
_DEFAULT_FIX = "write markers as one '|' then space-separated key=value pairs (KRO-RULES §3)"
_UNTYPED_ITEMS = re.compile(r"^(\[\]|map\[string\])+object$")


def parse_schema(view: RgdView) -> Any | None:
    """The parsed SimpleSchema of the RGD (None when the schema layer is unavailable)."""
    try:
        from kro_gen.schema import parse_simple_schema
    except ImportError:  # pragma: no cover - the schema layer ships with the package
        return None
    spec = view.schema.get("spec")
    return parse_simple_schema(spec if spec is not None else {}, view.schema.get("types"))


def check_schema(view: RgdView, sites: list[Site], parsed: Any | None) -> list[Finding]:
    """SimpleSchema problems, ``[]object`` warnings and optional spec reads."""
    if parsed is None:
        return []
    found = [_problem(view, problem) for problem in parsed.problems]
    found += _untyped_items(view, parsed)
    found += _optional_reads(view, sites, parsed)
    return found


def _problem(view: RgdView, problem: Any) -> Finding:
    rule = problem.rule if problem.rule.startswith("schema-") else f"schema-{problem.rule}"
    return finding(rule, problem.message, view.at(yaml_path(problem.path)), _FIXES.get(rule, _DEFAULT_FIX))


def yaml_path(schema_path: str) -> Path:
    """The YAML path of a SimpleSchema problem path (``spec.db.port``, ``types.T.x``, ``spec.a[].b``).

    Item segments live inside the field's type string, so the path stops at the field that has them.
    """
    cut = min((i for i in (schema_path.find("["), schema_path.find("{")) if i >= 0), default=len(schema_path))
    parts = [p for p in schema_path[:cut].split(".") if p]
    return ("spec", "schema", *parts)


def _untyped_items(view: RgdView, parsed: Any) -> list[Finding]:
    found: list[Finding] = []
    for path, field in parsed.fields.items():
        if "[]" in path or "{}" in path or not isinstance(field.type_text, str):
            continue
        type_text = field.type_text.replace(" ", "")
        if _UNTYPED_ITEMS.match(type_text):
            found.append(
                warning(
                    "schema-untyped-items",
                    f"{type_text} leaves the fields of every item unchecked (neither the API server nor "
                    "kro's type checker knows them)",
                    view.at(("spec", "schema", "spec", *path)),
                    "declare the item shape as a custom type under types: and use "
                    f"{type_text[:-6]}<TypeName>",
                )
            )
    return found


def _optional_reads(view: RgdView, sites: list[Site], parsed: Any) -> list[Finding]:
    """One warning per optional field that expressions read unguarded, at its first read."""
    reads: dict[tuple[str, ...], list[Site]] = {}
    for site in sites:
        for chain, safe in spec_reads_in(site):
            unsafe = _first_unsafe(chain, safe, parsed)
            if unsafe is not None:
                seen = reads.setdefault(unsafe, [])
                if not any(other is site for other in seen):
                    seen.append(site)
    found: list[Finding] = []
    for unsafe, where in reads.items():
        shown = "schema.spec." + ".".join(unsafe)
        more = f" (and {len(where) - 1} more place{'s' * (len(where) > 2)})" if len(where) > 1 else ""
        optional = ".".join(unsafe[:-1]) + "." if unsafe[:-1] else ""
        found.append(
            warning(
                "spec-field-optional-read",
                f"{shown} is read here{more}, but it is neither required nor defaulted: an instance that "
                "omits it leaves kro waiting forever (kro#893)",
                view.at(where[0].path, where[0].resource),
                f"mark it required=true, give it a default=, or read it as "
                f"schema.spec.{optional}?{unsafe[-1]}.orValue(...)",
            )
        )
    return found


def _first_unsafe(chain: tuple[str | n.Node, ...], safe: int, parsed: Any) -> tuple[str, ...] | None:
    """The path of the first field in ``chain`` an instance may omit, or None when all must be there."""
    if chain[:1] != ("spec",):
        return None
    path: tuple[str, ...] = ()
    for position, segment in enumerate(chain[1:], start=1):
        if not isinstance(segment, str) or segment == "?":
            return None  # an index, or an optional step guards the rest
        path = (*path, segment)
        field = parsed.get(path)
        if field is None:
            return None  # unknown fields are the type checker's finding
        if position >= safe and not (field.required or field.has_default):
            return path
        if field.kind != "struct":
            return None
    return None


def spec_reads_in(site: Site) -> Iterator[tuple[tuple[str | n.Node, ...], int]]:
    """Every read of a ``schema`` select chain in ``site``, with how many leading segments a
    surrounding ``has(...)`` guard makes safe."""
    for expression in site.expressions:
        yield from expression.derived(_spec_reads) or ()


def _spec_reads(node: n.Node) -> tuple[tuple[tuple[str | n.Node, ...], int], ...]:
    return tuple(_reads(node, ()))


def _reads(
    node: n.Node, guards: tuple[tuple[str | n.Node, ...], ...]
) -> Iterator[tuple[tuple[str | n.Node, ...], int]]:
    chain = _schema_chain(node)
    if chain is not None:
        yield chain, _guarded(chain, guards)
        for part in chain:
            if isinstance(part, n.Node):
                yield from _reads(part, guards)
        return
    if isinstance(node, n.Call) and node.function == "has" and len(node.args) == 1:
        tested = _schema_chain(node.args[0])
        if tested is not None:  # has(a.b.c) needs a.b to exist, not c
            yield tested[:-1], _guarded(tested[:-1], guards)
            return
    if isinstance(node, n.Cond):
        yield from _reads(node.cond, guards)
        yield from _reads(node.then, (*guards, *_has_tests(node.cond)))
        yield from _reads(node.otherwise, guards)
        return
    if isinstance(node, n.Binary) and node.op == "&&":
        yield from _reads(node.left, guards)
        yield from _reads(node.right, (*guards, *_has_tests(node.left)))
        return
    for child in node.children():
        yield from _reads(child, guards)


def _has_tests(node: n.Node) -> list[tuple[str | n.Node, ...]]:
    """The chains a condition proves present: ``has(x)``, and each side of ``&&``."""
    if isinstance(node, n.Call) and node.function == "has" and len(node.args) == 1:
        chain = _schema_chain(node.args[0])
        return [chain] if chain is not None else []
    if isinstance(node, n.Binary) and node.op == "&&":
        return _has_tests(node.left) + _has_tests(node.right)
    return []


def _guarded(chain: tuple[str | n.Node, ...], guards: tuple[tuple[str | n.Node, ...], ...]) -> int:
    """How many leading segments of ``chain`` a guard proves present (counting ``spec``)."""
    return max((len(g) for g in guards if chain[: len(g)] == g), default=0)


def _schema_chain(node: n.Node) -> tuple[str | n.Node, ...] | None:
    """``("spec", "a", "?", "b")`` for ``schema.spec.a.?b``; None when ``node`` is not such a chain."""
    parts: list[str | n.Node] = []
    probe = node
    while isinstance(probe, n.Select | n.Index):
        parts.append(probe.field if isinstance(probe, n.Select) else probe.index)
        if probe.optional:
            parts.append("?")
        probe = probe.operand
    if not parts or not (isinstance(probe, n.Ident) and probe.name == "schema"):
        return None
    return tuple(reversed(parts))
