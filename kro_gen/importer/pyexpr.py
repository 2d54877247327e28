"""A CEL expression tree (:mod:`kro_gen.expr.nodes`) as the Python that builds it.

References stay references (``schema.spec.x``, a resource's variable, ``r.<id>`` in the status, a
``for_each`` iterator's ``cel.var``), operators stay operators, ``?:`` is ``cel.cond``, ``&&``/``||``/
``!`` are ``cel.and_``/``cel.or_``/``cel.not_``, calls and methods go through the ``cel`` helpers,
comprehensions are ``cel.map_(xs, lambda x: ...)``, string templates are f-strings, ``.?f.orValue(v)``
is ``cel.default`` in the shapes it renders. Where a spec field the models declare ``T | None`` (kro's
optional field) is used with an operator (but ``==``/``!=``), an attribute, an index, as a condition
or as a comprehension's list, it is ``cel.present(...)``: the same CEL, typed without ``None`` for
mypy. What has no Python spelling (other optional access, two-variable comprehensions, an operator
between two literals...) raises :class:`Unsayable`; the caller then writes that field as
``cel.raw(...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kro_gen.expr import nodes as n
from kro_gen.expr.render import render_cel
from kro_gen.importer.literals import py_string
from kro_gen.importer.names import is_identifier
from kro_gen.importer.pytypes import PLAIN, ModelFields, PyType


class Unsayable(ValueError):
    """The expression has no Python spelling in kro-gen's API (it becomes ``cel.raw``)."""


#: CEL global functions with a ``cel`` helper of the same meaning (same tree).
_CALLS = {"string": "cel.string", "size": "cel.size", "int": "cel.int_", "double": "cel.double"}
#: CEL receiver functions with a one-argument ``cel`` helper.
_METHODS = {
    "contains": "cel.contains",
    "startsWith": "cel.starts_with",
    "endsWith": "cel.ends_with",
    "join": "cel.join",
}
_MACROS = {"map": "cel.map_", "filter": "cel.filter_", "all": "cel.all_", "exists": "cel.exists"}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
#: Python operators whose operands may be ``None`` for mypy (every other one refuses ``T | None``).
_NONE_OPERATORS = frozenset({"==", "!="})
#: ``cel`` helpers whose arguments are conditions (``bool | Expr``: not ``bool | None``).
_CONDITION_HELPERS = frozenset({"cel.and_", "cel.or_", "cel.not_"})
_PRECEDENCE = {"*": 5, "/": 5, "%": 5, "+": 4, "-": 4, **dict.fromkeys(_COMPARISONS, 3)}
#: Fields a resource variable reads as attributes; any other top-level field is ``var["field"]``.
RESOURCE_ATTRIBUTES = frozenset({"metadata", "spec", "status", "data"})


@dataclass
class Scope:
    """What the names of an expression are in Python.

    Attributes:
        names: CEL identifier -> Python text (``schema``, resource variables, iterators).
        resources: CEL identifiers that are resources (their top fields are read specially).
        collections: resources that are lists (``forEach``): a bare reference is ``.each()``.
        strings: CEL text of references known to be strings (no ``string()`` in f-strings).
        models: the spec models' fields (class -> kro field -> type), to find ``T | None`` reads.
        spec_model: the class of ``schema.spec``.
    """

    names: Mapping[str, str]
    resources: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()
    strings: frozenset[str] = frozenset()
    bound: dict[str, str] = field(default_factory=dict)
    models: ModelFields = field(default_factory=dict)
    spec_model: str | None = None


def python_of(node: n.Node, scope: Scope, condition: bool = False) -> str:
    """The Python expression that builds ``node`` (a condition, ``bool | Expr``, when ``condition``).

    Raises:
        Unsayable: no Python spelling (see the module docstring).
    """
    writer = _Writer(scope)
    text, is_expr = writer.write(node)
    if not is_expr:
        raise Unsayable("a constant expression")
    return writer.present(node, text) if condition else text


