"""``status-type``: each status field's declared type against the type kro infers for its expression.

kro types a generated CRD's status from the status expressions alone (KRO-RULES §4.4); a kro-gen
graph also declares a status model, which readers of the instance (chained graphs, Python code) trust.
When the two disagree (``available: str`` over ``deployment.status.availableReplicas``, an int) the
model lies about what the cluster will hold. Hand-written RGDs declare nothing, so this applies to
kro-gen's own graphs, whose declared types the pipeline passes in.

Lenient where kro is: ``dyn`` (and unknown kinds) fit anything, ``optional(T)`` counts as ``T``, an
int fills a float (JSON numbers include integers), and a timestamp, duration or bytes value is a
string in the CRD.
"""

from __future__ import annotations

from collections.abc import Mapping

from kro_gen.check.cel_types import CelType, strip_optional
from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import Path, RgdView, finding

STATUS_ROOT: Path = ("spec", "schema", "status")

#: Inferred CEL kinds each declared kind accepts.
_ACCEPTS: dict[str, frozenset[str]] = {
    "string": frozenset({"string", "timestamp", "duration", "bytes"}),
    "int": frozenset({"int", "uint"}),
    "double": frozenset({"double", "int", "uint"}),
    "bool": frozenset({"bool"}),
    "list": frozenset({"list"}),
    "map": frozenset({"map", "object"}),
}

#: How to convert a scalar expression to the declared kind (kro_gen.cel's names).
_CONVERSIONS = {
    "string": "cel.string(...)",
    "int": "cel.int_(...)",
    "double": "cel.double(...)",
    "bool": 'a comparison, e.g. x > 0 or x == "True"',
}


def check_status_types(
    view: RgdView, declared: Mapping[tuple[str, ...], str], inferred: Mapping[Path, CelType]
) -> list[Finding]:
    """A finding per status field whose declared type does not accept its inferred type.

    Args:
        view: the RGD.
        declared: path below ``spec.schema.status`` -> the declared CEL kind (``string``, ``int``,
            ``double``, ``bool``, ``list``, ``map``), e.g. from
            :func:`kro_gen.graph.status.declared_status_types`.
        inferred: path below ``spec.schema.status`` -> the inferred type
            (:attr:`kro_gen.check.typecheck.TypeReport.status_types`).
    """
    found: list[Finding] = []
    for path, kind in declared.items():
        value = inferred.get(path)
        if value is None:
            continue
        actual = strip_optional(value)
        if actual.is_dyn or kind not in _ACCEPTS or actual.kind in _ACCEPTS[kind]:
            continue
        field = ".".join(("status", *(str(p) for p in path)))
        found.append(
            finding(
                "status-type",
                f"{field} is declared {kind} in the status model, but its expression returns {value}",
                view.at((*STATUS_ROOT, *path)),
                _fix(kind, actual),
            )
        )
    return found


def _fix(kind: str, actual: CelType) -> str:
    model_type = {
        "string": "str",
        "int": "int",
        "uint": "int",
        "double": "float",
        "bool": "bool",
        "list": "list[...]",
        "map": "dict[str, ...] or a model",
        "object": "a model",
        "timestamp": "str",
        "duration": "str",
    }.get(actual.kind, "Any")
    if actual.kind in ("list", "map", "object"):
        convert = "cel.size(...)" if kind == "int" else None
    else:
        convert = _CONVERSIONS.get(kind)
    also = f", or convert the expression with {convert}" if convert else ""
    return f"declare the field {model_type} in the status model{also}"
