"""Function rules: unknown and disabled functions, gated ``omit()``, ``runtime.*`` and bytes results.

The catalog of what kro v0.9.3 knows lives in :mod:`kro_gen.expr.catalog`; this module only
decides which uses are findings.
"""

from __future__ import annotations

from collections.abc import Iterator

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import RgdView, finding
from kro_gen.check.rules_sites import Place, Site
from kro_gen.errors import Location
from kro_gen.expr import catalog as cat
from kro_gen.expr import nodes as n

#: Namespaces of CEL extensions kro v0.9.3 does not enable: every call into them is rejected, even
#: one the catalog does not list.
DISABLED_NAMESPACES = frozenset({"math", "sets", "proto"})


def check_functions(view: RgdView, site: Site) -> list[Finding]:
    """Function findings for one site."""
    found: list[Finding] = []
    for expression in site.expressions:
        if expression.node is None:
            continue
        for current in expression.derived(_calls) or ():
            if isinstance(current, n.Call):
                found += _check_call(view, site, current.function)
            else:
                found += _check_method(view, site, current)
        found += _check_bytes(view, site, expression.derived(_bytes_calls) or ())
    return found


def _calls(node: n.Node) -> tuple[n.Call | n.Method, ...]:
    """The calls and method calls of ``node``, in walk order."""
    return tuple(current for current in n.walk(node) if isinstance(current, n.Call | n.Method))


def _bytes_calls(node: n.Node) -> tuple[str, ...]:
    return tuple(_unwrapped_bytes(node, wrapped=False))


def _check_call(view: RgdView, site: Site, name: str) -> list[Finding]:
    here = view.at(site.path, site.resource)
    if name.startswith("runtime.") and site.place is not Place.CONDITION:
        return [_runtime(name, here)]
    state = cat.status(name, method=False)
    if state == cat.GATED:
        return [
            finding(
                "omit-gated",
                f"{name}() needs kro's CELOmitFunction feature gate, which is off by default; even with it "
                "on, it is rejected outside template fields and in metadata.name/namespace",
                here,
                "give the field a value instead (e.g. .?field.orValue(default)), or drop the field",
            )
        ]
    if state == cat.DISABLED or name.split(".", 1)[0] in DISABLED_NAMESPACES:
        return [_disabled(name, here)]
    if state == cat.UNKNOWN:
        return [_unknown(f"{name}()", cat.suggest(name, method=False), here)]
    return []


def _check_method(view: RgdView, site: Site, method: n.Method) -> list[Finding]:
    here = view.at(site.path, site.resource)
    target = method.target
    if isinstance(target, n.Ident):
        dotted = f"{target.name}.{method.function}"
        if target.name == "runtime":
            return []  # the runtime identifier itself is checked by the scope rules
        if cat.status(dotted, method=False) != cat.UNKNOWN:
            return _check_call(view, site, dotted)
    state = cat.status(method.function, method=True)
    if state == cat.DISABLED:
        return [_disabled(f".{method.function}", here)]
    if state == cat.UNKNOWN:
        return [_unknown(f".{method.function}()", cat.suggest(method.function, method=True), here)]
    return []


def _unknown(shown: str, suggestion: str | None, here: Location) -> Finding:
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return finding(
        "unknown-function",
        f"kro v0.9.3 has no function {shown}{hint}",
        here,
        f"use {suggestion}" if suggestion else "use a function from kro's CEL environment (KRO-RULES §4.3)",
    )


def _runtime(name: str, here: Location) -> Finding:
    return finding(
        "runtime-outside-conditions",
        f"{name}() is only available in status.conditions",
        here,
        "move it into a spec.schema.status.conditions entry",
    )


def _disabled(name: str, here: Location) -> Finding:
    note = cat.DISABLED_FUNCTIONS.get(name.lstrip("."), "")
    return finding(
        "disabled-function",
        f"{name}() is not available in kro v0.9.3" + (f": {note}" if note else " (math.*, sets.* are off)"),
        here,
        "rewrite it with the standard library, e.g. a > b ? a : b instead of math.greatest, "
        "list.exists(x, x == v) instead of sets.contains",
    )


def _check_bytes(view: RgdView, site: Site, names: tuple[str, ...]) -> list[Finding]:
    """kro#1308: an expression that yields bytes panics the v0.9.3 controller (``names``: the bytes
    functions whose results are not converted, from :func:`_unwrapped_bytes`)."""
    return [
        finding(
            "bytes-expression",
            f"{name}() returns bytes and its result is not converted; in kro v0.9.3 a bytes value crashes "
            "the controller (kro#1308)",
            view.at(site.path, site.resource),
            f'wrap it: "%x".format([{name}(...)]) or base64.encode({name}(...))',
        )
        for name in names
    ]


def _unwrapped_bytes(node: n.Node, *, wrapped: bool) -> Iterator[str]:
    if isinstance(node, n.Call) and node.function in cat.BYTES_FUNCTIONS and not wrapped:
        yield node.function
    for child, child_wrapped in _children_wrapping(node):
        yield from _unwrapped_bytes(child, wrapped=child_wrapped)


def _children_wrapping(node: n.Node) -> Iterator[tuple[n.Node, bool]]:
    """Each child, and whether the parent turns a bytes child into a non-bytes value."""
    if isinstance(node, n.Call) and node.function in ("base64.encode", "size", "string"):
        for arg in node.args:
            yield arg, not (node.function == "string" and _is_hash(arg))
        return
    if isinstance(node, n.Method) and node.function == "format":
        yield node.target, False
        for arg in node.args:
            if isinstance(arg, n.ListLit):
                yield from ((item, True) for item in arg.items)
            else:
                yield arg, False
        return
    for child in node.children():
        yield child, False


def _is_hash(node: n.Node) -> bool:
    return isinstance(node, n.Call) and node.function.startswith("hash.")
