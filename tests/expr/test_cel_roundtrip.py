"""render_cel(parse_cel(render_cel(x))) == render_cel(x), for written and generated trees."""

from __future__ import annotations

import random

import pytest

from kro_gen.expr import nodes as n
from kro_gen.expr.parser import parse_cel
from kro_gen.expr.render import render_cel


def reads_back(node: n.Node) -> str:
    text = render_cel(node)
    assert render_cel(parse_cel(text)) == text, text
    return text


TEXTS = [
    "schema.spec.replicas * 2 + 1",
    "a - (b - c)",
    "a - b - c",
    "(a + b) * (c - d) / e % 2",
    "!(a && b) || !c",
    "-(a + b)",
    "-(-a)",
    "--5",
    "!-5",
    "-0",
    "-0.0",
    "(-5).size()",
    "1e+20 + 2.5e-07",
    "a ? b : c ? d : e",
    "(a ? b : c) ? d : e",
    "a ? (b ? c : d) : e",
    '[a ? 1 : 2, {"k": b ? c : d}]',
    'x.?a.?b[?"c"].orValue("d")',
    'cm.data[?"key"].orValue("") != ""',
    "deployment.status.?availableReplicas.orValue(0) >= deployment.spec.replicas",
    'items.map(i, i.name).filter(n, n.startsWith("a")).size() > 0',
    "m.all(k, v, k.size() < v)",
    "l.transformMap(i, v, i > 0, v * 2)",
    "cel.bind(x, a.b, x + x)",
    'random.seededString(8, schema.metadata.uid + "-" + string(idx))',
    "json.unmarshal(schema.spec.raw).?items.orValue([])",
    'runtime.newCondition({"type": "Ready", "status": d.ready ? "True" : "False"})',
    'x["app.kubernetes.io/name"]',
    'x[?"in"].orValue("")',
    '"quote \\" backslash \\\\ newline \\n tab \\t"',
    '"${HOME} and {braces}"',
    '"unicode é 😀"',
    "uint(1) + uint(2)",
    'bytes("abc").size()',
    'a in [1, 2, 3] && !(b in {"x": 1})',
    "has(schema.spec.ingress) && schema.spec.ingress.enabled",
    '"%d-%s".format([1, "a"])',
]


@pytest.mark.parametrize("text", TEXTS)
def test_written_expressions_read_back_as_themselves(text: str) -> None:
    reads_back(parse_cel(text))


def test_literal_strings_are_one_token_even_with_dollar_brace() -> None:
    # kro's extractor ignores everything inside a double-quoted CEL string (pkg/graph/parser/cel.go)
    assert reads_back(n.Literal("echo ${HOME} ${USER}")) == '"echo ${HOME} ${USER}"'
    assert reads_back(n.Literal("${a}")) == '"${a}"'
    assert reads_back(n.Method(n.Literal("a${b}"), "size", ())) == '"a${b}".size()'


def test_negative_numbers_and_mixed_unary_operators_keep_their_meaning() -> None:
    five = n.Literal(5)
    assert reads_back(n.Method(n.Literal(-5), "f", ())) == "(-5).f()"
    assert reads_back(n.Unary("-", n.Method(five, "f", ()))) == "-(5.f())"
    assert reads_back(n.Unary("!", n.Unary("-", n.Ident("x")))) == "!(-x)"
    assert reads_back(n.Unary("-", n.Unary("!", n.Ident("x")))) == "-(!x)"
    assert reads_back(n.Unary("-", n.Literal(-5))) == "--5"
    assert parse_cel("-(5.f())") == n.Unary("-", n.Method(five, "f", ()))
    assert parse_cel("-5.f()") == n.Method(n.Literal(-5), "f", ())


def test_templates_render_as_concatenation_that_reads_back() -> None:
    template = n.Template(("pre-", n.Ident("x"), "-", n.Binary("+", n.Ident("y"), n.Ident("z")), "-post"))
    assert reads_back(template) == '"pre-" + x + "-" + (y + z) + "-post"'
    assert reads_back(n.Template((n.Binary("+", n.Ident("a"), n.Ident("b")),))) == "a + b"
    assert reads_back(n.Method(n.Template(("a", n.Ident("b"))), "size", ())) == '("a" + b).size()'


# -- generated trees ------------------------------------------------------------------------------
_IDENTS = ("schema", "deployment", "x", "item")
# names that cannot follow a dot ("a-b", "in") are written as an index: see test_render_*
_FIELDS = ("spec", "status", "name", "replicas", "namespace")
_BINARY = ("||", "&&", "==", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/", "%")
_STRINGS = ("", "a", "${x}", 'q"uote', "back\\slash", "line\nbreak", "{}", "é")


class TreeGen:
    """Random canonical trees: every form parse_cel returns, so parse(render(t)) == t."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def leaf(self) -> n.Node:
        kind = self.rng.randrange(4)
        if kind == 0:
            return n.Ident(self.rng.choice(_IDENTS))
        if kind == 1:
            return n.Literal(self.rng.choice([0, 7, -3, 2**63 - 1, -(2**63), 1.5, -0.25, 1e20]))
        if kind == 2:
            return n.Literal(self.rng.choice(_STRINGS))
        return n.Literal(self.rng.choice([True, False, None]))

    def tree(self, depth: int) -> n.Node:
        if depth == 0:
            return self.leaf()
        sub = lambda: self.tree(depth - 1)  # noqa: E731
        choice = self.rng.randrange(11)
        if choice == 0:
            return n.Binary(self.rng.choice(_BINARY), sub(), sub())
        if choice == 1:
            operand = sub()
            if (
                isinstance(operand, n.Literal)
                and isinstance(operand.value, int | float)
                and operand.value != 0
            ):
                operand = n.Ident("x")  # "-5" is a literal, not a negation, in canonical form
            return n.Unary(self.rng.choice("!-"), operand)
        if choice == 2:
            return n.Cond(sub(), sub(), sub())
        if choice == 3:
            return n.Select(sub(), self.rng.choice(_FIELDS), self.rng.random() < 0.3)
        if choice == 4:
            return n.Index(sub(), sub(), self.rng.random() < 0.3)
        if choice == 5:
            return n.Method(sub(), self.rng.choice(("size", "orValue", "lowerAscii")), (sub(),))
        if choice == 6:
            return n.Call(self.rng.choice(("string", "size", "random.seededString")), (sub(), sub()))
        if choice == 7:
            return n.ListLit(tuple(sub() for _ in range(self.rng.randrange(3))))
        if choice == 8:
            return n.MapLit(tuple((sub(), sub()) for _ in range(self.rng.randrange(3))))
        if choice == 9:
            return n.Comprehension(sub(), self.rng.choice(("map", "filter", "all")), ("v",), (sub(),))
        return n.Comprehension(sub(), "all", ("k", "v"), (sub(),))


@pytest.mark.parametrize("seed", range(40))
def test_generated_trees_parse_back_to_the_same_tree(seed: int) -> None:
    generator = TreeGen(seed)
    for _ in range(25):
        tree = generator.tree(generator.rng.randrange(1, 5))
        text = render_cel(tree)
        assert parse_cel(text) == tree, text
        assert render_cel(parse_cel(text)) == text
