"""Evaluating the ``${}`` strings of one resource of an RGD document, as kro would, without a cluster.

A standalone ``${expr}`` becomes the native value (ints stay ints, maps stay maps); a string
template concatenates its parts, each of which must be a string (kro type-checks the same). Before
anything is evaluated, every path an expression reads from ``schema`` or another resource is
checked against what direct mode actually knows (see :class:`Known`): values only the cluster
has (``status``, server-filled fields, the data of an ``externalRef``) are errors, never empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NoReturn

from kro_gen.emit.direct_refs import (
    Access,
    Dynamic,
    PathAlias,
    Usage,
    accesses,
    format_path,
    missing_step,
    walk_strings,
)
from kro_gen.errors import DefinitionError, ExpressionError, KroGenError, Location
from kro_gen.expr import nodes as n

LIVE_HINT = "use kro mode for this environment or provide the value in the spec"
#: What an externalRef read by name is known to hold in direct mode: what it declares.
EXTERNAL_KNOWN_PATHS = frozenset(
    {("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace")}
)
#: The instance metadata fields direct mode knows (the rest is set by the API server).
SCHEMA_METADATA = ("name", "namespace", "labels", "annotations")


@dataclass(frozen=True)
class Field:
    """A string of the RGD document that holds at least one ``${}``.

    ``node`` is the standalone expression, or a :class:`~kro_gen.expr.nodes.Template` of literal
    text and expressions for a string template.
    """

    path: str
    text: str
    node: n.Node

    @property
    def standalone(self) -> bool:
        """Whether the string is exactly one ``${expr}`` (its value keeps its native type)."""
        return not isinstance(self.node, n.Template)

    def expressions(self) -> tuple[n.Node, ...]:
        """The expression trees of the string, in order."""
        if isinstance(self.node, n.Template):
            return tuple(part for part in self.node.parts if isinstance(part, n.Node))
        return (self.node,)


def parse_fields(value: Any, path: str, where: Location) -> dict[str, Field]:
    """Every string of ``value`` (a template, an externalRef, a condition list) holding ``${}``, by path."""
    from kro_gen.expr.kro_text import parse_field

    fields: dict[str, Field] = {}
    for field_path, text in walk_strings(value, path):
        try:
            parsed = parse_field(text)
        except KroGenError as error:
            raise error.located(Location(path=field_path).merged(where)) from None
        if isinstance(parsed, str):
            continue
        node = getattr(parsed, "_node", parsed)
        assert isinstance(node, n.Node)
        fields[field_path] = Field(field_path, text, node)
    return fields


class RefKind(Enum):
    """What kind of thing a resource id stands for."""

    MANAGED = "managed"  # a template: its rendered body
    COLLECTION = "collection"  # a forEach template: the list of rendered bodies
    EXTERNAL = "external"  # an externalRef by name: only apiVersion, kind, name, namespace are known
    SELECTOR = "selector"  # an externalRef by selector: nothing is known


@dataclass(frozen=True)
class Known:
    """A resource as direct mode knows it once it is resolved."""

    kind: RefKind
    value: Any


@dataclass
class Context:
    """What one ``render_direct`` call knows: the instance (``schema``) and the resolved resources.

    ``supplied`` are the paths (by root) whose values were given for a preview (``render --set``):
    reading them is allowed although only the cluster would know them; ``set_hint`` makes the
    errors for what only the cluster knows suggest ``--set PATH=VALUE``.
    """

    graph: str
    environment: str | None
    schema: dict[str, Any]
    known: dict[str, Known] = field(default_factory=dict)
    supplied: dict[str, list[tuple[str | int, ...]]] = field(default_factory=dict)
    set_hint: bool = False
    _cel: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    def cel_value(self, name: str, value: Any) -> Any:
        """``value`` (the schema or a resolved resource, as an activation holds it) converted for
        cel-python once per render: a resource's fields all read the same values. A different object
        under the same name is converted again."""
        from kro_gen.expr.engine import to_cel

        cached = self._cel.get(name)
        if cached is None or cached[0] is not value:
            cached = (value, to_cel(value))
            self._cel[name] = cached
        return cached[1]

    def covers(self, access: Access) -> bool:
        """Whether a supplied path holds what ``access`` reads (a prefix of it; ``[*]`` steps match
        any index)."""
        for steps in self.supplied.get(access.root, ()):
            if len(steps) <= len(access.steps) and all(
                isinstance(read, Dynamic) or read == given
                for given, read in zip(steps, access.steps[: len(steps)], strict=True)
            ):
                return True
        return False

    def location(self, resource: str | None, path: str | None) -> Location:
        """A location in this graph and environment."""
        return Location(graph=self.graph, resource=resource, environment=self.environment, path=path)


class Evaluation:
    """Evaluates the fields of one resource (one item, for a collection) against a fixed activation.

    ``bindings`` are the forEach iterator values of this item; ``aliases`` say which iterators
    stand for paths of other resources (so their reads are checked like direct reads).
    """

    def __init__(
        self,
        context: Context,
        resource: str,
        bindings: Mapping[str, Any] | None = None,
        aliases: Mapping[str, PathAlias] | None = None,
    ) -> None:
        self.context = context
        self.resource = resource
        self.aliases = dict(aliases or {})
        self.activation: dict[str, Any] = {"schema": context.schema}
        for rid, known in context.known.items():
            if known.kind is not RefKind.SELECTOR or known.value is not None:
                self.activation[rid] = known.value
        self.activation.update(bindings or {})
        #: names whose values are the context's own (not this item's iterators): converted once a render
        self.shared = frozenset(self.activation) - frozenset(bindings or {})

    # -- public --------------------------------------------------------------------------------
    def value(self, value: Any, path: str, fields: Mapping[str, Field]) -> Any:
        """``value`` (a template or externalRef) with every ``${}`` string evaluated; keys stay literal."""
        if isinstance(value, str):
            found = fields.get(path)
            return value if found is None else self.field(found)
        if isinstance(value, Mapping):
            return {
                key: self.value(item, f"{path}.{key}" if path else str(key), fields)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.value(item, f"{path}[{index}]", fields) for index, item in enumerate(value)]
        return value

    def field(self, found: Field, usage: Usage = Usage.VALUE) -> Any:
        """The value of one string field: native for a standalone expression, else a string."""
        if found.standalone:
            return self._evaluate(found, found.node, usage)
        assert isinstance(found.node, n.Template)
        pieces: list[str] = []
        for part in found.node.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            result = self._evaluate(found, part, Usage.VALUE)
            if not isinstance(result, str):
                raise ExpressionError(
                    f"a string template may only join strings, but ${{{_cel(part)}}} gives "
                    f"{_type_name(result)} {result!r} in {found.text!r}",
                    location=self._where(found),
                    hint=f"wrap it as ${{string({_cel(part)})}} (kro rejects non-string template parts too)",
                    rule="template-part-type",
                )
            pieces.append(result)
        return "".join(pieces)

    def condition(self, found: Field) -> bool:
        """An ``includeWhen`` entry: a standalone expression giving a bool."""
        result = self.field(found)
        hint = 'compare, e.g. ${schema.spec.x == "on"}'
        self._expect(found, result, bool, "includeWhen must give a bool", hint, "include-when-type")
        return bool(result)

    def items(self, found: Field, usage: Usage) -> list[Any]:
        """A ``forEach`` dimension: a standalone expression giving a list."""
        result = self.field(found, usage)
        hint = "iterate a list field, or lists.range(n)"
        self._expect(found, result, list, "forEach must give a list", hint, "for-each-type")
        return list(result)

    # -- evaluation ----------------------------------------------------------------------------
    def _evaluate(self, found: Field, node: n.Node, usage: Usage) -> Any:
        from kro_gen.expr.engine import evaluate

        roots = ["schema", *self.context.known]
        for access in accesses(node, roots, usage=usage, aliases=self.aliases):
            self._check(found, access)
        # only what the expression uses: converting the whole activation dominates the cost
        used = {name: self.activation[name] for name in n.free_identifiers(node) if name in self.activation}
        converted = {
            name: self.context.cel_value(name, value) for name, value in used.items() if name in self.shared
        }
        try:
            return evaluate(node, used, converted=converted)
        except KroGenError as error:
            raise type(error)(
                f"in {found.text!r}: {error.message}",
                location=self._where(found),
                hint=error.hint,
                rule=error.rule,
            ) from None

    def _expect(self, found: Field, result: Any, expected: type, what: str, hint: str, rule: str) -> None:
        if not isinstance(result, expected):
            raise ExpressionError(
                f"{what}, but {found.text!r} gives {_type_name(result)} {result!r}",
                location=self._where(found),
                hint=hint,
                rule=rule,
            )

    def _where(self, found: Field) -> Location:
        return self.context.location(self.resource, found.path)

    # -- what direct mode may read -------------------------------------------------------------
    def _check(self, found: Field, access: Access) -> None:
        if access.root == "schema":
            self._check_schema(found, access)
            return
        known = self.context.known[access.root]
        shown = format_path(access.root, access.steps)
        if self.context.covers(access):
            missing = missing_step(known.value, access.required_steps())
            if missing is not None:
                absent = format_path(access.root, access.steps[: missing + 1])
                self._live(found, access, f"{absent} is not in the values given with --set")
            return
        if known.kind is RefKind.SELECTOR:
            self._live(
                found, access, f"{shown} reads externalRef {access.root!r}, a selector over live objects"
            )
        if known.kind is RefKind.EXTERNAL:
            if tuple(access.steps) not in EXTERNAL_KNOWN_PATHS:
                self._live(
                    found,
                    access,
                    f"{shown} reads externalRef {access.root!r}, whose content exists only in the cluster "
                    "(direct mode knows only its apiVersion, kind, metadata.name and metadata.namespace)",
                )
            why = f"externalRef {access.root!r} does not declare it"
        else:
            self._check_managed(found, access, known.kind)
            why = f"the template of {access.root!r} does not set it"
        missing = missing_step(known.value, access.required_steps())
        if missing is not None:
            absent = format_path(access.root, access.steps[: missing + 1])
            self._live(found, access, f"{absent} is only known in the cluster: {why}")

    def _check_managed(self, found: Field, access: Access, kind: RefKind) -> None:
        shown = format_path(access.root, access.steps)
        offset = 1 if kind is RefKind.COLLECTION else 0
        if len(access.steps) > offset and access.steps[offset] == "status":
            self._live(
                found, access, f"{shown} reads the status of {access.root!r}, which only the cluster sets"
            )
        if len(access.steps) <= offset and access.usage in (Usage.VALUE, Usage.PRESENCE):
            self._live(
                found,
                access,
                f"{shown} uses the whole object {access.root!r}; in kro it holds fields only the cluster "
                "sets (status, uid, defaults)",
            )

    def _check_schema(self, found: Field, access: Access) -> None:
        steps = access.steps
        if self.context.covers(access):
            return
        if not steps and access.usage in (Usage.VALUE, Usage.PRESENCE):
            self._live(found, access, "the whole instance object is only known in the cluster")
        if steps[:1] == ("metadata",) and len(steps) > 1 and steps[1] not in SCHEMA_METADATA:
            self._live(
                found, access, f"{format_path('schema', steps[:2])} of the instance is set by the API server"
            )
        missing = missing_step(self.context.schema, access.required_steps())
        if missing is None:
            return
        absent = format_path("schema", steps[: missing + 1])
        if steps[:1] == ("spec",):
            raise DefinitionError(
                f"{absent} is not set in this environment's instance and has no default "
                f"(read by {found.text!r}); kro would wait for it forever",
                location=self._where(found),
                hint="set it in the instance values, give it a default, or read it as "
                ".?field.orValue(fallback)",
                rule="direct-missing-spec-value",
            )
        self._live(found, access, f"{absent} is not part of the instance")

    def _live(self, found: Field, access: Access, reason: str) -> NoReturn:
        part = "${" + _cel(access.node) + "}"
        inside = "" if part == found.text else f" (in {part})"
        hint = LIVE_HINT
        if self.context.set_hint:
            example = format_path(
                access.root, tuple(0 if isinstance(s, Dynamic) else s for s in access.steps)
            )
            hint = f"supply the value for a preview: --set {example}=VALUE (kro reads it from the cluster)"
        raise DefinitionError(
            f"direct mode cannot evaluate {found.text!r}: {reason}{inside}",
            location=self._where(found),
            hint=hint,
            rule="direct-live-reference",
        )


def _cel(node: n.Node) -> str:
    from kro_gen.expr.render import render_cel

    return render_cel(node)


def _type_name(value: Any) -> str:
    names = {bool: "bool", int: "int", float: "double", str: "string", list: "list", dict: "map"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
