"""Render expression trees as CEL text that cel-python 0.5 parses and evaluates with kro's meaning.

cel-python has no optional types, no dotted function names, no two-variable comprehensions and
no ``cel.bind``. :func:`lower` rewrites a tree into forms it has; :func:`render_celpy` prints it.

* An optional value is carried as a pair (*present*, *value*) of plain expressions:
  ``a.?b`` is (``kro_present(a, "b")``, ``a.b``); ``m[?k]`` is (``kro_present(m, k)``, ``m[k]``);
  every optional step of a chain adds a guard (``a.?b.?c`` -> ``kro_present(a, "b") &&
  kro_present(a.b, "c")``), and plain steps after an optional one keep the guard (``a.?b.c``).
  ``x.orValue(d)`` becomes ``present ? value : d``, ``x.hasValue()`` the guard, ``x.value()`` the
  value (or an error when absent), ``x.or(y)``, ``optMap``/``optFlatMap``, ``optional.of/none/
  ofNonZeroValue`` and ``list.first()/last()`` are supported. A whole expression that is optional
  becomes ``present ? value : null`` (kro turns ``optional.none()`` into null). Any other use of an
  optional value is an :class:`~kro_gen.errors.ExpressionError` (kro's type checker rejects it too).
* ``has(a.b)`` becomes ``kro_present(a, "b")`` (cel-python's own ``has`` hides errors in ``a``).
* ``ns.f(...)`` calls become ``ns_f(...)`` (see :func:`celpy_function_name`); methods keep their name.
* ``cel.bind(v, init, body)`` becomes ``[init].map(v, body)[0]``; ``x.map(v, p, e)`` becomes
  ``x.filter(v, p).map(v, e)``; two-variable macros iterate ``kro_entries(x)`` (``[key, value]``
  pairs) and bind both names the same way; ``sortBy`` uses ``kro_sort_by_keys``.
* Field names cel-python cannot write after a dot are indexed: ``x["a-b"]``.

The ``kro_*`` helpers are implemented in :mod:`kro_gen.expr.functions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.render import render_cel

PRESENT = "kro_present"
NONZERO = "kro_nonzero"
ENTRIES = "kro_entries"
PAIRS_TO_MAP = "kro_pairs_to_map"
MERGE_ENTRIES = "kro_merge_entries"
SORT_BY_KEYS = "kro_sort_by_keys"
NONE_VALUE = "kro_none_value"

#: Helper functions the lowering introduces (cel-python implementations in functions.py).
HELPERS = frozenset({PRESENT, NONZERO, ENTRIES, PAIRS_TO_MAP, MERGE_ENTRIES, SORT_BY_KEYS, NONE_VALUE})

_CELPY_MACROS = frozenset({"map", "filter", "all", "exists", "exists_one"})
_OPTIONAL_CALLS = frozenset({"optional.of", "optional.ofNonZeroValue", "optional.none"})
_TWO_VARIABLE = frozenset({"all", "exists", "exists_one", "existsOne"})


def celpy_function_name(name: str) -> str:
    """The cel-python function name for a kro function: dots become underscores."""
    return name.replace(".", "_")


def render_celpy(node: n.Node) -> str:
    """CEL text for cel-python 0.5 with the same meaning as ``render_cel(node)`` in kro."""
    return render_cel(lower(node))


def lower(node: n.Node) -> n.Node:
    """``node`` rewritten into constructs cel-python 0.5 supports (see the module docstring)."""
    lowering = _Lowering(node)
    if is_optional(node):
        value = lowering.optional(node)
        return n.Cond(value.present, value.value, n.Literal(None))
    return lowering.plain(node)


def is_optional(node: n.Node) -> bool:
    """Whether ``node`` has an optional type in kro's CEL (``a.?b``, ``optional.of(x)``, ``l.first()``...)."""
    if isinstance(node, n.Select | n.Index):
        return node.optional or is_optional(node.operand)
    if isinstance(node, n.Call):
        return node.function in _OPTIONAL_CALLS
    if isinstance(node, n.Method):
        if node.function == "or":
            return True
        return node.function in ("first", "last") and not is_optional(node.target)
    if isinstance(node, n.Comprehension):
        return node.macro in ("optMap", "optFlatMap")
    if isinstance(node, n.Cond):
        return is_optional(node.then) or is_optional(node.otherwise)
    return False


@dataclass(frozen=True)
class _Optional:
    present: n.Node
    value: n.Node


def _and(guard: n.Node | None, test: n.Node) -> n.Node:
    return test if guard is None else n.Binary("&&", guard, test)


def _bind(variable: str, value: n.Node, body: n.Node) -> n.Node:
    """``body`` with ``variable`` bound to ``value``: ``[value].map(variable, body)[0]``."""
    return n.Index(n.Comprehension(n.ListLit((value,)), "map", (variable,), (body,)), n.Literal(0))


