"""What counts as a plaintext Secret, and the one explicit way a graph says it wants one.

A ``v1`` Secret whose ``data`` or ``stringData`` holds a literal value would publish that value in git.
Builders refuse it, and the tree refuses any such object, unless the object carries the annotation
``kro-gen/plaintext-secret: allowed`` (what ``k8s.Secret(..., allow_plaintext=True)`` adds): a reviewer
sees the choice in the committed file.

>>> literal_secret_fields({"apiVersion": "v1", "kind": "Secret", "stringData": {"A": "x", "B": "${b}"}})
['stringData.A']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.errors import ExpressionError

PLAINTEXT_ANNOTATION = "kro-gen/plaintext-secret"
PLAINTEXT_ALLOWED = "allowed"
SECRET_FIELDS = ("data", "stringData")


def is_secret(body: Mapping[str, Any]) -> bool:
    """Whether ``body`` is a core ``v1`` Secret."""
    return body.get("kind") == "Secret" and body.get("apiVersion") == "v1"


def plaintext_allowed(body: Mapping[str, Any]) -> bool:
    """Whether the object says, by its annotation, that its literal values are meant to be committed."""
    metadata = body.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    return isinstance(annotations, Mapping) and annotations.get(PLAINTEXT_ANNOTATION) == PLAINTEXT_ALLOWED


def literal_secret_fields(body: Mapping[str, Any]) -> list[str]:
    """The paths (``stringData.KEY``) of ``body``'s literal Secret values, as emitted (a string with a
    ``${...}`` is an expression kro computes, not a literal); empty for other kinds."""
    from kro_gen.expr.kro_text import find_expressions

    if not is_secret(body):
        return []
    found = []
    for field in SECRET_FIELDS:
        values = body.get(field)
        if isinstance(values, str) and "${" in values:
            continue
        if not isinstance(values, Mapping):
            if values is not None:
                found.append(field)
            continue
        for key, value in values.items():
            if not _is_expression(find_expressions, value):
                found.append(f"{field}.{key}")
    return found


def _is_expression(find: Any, value: object) -> bool:
    if not (isinstance(value, str) and "${" in value):
        return False
    try:
        return bool(find(value))
    except ExpressionError:  # a malformed expression is not a literal value either; checks report it
        return True
