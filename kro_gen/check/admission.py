"""What the Kubernetes API server does with a custom resource before kro sees it, offline.

:func:`admit` takes an object and the structural ``openAPIV3Schema`` of its CRD (for an RGD's
instances: :func:`kro_gen.emit.crd.crd_for_rgd`) and does what the API server does on create:

1. **unknown fields**: a field the schema does not declare (outside
   ``x-kubernetes-preserve-unknown-fields``) is listed and removed. ``kubectl apply`` and ``kubectl
   create`` ask for strict field validation (the default since Kubernetes 1.27), so the request fails
   with ``strict decoding error: unknown field "spec.x"``; clients that do not ask (Argo CD and Flux
   by default, plain API calls) get a warning and the field is **silently dropped**. Either way the
   field never reaches kro, so :func:`admit` reports it as an error;
2. **nulls** of fields that are not ``nullable`` are dropped, then **defaults** are applied, into
   defaulted values too (``default: {}`` objects get their children's defaults);
3. **validation**, with the API server's own messages (``k8s.io/apiextensions-apiserver``'s
   conversion of kube-openapi results into field errors): types, ``required``, ``enum``,
   ``minimum``/``maximum``, ``minLength``/``maxLength``, ``pattern``, ``minItems``/``maxItems``,
   ``x-kubernetes-list-type`` ``set``/``map`` duplicates, and ``x-kubernetes-validations`` rules
   (evaluated with ``self``; transition rules that read ``oldSelf`` only run on updates, so they are
   skipped here), e.g.::

       spec.tags: Too many: 4: must have at most 3 items
       spec.username: Invalid value: "ab": spec.username in body should be at least 3 chars long
       spec.email: Required value

Errors come sorted by field path. ``metadata.name`` must be set (``generateName`` is not used by
GitOps tools) and ``status`` is ignored on create (the status subresource is written by kro).
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PRESERVE = "x-kubernetes-preserve-unknown-fields"
INT_OR_STRING = "x-kubernetes-int-or-string"
_GO_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


@dataclass(frozen=True)
class FieldError:
    """One API server field error: ``path`` (``spec.tags[2]``) and the full message after it."""

    path: str
    kind: str
    body: str

    def __str__(self) -> str:
        return f"{self.path}: {self.body}"


@dataclass
class Admission:
    """The object as the API server would store it, and why it would refuse it.

    Attributes:
        object: pruned and defaulted (what kro reads), also when there are errors.
        errors: the field errors, sorted by path.
        unknown: paths of the unknown fields removed (each is also an error).
    """

    object: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def admit(document: Mapping[str, Any], openapi: Mapping[str, Any]) -> Admission:
    """Prune, default and validate ``document`` against the structural schema ``openapi``."""
    admission = Admission(copy.deepcopy(dict(document)))
    body = admission.object
    body.pop("status", None)  # the status subresource: ignored on create
    root = {key: value for key, value in openapi.items()}
    properties = dict(root.get("properties") or {})
    properties.pop("status", None)
    properties["metadata"] = {"type": "object", PRESERVE: True}
    properties.setdefault("apiVersion", {"type": "string"})
    properties.setdefault("kind", {"type": "string"})
    root["properties"] = properties
    _prune(body, root, "", admission)
    _default(body, root)
    errors: list[FieldError] = []
    _validate(body, root, "", errors)
    metadata = body.get("metadata")
    if not isinstance(metadata, Mapping) or not metadata.get("name"):
        errors.append(
            FieldError("metadata.name", "required", "Required value: name or generateName is required")
        )
    admission.errors = sorted(errors + admission_unknown(admission), key=lambda e: _path_key(e.path))
    return admission


def admission_unknown(admission: Admission) -> list[FieldError]:
    """The unknown fields as errors, worded as ``kubectl apply``'s strict field validation words them."""
    return [FieldError(path, "unknown", f'unknown field "{path}"') for path in admission.unknown]


