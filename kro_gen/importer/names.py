"""Python names for kro names: identifiers that are not keywords and do not shadow what a module uses."""

from __future__ import annotations

import keyword
import re

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Names the generated module itself uses at top level or inside its builders.
RESERVED = frozenset(
    {
        "Annotated",
        "Any",
        "BaseModel",
        "Field",
        "Literal",
        "NamedTuple",
        "PrinterColumn",
        "Resource",
        "ResourceGraph",
        "Resources",
        "Schema",
        "SchemaMarkers",
        "annotations",
        "app",
        "cel",
        "r",
        "resources",
        "schema",
        "status",
    }
)
#: Attributes of pydantic's BaseModel that a field must not shadow.
MODEL_ATTRIBUTES = frozenset(
    {"copy", "dict", "json", "schema", "validate", "construct", "fields", "parse_obj", "parse_raw"}
)


def is_identifier(name: str) -> bool:
    """Whether ``name`` can be a Python name as it is."""
    return bool(_IDENTIFIER.match(name)) and not keyword.iskeyword(name)


def python_name(name: str, taken: set[str]) -> str:
    """``name`` as a fresh Python variable (``_`` appended until it is free); added to ``taken``."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "_"
    if base[0].isdigit():
        base = "_" + base
    candidate = base
    while keyword.iskeyword(candidate) or candidate in RESERVED or candidate in taken:
        candidate += "_"
    taken.add(candidate)
    return candidate


def field_name(name: str) -> str | None:
    """The attribute name for the kro field ``name``, or None when it needs an alias."""
    if is_identifier(name) and name not in MODEL_ATTRIBUTES and not name.startswith(("model_", "_")):
        return name
    return None


def class_name(field: str) -> str:
    """``UpperCamelCase`` of a field name (``serviceAccount`` -> ``ServiceAccount``)."""
    parts = re.split(r"[^A-Za-z0-9]+", field)
    text = "".join(part[:1].upper() + part[1:] for part in parts if part)
    return text if text and not text[0].isdigit() else "T" + text
