"""``additionalPrinterColumns``: what the API server accepts in the CRD kro generates, and columns that
would always be empty.

kro copies ``spec.schema.additionalPrinterColumns`` into the generated CRD unchanged (``pkg/graph/crd``;
when the list is set, kro's default State/Ready/Age columns are left out, as the RGD CRD documents).
The API server validates each column when kro creates the CRD (apiextensions ``validation.go``):
``name``, ``type`` and ``jsonPath`` are required, ``type`` is one of integer, number, string, boolean
and date, ``format`` one of int32, int64, float, double, byte, date, date-time and password, and
``jsonPath`` must start with ``.``. A column the API server refuses leaves the CRD uncreated
(``KindReady=False``), so these are errors.

Beyond that, a ``jsonPath`` is never checked against the schema: a column reading ``.spec.imag`` or
``.status.redy`` is accepted and always empty. That is a warning here: the path's leading field names
are looked up in the SimpleSchema spec, the status fields (with kro's ``state`` and ``conditions``),
and ``metadata``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import RgdView, finding, type_name, unknown_keys, warning

_COLUMN_KEYS = frozenset({"name", "type", "jsonPath", "description", "format", "priority"})
_COLUMN_TYPES = frozenset({"integer", "number", "string", "boolean", "date"})
_COLUMN_FORMATS = frozenset({"int32", "int64", "float", "double", "byte", "date", "date-time", "password"})
#: The field names at the start of a JSONPath, up to the first ``[`` (an index or a filter).
_LEADING_NAMES = re.compile(r"^((?:\.[A-Za-z0-9_-]+)+)")
#: Status fields kro adds to every generated CRD.
_KRO_STATUS = ("state", "conditions")
_BASE = ("spec", "schema", "additionalPrinterColumns")


def check_printer_columns(view: RgdView, parsed: Any | None) -> list[Finding]:
    """Every printer-column rule on one RGD (``parsed``: its SimpleSchema, for the path check)."""
    columns = view.schema.get("additionalPrinterColumns")
    if columns is None:
        return []
    if not isinstance(columns, list):
        return [
            finding(
                "rgd-field-type",
                f"additionalPrinterColumns must be a list, not a {type_name(columns)}",
                view.at(_BASE),
                "write a list of {name, type, jsonPath} entries",
            )
        ]
    found: list[Finding] = []
    for index, column in enumerate(columns):
        path = (*_BASE, index)
        if not isinstance(column, Mapping):
            found.append(
                finding(
                    "printer-column",
                    "a printer column must be a map",
                    view.at(path),
                    "use {name, type, jsonPath}",
                )
            )
            continue
        found += unknown_keys(column, _COLUMN_KEYS, path, view, where="a printer column")
        found += _column_shape(view, column, index)
        json_path = column.get("jsonPath")
        if isinstance(json_path, str) and json_path.startswith("."):
            found += _column_path(view, parsed, json_path, (*path, "jsonPath"))
    return found


def _column_shape(view: RgdView, column: Mapping[str, Any], index: int) -> list[Finding]:
    path = (*_BASE, index)
    found = [
        finding(
            "printer-column",
            f"printer column {index} has no {key}; the API server refuses the generated CRD",
            view.at((*path, key)),
            f"set {key} (e.g. name: Replicas, type: integer, jsonPath: .status.replicas)",
        )
        for key in ("name", "type", "jsonPath")
        if not isinstance(column.get(key), str) or not column.get(key)
    ]
    checks = (
        ("type", _COLUMN_TYPES, "use integer, number, string, boolean or date"),
        ("format", _COLUMN_FORMATS, "drop format, or use one of those"),
    )
    for key, allowed, fix in checks:
        value = column.get(key)
        if isinstance(value, str) and value and value not in allowed:
            found.append(
                finding(
                    "printer-column",
                    f"printer column {key} {value!r} is not one of {', '.join(sorted(allowed))}; the API "
                    "server refuses the generated CRD",
                    view.at((*path, key)),
                    fix,
                )
            )
    json_path = column.get("jsonPath")
    if isinstance(json_path, str) and json_path and not json_path.startswith("."):
        found.append(
            finding(
                "printer-column",
                f"printer column jsonPath {json_path!r} does not start with '.'; the API server refuses "
                "the generated CRD",
                view.at((*path, "jsonPath")),
                f"write it as a simple JSON path: .{json_path.lstrip('$.{').rstrip('}')}",
            )
        )
    return found


def _column_path(
    view: RgdView, parsed: Any | None, json_path: str, at: tuple[str | int, ...]
) -> list[Finding]:
    match = _LEADING_NAMES.match(json_path)
    if match is None:
        return []
    names = match.group(1).lstrip(".").split(".")
    missing = _missing_name(view, parsed, names)
    if missing is None:
        return []
    return [
        warning(
            "printer-column",
            f"printer column jsonPath {json_path!r} names no field of the generated CRD ({missing}); "
            "the column is always empty",
            view.at(at),
            "point it at a spec field, a status field (or kro's .status.state), or .metadata",
        )
    ]


def _missing_name(view: RgdView, parsed: Any | None, names: list[str]) -> str | None:
    """Why ``names`` (a path from the object root) is not a field, or None when it is (or may be)."""
    root, rest = names[0], names[1:]
    if root in ("metadata", "apiVersion", "kind"):
        return None
    if root == "spec":
        return None if parsed is None else _missing_spec(parsed, rest)
    if root == "status":
        return _missing_status(view.schema.get("status"), rest)
    return f"an instance has no top-level field {root!r}"


def _missing_spec(parsed: Any, names: list[str]) -> str | None:
    path: tuple[str, ...] = ()
    for name in names:
        parent = parsed.get(path) if path else None
        if parent is not None and parent.kind in ("object", "map", "list"):
            return None  # untyped below, any key, or an item index follows
        path = (*path, name)
        if parsed.get(path) is None:
            return f"spec has no field {'.'.join(path)!r}"
    return None


def _missing_status(status: Any, names: list[str]) -> str | None:
    if not names or names[0] in _KRO_STATUS:
        return None
    node = status
    for depth, name in enumerate(names):
        if not isinstance(node, Mapping):
            return None  # below an expression: its value's fields are only known in the cluster
        if name not in node:
            return f"status has no field {'.'.join(names[: depth + 1])!r}"
        node = node[name]
    return None
