"""Infer the CEL type of an expression tree and collect the type errors kro's checker would raise.

:class:`Inferrer` walks a tree from :func:`kro_gen.expr.parser.parse_cel` with a scope of typed
variables (``schema``, resource ids, iterators, ``each``). It reports what cel-go rejects when kro
compiles the RGD: selecting a field an object does not have (``no such field``, with close matches),
selecting on a list or a scalar, operators on mismatched types (``"a-" + 3``), ternaries whose branches
differ, non-bool conditions, string methods on non-strings. Anything typed ``dyn`` passes silently.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from kro_gen.check.cel_signatures import GLOBAL_RESULTS, OPTIONAL_OF_FIRST, SAME_AS_FIRST, method_result
from kro_gen.check.cel_types import (
    BOOL,
    CONDITION,
    CONDITION_FIELDS,
    DOUBLE,
    DURATION,
    DYN,
    INT,
    NULL,
    STRING,
    TIMESTAMP,
    CelType,
    comparable,
    join,
    join_all,
    list_of,
    map_of,
    optional_of,
    strip_optional,
)
from kro_gen.expr import nodes as n
from kro_gen.expr.format_clauses import format_problem

_BOOL_MACROS = frozenset({"all", "exists", "exists_one", "existsOne"})
#: The argument types of cel-go's standard conversion overloads (anything else: "no matching overload").
_CONVERSIONS = {
    "string": frozenset({"string", "int", "uint", "double", "bool", "bytes", "timestamp", "duration"}),
    "int": frozenset({"int", "uint", "double", "string", "timestamp", "duration"}),
    "uint": frozenset({"uint", "int", "double", "string"}),
    "double": frozenset({"double", "int", "uint", "string"}),
    "bool": frozenset({"bool", "string"}),
    "bytes": frozenset({"bytes", "string"}),
}
_ARITHMETIC = frozenset({"-", "*", "/", "%"})
_ORDERING = frozenset({"<", "<=", ">", ">="})


@dataclass(frozen=True)
class TypeProblem:
    """One type error inside an expression: a rule name, what is wrong, and how to fix it."""

    rule: str
    message: str
    fix: str


class Inferrer:
    """Types expressions against a scope; problems accumulate in :attr:`problems`."""

    def __init__(self, scope: Mapping[str, CelType]) -> None:
        self.scope = dict(scope)
        self.problems: list[TypeProblem] = []

    def infer(self, node: n.Node) -> CelType:
        """The type of ``node`` (dyn where it cannot be known)."""
        return self._infer(node, self.scope)

    def _problem(self, rule: str, message: str, fix: str) -> None:
        self.problems.append(TypeProblem(rule, message, fix))

    def _infer(self, node: n.Node, scope: Mapping[str, CelType]) -> CelType:
        if isinstance(node, n.Literal):
            return _literal(node.value)
        if isinstance(node, n.Ident):
            return scope.get(node.name, DYN)
        if isinstance(node, n.ResourceRoot):
            return scope.get(node.name or "", DYN)
        if isinstance(node, n.Select):
            return self._select(node, self._infer(node.operand, scope))
        if isinstance(node, n.Index):
            return self._index(node, self._infer(node.operand, scope), self._infer(node.index, scope))
        if isinstance(node, n.ListLit):
            return list_of(join_all([self._infer(item, scope) for item in node.items]))
        if isinstance(node, n.MapLit):
            keys = [self._infer(k, scope) for k, _ in node.entries]
            values = [self._infer(v, scope) for _, v in node.entries]
            return map_of(join_all(keys), join_all(values))
        if isinstance(node, n.Unary):
            return self._unary(node, self._infer(node.operand, scope))
        if isinstance(node, n.Binary):
            return self._binary(node, self._infer(node.left, scope), self._infer(node.right, scope))
        if isinstance(node, n.Cond):
            return self._cond(node, scope)
        if isinstance(node, n.Call):
            return self._call(node, scope)
        if isinstance(node, n.Method):
            return self._method(node, scope)
        if isinstance(node, n.Comprehension):
            return self._comprehension(node, scope)
        if isinstance(node, n.Template):
            for part in node.parts:
                if isinstance(part, n.Node):
                    self._infer(part, scope)
            return STRING
        return DYN

    # member access ------------------------------------------------------------------------------

    def _select(self, node: n.Select, operand: CelType) -> CelType:
        if operand.kind == "optional":
            return optional_of(self._field(node, operand.args[0]))
        result = self._field(node, operand)
        return optional_of(result) if node.optional else result

    def _field(self, node: n.Select, operand: CelType) -> CelType:
        if operand.is_dyn:
            return DYN
        if operand.kind == "map":
            return operand.elem
        if operand == CONDITION:
            if node.field in CONDITION_FIELDS:
                return STRING
            close = difflib.get_close_matches(node.field, CONDITION_FIELDS, n=1)
            self._problem(
                "no-such-field",
                f"a condition has no field {node.field!r}"
                + (f" (did you mean {close[0]!r}?)" if close else ""),
                f"read one of {', '.join(CONDITION_FIELDS)}",
            )
            return DYN
        if operand.kind == "object":
            found = operand.field(node.field)
            if found is not None:
                return found
            close = difflib.get_close_matches(node.field, operand.field_names(), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self._problem(
                "no-such-field",
                f"{_text(node.operand)} has no field {node.field!r}{hint}",
                f"use {_text(node.operand)}.{close[0]}"
                if close
                else "check the field name against the schema",
            )
            return DYN
        fix = (
            f"index it ({_text(node.operand)}[0].{node.field}) or map it "
            f"({_text(node.operand)}.map(x, x.{node.field}))"
            if operand.kind == "list"
            else "select fields of objects and maps only"
        )
        self._problem(
            "expression-type", f"cannot select {node.field!r} on {_text(node.operand)} of type {operand}", fix
        )
        return DYN

    def _index(self, node: n.Index, operand: CelType, index: CelType) -> CelType:
        wrap = node.optional or operand.kind == "optional"
        base = strip_optional(operand)
        result = DYN
        if base.kind == "list":
            if not (index.is_dyn or index.kind in ("int", "uint")):
                self._problem(
                    "expression-type",
                    f"list {_text(node.operand)} is indexed with {index}",
                    "index lists with an int",
                )
            result = base.elem
        elif base.kind == "map":
            result = base.elem
        elif (
            base.kind == "object" and isinstance(node.index, n.Literal) and isinstance(node.index.value, str)
        ):
            result = base.field(node.index.value) or DYN
        elif not base.is_dyn and base.kind != "object":
            self._problem(
                "expression-type",
                f"cannot index {_text(node.operand)} of type {base}",
                "index lists and maps only",
            )
        return optional_of(result) if wrap else result

    # operators ----------------------------------------------------------------------------------

    def _unary(self, node: n.Unary, operand: CelType) -> CelType:
        value = operand
        if node.op == "!":
            self._expect_bool(value, node.operand, "!")
            return BOOL
        if not (value.is_dyn or value.numeric or value.kind == "duration"):
            self._problem(
                "expression-type",
                f"cannot negate {_text(node.operand)} of type {value}",
                "negate numbers only",
            )
            return DYN
        return value

    def _binary(self, node: n.Binary, left: CelType, right: CelType) -> CelType:
        op = node.op
        if op in ("&&", "||"):
            self._expect_bool(left, node.left, op)
            self._expect_bool(right, node.right, op)
            return BOOL
        if op in ("==", "!="):
            if not comparable(left, right):
                self._mismatch(node, left, right)
            return BOOL
        if op in _ORDERING:
            if not (
                left.is_dyn or right.is_dyn or left.kind == right.kind or (left.numeric and right.numeric)
            ):
                self._mismatch(node, left, right)
            return BOOL
        if op == "in":
            if not (right.is_dyn or right.kind in ("list", "map", "object")):
                self._problem(
                    "expression-type",
                    f"'in' needs a list or map on its right, got {right}",
                    "use a list or a map",
                )
            return BOOL
        if op == "+":
            return self._plus(node, left, right)
        if op in _ARITHMETIC:
            return self._arithmetic(node, left, right)
        return DYN

    def _plus(self, node: n.Binary, left: CelType, right: CelType) -> CelType:
        if left.is_dyn or right.is_dyn:
            known = right if left.is_dyn else left
            return known if known.kind in ("string", "int", "uint", "double", "bytes", "list") else DYN
        if left.kind == right.kind and left.kind in ("string", "int", "uint", "double", "bytes", "duration"):
            return left
        if left.kind == right.kind == "list":
            return list_of(join(left.elem, right.elem) or DYN)
        if {left.kind, right.kind} == {"timestamp", "duration"}:
            return TIMESTAMP
        self._mismatch(node, left, right)
        return DYN

    def _arithmetic(self, node: n.Binary, left: CelType, right: CelType) -> CelType:
        if left.is_dyn or right.is_dyn:
            known = right if left.is_dyn else left
            return known if known.numeric else DYN
        if left.kind == right.kind and left.numeric and not (node.op == "%" and left.kind == "double"):
            return left
        if node.op == "-" and left.kind == "timestamp" and right.kind in ("timestamp", "duration"):
            return DURATION if right.kind == "timestamp" else TIMESTAMP
        if node.op == "-" and left.kind == right.kind == "duration":
            return DURATION
        self._mismatch(node, left, right)
        return DYN

    def _mismatch(self, node: n.Binary, left: CelType, right: CelType) -> None:
        if STRING in (left, right) and node.op == "+":
            fix = "convert the non-string side with string(...)"
        elif left.numeric and right.numeric:
            fix = "convert one side with int(...) or double(...): CEL does not mix number types"
        else:
            fix = "make both sides the same type"
        self._problem(
            "expression-type",
            f"operator {node.op!r} does not apply to {left} and {right} in {_text(node)}",
            fix,
        )

    def _expect_bool(self, value: CelType, node: n.Node, where: str) -> None:
        value = strip_optional(value)
        if not (value.is_dyn or value.kind == "bool"):
            self._problem(
                "expression-type",
                f"{where} needs a bool, but {_text(node)} is {value}",
                "compare it to get a bool",
            )

    def _cond(self, node: n.Cond, scope: Mapping[str, CelType]) -> CelType:
        self._expect_bool(self._infer(node.cond, scope), node.cond, "the ternary condition")
        then, otherwise = self._infer(node.then, scope), self._infer(node.otherwise, scope)
        joined = join(then, otherwise)
        if joined is None:
            self._problem(
                "expression-type",
                f"the branches of {_text(node)} have different types ({then} and {otherwise})",
                "make both branches the same type, e.g. wrap one in string(...)",
            )
            return DYN
        return joined

    # calls --------------------------------------------------------------------------------------

    def _call(self, node: n.Call, scope: Mapping[str, CelType]) -> CelType:
        name = node.function
        if name == "cel.bind" and len(node.args) == 3 and isinstance(node.args[0], n.Ident):
            bound = {**scope, node.args[0].name: self._infer(node.args[1], scope)}
            return self._infer(node.args[2], bound)
        args = [self._infer(arg, scope) for arg in node.args]
        if name in _CONVERSIONS and len(args) == 1:
            self._conversion(node, args[0])
        if name in GLOBAL_RESULTS:
            return GLOBAL_RESULTS[name]
        if name in SAME_AS_FIRST and args:
            return args[0]
        if name in OPTIONAL_OF_FIRST and args:
            return optional_of(args[0])
        return DYN

    def _format(self, node: n.Method, scope: Mapping[str, CelType]) -> None:
        """cel-go's format validator: a literal pattern with a literal list is checked at RGD creation."""
        target, args = node.target, node.args
        if not (isinstance(target, n.Literal) and isinstance(target.value, str)):
            return
        if len(args) != 1 or not isinstance(args[0], n.ListLit):
            return
        probe = Inferrer(scope)  # the items were inferred (and their problems kept) with the list
        kinds: list[str | None] = [probe.infer(item).kind for item in args[0].items]
        problem = format_problem(target.value, kinds)
        if problem:
            self._problem(
                "expression-type",
                f"{problem} (in {_text(node)})",
                "use %s for any value, %d/%f/%e for numbers, one argument per clause; %% is a '%'",
            )

    def _conversion(self, node: n.Call, argument: CelType) -> None:
        if argument.is_dyn or argument.kind in _CONVERSIONS[node.function]:
            return
        if argument.kind == "optional":
            fix = "unwrap the optional first, e.g. x.?f.orValue(default)"
        elif node.function == "string" and argument.kind in ("list", "map", "object"):
            fix = 'join a list of strings with .join(","), pick one item or field, or json.marshal(...) it'
        else:
            fix = f"convert a value {node.function}() accepts, e.g. a string or a number"
        self._problem(
            "expression-type",
            f"{node.function}() has no overload for {argument} (in {_text(node)})",
            fix,
        )

    def _method(self, node: n.Method, scope: Mapping[str, CelType]) -> CelType:
        if isinstance(node.target, n.Ident) and node.target.name == "runtime" and "runtime" in scope:
            return self._runtime(node, scope)
        receiver = self._infer(node.target, scope)
        args = [self._infer(arg, scope) for arg in node.args]
        if node.function == "format":
            self._format(node, scope)
        result, problem = method_result(receiver, node.function, args)
        if problem:
            self._problem(
                "expression-type",
                f"{problem} (in {_text(node)})",
                "convert the receiver first, e.g. string(...)",
            )
        return result

    def _runtime(self, node: n.Method, scope: Mapping[str, CelType]) -> CelType:
        """kro's ``runtime`` library: ``newCondition({type: ..., ...})`` and ``condition(obj, type)``."""
        if node.function == "newCondition" and len(node.args) == 1 and isinstance(node.args[0], n.MapLit):
            for key, value in node.args[0].entries:  # keys are bare names: the form rules check them
                self._expect_string(value, scope, f"runtime.newCondition's {_text(key)}")
            return CONDITION
        if node.function == "condition" and len(node.args) == 2:
            self._infer(node.args[0], scope)
            self._expect_string(node.args[1], scope, "runtime.condition's type")
            return CONDITION
        self._problem(
            "expression-type",
            f"runtime has no {node.function}() taking {len(node.args)} argument(s) (in {_text(node)})",
            'use runtime.newCondition({type: ..., status: ...}) or runtime.condition(obj, "Type")',
        )
        return DYN

    def _expect_string(self, value: n.Node, scope: Mapping[str, CelType], what: str) -> None:
        found = strip_optional(self._infer(value, scope))
        if not found.is_dyn and found != STRING:
            self._problem(
                "expression-type",
                f"{what} must be a string, but {_text(value)} is {found}",
                "convert it with string(...), or pick a string field",
            )

    def _comprehension(self, node: n.Comprehension, scope: Mapping[str, CelType]) -> CelType:
        target = strip_optional(self._infer(node.target, scope))
        variables = _iteration_vars(target, node.variables)
        inner = {**scope, **variables}
        bodies = [self._infer(body, inner) for body in node.body]
        macro = node.macro
        if macro in _BOOL_MACROS or macro == "filter" or len(bodies) == 2:
            self._expect_bool(bodies[0], node.body[0], f"{macro}()")
        if macro in _BOOL_MACROS:
            return BOOL
        if macro == "filter":
            return list_of(variables.get(node.variables[0], DYN))
        if macro in ("map", "transformList"):
            return list_of(bodies[-1] if bodies else DYN)
        if macro == "transformMap":
            key = target.args[0] if target.kind == "map" else INT if target.kind == "list" else DYN
            return map_of(key, bodies[-1] if bodies else DYN)
        if macro == "sortBy":
            return target if target.kind == "list" else list_of(DYN)
        return DYN


def _iteration_vars(target: CelType, variables: tuple[str, ...]) -> dict[str, CelType]:
    """Types of comprehension variables: list → (index, item) or item; map → (key, value) or key."""
    if target.kind == "list":
        types = [INT, target.elem] if len(variables) == 2 else [target.elem]
    elif target.kind == "map":
        types = [target.args[0], target.args[1]] if len(variables) == 2 else [target.args[0]]
    else:
        types = [DYN] * len(variables)
    return dict(zip(variables, types, strict=False))


def _literal(value: n.LiteralValue) -> CelType:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return DOUBLE
    return STRING


def _text(node: n.Node) -> str:
    from kro_gen.errors import KroGenError
    from kro_gen.expr.render import render_cel

    try:
        return render_cel(node)
    except KroGenError:
        return "the expression"
