"""Parse kro's CEL (cel-go v0.27 with optional syntax) into :mod:`kro_gen.expr.nodes` trees.

A hand-written recursive-descent parser with precedence climbing for binary operators, following
the CEL grammar (``CEL.g4``)::

    expr     = or ["?" or ":" expr]              (the middle branch is not a full expr)
    or/and   = left-associative ``||`` / ``&&``
    relation = ``< <= > >= == != in`` (left-associative), then ``+ -``, then ``* / %``
    unary    = member | "!"+ member | "-"+ member
    member   = primary {"." ["?"] name ["(" args ")"] | "[" ["?"] expr "]"}

Decisions (what each CEL form becomes):

* ``-`` directly before a number is part of the literal (as in cel-go): ``-5`` is ``Literal(-5)``.
* ``1u`` becomes ``Call("uint", (Literal(1),))``; ``b"abc"`` becomes ``Call("bytes", (Literal("abc"),))``
  (non-ASCII byte escapes are refused).
* ``ns.f(x)`` is a global ``Call("ns.f")`` when :func:`catalog.is_global_call` says so
  (``random.seededString``, ``base64.encode``, ``lists.range``, ``optional.of``...); any other
  ``a.f(x)`` is a ``Method`` on ``a``.
* ``has(x.f)`` is ``Call("has", (Select,))``; ``cel.bind(v, init, body)`` is
  ``Call("cel.bind", (Ident(v), init, body))``; receiver macros (``map filter all exists exists_one
  existsOne transformList transformMap transformMapEntry sortBy optMap optFlatMap``) become
  :class:`~nodes.Comprehension` with their iteration variables.
* Optional list elements ``[?x]``, optional map entries ``{?k: v}``, message construction
  ``T{f: v}`` and leading-dot names ``.x`` are refused with a clear error (kro templates never need them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ClassVar

from kro_gen.expr import catalog
from kro_gen.expr import nodes as n
from kro_gen.expr.lexer import KEYWORDS, RESERVED, Kind, Token, syntax_error, tokenize

_BINARY_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 3,
    "<=": 3,
    ">": 3,
    ">=": 3,
    "in": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
}

_INT64_MAX = 2**63 - 1
_MAX_DEPTH = 100


@functools.lru_cache(maxsize=16384)
def parse_cel(text: str) -> n.Node:
    """Parse CEL ``text`` (without ``${}``) into an expression tree (cached by text: trees are frozen,
    and a fleet repeats the same expressions in every graph).

    Raises:
        CelSyntaxError: (an :class:`~kro_gen.errors.ExpressionError`) naming the column, with a
            one-line snippet marking the spot with ``^``.
    """
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    # -- token helpers ------------------------------------------------------------------------
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def at(self, punct: str, offset: int = 0) -> bool:
        token = self.peek(offset) if offset else self.token
        return token.kind is Kind.PUNCT and token.text == punct

    def advance(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def expect(self, punct: str, context: str) -> Token:
        if not self.at(punct):
            raise self.error(f"expected '{punct}' {context}, found {self.token.describe()}")
        return self.advance()

    def error(self, message: str, token: Token | None = None, hint: str | None = None) -> Exception:
        return syntax_error(message, self.text, (token or self.token).pos, hint=hint)

    def at_end(self) -> bool:
        """Whether every token has been read."""
        return self.token.kind is Kind.EOF

    # -- grammar ------------------------------------------------------------------------------
    def parse(self) -> n.Node:
        if self.token.kind is Kind.EOF:
            raise self.error("the expression is empty")
        node = self.expr()
        if not self.at_end():
            hint = "join conditions with && or ||" if self.token.kind is Kind.IDENT else None
            raise self.error(f"unexpected {self.token.describe()} after a complete expression", hint=hint)
        return node

    def expr(self) -> n.Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.error(f"the expression nests deeper than {_MAX_DEPTH} levels")
        try:
            condition = self.binary(1)
            if not self.at("?"):
                return condition
            self.advance()
            then = self.binary(1)
            if self.at("?"):
                raise self.error("a conditional inside the middle of another needs parentheses")
            self.expect(":", "in a conditional 'c ? a : b'")
            return n.Cond(condition, then, self.expr())
        finally:
            self.depth -= 1

    def binary(self, minimum: int) -> n.Node:
        left = self.unary()
        while True:
            op = self.token.text if self.token.kind in (Kind.PUNCT, Kind.IDENT) else ""
            precedence = _BINARY_PRECEDENCE.get(op, 0)
            if precedence < minimum or (self.token.kind is Kind.IDENT and op != "in"):
                return left
            self.advance()
            right = self.binary(precedence + 1)
            left = n.Binary(op, left, right)

    def unary(self) -> n.Node:
        if self.at("!"):
            count = 0
            while self.at("!"):
                self.advance()
                count += 1
            if self.at("-") and not self._signed_number_ahead():
                raise self.error("'!' cannot be followed by '-'", hint="add parentheses: !(-x)")
            node = self.member()
            for _ in range(count):
                node = n.Unary("!", node)
            return node
        if self.at("-"):
            count = 0
            while self.at("-") and not self._signed_number_ahead():
                self.advance()
                count += 1
            if self.at("!"):
                raise self.error("'-' cannot be followed by '!'", hint="add parentheses: -(!x)")
            node = self.member()
            for _ in range(count):
                node = n.Unary("-", node)
            return node
        return self.member()

    def _signed_number_ahead(self) -> bool:
        return self.at("-") and self.peek().kind in (Kind.INT, Kind.FLOAT)

    def member(self) -> n.Node:
        node = self.primary()
        while True:
            if self.at("."):
                node = self.select(node)
            elif self.at("["):
                start = self.advance()
                optional = self.at("?")
                if optional:
                    self.advance()
                index = self.expr()
                self.expect("]", f"to close the '[' at column {start.pos + 1}")
                node = n.Index(node, index, optional)
            elif self.at("{"):
                raise self.error("message construction (Type{field: value}) is not supported in kro")
            else:
                return node

    def select(self, operand: n.Node) -> n.Node:
        self.advance()  # "."
        optional = self.at("?")
        if optional:
            self.advance()
        name_token = self.token
        if name_token.kind is not Kind.IDENT:
            raise self.error(f"expected a field name after '.', found {name_token.describe()}")
        self.advance()
        name = str(name_token.value)
        if not self.at("("):
            return n.Select(operand, name, optional)
        if optional:
            raise self.error("a method cannot be called with '.?'", name_token)
        open_paren = self.advance()
        args = self.arguments(open_paren)
        return self.receiver_call(operand, name, args, name_token)

    def arguments(self, open_paren: Token) -> list[n.Node]:
        args: list[n.Node] = []
        if not self.at(")"):
            args.append(self.expr())
            while self.at(","):
                self.advance()
                args.append(self.expr())
        self.expect(")", f"to close the '(' at column {open_paren.pos + 1}")
        return args

    def receiver_call(self, target: n.Node, name: str, args: list[n.Node], at: Token) -> n.Node:
        shape = catalog.RECEIVER_MACROS.get(name)
        if shape is None:
            return n.Method(target, name, tuple(args))
        if len(args) not in shape:
            counts = " or ".join(str(count) for count in sorted(shape))
            raise self.error(f"the {name}() macro takes {counts} arguments, not {len(args)}", at)
        variables = shape[len(args)]
        names = []
        for arg in args[:variables]:
            if not isinstance(arg, n.Ident):
                raise self.error(f"the first arguments of {name}() must be variable names", at)
            names.append(arg.name)
        if len(set(names)) != len(names):
            raise self.error(f"the variables of {name}() must differ", at)
        return n.Comprehension(target, name, tuple(names), tuple(args[variables:]))

    def primary(self) -> n.Node:
        token = self.token
        handler = self._PRIMARY.get(token.kind)
        if handler is not None:
            return handler(self)
        if token.kind is Kind.PUNCT:
            if token.text == "(":
                self.advance()
                inner = self.expr()
                self.expect(")", f"to close the '(' at column {token.pos + 1}")
                return inner
            if token.text == "[":
                return self.list_literal()
            if token.text == "{":
                return self.map_literal()
            if token.text == "-":
                return self.signed_number()
            if token.text == ".":
                raise self.error("names with a leading '.' are not supported", hint="drop the leading '.'")
        raise self.error(f"expected an expression, found {token.describe()}")

    # -- primaries ----------------------------------------------------------------------------
    def identifier(self) -> n.Node:
        token = self.advance()
        word = str(token.value)
        if word in ("true", "false"):
            return n.Literal(word == "true")
        if word == "null":
            return n.Literal(None)
        if word in KEYWORDS:
            raise self.error(f"'{word}' is an operator and cannot start an expression", token)
        if word in RESERVED:
            raise self.error(
                f"'{word}' is a reserved word in CEL and cannot be a name",
                token,
                hint=f"it works as a field name after a dot, e.g. schema.spec.{word}",
            )
        if self.at("("):
            open_paren = self.advance()
            return self.global_call(word, self.arguments(open_paren), token)
        if self.at(".") and self.peek().kind is Kind.IDENT and self.at("(", 2):
            dotted = f"{word}.{self.peek().value}"
            if catalog.is_global_call(dotted):
                self.advance()
                self.advance()
                open_paren = self.advance()
                return self.global_call(dotted, self.arguments(open_paren), token)
        if self.at("{"):
            raise self.error("message construction (Type{field: value}) is not supported in kro")
        return n.Ident(word)

    def global_call(self, name: str, args: list[n.Node], at: Token) -> n.Node:
        if name == "has" and (len(args) != 1 or not isinstance(args[0], n.Select) or args[0].optional):
            raise self.error(
                "has() takes one field selection, e.g. has(schema.spec.x)",
                at,
                hint="to test a map key use 'key in map'; for a default use x.?f.orValue(v)",
            )
        if name == "cel.bind" and (len(args) != 3 or not isinstance(args[0], n.Ident)):
            raise self.error("cel.bind() takes (variable, value, expression)", at)
        return n.Call(name, tuple(args))

    def number(self) -> n.Node:
        token = self.advance()
        if token.kind is Kind.INT and int(token.value) > _INT64_MAX:  # type: ignore[call-overload]
            raise self.error(f"the integer {token.text} is out of the int64 range", token)
        return n.Literal(token.value)  # type: ignore[arg-type]

    def unsigned(self) -> n.Node:
        token = self.advance()
        return n.Call("uint", (n.Literal(token.value),))  # type: ignore[arg-type]

    def signed_number(self) -> n.Node:
        minus = self.advance()
        token = self.advance()
        if token.kind is Kind.INT:
            value = -int(token.value)  # type: ignore[call-overload]
            if value < -(2**63):
                raise self.error(f"the integer -{token.text} is out of the int64 range", minus)
            # -0 stays a negation so that it prints back as written
            return n.Literal(value) if value else n.Unary("-", n.Literal(0))
        return n.Literal(-float(token.value))  # type: ignore[arg-type]

    def string(self) -> n.Node:
        return n.Literal(str(self.advance().value))

    def bytes_literal(self) -> n.Node:
        return n.Call("bytes", (n.Literal(str(self.advance().value)),))

    _PRIMARY: ClassVar[dict[Kind, Callable[[_Parser], n.Node]]] = {
        Kind.IDENT: identifier,
        Kind.INT: number,
        Kind.FLOAT: number,
        Kind.UINT: unsigned,
        Kind.STRING: string,
        Kind.BYTES: bytes_literal,
    }

    def list_literal(self) -> n.Node:
        start = self.advance()
        items: list[n.Node] = []
        while not self.at("]"):
            self._refuse_optional_entry("list elements")
            items.append(self.expr())
            if not self.at(","):
                break
            self.advance()
        self.expect("]", f"to close the '[' at column {start.pos + 1}")
        return n.ListLit(tuple(items))

    def map_literal(self) -> n.Node:
        start = self.advance()
        entries: list[tuple[n.Node, n.Node]] = []
        while not self.at("}"):
            self._refuse_optional_entry("map entries")
            key = self.expr()
            self.expect(":", "between a map key and its value")
            entries.append((key, self.expr()))
            if not self.at(","):
                break
            self.advance()
        self.expect("}", f"to close the '{{' at column {start.pos + 1}")
        return n.MapLit(tuple(entries))

    def _refuse_optional_entry(self, what: str) -> None:
        if self.at("?"):
            raise self.error(
                f"optional {what} ('?x') are not supported by kro-gen",
                hint="build the value with a conditional instead",
            )
