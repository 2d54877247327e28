"""A fast, conservative "this manifest is valid" proof for the JSON Schemas of the schema registry.

:func:`kro_gen.check.k8s_validate.validate_manifest` runs jsonschema's ``iter_errors`` on every
template and manifest; most of them are valid, and jsonschema spends most of its time building
validators per node to find nothing. :meth:`FastChecker.certainly_valid` walks the manifest against
the schema in plain Python and answers True only when it has checked every constraint it met and all
of them hold; it answers False whenever a value breaks a constraint *or* it meets anything it does not
fully understand (a keyword it does not implement, an unusual Python type, a ``$ref`` it cannot
follow, a ``oneOf`` over more than types...). False means "ask jsonschema": the caller then runs the
full validation, so findings and their messages are always jsonschema's.

It must never answer True for an instance jsonschema rejects (``tests/check/test_fast_schema.py``
compares both on many valid and mutated manifests). The semantics mirrored are those of the
registry's validators: Draft 2020-12, ``integer`` excluding floats, ``format`` not asserted, and --
with ``skip_expressions`` -- every error whose instance is a ``${...}`` string ignored: such a string
is accepted wherever it stands (every error jsonschema finds at a string has that string as its
instance), except inside ``oneOf`` / ``anyOf`` branches, whose verdict is reported at the value that
holds them (those branches are only understood when they test types of a scalar, which an expression
string never reaches: it is accepted before).

Each schema node is compiled once into a tuple of steps (annotations dropped, ``$ref`` resolved), kept
by the checker: one checker per registry (its schemas live as long as it does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kro_gen.registry.kinds import DEFS_MARK, DEFS_URI

_ABSOLUTE_MARK = DEFS_URI + DEFS_MARK

#: Keywords that never make an instance invalid for the registry's validators (no format checker).
_ANNOTATIONS = frozenset(
    {"description", "default", "format", "title", "example", "examples", "$comment", "deprecated"}
)

#: The JSON type jsonschema sees for values of these exact Python types.
_KINDS: dict[type, str] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
    dict: "object",
    list: "array",
}

#: The JSON types of the values each schema ``type`` name accepts (``integer`` excludes floats).
_ACCEPTS: dict[str, frozenset[str]] = {
    "string": frozenset({"string"}),
    "boolean": frozenset({"boolean"}),
    "integer": frozenset({"integer"}),
    "number": frozenset({"integer", "number"}),
    "null": frozenset({"null"}),
    "object": frozenset({"object"}),
    "array": frozenset({"array"}),
}

#: One compiled constraint: (value, its JSON type, skip_expressions) -> certainly satisfied.
Step = Callable[[Any, str, bool], bool]


def json_type(value: Any) -> str | None:
    """The JSON type jsonschema sees for ``value``; None for a Python type this module does not know."""
    kind = _KINDS.get(type(value))
    if kind is not None:
        return kind
    for base, name in _KINDS.items():
        if isinstance(value, base):
            return None if base is int and isinstance(value, bool) else name
    return None


def accepted_kinds(declared: object) -> frozenset[str] | None:
    """The JSON types a ``type`` keyword accepts; None when it names something unusual."""
    names = declared if isinstance(declared, list) else [declared]
    kinds: set[str] = set()
    for name in names:
        accepted = _ACCEPTS.get(name) if isinstance(name, str) else None
        if accepted is None:
            return None
        kinds |= accepted
    return frozenset(kinds)


class FastChecker:
    """Proves instances valid against schemas whose ``$ref`` point into ``definitions``."""

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self.definitions = definitions
        self._plans: dict[tuple[int, bool], tuple[object, tuple[Step, ...] | None]] = {}

    def certainly_valid(self, instance: Any, schema: Mapping[str, Any], *, skip_expressions: bool) -> bool:
        """True only when ``instance`` is valid against ``schema`` (errors at ``${...}`` strings
        ignored when ``skip_expressions``); False when it is not, or when this checker cannot tell."""
        return self.fits(instance, schema, False, skip_expressions)

    def fits(self, value: Any, schema: object, in_defs: bool, skip: bool) -> bool:
        """True when ``value`` certainly satisfies ``schema`` (``in_defs``: ``schema`` lies inside the
        bundled definitions, where a relative ``#/$defs/...`` reference resolves)."""
        if schema is True:
            return True
        if skip and type(value) is str and "${" in value:
            return True
        kind = _KINDS.get(type(value)) or json_type(value)
        if kind is None:
            return False
        key = (id(schema), in_defs)
        known = self._plans.get(key)
        if known is None:
            known = self._plans[key] = (schema, self._compile(schema, in_defs))
        plan = known[1]
        if plan is None:
            return False
        for step in plan:  # noqa: SIM110 - a loop: all() over a generator is slower here
            if not step(value, kind, skip):
                return False
        return True

    def _resolve(self, ref: object, in_defs: bool) -> Any:
        """The definition ``ref`` names, or None when it is not a plain reference into them."""
        if not isinstance(ref, str):
            return None
        if ref.startswith(_ABSOLUTE_MARK):
            name = ref[len(_ABSOLUTE_MARK) :]
        elif in_defs and ref.startswith(DEFS_MARK):
            name = ref[len(DEFS_MARK) :]
        else:
            return None
        if "/" in name or "~" in name:
            return None
        return self.definitions.get(name)

    def _compile(self, schema: object, in_defs: bool) -> tuple[Step, ...] | None:
        """The steps of one schema node; None when it holds anything this checker does not know."""
        if not isinstance(schema, dict):
            return None
        steps: list[Step] = []
        for keyword, rule in schema.items():
            if keyword in _ANNOTATIONS or (isinstance(keyword, str) and keyword.startswith("x-kubernetes-")):
                continue
            make = _MAKERS.get(keyword)
            step = make(self, rule, schema, in_defs) if make is not None else None
            if step is None:
                return None
            steps.append(step)
        return tuple(steps)


_Maker = Callable[[FastChecker, Any, Mapping[str, Any], bool], Step | None]


def _type(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    kinds = accepted_kinds(rule)
    if kinds is None:
        return None
    return lambda value, kind, skip: kind in kinds


def _enum(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    if not isinstance(rule, list):
        return None
    allowed = list(rule)

    def step(value: Any, kind: str, skip: bool) -> bool:
        if kind in ("object", "array"):
            return False
        return any(type(each) is type(value) and each == value for each in allowed)

    return step


def _properties(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    if not isinstance(rule, dict):
        return None
    fits = checker.fits

    def step(value: Any, kind: str, skip: bool) -> bool:
        if kind != "object":
            return True
        for name, child in value.items():
            sub = rule.get(name)
            if sub is not None and not fits(child, sub, in_defs, skip):
                return False
        return True

    return step


def _additional(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    known = schema.get("properties") or {}
    if not isinstance(known, dict) or not isinstance(rule, dict | bool):
        return None
    if rule is True:
        return lambda value, kind, skip: True
    fits = checker.fits

    def step(value: Any, kind: str, skip: bool) -> bool:
        if kind != "object":
            return True
        for name, child in value.items():
            if name in known:
                continue
            if rule is False or not fits(child, rule, in_defs, skip):
                return False
        return True

    return step


def _required(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    if not isinstance(rule, list):
        return None
    names = list(rule)

    def step(value: Any, kind: str, skip: bool) -> bool:
        if kind != "object":
            return True
        return all(name in value for name in names)

    return step


def _items(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    if not isinstance(rule, dict | bool):
        return None
    fits = checker.fits

    def step(value: Any, kind: str, skip: bool) -> bool:
        if kind != "array":
            return True
        return all(fits(item, rule, in_defs, skip) for item in value)

    return step


def _ref(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    target = checker._resolve(rule, in_defs)
    if target is None:
        return None
    fits = checker.fits
    return lambda value, kind, skip: fits(value, target, True, skip)


def _all_of(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    if not isinstance(rule, list):
        return None
    branches = list(rule)
    fits = checker.fits
    return lambda value, kind, skip: all(fits(value, branch, in_defs, skip) for branch in branches)


def _branch_kinds(rule: Any) -> list[frozenset[str]] | None:
    """For ``oneOf``/``anyOf`` whose branches test types only: the JSON types each accepts; else None."""
    if not isinstance(rule, list):
        return None
    found = []
    for branch in rule:
        if not isinstance(branch, dict) or "type" not in branch:
            return None
        if any(key != "type" and key not in _ANNOTATIONS for key in branch):
            return None
        kinds = accepted_kinds(branch["type"])
        if kinds is None:
            return None
        found.append(kinds)
    return found


def _branches(how_many_fit: Callable[[int], bool]) -> _Maker:
    """``oneOf`` / ``anyOf`` over branches that each only name types: a scalar fits when
    ``how_many_fit(number of branches its type is in)`` (maps and lists are left to jsonschema)."""

    def make(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
        branches = _branch_kinds(rule)
        if branches is None:
            return None

        def step(value: Any, kind: str, skip: bool) -> bool:
            if kind in ("object", "array"):
                return False
            return how_many_fit(sum(kind in kinds for kinds in branches))

        return step

    return make


_one_of = _branches(lambda fitting: fitting == 1)
_any_of = _branches(lambda fitting: fitting > 0)


def _pattern(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    if not isinstance(rule, str):
        return None
    try:
        compiled = re.compile(rule)
    except re.error:
        return None
    return lambda value, kind, skip: kind != "string" or compiled.search(value) is not None


def _bound(kinds: frozenset[str], size: Callable[[Any], Any], at_least: bool, strict: bool = False) -> _Maker:
    """A maker of the check of ``size(value)`` against the rule, for values of the JSON types ``kinds``."""

    def make(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
        if isinstance(rule, bool) or not isinstance(rule, int | float):
            return None

        def step(value: Any, kind: str, skip: bool) -> bool:
            if kind not in kinds:
                return True
            measured = size(value)
            if at_least:
                return bool(measured > rule if strict else measured >= rule)
            return bool(measured < rule if strict else measured <= rule)

        return step

    return make


def _unique(checker: FastChecker, rule: Any, schema: Mapping[str, Any], in_defs: bool) -> Step | None:
    if not isinstance(rule, bool):
        return None

    def step(value: Any, kind: str, skip: bool) -> bool:
        if kind != "array" or rule is False or len(value) < 2:
            return True
        first = type(value[0])
        if first not in (str, int) or any(type(item) is not first for item in value):
            return False
        return len(set(value)) == len(value)

    return step


def _itself(value: Any) -> Any:
    return value


_NUMBERS = frozenset({"integer", "number"})
_STRING, _ARRAY, _OBJECT = frozenset({"string"}), frozenset({"array"}), frozenset({"object"})

_MAKERS: dict[str, _Maker] = {
    "type": _type,
    "enum": _enum,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "items": _items,
    "$ref": _ref,
    "allOf": _all_of,
    "oneOf": _one_of,
    "anyOf": _any_of,
    "pattern": _pattern,
    "minLength": _bound(_STRING, len, at_least=True),
    "maxLength": _bound(_STRING, len, at_least=False),
    "minItems": _bound(_ARRAY, len, at_least=True),
    "maxItems": _bound(_ARRAY, len, at_least=False),
    "minProperties": _bound(_OBJECT, len, at_least=True),
    "maxProperties": _bound(_OBJECT, len, at_least=False),
    "minimum": _bound(_NUMBERS, _itself, at_least=True),
    "maximum": _bound(_NUMBERS, _itself, at_least=False),
    "exclusiveMinimum": _bound(_NUMBERS, _itself, at_least=True, strict=True),
    "exclusiveMaximum": _bound(_NUMBERS, _itself, at_least=False, strict=True),
    "uniqueItems": _unique,
}
