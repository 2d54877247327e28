"""A SimpleSchema (``spec.schema.spec`` and ``types``) as pydantic models: the inverse of
:mod:`kro_gen.schema.from_model`.

Field by field: ``string``/``integer``/``float``/``boolean``/``object`` become ``str``/``int``/
``float``/``bool``/``dict[str, Any]``; ``[]T`` is ``list[T]`` (``set[T]`` with ``uniqueItems=true``),
``map[string]T`` is ``dict[str, T]``; a nested map and a struct custom type are a model class; a
scalar custom type (``Port: integer | default=8080``) lends its markers to each field that uses it.
``required=true`` is a field without a default, ``default=`` a default, and a field with neither is
``T | None = None`` (kro's optional field). ``enum`` is a ``Literal``, ``minimum``/``maximum`` are
``ge``/``le``, ``minLength``/``maxLength``/``minItems``/``maxItems`` are ``min_length``/``max_length``,
``pattern`` and ``description`` are pydantic's, ``immutable`` and ``validation`` go in
:class:`~kro_gen.schema.SchemaMarkers`. A nested model is ``Field(default_factory=Model)`` when none
of its fields is required (kro-gen writes no default for it, as kro derives ``default: {}``).

kro resolves custom types when it builds the CRD, so the generated RGD may inline a type the
original named (or name one it inlined); the CRD, which is what kro serves, is the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kro_gen.importer.literals import py_literal, py_string
from kro_gen.importer.names import RESERVED, class_name, field_name
from kro_gen.importer.pytypes import PLAIN, PyType
from kro_gen.schema.marker_checks import check_markers
from kro_gen.schema.markers import Marker, parse_markers, split_field
from kro_gen.schema.parse import parse_type_text

_SCALARS = {
    "string": "str",
    "integer": "int",
    "float": "float",
    "boolean": "bool",
    "object": "dict[str, Any]",
}


class ImportProblem(ValueError):
    """Something of the RGD that kro-gen's models cannot say; ``path`` names it."""

    def __init__(self, path: str, message: str, site: tuple[str | int, ...] = ()) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        #: where it is in the RGD document (``("spec", "schema", "spec", "db", "host")``), if known
        self.site = site


