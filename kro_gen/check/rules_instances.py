"""Instance rules: an instance CR against the RGD it belongs to.

The header must name the RGD's API (``<group>/<version>``, kind), the name must be a DNS-1123
subdomain, the namespace must fit the scope, and ``spec`` must satisfy the RGD's SimpleSchema as the
API server would after defaulting: no unknown fields (the server would prune them silently), required
fields present, types, enums, bounds, lengths, patterns and item counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import (
    DNS_SUBDOMAIN,
    Path,
    as_map,
    close_matches,
    finding,
    format_path,
    type_name,
    warning,
)
from kro_gen.errors import Location

_KIND_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "float": (int, float),
    "boolean": (bool,),
    "list": (list,),
    "map": (Mapping,),
    "struct": (Mapping,),
    "object": (Mapping,),
}
_KIND_NAMES = {"float": "number", "struct": "object", "map": "object", "list": "list"}
_LENGTH_MARKERS = {"minLength": ">=", "maxLength": "<=", "minItems": ">=", "maxItems": "<="}


def check_instance(
    instance: Mapping[str, Any], rgd: Mapping[str, Any], *, location: Location
) -> list[Finding]:
    """Every instance rule; findings are located at ``location`` plus the instance field path."""
    if not isinstance(instance, Mapping):
        return [finding("instance-spec", "an instance must be a map", location, "give a Kubernetes object")]
    schema = as_map(as_map(rgd.get("spec")).get("schema"))
    name = as_map(rgd.get("metadata")).get("name")
    checker = _InstanceChecker(
        instance, schema, location.merged(Location(graph=name if isinstance(name, str) else None))
    )
    checker.check_header()
    checker.check_spec()
    return checker.found


class _InstanceChecker:
    def __init__(self, instance: Mapping[str, Any], schema: Mapping[str, Any], location: Location) -> None:
        self.instance = instance
        self.schema = schema
        self.location = location
        self.found: list[Finding] = []
        self.children: dict[tuple[str, ...], dict[str, Any]] = {}

    def at(self, path: Path) -> Location:
        """The location of an instance field."""
        return Location(
            file=self.location.file,
            graph=self.location.graph,
            environment=self.location.environment,
            path=format_path(path) or None,
            built_at=self.location.built_at,
        )

    def error(self, rule: str, message: str, path: Path, fix: str) -> None:
        """Record an error at ``path``."""
        self.found.append(finding(rule, message, self.at(path), fix))

    # -- apiVersion, kind, metadata ------------------------------------------------------------
    def check_header(self) -> None:
        """apiVersion, kind, metadata.name/namespace, and a status that would be ignored."""
        group = self.schema.get("group") if isinstance(self.schema.get("group"), str) else "kro.run"
        expected = f"{group}/{self.schema.get('apiVersion')}"
        if self.instance.get("apiVersion") != expected:
            self.error(
                "instance-api-version",
                f"apiVersion is {self.instance.get('apiVersion')!r}; instances of this RGD use {expected!r}",
                ("apiVersion",),
                f"set apiVersion: {expected} (<group>/<version>, not just the version)",
            )
        if self.instance.get("kind") != self.schema.get("kind"):
            self.error(
                "instance-kind",
                f"kind is {self.instance.get('kind')!r}, not {self.schema.get('kind')!r}",
                ("kind",),
                f"set kind: {self.schema.get('kind')}",
            )
        metadata = as_map(self.instance.get("metadata"))
        name = metadata.get("name")
        if not isinstance(name, str) or len(name) > 253 or not DNS_SUBDOMAIN.match(name):
            self.error(
                "instance-name",
                f"metadata.name {name!r} is not a DNS-1123 subdomain"
                if name is not None
                else "metadata.name is missing",
                ("metadata", "name"),
                "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
            )
        self._check_namespace(metadata)
        if "status" in self.instance:
            self.found.append(
                warning(
                    "instance-status",
                    "status in an instance manifest is ignored (kro writes it through the status "
                    "subresource)",
                    self.at(("status",)),
                    "remove status from the manifest",
                )
            )

    def _check_namespace(self, metadata: Mapping[str, Any]) -> None:
        namespace = metadata.get("namespace")
        if self.schema.get("scope") == "Cluster":
            if namespace is not None:
                self.error(
                    "instance-namespace",
                    "the RGD's instances are cluster-scoped (scope: Cluster) but metadata.namespace is set",
                    ("metadata", "namespace"),
                    "remove metadata.namespace",
                )
        elif not isinstance(namespace, str) or not namespace:
            self.found.append(
                warning(
                    "instance-namespace",
                    "metadata.namespace is not set; the namespace then depends on whoever applies the file "
                    "(kubectl context, Argo CD destination, Flux targetNamespace)",
                    self.at(("metadata", "namespace")),
                    "set metadata.namespace explicitly",
                )
            )

    # -- spec ----------------------------------------------------------------------------------
    def check_spec(self) -> None:
        """``spec`` against the RGD's SimpleSchema."""
        from kro_gen.schema import parse_simple_schema

        spec_schema = self.schema.get("spec")
        parsed = parse_simple_schema(spec_schema if spec_schema is not None else {}, self.schema.get("types"))
        for field_path, field in parsed.fields.items():
            if field_path[-1] not in ("[]", "{}"):
                self.children.setdefault(field_path[:-1], {})[field_path[-1]] = field
        spec = self.instance.get("spec")
        if spec is None:
            spec = {}
        if not isinstance(spec, Mapping):
            self.error(
                "instance-spec",
                f"spec must be a map, not a {type_name(spec)}",
                ("spec",),
                "write spec as a map",
            )
            return
        self._struct(spec, (), ("spec",), parsed)

    def _struct(
        self, value: Mapping[str, Any], schema_path: tuple[str, ...], path: Path, parsed: Any
    ) -> None:
        children = self.children.get(schema_path, {})
        for key, item in value.items():
            field = children.get(str(key))
            if field is None:
                self.error(
                    "instance-unknown-field",
                    f"{format_path(path)} has no field {key!r}{close_matches(str(key), sorted(children))}; "
                    "the API server would drop it silently",
                    (*path, str(key)),
                    f"remove it or use one of: {', '.join(sorted(children)) or '(no fields)'}",
                )
                continue
            self._value(item, field, (*path, str(key)), parsed)
        for name, field in children.items():
            if name not in value and field.required and not field.has_default:
                self.error(
                    "instance-required",
                    f"required field {format_path((*path, name))} is missing",
                    (*path, name),
                    f"set {name} in the instance",
                )

    def _value(self, value: Any, field: Any, path: Path, parsed: Any) -> None:
        expected = _KIND_TYPES.get(field.kind)
        if expected is not None and (
            not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected)
        ):
            self.error(
                "instance-type",
                f"{format_path(path)} is a {type_name(value)}; the schema wants "
                f"{_KIND_NAMES.get(field.kind, field.kind)}",
                path,
                _type_fix(field.kind, value),
            )
            return
        self._markers(value, field, path)
        if field.kind == "struct":
            self._struct(value, field.path, path, parsed)
        elif field.kind == "list":
            item = parsed.get((*field.path, "[]"))
            if item is not None:
                for index, entry in enumerate(value):
                    self._value(entry, item, (*path, index), parsed)
        elif field.kind == "map":
            item = parsed.get((*field.path, "{}"))
            if item is not None:
                for key, entry in value.items():
                    self._value(entry, item, (*path, str(key)), parsed)

    def _markers(self, value: Any, field: Any, path: Path) -> None:
        if field.enum is not None and value not in field.enum:
            allowed = ", ".join(str(v) for v in field.enum)
            self.error("instance-enum", f"{value!r} is not one of: {allowed}", path, f"use one of: {allowed}")
        for key, raw in field.markers:
            if (
                key in ("minimum", "maximum")
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                self._bound(value, key, raw, path)
            elif key in _LENGTH_MARKERS and isinstance(value, str | list):
                self._length(value, key, raw, path)
            elif key == "pattern" and isinstance(value, str):
                self._pattern(value, raw, path)
            elif key == "uniqueItems" and raw.lower() in ("true", "t", "1") and isinstance(value, list):
                duplicates = [v for i, v in enumerate(value) if v in value[:i]]
                if duplicates:
                    self.error(
                        "instance-items",
                        f"{format_path(path)} must hold unique items; {duplicates[0]!r} repeats",
                        path,
                        "remove the duplicates",
                    )

    def _bound(self, value: float, key: str, raw: str, path: Path) -> None:
        try:
            bound = float(raw)
        except ValueError:
            return  # a bad marker value is a schema finding
        if (key == "minimum" and value < bound) or (key == "maximum" and value > bound):
            word = "at least" if key == "minimum" else "at most"
            self.error("instance-range", f"{value!r} must be {word} {raw}", path, f"use a value {word} {raw}")

    def _length(self, value: str | list[Any], key: str, raw: str, path: Path) -> None:
        try:
            limit = int(raw)
        except ValueError:
            return
        size = len(value)
        if (_LENGTH_MARKERS[key] == ">=" and size < limit) or (_LENGTH_MARKERS[key] == "<=" and size > limit):
            rule = "instance-length" if isinstance(value, str) else "instance-items"
            unit = "characters" if isinstance(value, str) else "items"
            word = "at least" if key.startswith("min") else "at most"
            self.error(
                rule, f"{format_path(path)} has {size} {unit}; {key}={raw}", path, f"use {word} {raw} {unit}"
            )

    def _pattern(self, value: str, raw: str, path: Path) -> None:
        try:
            regex = re.compile(raw)
        except re.error:
            return  # not checkable here; a bad pattern is a schema finding
        if not regex.search(value):
            self.error(
                "instance-pattern", f"{value!r} does not match {raw!r}", path, f"use a value matching {raw}"
            )


def _type_fix(kind: str, value: Any) -> str:
    if kind == "string" and isinstance(value, bool | int | float):
        return f'quote it: "{str(value).lower() if isinstance(value, bool) else value}"'
    if kind in ("integer", "float") and isinstance(value, str):
        return "write the number without quotes"
    if kind == "boolean" and isinstance(value, str):
        return "write true or false without quotes"
    return f"give a {_KIND_NAMES.get(kind, kind)}"