def _path_key(path: str) -> list[Any]:
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[.\[\]]+", path) if part]


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# -- pruning --------------------------------------------------------------------------------------
def _prune(value: Any, schema: Mapping[str, Any], path: str, admission: Admission) -> None:
    if isinstance(value, dict):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        open_object = schema.get(PRESERVE) is True
        for key in list(value):
            child = value[key]
            where = _child(path, str(key))
            if child is None and not (properties or {}).get(key, {}).get("nullable"):
                del value[key]  # nulls of non-nullable fields are dropped before defaulting
            elif isinstance(properties, Mapping) and key in properties:
                _prune(child, properties[key], where, admission)
            elif isinstance(additional, Mapping):
                _prune(child, additional, where, admission)
            elif not open_object and additional is not True:
                admission.unknown.append(where)
                del value[key]
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            _prune(item, schema["items"], f"{path}[{index}]", admission)


# -- defaulting -----------------------------------------------------------------------------------
def _default(value: Any, schema: Mapping[str, Any]) -> None:
    if isinstance(value, dict):
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            for key, child in properties.items():
                if key not in value and isinstance(child, Mapping) and "default" in child:
                    value[key] = copy.deepcopy(child["default"])
                if key in value and isinstance(child, Mapping):
                    _default(value[key], child)
        additional = schema.get("additionalProperties")
        if isinstance(additional, Mapping):
            for key in value:
                if not isinstance(properties, Mapping) or key not in properties:
                    _default(value[key], additional)
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for item in value:
            _default(item, schema["items"])


# -- validation -----------------------------------------------------------------------------------
def _go_value(value: Any) -> str:
    """A bad value as ``field.Error`` prints it: strings quoted, numbers and booleans bare, else JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _number(value: float) -> str:
    """A bound as Go's ``%v`` prints a float64 (``10``, ``0.5``)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    return _GO_TYPES.get(type(value), "object" if isinstance(value, Mapping) else type(value).__name__)


def _type_ok(value: Any, schema: Mapping[str, Any]) -> bool:
    if schema.get(INT_OR_STRING) is True:
        return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    wanted = schema.get("type")
    if not isinstance(wanted, str):
        return True
    if wanted == "integer":
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return True  # a JSON 3.0 is an integer to kube-openapi
        return isinstance(value, int) and not isinstance(value, bool)
    if wanted == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if wanted == "object":
        return isinstance(value, Mapping)
    if wanted == "array":
        return isinstance(value, list)
    return _type_of(value) == wanted


def _validate(value: Any, schema: Mapping[str, Any], path: str, errors: list[FieldError]) -> None:
    shown = path or "<root>"
    if not _type_ok(value, schema):
        actual = _type_of(value)
        wanted = "integer,string" if schema.get(INT_OR_STRING) is True else schema.get("type")
        errors.append(
            FieldError(
                path,
                "type",
                f'Invalid value: "{actual}": {shown} in body must be of type {wanted}: "{actual}"',
            )
        )
        return
    if "enum" in schema and isinstance(schema["enum"], list) and value not in schema["enum"]:
        allowed = ", ".join(
            json.dumps(v if isinstance(v, str) else json.dumps(v), ensure_ascii=False) for v in schema["enum"]
        )
        errors.append(
            FieldError(path, "enum", f"Unsupported value: {_go_value(value)}: supported values: {allowed}")
        )
    if isinstance(value, str):
        _string(value, schema, path, shown, errors)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _bounds(value, schema, path, shown, errors)
    elif isinstance(value, list):
        _array(value, schema, path, shown, errors)
    elif isinstance(value, Mapping):
        _object(value, schema, path, errors)
    _rules(value, schema, path, errors)


def _string(value: str, schema: Mapping[str, Any], path: str, shown: str, errors: list[FieldError]) -> None:
    maximum, minimum, pattern = schema.get("maxLength"), schema.get("minLength"), schema.get("pattern")
    if isinstance(maximum, int) and len(value) > maximum:
        unit = "byte" if maximum == 1 else "bytes"
        errors.append(FieldError(path, "maxLength", f"Too long: may not be more than {maximum} {unit}"))
    if isinstance(minimum, int) and len(value) < minimum:
        errors.append(
            FieldError(
                path,
                "minLength",
                f"Invalid value: {_go_value(value)}: {shown} in body should be at least {minimum} chars long",
            )
        )
    if isinstance(pattern, str) and not _matches(pattern, value):
        errors.append(
            FieldError(
                path,
                "pattern",
                f"Invalid value: {_go_value(value)}: {shown} in body should match '{pattern}'",
            )
        )


