"""An independent hand evaluator of a built graph, for the direct-mode equivalence tests (no tests here).

It walks the :mod:`kro_gen.expr.nodes` trees of each resource of a :class:`~kro_gen.graph.BuiltGraph`
directly — no kro text, no parser, no cel-python, no ``kro_gen.emit.direct`` — and applies CEL's rules
as the CEL specification states them:

* integers and doubles never mix in arithmetic; ``/`` and ``%`` on integers truncate toward zero
  (``-7 / 2 == -3``, ``-7 % 2 == -1``), division by zero is an error;
* ``string()`` of an int is its decimal form, of a bool ``true``/``false``;
* optional access ``x.?f`` / ``m[?k]`` gives an optional value; selecting on an optional stays optional;
  ``orValue`` unwraps it;
* a string template concatenates strings only (kro refuses other parts);
* ``includeWhen`` is the AND of its entries; a resource left out takes every resource that depends on it
  along; ``forEach`` is the cartesian product of its dimensions, the first one outermost;
* a namespaced object without ``metadata.namespace`` gets the instance's, right after ``name``.

Only what the equivalence graphs use is implemented; anything else raises :class:`HandEvalError`,
so a gap shows up as a failing test, never as a silently different value.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr
from kro_gen.graph import BuiltGraph, Resource

#: Kinds that are cluster-scoped among those the equivalence graphs could use.
CLUSTER_SCOPED = frozenset({"Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass"})


class HandEvalError(Exception):
    """Something the hand evaluator does not implement, or a CEL error (wrong types, missing key)."""


@dataclass(frozen=True)
class OptionalValue:
    """A CEL optional value: ``present`` with ``value``, or none."""

    present: bool
    value: Any = None


NONE = OptionalValue(False)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same_numeric_kind(left: Any, right: Any) -> bool:
    return type(left) is type(right) and _number(left)


def _truncating_division(left: int, right: int) -> int:
    if right == 0:
        raise HandEvalError("division by zero")
    quotient = abs(left) // abs(right)
    return quotient if (left < 0) == (right < 0) else -quotient


def _truncating_modulo(left: int, right: int) -> int:
    if right == 0:
        raise HandEvalError("modulo by zero")
    return left - right * _truncating_division(left, right)


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    if op == "+" and isinstance(left, str) and isinstance(right, str):
        return left + right
    if op == "+" and isinstance(left, list) and isinstance(right, list):
        return left + right
    if not _same_numeric_kind(left, right):
        raise HandEvalError(f"no CEL overload {op}({type(left).__name__}, {type(right).__name__})")
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if isinstance(left, int):
        return _truncating_division(left, right) if op == "/" else _truncating_modulo(left, right)
    if op == "/":
        return left / right
    raise HandEvalError("no CEL overload %(double, double)")


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return bool(left == right)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    raise HandEvalError(f"string() of a {type(value).__name__} is not used by these graphs")


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise HandEvalError(f"expected a bool, got {value!r}")
    return value


_STRING_METHODS: dict[str, Callable[..., Any]] = {
    "lowerAscii": lambda s: s.lower(),
    "upperAscii": lambda s: s.upper(),
    "trim": lambda s: s.strip(),
    "contains": lambda s, part: part in s,
    "startsWith": lambda s, prefix: s.startswith(prefix),
    "endsWith": lambda s, suffix: s.endswith(suffix),
    "replace": lambda s, old, new: s.replace(old, new),
    "split": lambda s, separator: s.split(separator),
}


class Interpreter:
    """Evaluates expression trees against variables (name -> plain value)."""

    def __init__(self, variables: Mapping[str, Any]) -> None:
        self.variables = dict(variables)

    def with_binding(self, name: str, value: Any) -> Interpreter:
        """A copy with one more variable (a comprehension variable or iterator)."""
        return Interpreter({**self.variables, name: value})

    def eval(self, node: n.Node) -> Any:
        """The value of ``node``."""
        if isinstance(node, n.Literal):
            return node.value
        if isinstance(node, n.ListLit):
            return [self.eval(item) for item in node.items]
        if isinstance(node, n.MapLit):
            return {self.eval(key): self.eval(value) for key, value in node.entries}
        if isinstance(node, n.Ident | n.ResourceRoot):
            name = node.name
            if name not in self.variables:
                raise HandEvalError(f"unknown identifier {name!r}")
            return self.variables[name]
        if isinstance(node, n.Select):
            return self._member(self.eval(node.operand), node.field, node.optional)
        if isinstance(node, n.Index):
            return self._member(self.eval(node.operand), self.eval(node.index), node.optional)
        if isinstance(node, n.Unary):
            value = self.eval(node.operand)
            return (not _bool(value)) if node.op == "!" else -value
        if isinstance(node, n.Binary):
            return self._binary(node)
        if isinstance(node, n.Cond):
            return self.eval(node.then) if _bool(self.eval(node.cond)) else self.eval(node.otherwise)
        if isinstance(node, n.Call):
            return self._call(node)
        if isinstance(node, n.Method):
            return self._method(node)
        if isinstance(node, n.Comprehension):
            return self._comprehension(node)
        if isinstance(node, n.Template):
            return "".join(self._template_part(part) for part in node.parts)
        raise HandEvalError(f"node {type(node).__name__} is not implemented")

    def _member(self, base: Any, key: Any, optional: bool) -> Any:
        if isinstance(base, OptionalValue):
            if not base.present:
                return NONE
            # selecting on a present optional stays optional; the step itself may still be missing
            inner = self._member(base.value, key, optional)
            return inner if isinstance(inner, OptionalValue) else OptionalValue(True, inner)
        if isinstance(base, Mapping):
            if optional:
                return OptionalValue(True, base[key]) if key in base else NONE
            if key not in base:
                raise HandEvalError(f"no such key: {key!r}")
            return base[key]
        if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool):
            if 0 <= key < len(base):
                return OptionalValue(True, base[key]) if optional else base[key]
            if optional:
                return NONE
            raise HandEvalError(f"index {key} out of range")
        raise HandEvalError(f"cannot select {key!r} of a {type(base).__name__}")

    def _binary(self, node: n.Binary) -> Any:
        if node.op == "&&":
            return _bool(self.eval(node.left)) and _bool(self.eval(node.right))
        if node.op == "||":
            return _bool(self.eval(node.left)) or _bool(self.eval(node.right))
        left, right = self.eval(node.left), self.eval(node.right)
        if node.op == "==":
            return _equal(left, right)
        if node.op == "!=":
            return not _equal(left, right)
        if node.op in _COMPARE:
            if type(left) is not type(right):
                raise HandEvalError(f"cannot compare {left!r} with {right!r}")
            return _COMPARE[node.op](left, right)
        if node.op == "in":
            return left in right
        return _arithmetic(node.op, left, right)

    def _call(self, node: n.Call) -> Any:
        if node.function == "has":
            (selection,) = node.args
            if not isinstance(selection, n.Select):
                raise HandEvalError("has() needs a field selection")
            base = self.eval(selection.operand)
            return isinstance(base, Mapping) and selection.field in base
        args = [self.eval(arg) for arg in node.args]
        if node.function == "string":
            return _to_string(args[0])
        if node.function == "size":
            return len(args[0])
        if node.function == "int":
            return int(args[0])
        if node.function == "double":
            return float(args[0])
        raise HandEvalError(f"function {node.function}() is not implemented")

    def _method(self, node: n.Method) -> Any:
        target = self.eval(node.target)
        args = [self.eval(arg) for arg in node.args]
        if node.function == "orValue":
            if not isinstance(target, OptionalValue):
                raise HandEvalError("orValue() needs an optional")
            return target.value if target.present else args[0]
        if node.function == "join":
            if not all(isinstance(item, str) for item in target):
                raise HandEvalError("join() needs a list of strings")
            return (args[0] if args else "").join(target)
        if isinstance(target, str) and node.function in _STRING_METHODS:
            return _STRING_METHODS[node.function](target, *args)
        raise HandEvalError(f"method .{node.function}() is not implemented")

    def _comprehension(self, node: n.Comprehension) -> Any:
        items = self.eval(node.target)
        if isinstance(items, Mapping):
            items = list(items)
        if len(node.variables) != 1:
            raise HandEvalError("two-variable comprehensions are not implemented")
        (variable,) = node.variables

        def body(item: Any, index: int = 0) -> Any:
            return self.with_binding(variable, item).eval(node.body[index])

        if node.macro == "map" and len(node.body) == 1:
            return [body(item) for item in items]
        if node.macro == "filter":
            return [item for item in items if _bool(body(item))]
        if node.macro == "all":
            return all(_bool(body(item)) for item in items)
        if node.macro == "exists":
            return any(_bool(body(item)) for item in items)
        raise HandEvalError(f"macro .{node.macro}() is not implemented")

    def _template_part(self, part: str | n.Node) -> str:
        if isinstance(part, str):
            return part
        value = self.eval(part)
        if not isinstance(value, str):
            raise HandEvalError(f"a template part gave {value!r}, not a string")
        return value

    def value(self, template: Any) -> Any:
        """A whole template value: every expression replaced by its value, the rest kept."""
        if isinstance(template, Expr):
            return self.eval(template._node)
        if isinstance(template, n.Node):
            return self.eval(template)
        if isinstance(template, Mapping):
            return {key: self.value(item) for key, item in template.items()}
        if isinstance(template, list | tuple):
            return [self.value(item) for item in template]
        return template


def _references(resource: Resource, ids: set[str]) -> set[str]:
    """Ids a resource reads in its template, includeWhen or forEach (every tree walked, no scoping)."""
    trees: list[n.Node] = []

    def collect(value: Any) -> None:
        if isinstance(value, Expr):
            trees.append(value._node)
        elif isinstance(value, n.Node):
            trees.append(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    collect(resource.body)
    collect(list(resource.include_when))
    collect(list(resource.for_each.values()))
    found: set[str] = set()
    for tree in trees:
        for node in n.walk(tree):
            name = node.name if isinstance(node, n.ResourceRoot | n.Ident) else None
            if name in ids:
                found.add(name)
    return found


def _with_namespace(body: dict[str, Any], namespace: str) -> dict[str, Any]:
    metadata = body["metadata"]
    if body["kind"] in CLUSTER_SCOPED or metadata.get("namespace"):
        return body
    placed: dict[str, Any] = {}
    for key, value in metadata.items():
        placed[key] = value
        if key == "name":
            placed["namespace"] = namespace
    placed.setdefault("namespace", namespace)
    body["metadata"] = placed
    return body


def hand_render(
    built: BuiltGraph, spec: Mapping[str, Any], *, name: str, namespace: str
) -> dict[tuple[str, int | None], dict[str, Any]]:
    """Every object ``built`` gives for an instance, keyed by (resource id, forEach index or None).

    ``spec`` is the instance spec with its defaults applied.
    """
    graph = built.graph
    schema = {
        "apiVersion": graph.api_version,
        "kind": graph.kind,
        "metadata": {"name": name, "namespace": namespace, "labels": {}, "annotations": {}},
        "spec": dict(spec),
    }
    known: dict[str, Any] = {"schema": schema}
    ids = set(built.resources)
    pending = {rid: _references(resource, ids) for rid, resource in built.resources.items()}
    excluded: set[str] = set()
    rendered: dict[tuple[str, int | None], dict[str, Any]] = {}
    while pending:
        ready = [rid for rid, deps in pending.items() if deps <= (set(known) | excluded)]
        if not ready:
            raise HandEvalError(f"cycle among {sorted(pending)}")
        for rid in ready:
            deps = pending.pop(rid)
            resource = built.resources[rid]
            interpreter = Interpreter(known)
            if deps & excluded or not all(_bool(interpreter.value(c)) for c in resource.include_when):
                excluded.add(rid)
                continue
            if resource.template is None:
                raise HandEvalError(f"{rid} is an externalRef: only the cluster knows it")
            if not resource.for_each:
                body = _with_namespace(interpreter.value(resource.template), namespace)
                rendered[(rid, None)] = known[rid] = body
                continue
            names = list(resource.for_each)
            dimensions = [interpreter.value(resource.for_each[name]) for name in names]
            items = []
            for index, combination in enumerate(itertools.product(*dimensions)):
                scoped = Interpreter({**known, **dict(zip(names, combination, strict=True))})
                body = _with_namespace(scoped.value(resource.template), namespace)
                rendered[(rid, index)] = body
                items.append(body)
            known[rid] = items
    return rendered
