"""Read a SimpleSchema (``spec`` + ``types``) back, as kro v0.9.3 would, and report every problem.

For hand-written RGDs: :func:`parse_simple_schema` never raises on bad input. It returns every field
it could read (:class:`ParsedField`, keyed by path) and every problem (:class:`SchemaProblem`, with a
path such as ``spec.db.port`` or ``types.Port``, a rule name and a message).

Problems found: field values that are neither a type string nor a nested map; type syntax (empty
type, ``map[int]...``, nesting over 16); unknown types (``number`` is not a type: use ``float``);
cyclic custom types; marker syntax (unknown marker, a second ``|``, spaces around ``=``, unclosed
quotes); markers on the wrong kind (``enum`` on a float, ``pattern`` on an integer...); bad marker
values (non-RE2 patterns, ``"`` or ``\\`` in string defaults, defaults of the wrong type).
Problems inside a custom type are reported once, at ``types.<Name>``, not at every use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from kro_gen.expr.wrapper import CelType
from kro_gen.schema.facts import LIST_ITEM, MAP_VALUE, FieldFacts, cel_type_of_kind, path_text
from kro_gen.schema.fields import MISSING
from kro_gen.schema.marker_checks import check_markers
from kro_gen.schema.markers import Marker, MarkerSyntaxError, parse_markers, split_field

ATOMIC_TYPES = frozenset({"string", "integer", "boolean", "float"})
MAX_NESTING = 16

Path = tuple[str, ...]


@dataclass(frozen=True)
class SchemaProblem:
    """One thing kro would reject: where (``spec.a.b`` / ``types.T.x``), which rule, what."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class ParsedField:
    """A field as kro reads it, with custom types resolved.

    Attributes:
        path: kro names from the spec root; ``"[]"`` for list items, ``"{}"`` for map values.
        kind: string, integer, float, boolean, object, list, map or struct (nested map or struct type).
        type_text: the type as written (``"[]ServiceEndpoint"``), None for a nested map.
        required: a ``required=true`` marker (its own or its alias type's).
        has_default: a ``default=`` marker, or the ``default: {}`` kro derives for a struct.
        default: the decoded ``default=`` value (``{}`` when derived for a struct), or
            :data:`~kro_gen.schema.fields.MISSING`.
        enum: the allowed values of an ``enum=`` marker.
        markers: the markers in force: the alias type's, then the field's own.
    """

    path: Path
    kind: str
    type_text: str | None
    required: bool
    has_default: bool
    default: Any = MISSING
    enum: tuple[str | int, ...] | None = None
    markers: tuple[Marker, ...] = ()

    @property
    def cel_type(self) -> CelType | None:
        """The CEL type hint of the field."""
        return cel_type_of_kind(self.kind)

    def facts(self) -> FieldFacts:
        """The :class:`FieldFacts` of the field (comparable with the pydantic side)."""
        return FieldFacts(self.required, self.has_default, self.cel_type)


