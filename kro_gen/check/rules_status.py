"""Status rules: ``spec.schema.status`` leaves are expressions that read schema or a resource, kro's own
``state`` is not redefined, and ``conditions`` uses the v0.9.3 custom-conditions form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import Path, RgdView, finding, type_name, warning
from kro_gen.check.rules_sites import Place, Site, condition_map
from kro_gen.errors import Location
from kro_gen.expr import nodes as n

_CONDITION_KEYS = ("type", "status", "reason", "message")
_CONDITION_STATUSES = ("True", "False", "Unknown")
_BUILTIN_CONDITIONS = ("InstanceManaged", "GraphResolved", "ResourcesReady", "Ready")


def check_status(view: RgdView, sites: list[Site]) -> list[Finding]:
    """Every status rule on the RGD."""
    status = view.schema.get("status")
    if not isinstance(status, Mapping):
        return []
    by_path = {site.path: site for site in sites if site.place in (Place.STATUS, Place.CONDITION)}
    found: list[Finding] = []
    base: Path = ("spec", "schema", "status")
    for key, value in status.items():
        path = (*base, str(key))
        if key == "state":
            found.append(
                finding(
                    "status-state-reserved",
                    "status.state is kro's own field (IN_PROGRESS/ACTIVE/...) and cannot be defined",
                    view.at(path),
                    "rename the field, e.g. phase",
                )
            )
        elif key == "conditions":
            found += _check_conditions(view, value, path, by_path)
        else:
            found += _check_leaves(view, value, path, by_path)
    return found


def _check_leaves(view: RgdView, value: Any, path: Path, by_path: dict[Path, Site]) -> list[Finding]:
    if isinstance(value, Mapping):
        return [
            f for key, item in value.items() for f in _check_leaves(view, item, (*path, str(key)), by_path)
        ]
    found: list[Finding] = []
    if isinstance(value, list):
        found.append(
            warning(
                "status-expression-list",
                "a YAML list of expressions in status gets a fragile inferred schema",
                view.at(path),
                "emit one list-valued expression instead, e.g. ${[a.status.x, b.status.y]}",
            )
        )
        for index, item in enumerate(value):
            found += _check_leaves(view, item, (*path, index), by_path)
        return found
    site = by_path.get(path)
    if site is None or not site.expressions:
        shown = repr(value) if isinstance(value, str) else f"{type_name(value)} {value!r}"
        return [
            finding(
                "status-literal",
                f"status field is the literal {shown}; kro rejects status fields without ${{...}}",
                view.at(path),
                "make it an expression that reads schema or a resource, e.g. ${schema.spec.<field>}; "
                "a constant belongs in a printer column or a label, not in status",
            )
        ]
    if any(e.error for e in site.expressions):
        return []  # reported as expression-syntax
    identifiers = set(site.identifiers())
    if not identifiers & ({"schema"} | set(view.ids)):
        found.append(
            finding(
                "status-no-reference",
                f"status expression {site.text!r} reads neither schema nor any resource",
                view.at(path),
                "read a resource (${deployment.status...}) or the spec (${schema.spec...}); "
                "kro rejects status fields that refer to nothing",
            )
        )
    return found


def _check_conditions(view: RgdView, value: Any, path: Path, by_path: dict[Path, Site]) -> list[Finding]:
    if not isinstance(value, list):
        return [
            finding(
                "status-conditions-form",
                f"status.conditions must be a list of ${{runtime.newCondition(...)}} strings, not a "
                f"{type_name(value)}",
                view.at(path),
                'write conditions: ["${runtime.newCondition({type: \\"AppReady\\", status: ...})}"], or drop '
                "it and use a differently named field",
            )
        ]
    found: list[Finding] = []
    declared: dict[str, Path] = {}
    for index, entry in enumerate(value):
        entry_path = (*path, index)
        site = by_path.get(entry_path)
        if not isinstance(entry, str) or site is None:
            found.append(
                finding(
                    "status-conditions-form",
                    f"status.conditions[{index}] is a {type_name(entry)}; each entry must be a ${{...}} "
                    "string",
                    view.at(entry_path),
                    "write the entry as ${runtime.newCondition({type: ..., status: ..., reason: ..., "
                    "message: ...})}",
                )
            )
            continue
        for node in site.nodes():
            found += _check_condition_calls(view, node, entry_path, declared)
    return found


def _check_condition_calls(
    view: RgdView, node: n.Node, path: Path, declared: dict[str, Path]
) -> list[Finding]:
    found: list[Finding] = []
    here = view.at(path)
    for current in n.walk(node):
        if _is_runtime_call(current, "newCondition"):
            mapping = condition_map(current)
            if mapping is None:
                found.append(_call_error("runtime.newCondition needs a map literal argument", here))
                continue
            found += _check_condition_map(mapping, here)
            literal_type = _entry(mapping, "type")
            if isinstance(literal_type, str):
                if literal_type in declared:
                    found.append(
                        finding(
                            "status-condition-type-duplicate",
                            f"condition type {literal_type!r} is declared by more than one conditions entry",
                            here,
                            "give every custom condition its own type",
                        )
                    )
                declared.setdefault(literal_type, path)
        elif _is_runtime_call(current, "condition"):
            found += _check_condition_lookup(current, here)
    return found


def _check_condition_map(mapping: n.MapLit, here: Location) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for key, _value in mapping.entries:
        if not isinstance(key, n.Ident):
            return [
                _call_error("runtime.newCondition keys must be bare identifiers (type, status, ...)", here)
            ]
        if key.name not in _CONDITION_KEYS:
            found.append(
                _call_error(
                    f"runtime.newCondition has no key {key.name!r} (allowed: type, status, reason, message)",
                    here,
                )
            )
        elif key.name in seen:
            found.append(_call_error(f"runtime.newCondition key {key.name!r} is given twice", here))
        else:
            seen.add(key.name)
    for required in ("type", "status"):
        if required not in seen:
            found.append(_call_error(f"runtime.newCondition needs a {required!r} key", here))
    status = _entry(mapping, "status")
    if isinstance(status, str) and status not in _CONDITION_STATUSES:
        found.append(_call_error(f"condition status {status!r} is not True, False or Unknown", here))
    if _entry(mapping, "type") == "":
        found.append(_call_error("condition type must not be empty", here))
    return found


def _check_condition_lookup(call: n.Node, here: Location) -> list[Finding]:
    args = call.args if isinstance(call, n.Call | n.Method) else ()
    if len(args) != 2 or not (isinstance(args[0], n.Ident) and args[0].name == "schema"):
        return []
    name = args[1].value if isinstance(args[1], n.Literal) else None
    if isinstance(name, str) and name not in _BUILTIN_CONDITIONS:
        return [
            _call_error(
                f"runtime.condition(schema, {name!r}) can only read kro's built-in conditions "
                f"({', '.join(_BUILTIN_CONDITIONS)}); custom conditions cannot reference each other",
                here,
            )
        ]
    return []


def _is_runtime_call(node: n.Node, name: str) -> bool:
    if isinstance(node, n.Call):
        return node.function == f"runtime.{name}"
    return (
        isinstance(node, n.Method)
        and node.function == name
        and isinstance(node.target, n.Ident)
        and node.target.name == "runtime"
    )


def _entry(mapping: n.MapLit, key: str) -> Any:
    """The literal value of ``key`` in a newCondition map, or None when absent or computed."""
    for entry_key, value in mapping.entries:
        if isinstance(entry_key, n.Ident) and entry_key.name == key and isinstance(value, n.Literal):
            return value.value
    return None


def _call_error(message: str, here: Location) -> Finding:
    return finding(
        "status-condition-call",
        message,
        here,
        'write runtime.newCondition({type: "AppReady", status: x ? "True" : "False", reason: "R", message: '
        '""})',
    )
