"""Moved to :mod:`kro_gen.registry.crd_schema` (the schema registry sits below check and emit)."""

from kro_gen.registry.crd_schema import (
    EMBEDDED,
    INT_OR_STRING,
    OBJECT_META_REF,
    PRESERVE,
    crd_versions,
    structural_to_jsonschema,
)

__all__ = [
    "EMBEDDED",
    "INT_OR_STRING",
    "OBJECT_META_REF",
    "PRESERVE",
    "crd_versions",
    "structural_to_jsonschema",
]