@dataclass
class ModelWriter:
    """Collects the model classes of one schema (dependencies first) and the imports they need."""

    types: Mapping[str, Any]
    classes: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=lambda: set(RESERVED))
    done: dict[str, str] = field(default_factory=dict)
    uses: set[str] = field(default_factory=set)
    #: field path (kro names) -> kro kind of every scalar field, for typing expressions
    kinds: dict[tuple[str, ...], str] = field(default_factory=dict)
    #: spec model class -> kro field name -> the field's Python type (``T | None`` or not, its model)
    fields: dict[str, dict[str, PyType]] = field(default_factory=dict)

    def model(self, name: str, body: Mapping[str, Any], path: tuple[str, ...], custom: bool = False) -> str:
        """Write the class ``name`` for the nested map ``body``; returns the class name used."""
        name = self._fresh(name, custom)
        lines = [f"class {name}(BaseModel):"]
        types = self.fields.setdefault(name, {})
        fields = []
        for key, value in body.items():
            line, types[str(key)] = self.field(key, value, (*path, str(key)))
            fields.append(line)
        lines.extend(f"    {line}" for line in fields)
        if not fields:
            lines.append("    pass")
        self.classes.append("\n".join(lines))
        return name

    def status_model(
        self,
        name: str,
        body: Mapping[str, Any],
        types: Mapping[tuple[str, ...], str] | None = None,
        prefix: tuple[str, ...] = (),
    ) -> str:
        """A status model. A leaf is the Python type in ``types`` (path below ``status`` -> annotation
        such as ``int`` or ``list[str]``, the type kro infers for its expression), else ``Any``;
        each is ``T | None = None``, as kro writes a status field only once it resolves."""
        name = self._fresh(name)
        lines = [f"class {name}(BaseModel):"]
        for key, value in body.items():
            if key == "conditions":
                continue
            path = (*prefix, str(key))
            typed = (types or {}).get(path)
            if isinstance(value, Mapping):
                annotation = self.status_model(name + class_name(str(key)), value, types, path) + " | None"
            else:
                annotation = f"{typed} | None" if typed and typed != "Any" else "Any"
            lines.append(f"    {self._declaration(str(key), annotation, ['default=None'])}")
        if len(lines) == 1:
            lines.append("    pass")
        self.classes.append("\n".join(lines))
        return name

    def _fresh(self, name: str, custom: bool = False) -> str:
        candidate = name
        while not custom and (candidate in self.names or candidate in self.types):
            candidate += "_"
        self.names.add(candidate)
        return candidate

    def field(self, key: str, value: Any, path: tuple[str, ...]) -> tuple[str, PyType]:
        """One field line (``name: T = Field(...)``) and the field's type."""
        where = ".".join(path)
        if isinstance(value, Mapping):
            model = self.model(class_name(key), value, path)
            if self._required_inside(value):
                return self._declaration(key, f"{model} | None", ["default=None"]), PyType(True, model)
            return self._declaration(key, model, [f"default_factory={model}"]), PyType(model=model)
        if not isinstance(value, str):
            raise _problem(where, f"a field must be a type string or a map, not {type(value).__name__}")
        type_text, marker_text = split_field(value)
        try:
            own = parse_markers(marker_text) if marker_text is not None else []
        except ValueError as error:
            raise _problem(where, str(error)) from None
        annotation, kind, inherited, unique, typed = self.type_of(type_text, where, path)
        markers = [*inherited, *own]
        return self._scalar_field(key, annotation, kind, markers, unique, where, typed)

    def type_of(
        self, text: str, where: str, path: tuple[str, ...]
    ) -> tuple[str, str, list[Marker], bool, PyType]:
        """(annotation, kro kind, markers of an alias type, uniqueItems, its type) of a type text."""
        wrappers, base = parse_type_text(text)
        inherited: list[Marker] = []
        typed = PLAIN
        if base in _SCALARS:
            annotation, kind = _SCALARS[base], base
        elif base in self.types:
            annotation, kind, inherited, typed = self._custom(base, where, path if not wrappers else None)
        else:
            raise _problem(where, f"unknown type {base!r}")
        if wrappers and kind not in ("struct",) and any(key == "enum" for key, _ in inherited):
            raise _problem(where, "an enum type inside a list or map is not supported by the importer")
        for wrapper in reversed(wrappers):
            annotation = f"list[{annotation}]" if wrapper == "list" else f"dict[str, {annotation}]"
            typed = PyType(item=typed, keyed=wrapper != "list")
        if wrappers:
            kind = wrappers[0]
        elif kind != "struct":
            self.kinds[path] = kind
        return annotation, kind, inherited if not wrappers else [], False, typed

    def _custom(
        self, name: str, where: str, path: tuple[str, ...] | None
    ) -> tuple[str, str, list[Marker], PyType]:
        body = self.types[name]
        if isinstance(body, Mapping):
            if name not in self.done:
                self.done[name] = ""  # placeholder against recursion
                self.done[name] = self.model(name, body, ("types", name), custom=True)
            return self.done[name], "struct", [], PyType(model=self.done[name] or None)
        type_text, marker_text = split_field(str(body))
        markers = parse_markers(marker_text) if marker_text is not None else []
        annotation, kind, inherited, _, typed = self.type_of(type_text, where, path or ("types", name))
        return annotation, kind, [*inherited, *markers], typed

    def _required_inside(self, body: Mapping[str, Any]) -> bool:
        for value in body.values():
            if isinstance(value, Mapping):
                continue
            text = str(value)
            type_text, marker_text = split_field(text)
            markers = parse_markers(marker_text) if marker_text is not None else []
            _, base = parse_type_text(type_text)
            alias = self.types.get(base)
            if isinstance(alias, str):
                _, alias_markers = split_field(alias)
                markers = [*(parse_markers(alias_markers) if alias_markers else []), *markers]
            if any(key == "required" and value in ("true", "True", "TRUE") for key, value in markers):
                return True
        return False

    def _scalar_field(
        self,
        key: str,
        annotation: str,
        kind: str,
        markers: list[Marker],
        unique: bool,
        where: str,
        typed: PyType,
    ) -> tuple[str, PyType]:
        facts = check_markers(markers, kind)
        if facts.problems:
            raise _problem(where, facts.problems[0][1])
        arguments: list[str] = []
        extras: list[str] = []
        if facts.enum is not None:
            annotation = "Literal[" + ", ".join(py_literal(value) for value in facts.enum) + "]"
            self.uses.add("Literal")
        for marker, value in markers:
            if marker in ("minimum", "maximum"):
                number = float(value)
                text = repr(int(number)) if kind == "integer" and number.is_integer() else repr(number)
                arguments.append(f"{'ge' if marker == 'minimum' else 'le'}={text}")
            elif marker in ("minLength", "minItems"):
                arguments.append(f"min_length={int(value)}")
            elif marker in ("maxLength", "maxItems"):
                arguments.append(f"max_length={int(value)}")
            elif marker == "pattern":
                arguments.append(f"pattern={py_string(value)}")
            elif marker == "uniqueItems" and value.lower() == "true":
                if not annotation.startswith("list["):
                    raise _problem(where, "uniqueItems on a field that is not a list")
                annotation = "set[" + annotation[len("list[") :]
            elif marker == "immutable" and value.lower() == "true":
                extras.append("immutable=True")
            elif marker == "validation":
                extras.append(py_string(value))
            elif marker in ("listType", "listMapKey"):
                raise _problem(where, f"the {marker} marker has no kro-gen model spelling yet")
        descriptions = [value for marker, value in markers if marker == "description"]
        if descriptions:
            arguments.append(f"description={py_string(descriptions[-1])}")
        if extras:
            rules = [item for item in extras if item != "immutable=True"]
            parts = ["immutable=True"] if "immutable=True" in extras else []
            if rules:
                parts.append("validation=(" + ", ".join(rules) + ",)")
            annotation = f"Annotated[{annotation}, SchemaMarkers({', '.join(parts)})]"
            self.uses.add("Annotated")
            self.uses.add("SchemaMarkers")
        if facts.has_default:
            default = facts.default
            if annotation.startswith("set[") and isinstance(default, list):
                default = sorted(default)
                literal = "{" + ", ".join(py_literal(item) for item in default) + "}" if default else "set()"
            else:
                literal = py_literal(default)
            if isinstance(default, list | dict) and default:
                arguments.insert(0, f"default_factory=lambda: {literal}")
            else:
                arguments.insert(0, f"default={literal}")
        elif not facts.required:
            annotation = f"{annotation} | None"
            arguments.insert(0, "default=None")
            typed = typed.as_optional()
        return self._declaration(key, annotation, arguments), typed

    def _declaration(self, key: str, annotation: str, arguments: list[str]) -> str:
        name = field_name(key)
        if name is None:
            name = "".join(char if char.isalnum() or char == "_" else "_" for char in key).lstrip("_")
            name = (name or "field") + "_"
            arguments = [*arguments, f"alias={py_string(key)}"]
        if not arguments:
            return f"{name}: {annotation}"
        if len(arguments) == 1 and arguments[0].startswith("default="):
            return f"{name}: {annotation} = {arguments[0][len('default=') :]}"
        return f"{name}: {annotation} = Field({', '.join(arguments)})"


def _problem(where: str, message: str) -> ImportProblem:
    """A problem at the model field ``where`` (dotted kro names; ``types.T...`` in a custom type),
    located in the RGD document."""
    path = tuple(where.split(".")) if where else ()
    site = ("spec", "schema", *path) if path[:1] == ("types",) else ("spec", "schema", "spec", *path)
    return ImportProblem(where, message, site)