@dataclass(frozen=True)
class ParsedSchema:
    """Every readable field (depth first, in document order) and every problem found."""

    fields: dict[Path, ParsedField]
    problems: tuple[SchemaProblem, ...]
    type_names: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No problems."""
        return not self.problems

    def get(self, path: Path) -> ParsedField | None:
        """The field at ``path`` (kro names, ``"[]"``/``"{}"`` for items), or None."""
        return self.fields.get(path)

    def facts(self) -> dict[Path, FieldFacts]:
        """:class:`FieldFacts` of every field path."""
        return {path: parsed.facts() for path, parsed in self.fields.items()}


def parse_simple_schema(spec: Any, types: Any = None) -> ParsedSchema:
    """Parse ``spec.schema.spec`` and ``spec.schema.types`` (plain data loaded from YAML).

    Results are remembered by the exact data (a fleet's graphs and the checks of one graph parse the
    same schema many times); each call gets its own ``fields`` dict.
    """
    key = _plain_key((spec, types))
    if key is None:
        return _Parser(types).run(spec)
    parsed = _parsed(key, spec, types)
    return replace(parsed, fields=dict(parsed.fields))


_MEMO: dict[str, ParsedSchema] = {}
_MEMO_SIZE = 512
_LEAVES = (str, int, float, bool, type(None))


def _plain_key(value: Any) -> str | None:
    """An exact text for plain YAML data (its ``repr``: ``1``, ``'1'``, ``True`` and ``1.0`` differ),
    or None when it holds anything else (whose ``repr`` might not tell values apart)."""
    todo = [value]
    while todo:
        item = todo.pop()
        kind = type(item)
        if kind is dict:
            todo.extend(item.keys())
            todo.extend(item.values())
        elif kind is list or kind is tuple:
            todo.extend(item)
        elif kind not in _LEAVES:
            return None
    return repr(value)


def _parsed(key: str, spec: Any, types: Any) -> ParsedSchema:
    found = _MEMO.get(key)
    if found is None:
        found = _Parser(types).run(spec)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))  # the oldest entry: the memo stays bounded
        _MEMO[key] = found
    return found


class _TypeSyntax(ValueError):
    pass


def parse_type_text(text: str) -> tuple[tuple[str, ...], str]:
    """Split a type into its wrappers and base: ``"[]map[string]Foo"`` → (("list", "map"), "Foo").

    Raises:
        ValueError: empty type, empty element/value type, a non-string map key, or nesting over 16.
    """
    wrappers: list[str] = []
    rest = text.strip()
    while True:
        if len(wrappers) > MAX_NESTING:
            raise _TypeSyntax(f"type nesting too deep (max {MAX_NESTING}): {text!r}")
        if rest.startswith("[]"):
            rest = rest[2:].strip()
            if not rest:
                raise _TypeSyntax("empty slice element type")
            wrappers.append("list")
        elif rest.startswith("map["):
            if not rest.startswith("map[string]"):
                raise _TypeSyntax(f"map key must be string: {text!r}")
            rest = rest[len("map[string]") :].strip()
            if not rest:
                raise _TypeSyntax("map value type is required")
            wrappers.append("map")
        elif not rest:
            raise _TypeSyntax("empty type")
        else:
            return tuple(wrappers), rest


@dataclass
class _Sink:
    """Where fields go (in document order) and how problems are reported."""

    root: str
    quiet: bool = False
    order: list[Path] = field(default_factory=list)
    found: dict[Path, ParsedField] = field(default_factory=dict)

    def quieted(self) -> _Sink:
        sink = _Sink(self.root, True)
        sink.order, sink.found = self.order, self.found
        return sink

    def put(self, parsed: ParsedField) -> None:
        self.found[parsed.path] = parsed

    def reserve(self, path: Path) -> None:
        if path:
            self.order.append(path)

    def fields(self) -> dict[Path, ParsedField]:
        return {path: self.found[path] for path in self.order if path in self.found}


class _Parser:
    def __init__(self, types: Any) -> None:
        self.problems: list[SchemaProblem] = []
        self.types: dict[str, Any] = {}
        self.bad_types: set[str] = set()
        if types is None:
            return
        if not isinstance(types, dict):
            self._report(_Sink("types"), (), "schema-value-type", "types must be a map of type names")
            return
        self.types = {str(name): body for name, body in types.items()}
        self._find_cycles()

    def run(self, spec: Any) -> ParsedSchema:
        for name, body in self.types.items():
            if name not in self.bad_types:
                self._value(body, (), _Sink(f"types.{name}"))
        sink = _Sink("spec")
        if isinstance(spec, dict):
            self._struct(spec, (), sink)
        else:
            self._report(sink, (), "schema-value-type", "spec must be a map of field names")
        return ParsedSchema(sink.fields(), tuple(self.problems), tuple(self.types))

    # -- problems ------------------------------------------------------------------------------
    def _report(self, sink: _Sink, path: Path, rule: str, message: str) -> None:
        if not sink.quiet:
            self.problems.append(SchemaProblem(path_text(path, sink.root), rule, message))

    # -- structure -----------------------------------------------------------------------------
    def _struct(self, body: dict[Any, Any], path: Path, sink: _Sink) -> list[ParsedField]:
        children = [self._value(raw, (*path, str(key)), sink) for key, raw in body.items()]
        return [child for child in children if child is not None]

    def _value(self, raw: Any, path: Path, sink: _Sink) -> ParsedField | None:
        sink.reserve(path)
        if isinstance(raw, dict):
            children = self._struct(raw, path, sink)
            derived = _derived_default(children)
            parsed: ParsedField | None = ParsedField(
                path, "struct", None, False, derived, {} if derived else MISSING
            )
        elif isinstance(raw, str):
            type_text, marker_text = split_field(raw)
            own = self._markers(marker_text, path, sink)
            parsed = self._typed(type_text, own, [], path, sink)
        else:
            self._report(
                sink,
                path,
                "schema-value-type",
                f"unexpected type {type(raw).__name__}: a field is a type string or a nested map",
            )
            parsed = None
        if parsed is not None:
            sink.put(parsed)
        return parsed

    def _markers(self, text: str | None, path: Path, sink: _Sink) -> list[Marker]:
        if text is None:
            return []
        try:
            return parse_markers(text)
        except MarkerSyntaxError as error:
            self._report(sink, path, error.rule, str(error))
            return []

    def _typed(
        self,
        text: str,
        own: list[Marker],
        inherited: list[Marker],
        path: Path,
        sink: _Sink,
        types_sink: _Sink | None = None,
    ) -> ParsedField:
        """Resolve ``text``; own-marker problems go to ``sink``, type problems to ``types_sink``.

        Inside an alias type the type problems were reported at ``types.<Name>`` already, so the
        alias is resolved with a quiet ``types_sink`` while the field's own markers stay checked.
        """
        tsink = types_sink or sink
        try:
            wrappers, base = parse_type_text(text)
        except _TypeSyntax as error:
            self._report(tsink, path, "schema-type-syntax", str(error))
            return ParsedField(path, "object", text, False, False)
        if wrappers:
            item_text = _wrapper_text(wrappers[1:]) + base
            item = self._item(item_text, (*path, LIST_ITEM if wrappers[0] == "list" else MAP_VALUE), tsink)
            return self._finish(path, wrappers[0], text, own, inherited, sink, _key_check(item, sink))
        if base in ATOMIC_TYPES or base == "object":
            return self._finish(path, base, text, own, inherited, sink)
        return self._custom(base, text, own, inherited, path, sink, tsink)

    def _item(self, text: str, path: Path, sink: _Sink) -> ParsedField:
        sink.reserve(path)
        parsed = self._typed(text, [], [], path, sink)
        sink.put(parsed)
        return parsed

    def _custom(
        self,
        name: str,
        text: str,
        own: list[Marker],
        inherited: list[Marker],
        path: Path,
        sink: _Sink,
        tsink: _Sink,
    ) -> ParsedField:
        if name not in self.types:
            hint = " (use float for numbers)" if name == "number" else ""
            self._report(tsink, path, "schema-type-unknown", f"unknown type: {name}{hint}")
            return ParsedField(path, "object", text, False, False)
        if name in self.bad_types:
            return ParsedField(path, "object", text, False, False)
        body = self.types[name]
        quiet = sink.quieted()
        if isinstance(body, dict):
            children = self._struct(body, path, quiet)
            parsed = self._finish(path, "struct", text, own, inherited, sink)
            if parsed.has_default or not _derived_default(children):
                return parsed
            return replace(parsed, has_default=True, default={})
        if isinstance(body, str):
            alias_text, alias_markers = split_field(body)
            inherited = [*self._markers(alias_markers, path, quiet), *inherited]
            return replace(self._typed(alias_text, own, inherited, path, sink, quiet), type_text=text)
        return ParsedField(path, "object", text, False, False)  # reported in the types pass

    def _finish(
        self,
        path: Path,
        kind: str,
        text: str,
        own: list[Marker],
        inherited: list[Marker],
        sink: _Sink,
        key_check: Callable[[str], bool | None] | None = None,
    ) -> ParsedField:
        checked = check_markers(own, kind, key_check)
        for rule, message in checked.problems:
            self._report(sink, path, rule, message)
        facts = check_markers([*inherited, *own], kind, key_check) if inherited else checked
        default = facts.default if facts.has_default else MISSING
        return ParsedField(
            path, kind, text, facts.required, facts.has_default, default, facts.enum, (*inherited, *own)
        )

    # -- custom type cycles -------------------------------------------------------------------
    def _find_cycles(self) -> None:
        state: dict[str, str] = {}

        def visit(name: str, stack: list[str]) -> None:
            if state.get(name) == "done" or name not in self.types:
                return
            if state.get(name) == "active":
                cycle = stack[stack.index(name) :]
                if not self.bad_types.intersection(cycle):
                    self._report(
                        _Sink("types"),
                        (name,),
                        "schema-type-cycle",
                        f"cyclic dependency in type {name} ({' -> '.join([*cycle, name])})",
                    )
                self.bad_types.update(cycle)
                return
            state[name] = "active"
            for dependency in _dependencies(self.types[name]):
                visit(dependency, [*stack, name])
            state[name] = "done"

        for name in self.types:
            visit(name, [])


def _dependencies(body: Any) -> list[str]:
    if isinstance(body, dict):
        return [name for value in body.values() for name in _dependencies(value)]
    if isinstance(body, str):
        try:
            _, base = parse_type_text(split_field(body)[0])
        except _TypeSyntax:
            return []
        return [] if base in ATOMIC_TYPES or base == "object" else [base]
    return []


def _wrapper_text(wrappers: tuple[str, ...]) -> str:
    return "".join("[]" if wrapper == "list" else "map[string]" for wrapper in wrappers)


def _derived_default(children: list[ParsedField]) -> bool:
    return not any(child.required for child in children) and any(child.has_default for child in children)


def _key_check(item: ParsedField, sink: _Sink) -> Callable[[str], bool | None]:
    def check(key: str) -> bool | None:
        child = sink.found.get((*item.path, key)) if item.kind == "struct" else None
        return None if child is None else (child.required or child.has_default)

    return check
