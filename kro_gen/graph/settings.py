"""RGD-level settings of a graph: printer columns, and labels and annotations of the RGD and its CRD.

What the v0.9.3 RGD CRD accepts beyond the API's identity and schema, and how ``ResourceGraph`` says it:

- ``metadata.labels`` / ``metadata.annotations`` of the RGD object: ``labels=`` / ``annotations=``
  (``kro.run/allow-breaking-changes`` is ``allow_breaking_changes=True``; kro reads no other
  ``kro.run/`` annotation, so those are refused);
- ``spec.schema.additionalPrinterColumns``: ``printer_columns=[PrinterColumn(...)]`` (kro copies
  them into the generated CRD and then leaves out its own State/Ready/Age columns; spread
  ``*PrinterColumn.kro_defaults()`` to keep them);
- ``spec.schema.metadata.labels`` / ``annotations`` (put on the generated CRD): ``crd_labels=`` /
  ``crd_annotations=`` (``kro.run/`` keys are refused: kro writes its own ``kro.run/owned``...).

kro v0.9.3 updates an existing CRD only when its OpenAPI schema changes, so a change to printer
columns or CRD labels alone does not reach a live CRD: the breaking-change check against the committed
RGD warns about it (``crd-change-not-applied``).

>>> column = PrinterColumn("Replicas", "integer", ".spec.replicas", priority=1)
>>> column.document()
{'name': 'Replicas', 'type': 'integer', 'jsonPath': '.spec.replicas', 'priority': 1}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kro_gen.errors import DefinitionError, Location

ColumnType = Literal["integer", "number", "string", "boolean", "date"]
ColumnFormat = Literal["int32", "int64", "float", "double", "byte", "date", "date-time", "password"]

#: What the API server accepts for a printer column's type and format (apiextensions validation).
COLUMN_TYPES: tuple[str, ...] = ("integer", "number", "string", "boolean", "date")
COLUMN_FORMATS: tuple[str, ...] = (
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "date",
    "date-time",
    "password",
)

_LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_KRO_PREFIXES = ("kro.run/", "internal.kro.run/")
ALLOW_BREAKING = "kro.run/allow-breaking-changes"


def label_key_ok(key: str) -> bool:
    """Whether ``key`` is a valid label or annotation key (``[prefix/]name``)."""
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _LABEL_PREFIX.match(prefix)):
        return False
    return len(name) <= 63 and bool(_LABEL_NAME.match(name))


def label_value_ok(value: str) -> bool:
    """Whether ``value`` is a valid label value (empty, or at most 63 characters of the label syntax)."""
    return not value or (len(value) <= 63 and bool(_LABEL_NAME.match(value)))


@dataclass(frozen=True)
class PrinterColumn:
    """A column of ``kubectl get`` for the graph's instances (``additionalPrinterColumns``).

    Args:
        name: the column header.
        type: integer, number, string, boolean or date.
        json_path: a simple JSON path into the instance, starting with ``.`` (``.spec.replicas``,
            ``.status.url``, ``.metadata.creationTimestamp``).
        description: shown by ``kubectl explain``-style tools.
        priority: 0 (default) shows the column always; higher ones only with ``-o wide``.
        format: an OpenAPI format (int32, int64, float, double, byte, date, date-time, password).
    """

    name: str
    type: ColumnType
    json_path: str
    description: str | None = None
    priority: int | None = None
    format: ColumnFormat | None = None

    def document(self) -> dict[str, Any]:
        """The column as the RGD writes it."""
        column: dict[str, Any] = {"name": self.name, "type": self.type, "jsonPath": self.json_path}
        for key, value in (
            ("description", self.description),
            ("priority", self.priority),
            ("format", self.format),
        ):
            if value is not None:
                column[key] = value
        return column

    @staticmethod
    def kro_defaults() -> tuple[PrinterColumn, ...]:
        """kro's own columns (State, Ready, Age: ``pkg/graph/crd/defaults.go``), which custom
        columns replace; spread them into ``printer_columns=`` to keep them."""
        return KRO_DEFAULT_COLUMNS


#: kro's default columns as kro sends them (priority 0 is omitted in JSON).
KRO_DEFAULT_COLUMNS: tuple[PrinterColumn, ...] = (
    PrinterColumn("State", "string", ".status.state", "The state of a ResourceGraphDefinition instance"),
    PrinterColumn(
        "Ready",
        "string",
        '.status.conditions[?(@.type=="Ready")].status',
        "Whether a ResourceGraphDefinition instance is ready",
    ),
    PrinterColumn("Age", "date", ".metadata.creationTimestamp", "Age of the resource"),
)


@dataclass(frozen=True)
class RgdSettings:
    """The checked RGD-level settings of one graph (see the module docstring)."""

    printer_columns: tuple[PrinterColumn, ...] = ()
    labels: Mapping[str, str] | None = None
    annotations: Mapping[str, str] | None = None
    crd_labels: Mapping[str, str] | None = None
    crd_annotations: Mapping[str, str] | None = None

    def crd_metadata(self) -> dict[str, Any]:
        """``spec.schema.metadata``: the labels and annotations of the generated CRD (may be empty)."""
        return {
            key: dict(value)
            for key, value in (("labels", self.crd_labels), ("annotations", self.crd_annotations))
            if value
        }


def rgd_settings(
    where: Location,
    *,
    printer_columns: Sequence[PrinterColumn | Mapping[str, Any]] | None,
    labels: Mapping[str, str] | None,
    annotations: Mapping[str, str] | None,
    crd_labels: Mapping[str, str] | None,
    crd_annotations: Mapping[str, str] | None,
) -> RgdSettings:
    """Check the settings a ``ResourceGraph`` was given; raise a DefinitionError naming the option."""
    return RgdSettings(
        printer_columns=tuple(
            _column(where, index, column) for index, column in enumerate(printer_columns or ())
        ),
        labels=_metadata_map(where, "labels", labels, labels=True),
        annotations=_metadata_map(where, "annotations", annotations, labels=False),
        crd_labels=_metadata_map(where, "crd_labels", crd_labels, labels=True),
        crd_annotations=_metadata_map(where, "crd_annotations", crd_annotations, labels=False),
    )


def _error(where: Location, path: str, message: str, hint: str, rule: str) -> DefinitionError:
    return DefinitionError(message, location=Location(path=path).merged(where), hint=hint, rule=rule)


def _column(where: Location, index: int, column: PrinterColumn | Mapping[str, Any]) -> PrinterColumn:
    path = f"printer_columns[{index}]"
    if isinstance(column, Mapping):
        known = {"name", "type", "jsonPath", "description", "priority", "format"}
        unknown = sorted(set(column) - known)
        if unknown:
            raise _error(
                where,
                f"{path}.{unknown[0]}",
                f"printer column {index} has an unknown field {unknown[0]!r}",
                f"fields are: {', '.join(sorted(known))} (or use kro_gen.PrinterColumn)",
                "printer-column",
            )
        column = PrinterColumn(
            column.get("name"),  # type: ignore[arg-type]
            column.get("type"),  # type: ignore[arg-type]
            column.get("jsonPath"),  # type: ignore[arg-type]
            column.get("description"),
            column.get("priority"),
            column.get("format"),
        )
    if not isinstance(column, PrinterColumn):
        raise _error(
            where,
            path,
            f"printer column {index} is a {type(column).__name__}",
            'use PrinterColumn("Replicas", "integer", ".spec.replicas")',
            "printer-column",
        )
    for field, text in (("name", column.name), ("json_path", column.json_path)):
        if not isinstance(text, str) or not text:
            raise _error(
                where,
                f"{path}.{field}",
                f"printer column {index} has no {field}",
                f"set {field}=",
                "printer-column",
            )
    choices: tuple[tuple[str, object, tuple[str, ...]], ...] = (
        ("type", column.type, COLUMN_TYPES),
        ("format", column.format, COLUMN_FORMATS),
    )
    for field, value, allowed in choices:
        if (field == "type" or value is not None) and value not in allowed:
            raise _error(
                where,
                f"{path}.{field}",
                f"printer column {column.name!r}: {field} {value!r} is not one of {', '.join(allowed)}",
                "the API server refuses the generated CRD otherwise",
                "printer-column",
            )
    if not column.json_path.startswith("."):
        raise _error(
            where,
            f"{path}.json_path",
            f"printer column {column.name!r}: json_path {column.json_path!r} does not start with '.'",
            "write a simple JSON path such as .spec.replicas (the API server refuses others)",
            "printer-column",
        )
    if column.priority is not None and (not isinstance(column.priority, int) or column.priority < 0):
        raise _error(
            where,
            f"{path}.priority",
            f"printer column {column.name!r}: priority must be an integer >= 0",
            "e.g. 1",
            "printer-column",
        )
    return column


def _metadata_map(
    where: Location, option: str, value: Mapping[str, str] | None, *, labels: bool
) -> Mapping[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _error(
            where,
            option,
            f"{option}= must be a dict of strings, got {type(value).__name__}",
            "e.g. {'team': 'platform'}",
            "graph-option",
        )
    for key, item in value.items():
        if not isinstance(key, str) or not label_key_ok(key):
            raise _error(
                where,
                f"{option}.{key}",
                f"{key!r} is not a valid {'label' if labels else 'annotation'} key",
                "use [prefix/]name, e.g. platform.example.com/team",
                "graph-option",
            )
        if not isinstance(item, str):
            raise _error(
                where,
                f"{option}.{key}",
                f"{option}.{key} is a {type(item).__name__}; Kubernetes needs a string",
                f'quote it: "{item}"',
                "graph-option",
            )
        if labels and not label_value_ok(item):
            raise _error(
                where,
                f"{option}.{key}",
                f"{item!r} is not a valid label value",
                "at most 63 letters, digits, '-', '_', '.', alphanumeric at both ends",
                "graph-option",
            )
        if key.startswith(_KRO_PREFIXES):
            hint = (
                "use allow_breaking_changes=True"
                if key == ALLOW_BREAKING
                else "kro owns the kro.run/ prefix; use your own, e.g. platform.example.com/"
            )
            raise _error(where, f"{option}.{key}", f"{key!r} is kro's own key", hint, "graph-option")
    return dict(value)