def _matches(pattern: str, value: str) -> bool:
    """Go's ``regexp.MatchString`` (RE2); a pattern RE2 refuses matches (the CRD was refused instead)."""
    import re2

    from kro_gen.schema.regex import go_regexp_error

    if go_regexp_error(pattern) is not None:
        return True
    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options).search(value) is not None


def _bounds(value: float, schema: Mapping[str, Any], path: str, shown: str, errors: list[FieldError]) -> None:
    for key, word, exclusive_key, exclusive_word in (
        ("maximum", "less than or equal to", "exclusiveMaximum", "less than"),
        ("minimum", "greater than or equal to", "exclusiveMinimum", "greater than"),
    ):
        bound = schema.get(key)
        if not isinstance(bound, int | float) or isinstance(bound, bool):
            continue
        exclusive = schema.get(exclusive_key) is True
        broken = (value > bound if key == "maximum" else value < bound) or (exclusive and value == bound)
        if broken:
            text = exclusive_word if exclusive else word
            errors.append(
                FieldError(
                    path,
                    key,
                    f"Invalid value: {_go_value(value)}: {shown} in body should be {text} {_number(bound)}",
                )
            )


def _array(
    value: list[Any], schema: Mapping[str, Any], path: str, shown: str, errors: list[FieldError]
) -> None:
    maximum, minimum = schema.get("maxItems"), schema.get("minItems")
    if isinstance(maximum, int) and len(value) > maximum:
        unit = "item" if maximum == 1 else "items"
        errors.append(
            FieldError(path, "maxItems", f"Too many: {len(value)}: must have at most {maximum} {unit}")
        )
    if isinstance(minimum, int) and len(value) < minimum:
        errors.append(
            FieldError(
                path,
                "minItems",
                f"Invalid value: {len(value)}: {shown} in body should have at least {minimum} items",
            )
        )
    list_type = schema.get("x-kubernetes-list-type")
    if list_type == "set":
        seen: list[Any] = []
        for index, item in enumerate(value):
            if item in seen:
                errors.append(
                    FieldError(f"{path}[{index}]", "duplicate", f"Duplicate value: {_go_value(item)}")
                )
            else:
                seen.append(item)
    elif list_type == "map":
        keys = schema.get("x-kubernetes-list-map-keys") or []
        seen_keys: list[dict[str, Any]] = []
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                continue
            identity = {key: item.get(key) for key in keys}
            if identity in seen_keys:
                errors.append(
                    FieldError(f"{path}[{index}]", "duplicate", f"Duplicate value: {_go_value(identity)}")
                )
            else:
                seen_keys.append(identity)
    items = schema.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            _validate(item, items, f"{path}[{index}]", errors)


def _object(value: Mapping[str, Any], schema: Mapping[str, Any], path: str, errors: list[FieldError]) -> None:
    for name in schema.get("required") or []:
        if name not in value:
            errors.append(FieldError(_child(path, str(name)), "required", "Required value"))
    properties = schema.get("properties")
    additional = schema.get("additionalProperties")
    for key, child in value.items():
        if isinstance(properties, Mapping) and key in properties:
            _validate(child, properties[key], _child(path, str(key)), errors)
        elif isinstance(additional, Mapping):
            _validate(child, additional, _child(path, str(key)), errors)


def _rules(value: Any, schema: Mapping[str, Any], path: str, errors: list[FieldError]) -> None:
    rules = schema.get("x-kubernetes-validations")
    if not isinstance(rules, list):
        return
    from kro_gen.errors import KroGenError
    from kro_gen.expr import evaluate, parse_cel
    from kro_gen.expr.nodes import free_identifiers

    kind = schema.get("type") if isinstance(schema.get("type"), str) else "object"
    for rule in rules:
        if not isinstance(rule, Mapping) or not isinstance(rule.get("rule"), str):
            continue
        try:
            node = parse_cel(rule["rule"])
            if "oldSelf" in free_identifiers(node):
                continue  # a transition rule: only checked when the object is updated
            result = evaluate(node, {"self": value})
        except KroGenError as error:
            errors.append(
                FieldError(path, "rule", f'Invalid value: "{kind}": rule evaluation error: {error.message}')
            )
            continue
        if result is not True:
            message = rule.get("message") or f"failed rule: {rule['rule']}"
            errors.append(FieldError(path, "rule", f'Invalid value: "{kind}": {message}'))
