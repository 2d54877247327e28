"""Turn a CRD's structural OpenAPI v3 schema into the JSON Schema (2020-12) the manifest checks use.

The API server treats a CRD schema in ways plain JSON Schema does not, so the conversion spells them
out:

- an object with ``properties`` and without ``x-kubernetes-preserve-unknown-fields`` drops unknown
  fields (kro rejects them: ``schema not found for field``), so it gets ``additionalProperties: false``;
  an object with neither properties nor ``additionalProperties`` keeps no field at all, and is treated
  the same way;
- ``x-kubernetes-int-or-string`` allows an integer or a string;
- ``null`` is accepted everywhere: the API server drops nulls of non-nullable fields before it
  validates, and the bundled Kubernetes schemas accept null as well;
- OpenAPI 3.0's boolean ``exclusiveMinimum``/``exclusiveMaximum`` become JSON Schema numbers;
- ``metadata`` of the resource root and of ``x-kubernetes-embedded-resource`` objects is ObjectMeta;
- ``allOf``/``anyOf``/``oneOf``/``not`` carry value validations only, so they never forbid fields.

The ``x-kubernetes-preserve-unknown-fields`` and ``x-kubernetes-int-or-string`` markers are kept on the
converted nodes (JSON Schema ignores them) because the CEL type checker reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Where ObjectMeta lives in the bundled Kubernetes definitions.
OBJECT_META_REF = (
    "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
)
PRESERVE = "x-kubernetes-preserve-unknown-fields"
INT_OR_STRING = "x-kubernetes-int-or-string"
EMBEDDED = "x-kubernetes-embedded-resource"

_COPIED = (
    "description",
    "enum",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "default",
)
_JUNCTORS = ("allOf", "anyOf", "oneOf")


def structural_to_jsonschema(node: Mapping[str, Any], *, resource_root: bool = False) -> dict[str, Any]:
    """The JSON Schema for one structural OpenAPI node (and everything below it).

    Args:
        node: an ``openAPIV3Schema`` (or any node inside one).
        resource_root: True for the top of a custom resource: ``apiVersion``, ``kind`` and
            ``metadata`` (ObjectMeta) are added when the schema does not spell them out.
    """
    return _convert(node, strict=True, resource_root=resource_root)


def _convert(node: Mapping[str, Any], *, strict: bool, resource_root: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {key: node[key] for key in _COPIED if key in node}
    preserve = node.get(PRESERVE) is True
    if preserve:
        out[PRESERVE] = True
    declared = node.get("type")
    if node.get(INT_OR_STRING) is True:
        out[INT_OR_STRING] = True
        out["type"] = ["integer", "string", "null"]
    elif isinstance(declared, str):
        out["type"] = [declared, "null"]
    _convert_exclusive(node, out)
    is_object = declared == "object" or "properties" in node
    properties = {
        str(name): _convert(child, strict=strict)
        for name, child in (node.get("properties") or {}).items()
        if isinstance(child, Mapping)
    }
    if resource_root or node.get(EMBEDDED) is True:
        properties.setdefault("apiVersion", {"type": ["string", "null"]})
        properties.setdefault("kind", {"type": ["string", "null"]})
        properties["metadata"] = {"$ref": OBJECT_META_REF}
        is_object = True
    if properties:
        out["properties"] = properties
    required = node.get("required")
    if isinstance(required, list) and required:
        out["required"] = [str(name) for name in required]
    items = node.get("items")
    if isinstance(items, Mapping):
        out["items"] = _convert(items, strict=strict)
    additional = node.get("additionalProperties")
    if isinstance(additional, Mapping):
        out["additionalProperties"] = _convert(additional, strict=strict)
    elif isinstance(additional, bool):
        out["additionalProperties"] = additional
    elif strict and is_object and not preserve:
        out["additionalProperties"] = False
    for junctor in _JUNCTORS:
        branches = node.get(junctor)
        if isinstance(branches, list):
            out[junctor] = [_convert(b, strict=False) for b in branches if isinstance(b, Mapping)]
    if isinstance(node.get("not"), Mapping):
        out["not"] = _convert(node["not"], strict=False)
    return out


def _convert_exclusive(node: Mapping[str, Any], out: dict[str, Any]) -> None:
    """OpenAPI 3.0 ``exclusiveMinimum: true`` + ``minimum: m`` is JSON Schema ``exclusiveMinimum: m``."""
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if node.get(flag) is True and bound in node:
            out[flag] = out.pop(bound)


def crd_versions(crd: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """``(version name, openAPIV3Schema)`` of every served version of an apiextensions.k8s.io/v1 CRD.

    A served version without a schema is listed with an empty schema (any object).
    """
    spec = crd.get("spec")
    versions = spec.get("versions") if isinstance(spec, Mapping) else None
    found: list[tuple[str, Mapping[str, Any]]] = []
    for version in versions if isinstance(versions, list) else []:
        if not isinstance(version, Mapping) or version.get("served") is False:
            continue
        name = version.get("name")
        schema = version.get("schema")
        openapi = schema.get("openAPIV3Schema") if isinstance(schema, Mapping) else None
        if isinstance(name, str):
            found.append((name, openapi if isinstance(openapi, Mapping) else {PRESERVE: True}))
    return found
