"""Shared ground for the RGD rules: field paths, a defensive view of an RGD dict, and finding helpers.

An RGD reaching the checks may be generated or hand-written and parsed from YAML, so nothing in it
is trusted: every accessor here returns an empty value instead of raising when a field is missing or
has the wrong type, and the rules report the wrong types themselves.

Field paths are tuples of keys and list indexes, shown as ``spec.resources[1].template.metadata.name``;
keys that are not plain words are bracketed: ``metadata.labels["app.kubernetes.io/name"]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kro_gen.check.findings import Finding, Severity
from kro_gen.errors import Location

Path = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")
_PATH_TOKEN = re.compile(r'\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')

#: RFC 1123 subdomain: what Kubernetes accepts as most object names.
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

RGD_API_VERSION = "kro.run/v1alpha1"
RGD_KIND = "ResourceGraphDefinition"


def format_path(path: Path) -> str:
    """Show a path as ``a.b[0]["c.d"]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            text += f".{part}" if text else part
        else:
            text += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return text


def parse_path(text: str) -> Path:
    """The inverse of :func:`format_path` (used to find the YAML line of a finding)."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _PATH_TOKEN.match(text, pos)
        if not match or match.end() == pos:
            break
        word, index, quoted = match.groups()
        if word is not None:
            parts.append(word)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(json.loads(quoted))
        pos = match.end()
    return tuple(parts)


def as_map(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def type_name(value: Any) -> str:
    """A YAML-ish name for the type of ``value`` (for messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def walk_values(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    """Every leaf (non-map, non-list value) under ``value``, with its path."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from walk_values(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_values(item, (*path, index))
    else:
        yield path, value


def walk_keys(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    """Every map key under ``value`` (the path includes the key itself)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield (*path, str(key)), key
            yield from walk_keys(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_keys(item, (*path, index))


@dataclass(frozen=True)
class ResourceView:
    """One entry of ``spec.resources``, read defensively."""

    index: int
    raw: Mapping[str, Any]

    @property
    def path(self) -> Path:
        """Path of this entry in the RGD."""
        return ("spec", "resources", self.index)

    @property
    def id(self) -> str | None:
        """The id when it is a non-empty string."""
        value = self.raw.get("id")
        return value if isinstance(value, str) and value else None

    @property
    def template(self) -> Mapping[str, Any] | None:
        """The template when it is a map."""
        value = self.raw.get("template")
        return value if isinstance(value, Mapping) else None

    @property
    def external_ref(self) -> Mapping[str, Any] | None:
        """The externalRef when it is a map."""
        value = self.raw.get("externalRef")
        return value if isinstance(value, Mapping) else None

    @property
    def object(self) -> Mapping[str, Any]:
        """The template or the externalRef (whichever is present), else an empty map."""
        return self.template or self.external_ref or {}

    @property
    def object_key(self) -> str:
        """``template`` or ``externalRef``: the key :attr:`object` came from."""
        return "template" if self.template is not None else "externalRef"

    @property
    def iterators(self) -> list[str]:
        """Iterator names of ``forEach`` (every key of every dimension, in order)."""
        names: list[str] = []
        for dimension in as_list(self.raw.get("forEach")):
            names.extend(str(key) for key in as_map(dimension))
        return names

    @property
    def is_collection(self) -> bool:
        """True for a forEach collection or an externalRef by selector (both are lists in CEL)."""
        if as_list(self.raw.get("forEach")):
            return True
        ref = self.external_ref
        return ref is not None and "selector" in as_map(ref.get("metadata"))

    @property
    def api_version(self) -> str | None:
        """apiVersion of the template or externalRef when it is a string."""
        value = self.object.get("apiVersion")
        return value if isinstance(value, str) else None

    @property
    def kind(self) -> str | None:
        """kind of the template or externalRef when it is a string."""
        value = self.object.get("kind")
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        """How to name this resource in messages: its id, or its position."""
        return self.id or f"#{self.index}"


@dataclass
class RgdView:
    """A defensive view of one RGD dict plus the base location of its findings."""

    rgd: Mapping[str, Any]
    location: Location
    resources: list[ResourceView] = field(init=False)

    def __post_init__(self) -> None:
        self.resources = [
            ResourceView(index, raw)
            for index, raw in enumerate(as_list(self.spec.get("resources")))
            if isinstance(raw, Mapping)
        ]

    @property
    def spec(self) -> Mapping[str, Any]:
        """``spec`` (empty when missing)."""
        return as_map(self.rgd.get("spec"))

    @property
    def schema(self) -> Mapping[str, Any]:
        """``spec.schema`` (empty when missing)."""
        return as_map(self.spec.get("schema"))

    @property
    def name(self) -> str | None:
        """``metadata.name`` when it is a string."""
        value = as_map(self.rgd.get("metadata")).get("name")
        return value if isinstance(value, str) else None

    @property
    def scope(self) -> str:
        """The instance scope (``Namespaced`` unless ``Cluster`` is given)."""
        return "Cluster" if self.schema.get("scope") == "Cluster" else "Namespaced"

    @property
    def ids(self) -> list[str]:
        """Every valid-looking resource id, in order, duplicates kept once (a new list each time)."""
        return list(self._ids)

    @cached_property
    def _ids(self) -> tuple[str, ...]:
        # read once per view: rules ask for the ids once per expression site (the RGD is not changed
        # while it is checked)
        return tuple(dict.fromkeys(r.id for r in self.resources if r.id))

    def resource(self, resource_id: str) -> ResourceView | None:
        """The first resource with this id."""
        return next((r for r in self.resources if r.id == resource_id), None)

    def at(self, path: Path, resource: ResourceView | None = None) -> Location:
        """The location of ``path``, naming the resource id when there is one."""
        return Location(
            file=self.location.file,
            graph=self.location.graph or self.name,
            resource=resource.id if resource else None,
            environment=self.location.environment,
            path=format_path(path) or None,
            built_at=self.location.built_at,
        )


def finding(
    rule: str,
    message: str,
    location: Location,
    fix: str,
    severity: Severity = Severity.ERROR,
) -> Finding:
    """Build a finding (keyword-free shorthand used by every rule module)."""
    return Finding(rule=rule, message=message, location=location, fix=fix, severity=severity)


def warning(rule: str, message: str, location: Location, fix: str) -> Finding:
    """Build a warning-level finding."""
    return Finding(rule=rule, message=message, location=location, fix=fix, severity=Severity.WARNING)


def close_matches(word: str, candidates: list[str]) -> str:
    """`` (did you mean 'x'?)`` when ``word`` is close to one of ``candidates``, else ``""``."""
    import difflib

    matches = difflib.get_close_matches(word, candidates, n=1)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def unknown_keys(
    value: Mapping[str, Any],
    allowed: frozenset[str],
    path: Path,
    view: RgdView,
    resource: ResourceView | None = None,
    *,
    where: str,
) -> list[Finding]:
    """An ``unknown-field`` error for each key of ``value`` not in ``allowed``.

    The RGD CRD does not preserve unknown fields here, so the API server rejects them (kubectl's
    strict field validation) or drops them silently (non-strict clients).
    """
    found: list[Finding] = []
    for key in value:
        if key in allowed:
            continue
        hint = close_matches(str(key), sorted(allowed))
        found.append(
            finding(
                "unknown-field",
                f"{where} has no field {key!r}{hint}; kro v0.9.3 knows {', '.join(sorted(allowed))}",
                view.at((*path, str(key)), resource),
                f"remove {key!r} or rename it to one of the known fields",
            )
        )
    return found


def name_findings(name: str, *, kind: str, location: Location) -> list[Finding]:
    """Reserved-word and format findings for a resource id (``kind="resource-id"``) or a forEach
    iterator name (``kind="iterator-name"``): kro applies the same rule to both."""
    from kro_gen.graph.ids import ID_PATTERN, RESERVED_WORDS, suggest_id

    what = "id" if kind == "resource-id" else "iterator name"
    if name in RESERVED_WORDS:
        alternative = name + ("Resource" if kind == "resource-id" else "Value")
        return [
            finding(
                f"{kind}-reserved",
                f"{what} {name!r} is a reserved word in kro",
                location,
                f"rename it, e.g. to {alternative!r}, and update every reference to it",
            )
        ]
    if not ID_PATTERN.match(name):
        return [
            finding(
                f"{kind}-format",
                f"{what} {name!r} is not lower camelCase (^[a-z][a-zA-Z0-9]*$); '-' and '_' are rejected",
                location,
                f"rename it to {suggest_id(name)!r} and update every reference to it",
            )
        ]
    return []