def _celpy_field(name: str) -> bool:
    return name.isidentifier() and name.isascii() and name not in ("true", "false", "null", "in")


class _Lowering:
    def __init__(self, root: n.Node) -> None:
        self._taken = {name for current in n.walk(root) for name in _names_in(current)}
        self._counter = 0

    def fresh(self) -> str:
        while True:
            name = f"_kro{self._counter}"
            self._counter += 1
            if name not in self._taken:
                self._taken.add(name)
                return name

    # -- plain (non-optional) values ----------------------------------------------------------
    def plain(self, node: n.Node) -> n.Node:
        if is_optional(node):
            raise ExpressionError(
                f"{render_cel(node)} is an optional value where a plain value is needed",
                hint="finish it with .orValue(default), or test it with .hasValue()",
                rule="cel-optional",
            )
        if isinstance(node, n.Select):
            operand = self.plain(node.operand)
            if _celpy_field(node.field):
                return n.Select(operand, node.field)
            return n.Index(operand, n.Literal(node.field))
        if isinstance(node, n.Index):
            return n.Index(self.plain(node.operand), self.plain(node.index))
        if isinstance(node, n.Call):
            return self.call(node)
        if isinstance(node, n.Method):
            return self.method(node)
        if isinstance(node, n.Comprehension):
            return self.comprehension(node)
        return self.rebuild(node)

    def rebuild(self, node: n.Node) -> n.Node:
        """Nodes without special forms, with their children lowered."""
        if isinstance(node, n.Unary):
            return n.Unary(node.op, self.plain(node.operand))
        if isinstance(node, n.Binary):
            return n.Binary(node.op, self.plain(node.left), self.plain(node.right))
        if isinstance(node, n.Cond):
            return n.Cond(self.plain(node.cond), self.plain(node.then), self.plain(node.otherwise))
        if isinstance(node, n.ListLit):
            return n.ListLit(tuple(self.plain(item) for item in node.items))
        if isinstance(node, n.MapLit):
            return n.MapLit(tuple((self.plain(k), self.plain(v)) for k, v in node.entries))
        if isinstance(node, n.Template):
            return n.Template(tuple(p if isinstance(p, str) else self.plain(p) for p in node.parts))
        return node  # Literal, Ident, ResourceRoot

    def call(self, node: n.Call) -> n.Node:
        if node.function == "has":
            (field,) = node.args
            if not isinstance(field, n.Select):
                raise ExpressionError(
                    "has() takes a field selection such as has(schema.spec.x)", rule="cel-has"
                )
            return n.Call(PRESENT, (self.plain(field.operand), n.Literal(field.field)))
        if node.function == "cel.bind":
            variable, value, body = node.args
            assert isinstance(variable, n.Ident)
            return _bind(variable.name, self.plain(value), self.plain(body))
        if node.function == "optional.unwrap":
            raise _unsupported(node, "lists of optional values")
        args = tuple(self.plain(arg) for arg in node.args)
        return n.Call(celpy_function_name(node.function), args)

    def method(self, node: n.Method) -> n.Node:
        if node.function in ("orValue", "hasValue", "value"):
            if not is_optional(node.target):
                raise ExpressionError(
                    f"{node.function}() needs an optional value, but {render_cel(node.target)} is not one",
                    hint="use .? for the optional step, e.g. x.?field.orValue(default)",
                    rule="cel-optional",
                )
            target = self.optional(node.target)
            if node.function == "hasValue":
                return target.present
            fallback = self.plain(node.args[0]) if node.args else n.Call(NONE_VALUE, ())
            return n.Cond(target.present, target.value, fallback)
        if node.function == "unwrapOpt":
            raise _unsupported(node, "lists of optional values")
        return n.Method(self.plain(node.target), node.function, tuple(self.plain(a) for a in node.args))

    def comprehension(self, node: n.Comprehension) -> n.Node:
        target = self.plain(node.target)
        if len(node.variables) == 2:
            return self.two_variables(node, target)
        (variable,) = node.variables
        bodies = tuple(self.plain(body) for body in node.body)
        macro = "exists_one" if node.macro == "existsOne" else node.macro
        if macro == "map" and len(bodies) == 2:
            filtered = n.Comprehension(target, "filter", (variable,), (bodies[0],))
            return n.Comprehension(filtered, "map", (variable,), (bodies[1],))
        if macro == "sortBy":
            keys = n.Comprehension(target, "map", (variable,), bodies)
            return n.Call(SORT_BY_KEYS, (target, keys))
        if macro not in _CELPY_MACROS:
            raise _unsupported(node, f"the {node.macro}() macro outside an optional chain")
        return n.Comprehension(target, macro, (variable,), bodies)

    def two_variables(self, node: n.Comprehension, target: n.Node) -> n.Node:
        pair = self.fresh()
        first, second = node.variables

        def bound(body: n.Node) -> n.Node:
            key = n.Index(n.Ident(pair), n.Literal(0))
            value = n.Index(n.Ident(pair), n.Literal(1))
            return _bind(first, key, _bind(second, value, self.plain(body)))

        entries: n.Node = n.Call(ENTRIES, (target,))
        if node.macro in _TWO_VARIABLE:
            macro = "exists_one" if node.macro == "existsOne" else node.macro
            return n.Comprehension(entries, macro, (pair,), (bound(node.body[0]),))
        if len(node.body) == 2:
            entries = n.Comprehension(entries, "filter", (pair,), (bound(node.body[0]),))
        result = bound(node.body[-1])
        if node.macro == "transformList":
            return n.Comprehension(entries, "map", (pair,), (result,))
        if node.macro == "transformMap":
            key_value = n.ListLit((n.Index(n.Ident(pair), n.Literal(0)), result))
            return n.Call(PAIRS_TO_MAP, (n.Comprehension(entries, "map", (pair,), (key_value,)),))
        return n.Call(MERGE_ENTRIES, (n.Comprehension(entries, "map", (pair,), (result,)),))

    # -- optional values ----------------------------------------------------------------------
    def optional(self, node: n.Node) -> _Optional:
        if isinstance(node, n.Select | n.Index):
            return self.optional_step(node)
        if isinstance(node, n.Call):
            if node.function == "optional.none":
                return _Optional(n.Literal(False), n.Literal(None))
            value = self.plain(node.args[0])
            if node.function == "optional.of":
                return _Optional(n.Literal(True), value)
            return _Optional(n.Call(NONZERO, (value,)), value)
        if isinstance(node, n.Method) and node.function in ("first", "last"):
            items = self.plain(node.target)
            size = n.Call("size", (items,))
            index = n.Literal(0) if node.function == "first" else n.Binary("-", size, n.Literal(1))
            return _Optional(n.Binary(">", size, n.Literal(0)), n.Index(items, index))
        if isinstance(node, n.Method) and node.function == "or" and len(node.args) == 1:
            first = self.optional(node.target)
            if not is_optional(node.args[0]):
                raise ExpressionError(
                    "or() takes another optional value", hint="use orValue(x) for a plain default"
                )
            second = self.optional(node.args[0])
            present = n.Binary("||", first.present, second.present)
            return _Optional(present, n.Cond(first.present, first.value, second.value))
        if isinstance(node, n.Comprehension) and node.macro in ("optMap", "optFlatMap"):
            return self.optional_map(node)
        if isinstance(node, n.Cond) and is_optional(node.then) and is_optional(node.otherwise):
            cond = self.plain(node.cond)
            then, otherwise = self.optional(node.then), self.optional(node.otherwise)
            return _Optional(
                n.Cond(cond, then.present, otherwise.present), n.Cond(cond, then.value, otherwise.value)
            )
        raise _unsupported(node, "this use of an optional value")

    def optional_step(self, node: n.Select | n.Index) -> _Optional:
        guard: n.Node | None = None
        if is_optional(node.operand):
            operand = self.optional(node.operand)
            guard, base = operand.present, operand.value
        else:
            base = self.plain(node.operand)
        if isinstance(node, n.Select):
            key: n.Node = n.Literal(node.field)
            value = n.Select(base, node.field) if _celpy_field(node.field) else n.Index(base, key)
        else:
            key = self.plain(node.index)
            value = n.Index(base, key)
        if node.optional:
            return _Optional(_and(guard, n.Call(PRESENT, (base, key))), value)
        assert guard is not None
        return _Optional(guard, value)

    def optional_map(self, node: n.Comprehension) -> _Optional:
        if not is_optional(node.target):
            raise ExpressionError(
                f"{node.macro}() is called on a value that is not optional: {render_cel(node)}",
                hint="call it on an optional value (x.?field, m[?key], optional.of(x)), or map() on a list",
                rule="cel-optional-type",
            )
        source = self.optional(node.target)
        (variable,) = node.variables
        (body,) = node.body
        if node.macro == "optMap":
            return _Optional(source.present, _bind(variable, source.value, self.plain(body)))
        inner = self.optional(body)
        present = n.Binary("&&", source.present, _bind(variable, source.value, inner.present))
        return _Optional(present, _bind(variable, source.value, inner.value))


def _names_in(node: n.Node) -> tuple[str, ...]:
    if isinstance(node, n.Ident):
        return (node.name,)
    if isinstance(node, n.Comprehension):
        return node.variables
    return ()


def _unsupported(node: n.Node, what: str) -> ExpressionError:
    return ExpressionError(
        f"kro-gen cannot check {what} offline: {render_cel(node)}",
        hint="rewrite it with orValue()/hasValue() or a conditional",
        rule="cel-unsupported",
    )