def template_python(parts: tuple[str | n.Node, ...], scope: Scope) -> str:
    """An f-string for a string template (``"${a}-x"``), or ``cel.template("%s-x", a)`` when a part
    needs quotes or braces, which an f-string cannot hold in Python 3.11.

    Raises:
        Unsayable: a part has no Python spelling.
    """
    writer = _Writer(scope)
    texts: list[str | tuple[str, str]] = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
            continue
        text, is_expr = writer.write(part)
        if not is_expr:
            raise Unsayable("a constant template part")
        typed = text if writer.is_string(part) else f"cel.as_string({text})"
        texts.append((text, typed))
    pieces = [piece[1] for piece in texts if isinstance(piece, tuple)]
    if any(char in piece for piece in pieces for char in "\"'\\{}"):
        pattern = "".join(piece.replace("%", "%%") if isinstance(piece, str) else "%s" for piece in texts)
        return f"cel.template({py_string(pattern)}, {', '.join(pieces)})"
    out = [
        py_string(piece)[1:-1].replace("{", "{{").replace("}", "}}")
        if isinstance(piece, str)
        else "{" + piece[1] + "}"
        for piece in texts
    ]
    return 'f"' + "".join(out) + '"'


class _Writer:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        #: comprehension variable -> the Python type of what it binds
        self.bound_types: dict[str, PyType] = {}

    def type_of(self, node: n.Node) -> PyType:
        """The Python type of the text written for ``node``, as far as ``T | None`` goes: a spec field
        the models declare optional, through models, lists, maps and comprehension variables.
        :data:`PLAIN` for what is never ``None`` for mypy (or not known to be)."""
        if isinstance(node, n.Ident):
            return self.bound_types.get(node.name, PLAIN) if node.name in self.scope.bound else PLAIN
        if isinstance(node, n.Select) and not node.optional:
            root = node.operand == n.Ident("schema") and "schema" not in self.scope.bound
            if root and node.field == "spec":
                return PyType(model=self.scope.spec_model)
            model = self.type_of(node.operand).model
            return self.scope.models.get(model, {}).get(node.field, PLAIN) if model is not None else PLAIN
        if isinstance(node, n.Index) and not node.optional:
            return self.type_of(node.operand).item or PLAIN
        if isinstance(node, n.Cond):  # cel.cond(c, a, b) is the join of a's and b's types (None: optional)
            then, otherwise = (
                PyType(optional=True) if branch == n.Literal(None) else self.type_of(branch)
                for branch in (node.then, node.otherwise)
            )
            return then if then == otherwise else PyType(optional=then.optional or otherwise.optional)
        if isinstance(node, n.Method) and node.function == "orValue" and len(node.args) == 1:
            # cel.default(x, v): x's type without None, or with it when the fallback may be None
            value = self.type_of(_plain(node.target))
            return PyType(self.type_of(node.args[0]).optional, value.model, value.item, value.keyed)
        return PLAIN

    def present(self, node: n.Node, text: str) -> str:
        """``text``, the Python of ``node``, as ``cel.present(text)`` when it is ``T | None``: where
        it is used with an operator, an attribute, an index, as a condition or a comprehension's list."""
        return f"cel.present({text})" if self.type_of(node).optional else text

    def is_string(self, node: n.Node) -> bool:
        if isinstance(node, n.Call) and node.function == "string":
            return True
        if isinstance(node, n.Literal):
            return isinstance(node.value, str)
        if isinstance(node, n.Template):
            return True
        if isinstance(node, n.Binary) and node.op == "+":
            return self.is_string(node.left) or self.is_string(node.right)
        if isinstance(node, n.Method) and node.function in ("join", "lowerAscii", "upperAscii", "trim"):
            return True
        if isinstance(node, n.Method) and node.function == "orValue" and len(node.args) == 1:
            return self.is_string(node.args[0])  # cel.default has its fallback's type
        if isinstance(node, n.Select) and node.field in ("name", "namespace"):
            root = n.root_of(node)
            if isinstance(root, n.Ident) and root.name in self.scope.resources | {"schema"}:
                inner = node.operand
                if isinstance(inner, n.Select) and inner.field == "metadata":
                    return True
        try:
            return render_cel(node) in self.scope.strings
        except Exception:  # pragma: no cover - rendering a parsed tree does not fail
            return False

    def write(self, node: n.Node) -> tuple[str, bool]:
        """(Python text, whether it is an expression at run time rather than a Python constant)."""
        if isinstance(node, n.Literal):
            return _literal(node.value), False
        if isinstance(node, n.Ident):
            return self._ident(node.name), True
        if isinstance(node, n.Select):
            return self._select(node), True
        if isinstance(node, n.Index):
            if node.optional:
                raise Unsayable("optional index")
            target = self._operand(node.operand)
            index, _ = self.write(node.index)
            return f"{target}[{index}]", True
        if isinstance(node, n.Unary):
            return self._unary(node)
        if isinstance(node, n.Binary):
            return self._binary(node)
        if isinstance(node, n.Cond):
            return self._call("cel.cond", (node.cond, node.then, node.otherwise)), True
        if isinstance(node, n.Call):
            helper = _CALLS.get(node.function)
            if helper is not None:
                return self._call(helper, node.args), True
            if node.function == "has" and len(node.args) == 1 and isinstance(node.args[0], n.Select):
                return self._call("cel.has", node.args), True
            args = [py_string(node.function), *(self.write(arg)[0] for arg in node.args)]
            return f"cel.call({', '.join(args)})", True
        if isinstance(node, n.Method):
            if node.function == "orValue" and len(node.args) == 1:
                return self._default(node.target, node.args[0]), True
            helper = _METHODS.get(node.function)
            if helper is not None and len(node.args) == 1:
                return self._call(helper, (node.target, *node.args)), True
            args = [self.write(node.target)[0], py_string(node.function)]
            args += [self.write(arg)[0] for arg in node.args]
            return f"cel.method({', '.join(args)})", True
        if isinstance(node, n.Comprehension):
            return self._comprehension(node), True
        if isinstance(node, n.ListLit):
            items = [self.write(item) for item in node.items]
            return "[" + ", ".join(text for text, _ in items) + "]", any(flag for _, flag in items)
        if isinstance(node, n.MapLit):
            pairs = [f"({self.write(k)[0]}, {self.write(v)[0]})" for k, v in node.entries]
            return f"cel.map_of([{', '.join(pairs)}])", True
        if isinstance(node, n.Template):
            return template_python(node.parts, self.scope), True
        raise Unsayable(f"no Python spelling for {type(node).__name__}")

    def _ident(self, name: str) -> str:
        if name in self.scope.bound:
            return self.scope.bound[name]
        text = self.scope.names.get(name)
        if text is None:
            raise Unsayable(f"unknown name {name!r}")
        if name in self.scope.resources:
            return f"{text}.each()" if name in self.scope.collections else f"{text}.ref()"
        return text

    def _operand(self, node: n.Node) -> str:
        """``node`` as the target of ``.field`` or ``[index]``."""
        if (
            isinstance(node, n.Ident)
            and node.name in self.scope.resources
            and node.name not in self.scope.bound
        ):
            if node.name in self.scope.collections:
                return f"{self.scope.names[node.name]}.ref()"
            return self.scope.names[node.name]
        text, is_expr = self.write(node)
        if not is_expr:
            raise Unsayable("field of a constant")
        if self.type_of(node).optional:
            return self.present(node, text)
        if isinstance(node, n.Binary | n.Unary | n.Cond):
            return f"({text})"
        return text

    def _select(self, node: n.Select) -> str:
        if node.optional:
            raise Unsayable("optional field access")
        operand = node.operand
        is_resource = (
            isinstance(operand, n.Ident)
            and operand.name in self.scope.resources
            and operand.name not in self.scope.bound
            and operand.name not in self.scope.collections
        )
        target = self._operand(operand)
        if is_resource and node.field not in RESOURCE_ATTRIBUTES:
            return f"{target}[{py_string(node.field)}]"
        if node.field.startswith("_"):
            raise Unsayable(f"field {node.field!r} is not a Python attribute")
        if not is_identifier(node.field):  # a Python keyword (``schema.spec.lambda``)
            return f"getattr({target}, {py_string(node.field)})"
        return f"{target}.{node.field}"

    def _default(self, chain: n.Node, fallback: n.Node) -> str:
        """``x.?f.orValue(v)`` as ``cel.default(x.f, v)``, in the three shapes ``cel.default`` renders:
        every step under ``schema.spec`` optional; only the last step; every step down to the root
        (``every_step=True``). Any other shape (``x.?a.b``, an optional root) is :class:`Unsayable`."""
        steps: list[n.Select | n.Index] = []
        root = chain
        while isinstance(root, n.Select | n.Index):
            steps.insert(0, root)
            root = root.operand
        if not steps or not steps[-1].optional:
            raise Unsayable("orValue() of a value that is not an optional field")
        flags = [step.optional for step in steps]
        plain = _plain(chain)
        under_spec = (
            root == n.Ident("schema")
            and isinstance(steps[0], n.Select)
            and steps[0].field == "spec"
            and not steps[0].optional
        )
        if under_spec:
            if not all(flags[1:]):
                raise Unsayable("a schema.spec read with only some steps optional")
            every = ""
        elif not any(flags[:-1]):
            every = ""
        elif all(flags) and root != n.Ident("schema"):
            every = ", every_step=True"
        else:
            raise Unsayable("optional access on only some steps")
        target, is_expr = self.write(plain)
        if not is_expr:
            raise Unsayable("optional field of a constant")
        return f"cel.default({target}, {self.write(fallback)[0]}{every})"

    def _unary(self, node: n.Unary) -> tuple[str, bool]:
        if node.op == "!":
            return self._call("cel.not_", (node.operand,)), True
        if node.op == "-":
            text, is_expr = self.write(node.operand)
            if not is_expr:
                raise Unsayable("negated constant")
            if self.type_of(node.operand).optional:
                return f"-{self.present(node.operand, text)}", True
            wrap = isinstance(node.operand, n.Binary | n.Cond)
            return (f"-({text})" if wrap else f"-{text}"), True
        raise Unsayable(f"unary {node.op}")

    def _binary(self, node: n.Binary) -> tuple[str, bool]:
        if node.op in ("&&", "||"):
            helper = "cel.and_" if node.op == "&&" else "cel.or_"
            items: list[n.Node] = []
            current: n.Node = node
            while isinstance(current, n.Binary) and current.op == node.op:
                items.insert(0, current.right)
                current = current.left
            items.insert(0, current)
            return self._call(helper, tuple(items)), True
        if node.op == "in":
            return self._call("cel.in_", (node.left, node.right)), True
        precedence = _PRECEDENCE.get(node.op)
        if precedence is None:
            raise Unsayable(f"operator {node.op}")
        left, left_expr = self.write(node.left)
        right, right_expr = self.write(node.right)
        if not left_expr:
            if not right_expr:
                raise Unsayable("an operator between two constants")
            left = f"cel.lit({left})"
        left = self._wrapped(node.left, left, precedence, right_side=False, op=node.op)
        right = self._wrapped(node.right, right, precedence, right_side=True, op=node.op)
        return f"{left} {node.op} {right}", True

    def _wrapped(self, child: n.Node, text: str, parent: int, right_side: bool, op: str) -> str:
        if op not in _NONE_OPERATORS and self.type_of(child).optional:
            return self.present(child, text)  # a call: no parentheses needed
        if isinstance(child, n.Binary):
            mine = _PRECEDENCE.get(child.op)
            if mine is None:
                return text
            if mine < parent or (mine == parent and (right_side or mine == 3)):
                return f"({text})"
        if isinstance(child, n.Unary) and child.op == "-":
            return f"({text})"
        return text

    def _call(self, helper: str, args: tuple[n.Node, ...]) -> str:
        texts = [self.write(arg)[0] for arg in args]
        if helper in _CONDITION_HELPERS:
            texts = [self.present(arg, text) for arg, text in zip(args, texts, strict=True)]
        elif helper == "cel.cond":
            texts[0] = self.present(args[0], texts[0])
        return f"{helper}({', '.join(texts)})"

    def _comprehension(self, node: n.Comprehension) -> str:
        helper = _MACROS.get(node.macro)
        if helper is None or len(node.variables) != 1 or len(node.body) != 1:
            raise Unsayable(f"the {node.macro} macro")
        (variable,) = node.variables
        target = self.present(node.target, self.write(node.target)[0])
        listed = self.type_of(node.target)
        name = variable if is_identifier(variable) and variable not in self.scope.names else variable + "_"
        previous = self.scope.bound.get(variable)
        previous_type = self.bound_types.get(variable)
        self.scope.bound[variable] = name
        self.bound_types[variable] = PLAIN if listed.keyed else listed.item or PLAIN
        try:
            body, _ = self.write(node.body[0])
        finally:
            if previous is None:
                del self.scope.bound[variable]
            else:
                self.scope.bound[variable] = previous
            if previous_type is None:
                del self.bound_types[variable]
            else:
                self.bound_types[variable] = previous_type
        return f"{helper}({target}, lambda {name}: {body})"


def _plain(node: n.Node) -> n.Node:
    """The selection or index chain ``node`` with no optional step."""
    if isinstance(node, n.Select):
        return n.Select(_plain(node.operand), node.field)
    if isinstance(node, n.Index):
        return n.Index(_plain(node.operand), node.index)
    return node


def _literal(value: n.LiteralValue) -> str:
    if isinstance(value, str):
        return py_string(value)
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise Unsayable(f"a {type(value).__name__} literal")
