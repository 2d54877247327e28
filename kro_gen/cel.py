# mypy: disable-error-code="no-any-return"
# (each helper returns an Expr that stands for the cluster value its signature names: see _typed)
"""CEL helpers for definitions: ``from kro_gen import cel``.

Every helper takes Python values or expressions and returns an :class:`~kro_gen.expr.wrapper.Expr`.
Python literals are quoted for you; raw CEL text only goes in through :func:`raw`.

The signatures keep types flowing for type checkers: ``cel.cond(c, a, b)`` has the type of ``a`` and
``b``, ``cel.default(x, v)`` the type of ``x`` without ``None``, ``cel.size`` is an ``int``, the string
helpers give ``str``. As for every value read from ``schema`` or a resource, the result stands for a
value in the cluster (see :class:`~kro_gen.graph.views.Schema`): it is an expression at run time.

>>> from kro_gen import cel
>>> from kro_gen.expr.render import render_cel
>>> render_cel(cel.cond(cel.raw("schema.spec.env == 'prod'"), "info", "debug")._node)
'schema.spec.env == "prod" ? "info" : "debug"'
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from kro_gen.graph.views import Condition as ConditionView

from kro_gen.errors import ExpressionError, Location
from kro_gen.expr import nodes as n
from kro_gen.expr.format_clauses import format_problem
from kro_gen.expr.render import is_field_name
from kro_gen.expr.wrapper import (
    CelType,
    Expr,
    as_expr,
    has_expression,
    node_of,
    require_stringable,
    template_node,
    to_node,
    type_of,
)

__all__ = [
    "all_",
    "and_",
    "as_string",
    "call",
    "cond",
    "condition",
    "contains",
    "default",
    "double",
    "each",
    "ends_with",
    "exists",
    "filter_",
    "format",
    "has",
    "in_",
    "int_",
    "join",
    "lit",
    "lower",
    "map_",
    "map_of",
    "matches",
    "method",
    "new_condition",
    "not_",
    "or_",
    "present",
    "raw",
    "replace",
    "size",
    "split",
    "starts_with",
    "string",
    "substring",
    "template",
    "trim",
    "upper",
    "var",
]


T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")
#: A condition: a boolean read from schema or a resource (``bool`` for type checkers), or an Expr.
Condition = bool | Expr


def _typed(value: Expr) -> Any:
    """An expression handed back as the type the signature promises (it stands for a cluster value)."""
    return value


def _expr(value: object) -> Expr:
    return value if isinstance(value, Expr) else Expr(to_node(value), type_of(value))


def lit(value: T) -> T:
    """A literal value as an expression (quoted as needed)."""
    return _typed(Expr(to_node(value), type_of(value)))


def raw(text: str, type: CelType | None = None) -> Expr:
    """Raw CEL text, parsed now (kro's optional syntax ``.?`` and ``[?`` included).

    Use it for what the helpers do not cover; the text is checked when the definition loads.
    """
    from kro_gen.expr.parser import parse_cel

    return Expr(parse_cel(text), type)


def cond(condition: Condition, then: T, otherwise: T) -> T:
    """``condition ? then : otherwise``."""
    then_type, other_type = type_of(then), type_of(otherwise)
    return _typed(
        Expr(
            n.Cond(to_node(condition), to_node(then), to_node(otherwise)),
            then_type if then_type == other_type else None,
        )
    )


def and_(*conditions: Condition) -> bool:
    """All conditions hold (``a && b && ...``)."""
    return _typed(_fold("&&", conditions))


def or_(*conditions: Condition) -> bool:
    """Any condition holds (``a || b || ...``)."""
    return _typed(_fold("||", conditions))


def _fold(op: str, conditions: Sequence[object]) -> Expr:
    if not conditions:
        raise ExpressionError(f"{'and_' if op == '&&' else 'or_'}() needs at least one condition")
    node = to_node(conditions[0])
    for item in conditions[1:]:
        node = n.Binary(op, node, to_node(item))
    return Expr(node, "bool")


def not_(condition: Condition) -> bool:
    """``!condition``."""
    return _typed(Expr(n.Unary("!", to_node(condition)), "bool"))


def has(field: object) -> bool:
    """``has(x.f)``: whether the last field of a selection is present.

    A key that cannot follow a dot (``m["my-key"]``) is tested with ``"my-key" in m``: cel-go's
    ``has()`` only takes ``x.f``, and kro does not enable backtick-quoted names.
    """
    node = node_of(field) if isinstance(field, Expr) else None
    if not isinstance(node, n.Select):
        raise ExpressionError("cel.has() takes a field selection such as schema.spec.x")
    if not is_field_name(node.field):
        return _typed(Expr(n.Binary("in", n.Literal(node.field), node.operand), "bool"))
    return _typed(Expr(n.Call("has", (node,)), "bool"))


def _optional_chain(node: n.Node, every_step: bool = False) -> n.Node:
    if not isinstance(node, n.Select | n.Index):
        raise ExpressionError("cel.default() takes a field selection or index such as cm.data.key")
    if _below_schema_spec(node):
        return _all_optional(node)
    if every_step:
        return _optional_below_root(node)
    if isinstance(node, n.Select):
        return n.Select(node.operand, node.field, optional=True)
    return n.Index(node.operand, node.index, optional=True)


def _below_schema_spec(node: n.Node) -> bool:
    """Whether ``node`` is a chain of selections and indexes under ``schema.spec``."""
    while isinstance(node, n.Select | n.Index):
        if isinstance(node, n.Select) and node.field == "spec" and node.operand == n.Ident("schema"):
            return True
        node = node.operand
    return False


def _all_optional(node: n.Node) -> n.Node:
    """Every step below ``schema.spec`` optional (``schema.spec.?db.?host``): an instance may omit any
    optional field on the way, and kro waits forever on a missing one (kro#893)."""
    if isinstance(node, n.Select) and node.field == "spec" and node.operand == n.Ident("schema"):
        return node
    if isinstance(node, n.Select):
        return n.Select(_all_optional(node.operand), node.field, optional=True)
    assert isinstance(node, n.Index)
    return n.Index(_all_optional(node.operand), node.index, optional=True)


def _optional_below_root(node: n.Node) -> n.Node:
    """Every selection and index of the chain optional, down to its root (``d.?status.?replicas``)."""
    if isinstance(node, n.Select):
        return n.Select(_optional_below_root(node.operand), node.field, optional=True)
    if isinstance(node, n.Index):
        return n.Index(_optional_below_root(node.operand), node.index, optional=True)
    return node


def default(field: T | None, fallback: T, *, every_step: bool = False) -> T:
    """``x.?f.orValue(fallback)``: the field, or ``fallback`` when it is absent.

    Under ``schema.spec`` every step is optional (``schema.spec.?db.?host.orValue("localhost")``), so
    the fallback also applies when an optional parent (``db: Db | None = None``) is omitted. Elsewhere
    only the last step is, unless ``every_step=True``: ``cel.default(d.status.replicas, 0,
    every_step=True)`` is ``d.?status.?replicas.orValue(0)``, for a status not yet written.
    """
    node = _optional_chain(node_of(field) if isinstance(field, Expr) else to_node(field), every_step)
    fallback_type = type_of(fallback)
    hint = field._type if isinstance(field, Expr) and field._type == fallback_type else fallback_type
    return _typed(Expr(n.Method(node, "orValue", (to_node(fallback),)), hint))


def present(value: T | None) -> T:
    """``value`` read as it is, typed without ``None``: the CEL is unchanged (no ``?``, no fallback).

    An optional spec field (``host: str | None = None``: neither required nor defaulted) is
    ``str | None`` for type checkers, so Python operators, attributes and indexes on it are mypy errors
    (``schema.spec.prefix + "-x"``, ``schema.spec.db.host``, ``schema.spec.zones[0]``). ``present``
    says the expression reads the field as it is, as a hand-written RGD does: where kro evaluates it,
    the value is there (kro does not evaluate an expression on an absent field to null; it waits).

    >>> from kro_gen.expr.fields import field_value
    >>> field_value(present(raw("schema.spec.prefix", "string")) + "-x")
    '${schema.spec.prefix + "-x"}'

    It only changes the type: kro-gen's ``spec-field-optional-read`` rule still reports an optional
    field read unguarded (an error in kro-gen's own graphs). To guard the read, use :func:`default`
    or :func:`has` instead; inside ``cel.default(...)`` every step under ``schema.spec`` stays optional
    (``cel.default(present(schema.spec.db).host, "h")`` is ``schema.spec.?db.?host.orValue("h")``).
    """
    if value is None:
        raise ExpressionError(
            "cel.present(None): a Python None is never present",
            hint="pass a value read from schema or a resource, such as schema.spec.prefix",
        )
    return value


def size(value: object) -> int:
    """``size(x)`` of a string, list or map."""
    return _typed(Expr(n.Call("size", (to_node(value),)), "int"))


def as_string(value: object) -> str:
    """``value``, which is a string in the cluster, typed as one: f-strings and templates embed it as
    it is (no ``string()`` around it). The CEL is unchanged; kro checks the type when it compiles.

    >>> from kro_gen.expr.fields import field_value
    >>> field_value(f"{as_string(raw('web.status.host'))}:80")
    '${web.status.host}:80'
    """
    return _typed(Expr(to_node(value), "string"))


def string(value: object) -> str:
    """``string(x)`` of a scalar (CEL has no ``string()`` of a list or map)."""
    if isinstance(value, Expr):
        require_stringable(value)
    return _typed(Expr(n.Call("string", (to_node(value),)), "string"))


def int_(value: object) -> int:
    """``int(x)``."""
    return _typed(Expr(n.Call("int", (to_node(value),)), "int"))


def double(value: object) -> float:
    """``double(x)``."""
    return _typed(Expr(n.Call("double", (to_node(value),)), "double"))


def in_(item: object, collection: object) -> bool:
    """``item in collection``."""
    return _typed(Expr(n.Binary("in", to_node(item), to_node(collection)), "bool"))


def method(target: object, function: str, *args: object, type: CelType | None = None) -> Expr:
    """Any receiver-style CEL function: ``target.function(args...)``."""
    return Expr(n.Method(to_node(target), function, tuple(to_node(a) for a in args)), type)


def call(function: str, *args: object, type: CelType | None = None) -> Expr:
    """Any global CEL function: ``function(args...)`` (e.g. ``"random.seededString"``)."""
    return Expr(n.Call(function, tuple(to_node(a) for a in args)), type)


def contains(text: object, part: object) -> bool:
    """``text.contains(part)``."""
    return _typed(method(text, "contains", part, type="bool"))


def starts_with(text: object, prefix: object) -> bool:
    """``text.startsWith(prefix)``."""
    return _typed(method(text, "startsWith", prefix, type="bool"))


def ends_with(text: object, suffix: object) -> bool:
    """``text.endsWith(suffix)``."""
    return _typed(method(text, "endsWith", suffix, type="bool"))


def matches(text: object, pattern: object) -> bool:
    """``text.matches(pattern)`` (RE2)."""
    return _typed(method(text, "matches", pattern, type="bool"))


def lower(text: object) -> str:
    """``text.lowerAscii()``."""
    return _typed(method(text, "lowerAscii", type="string"))


def upper(text: object) -> str:
    """``text.upperAscii()``."""
    return _typed(method(text, "upperAscii", type="string"))


def trim(text: object) -> str:
    """``text.trim()``."""
    return _typed(method(text, "trim", type="string"))


def replace(text: object, old: object, new: object) -> str:
    """``text.replace(old, new)``."""
    return _typed(method(text, "replace", old, new, type="string"))


def split(text: object, separator: object) -> list[str]:
    """``text.split(separator)``."""
    return _typed(method(text, "split", separator, type="list"))


def join(items: object, separator: object = "") -> str:
    """``items.join(separator)``."""
    return _typed(method(items, "join", separator, type="string"))


def substring(text: object, start: object, end: object | None = None) -> str:
    """``text.substring(start[, end])``."""
    if end is None:
        return _typed(method(text, "substring", start, type="string"))
    return _typed(method(text, "substring", start, end, type="string"))


def format(pattern: str, *args: object) -> str:
    """``"pattern".format([args...])`` (kro's string formatting: ``%s``, ``%d``, ``%f``...).

    The pattern is checked as kro checks it when it accepts the RGD: known clauses
    (``%s %d %f %e %b %x %X %o``, ``%.2f``), one argument per clause, and argument types the clause
    takes where they are known (``%d`` of a string is an error).
    """
    problem = format_problem(pattern, [type_of(a) for a in args])
    if problem is not None:
        raise ExpressionError(problem, hint="%s takes any scalar, list or map; %d/%f/%e numbers; %% is a '%'")
    return _typed(
        Expr(n.Method(n.Literal(pattern), "format", (n.ListLit(tuple(to_node(a) for a in args)),)), "string")
    )


def template(pattern: str, *args: object) -> str:
    """A string template: each ``%s`` in ``pattern`` is replaced by the next argument.

    Non-string arguments are wrapped in ``string()``, as f-strings are. ``%%`` is a literal ``%``.
    """
    pieces = pattern.split("%s")
    if len(pieces) - 1 != len(args):
        raise ExpressionError(
            f"cel.template({pattern!r}) has {len(pieces) - 1} '%s' but {len(args)} arguments",
            hint="give one argument per %s",
        )
    parts: list[str | Expr] = []
    for index, piece in enumerate(pieces):
        parts.append(piece.replace("%%", "%"))
        if index < len(args):
            parts.append(_expr(args[index]))
    return _typed(Expr(template_node(parts), "string"))


_VARIABLES = ("x", "y", "z", "v", "w")
_PLACEHOLDERS = itertools.count()


def _bind(collection: object, body: Callable[[Any], object], used: frozenset[str]) -> tuple[str, n.Node]:
    """Build the body with a placeholder variable, then name it so it captures nothing.

    The name must differ from every name in the target and in the body: a nested helper's
    variable or an outer comprehension's variable used inside would otherwise be shadowed.
    """
    placeholder = f"\ue000bound{next(_PLACEHOLDERS)}"
    result = to_node(body(Expr(n.Ident(placeholder))))
    taken = used | {name for node in n.walk(result) for name in _names(node)}
    candidates = itertools.chain(_VARIABLES, (f"x{i}" for i in itertools.count(1)))
    variable = next(name for name in candidates if name not in taken)
    return variable, n.substitute(result, placeholder, n.Ident(variable))


def _names(node: n.Node) -> tuple[str, ...]:
    if isinstance(node, n.Ident):
        return (node.name,)
    if isinstance(node, n.Comprehension):
        return node.variables
    return ()


def _comprehension(
    macro: str, collection: object, body: Callable[[Any], object], type: CelType | None
) -> Expr:
    target = to_node(collection)
    used = frozenset(n.free_identifiers(target))
    variable, body_node = _bind(collection, body, used)
    return Expr(n.Comprehension(target, macro, (variable,), (body_node,)), type)


def map_(collection: Iterable[T], body: Callable[[T], U]) -> list[U]:
    """``collection.map(x, body(x))``."""
    return _typed(_comprehension("map", collection, body, "list"))


def filter_(collection: Iterable[T], predicate: Callable[[T], object]) -> list[T]:
    """``collection.filter(x, predicate(x))``."""
    return _typed(_comprehension("filter", collection, predicate, "list"))


def all_(collection: Iterable[T], predicate: Callable[[T], object]) -> bool:
    """``collection.all(x, predicate(x))``."""
    return _typed(_comprehension("all", collection, predicate, "bool"))


def exists(collection: Iterable[T], predicate: Callable[[T], object]) -> bool:
    """``collection.exists(x, predicate(x))``."""
    return _typed(_comprehension("exists", collection, predicate, "bool"))


def map_of(entries: Mapping[Any, V] | Iterable[tuple[object, V]]) -> dict[str, V]:
    """A map literal whose keys may be expressions (kro does not evaluate ``${}`` in YAML keys).

    An :class:`Expr` cannot be a dict key (it is unhashable: ``==`` builds an expression), so give
    expression keys as pairs: ``cel.map_of([(schema.spec.name, "owner")])``; f-string keys also
    work in a dict: ``cel.map_of({f"{schema.spec.name}-app": "x"})``.
    """
    pairs = entries.items() if isinstance(entries, Mapping) else entries
    return _typed(Expr(n.MapLit(tuple((to_node(k), to_node(v)) for k, v in pairs)), "map"))


def var(name: str, type: CelType | None = None) -> Expr:
    """A variable by name: a ``for_each`` iterator, for use in that resource's template.

    >>> from kro_gen.expr.fields import field_value
    >>> worker = var("worker")
    >>> field_value(f"pool-{worker}")
    'pool-${string(worker)}'
    >>> field_value(f"pool-{var('zone', 'string')}")
    'pool-${zone}'
    """
    from kro_gen.graph.ids import require_valid_id

    require_valid_id(name, what="forEach iterator", location=Location())
    return Expr(n.Ident(name), type)


#: ``each``: the item inside a collection's ``ready_when``.
each = Expr(n.Ident("each"))


# -- custom status conditions (kro v0.9.3's runtime library) ---------------------------------------
_CONDITION_STATUSES = ("True", "False", "Unknown")
_CONDITION_FIELDS = ("type", "status", "reason", "message")


def _condition_field(name: str) -> tuple[CelType | None, None]:
    return ("string", None) if name in _CONDITION_FIELDS else (None, None)


def new_condition(type: object, status: object, reason: object = "", message: object = "") -> ConditionView:
    """``runtime.newCondition({type: ..., status: ..., reason: ..., message: ...})``: a custom condition.

    Return a list of them under ``"conditions"`` from the status builder; kro writes them to
    ``status.conditions`` (hiding its own four, which stay readable with :func:`condition`). ``status``
    is ``"True"``, ``"False"``, ``"Unknown"`` or a boolean (``ready`` becomes ``ready ? "True" : "False"``);
    ``type`` must be a non-empty literal or expression, and unique among the graph's conditions.

    >>> from kro_gen.expr.render import render_cel
    >>> render_cel(as_expr(new_condition("Up", raw("x.ok", "bool")))._node)
    'runtime.newCondition({type: "Up", status: x.ok ? "True" : "False", reason: "", message: ""})'
    """
    if isinstance(type, str) and not type:
        raise ExpressionError("cel.new_condition(): type is empty", hint="name it, e.g. 'AppReady'")
    if isinstance(status, bool):
        status = str(status)
    elif type_of(status) == "bool":
        status = cond(as_expr(status), "True", "False")
    if isinstance(status, str) and not has_expression(status) and status not in _CONDITION_STATUSES:
        raise ExpressionError(
            f"cel.new_condition(): status {status!r} is not True, False or Unknown",
            hint='give a boolean (it becomes "True"/"False") or one of "True", "False", "Unknown"',
        )
    for name, value in (("type", type), ("status", status), ("reason", reason), ("message", message)):
        if type_of(value) not in ("string", None):
            raise ExpressionError(
                f"cel.new_condition(): {name} must be a string, got a {type_of(value)}",
                hint="convert it with cel.string(...) (kro requires every condition field to be a string)",
            )
    entries = tuple(
        (n.Ident(name), to_node(value))
        for name, value in (("type", type), ("status", status), ("reason", reason), ("message", message))
    )
    node = n.Method(n.Ident("runtime"), "newCondition", (n.MapLit(entries),))
    return _typed(Expr(node, "map", _condition_field))


def condition(of: object, type: object) -> ConditionView:
    """``runtime.condition(of, type)``: the condition ``type`` of ``of`` (empty when there is none).

    ``of`` is ``schema`` (the instance: kro's built-in ``InstanceManaged``, ``GraphResolved``,
    ``ResourcesReady`` and ``Ready`` only) or a resource. Only for ``cel.new_condition`` arguments:
    kro offers ``runtime`` in ``status.conditions`` alone.
    """
    node = n.Method(n.Ident("runtime"), "condition", (to_node(of), to_node(type)))
    return _typed(Expr(node, "map", _condition_field))
