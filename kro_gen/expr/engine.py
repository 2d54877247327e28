"""Check and evaluate kro CEL offline with cel-python 0.5.

* :func:`check_parses` proves that what kro-gen writes reads back: kro text -> :func:`parse_cel`
  -> the same text, and the cel-python form compiles.
* :func:`compile_cel` / :func:`evaluate` run an expression against an activation (variable name
  -> plain JSON-like value) and return plain Python values: str, int, float, bool, None, list, dict.
* :func:`evaluate_field` evaluates a YAML string the way kro does (standalone or template).

Missing data behaves as in kro: the CEL errors kro treats as "data pending" (no such key, index out
of range) raise :class:`PendingDataError`, every other failure :class:`ExpressionError`. A result
of type bytes or uint is refused (kro v0.9.3 crashes on them, kro#1308) unless ``strict=False``.

cel-python is imported on first use only, so importing this module stays cheap.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kro_gen.errors import ExpressionError
from kro_gen.expr import catalog
from kro_gen.expr import nodes as n
from kro_gen.expr.celpy_render import render_celpy
from kro_gen.expr.kro_text import parse_field
from kro_gen.expr.parser import parse_cel
from kro_gen.expr.render import render_cel
from kro_gen.expr.wrapper import Expr, has_expression, to_node

_CACHE_SIZE = 4096


class PendingDataError(ExpressionError):
    """The expression reads data that is not there yet (kro waits and retries, it does not fail)."""


@dataclass(frozen=True)
class CompiledCel:
    """A parsed and compiled expression: its tree, kro text, cel-python text and program."""

    node: n.Node
    text: str
    celpy_text: str
    program: Any


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    import celpy

    from kro_gen.expr.celpy_parser import load_saved_parser, save_parser

    tree_class = celpy.InterpretedRunner.tree_node_class
    loaded = load_saved_parser(tree_class)  # the parser tables an earlier run saved (milliseconds)
    environment = celpy.Environment()  # builds the tables (0.2 s) when none were loaded
    if not loaded:
        save_parser(tree_class)
    return environment


@functools.lru_cache(maxsize=1)
def _function_table() -> dict[str, Any]:
    from kro_gen.expr.functions import celpy_functions

    return celpy_functions()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _compile_celpy(celpy_text: str) -> Any:
    """A cel-python program for ``celpy_text`` (cached)."""
    from celpy.celparser import CELParseError

    environment = _environment()
    try:
        ast = environment.compile(celpy_text)
    except CELParseError as error:
        raise ExpressionError(
            f"cel-python cannot parse {celpy_text!r}: {str(error).splitlines()[0]}",
            hint="this is a kro-gen bug: please report the expression",
            rule="cel-internal",
        ) from error
    return environment.program(ast, functions=_function_table())


def _compile_node(node: n.Node, text: str) -> CompiledCel:
    _check_evaluable(node)
    celpy_text = render_celpy(node)
    return CompiledCel(node, text, celpy_text, _compile_celpy(celpy_text))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _compiled_tree(node: n.Node, text: str) -> CompiledCel:
    """:func:`_compile_node`, cached by the tree and its text (``text`` tells apart the trees that
    dataclass equality does not: ``1``, ``1.0`` and ``true``); errors are not cached."""
    return _compile_node(node, text)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def compile_cel(text: str) -> CompiledCel:
    """Parse kro CEL ``text`` and compile it for cel-python (cached by text).

    Raises:
        ExpressionError: syntax errors (with the column), unknown or disabled functions, and
            functions kro has but kro-gen cannot evaluate offline.
    """
    return _compile_node(parse_cel(text), text)


def _check_evaluable(node: n.Node) -> None:
    from kro_gen.expr.functions import EVALUABLE

    catalog.check_functions(node)
    for name, method in catalog.calls_in(node):
        if name not in EVALUABLE:
            raise ExpressionError(
                f"kro has {catalog.describe_call(name, method)}, but kro-gen cannot evaluate it offline",
                hint="the expression is still written to the RGD; its value is only known in the cluster",
                rule="cel-not-evaluable",
            )


def check_parses(expression: n.Node | Expr) -> None:
    """Prove ``expression`` is written as valid kro CEL that reads back as itself.

    Renders the kro text, parses it with :func:`parse_cel`, renders again (must be identical),
    then renders the cel-python form and compiles it.

    Raises:
        ExpressionError: naming the CEL text that fails.
    """
    # Keyed by the text, not the tree: trees compare 1 == 1.0 == true (dataclass equality), texts do not.
    _check_text_parses(render_cel(to_node(expression)))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _check_text_parses(text: str) -> None:
    """:func:`check_parses` of one kro text: every step depends on the text alone, so trees that
    render the same text (a fleet's graphs repeat their expressions) are checked once."""
    try:
        reparsed = parse_cel(text)
    except ExpressionError as error:
        raise ExpressionError(
            f"kro-gen wrote CEL that does not parse: {text!r}: {error.message}", rule="cel-internal"
        ) from error
    again = render_cel(reparsed)
    if again != text:
        raise ExpressionError(f"the CEL {text!r} reads back as {again!r}", rule="cel-internal")
    try:
        _compile_celpy(render_celpy(reparsed))
    except ExpressionError as error:
        error.message = f"in {text!r}: {error.message}"
        error.args = (error.message,)
        raise


def to_cel(value: object) -> object:
    """``value`` (plain data) as cel-python values, for :func:`evaluate`'s ``converted``."""
    from celpy.adapter import json_to_cel

    return json_to_cel(value)  # type: ignore[arg-type]


def evaluate(
    expression: str | n.Node | Expr,
    activation: Mapping[str, object],
    *,
    strict: bool = True,
    converted: Mapping[str, object] | None = None,
) -> object:
    """Evaluate kro CEL (text without ``${}``, a node or an Expr) against ``activation``.

    Args:
        expression: CEL text, a node, an :class:`Expr`, or an f-string built from Exprs.
        activation: variable name -> plain value (dicts, lists, str, int, float, bool, None).
        strict: refuse bytes and uint results (kro v0.9.3 crashes on them); False returns
            bytes as ``bytes`` and uint as ``int``.
        converted: :func:`to_cel` of some of ``activation``'s values, by name, made earlier (a
            caller that evaluates many expressions over the same values converts them once).

    Returns:
        A plain Python value.

    Raises:
        PendingDataError: a missing key or index, which kro treats as "not ready yet".
        ExpressionError: anything else (unknown identifiers and functions, type errors...).
    """
    if isinstance(expression, str) and not has_expression(expression):
        compiled = compile_cel(expression)
    else:
        node = to_node(expression)
        compiled = _compiled_tree(node, render_cel(node))
    missing = [name for name in n.free_identifiers(compiled.node) if name not in activation]
    if missing:
        raise ExpressionError(
            f"{compiled.text!r} references unknown identifiers: [{', '.join(missing)}]",
            hint=f"known here: {', '.join(sorted(activation)) or 'nothing'}",
            rule="cel-unknown-identifier",
        )
    converted = converted or {}
    selected = _selected(compiled.node, activation, converted)
    if selected is not _UNSURE:
        return to_python(selected, strict=strict, path=compiled.text)
    return _run(compiled, activation, strict, converted)


_UNSURE = object()


def _selected(node: n.Node, activation: Mapping[str, object], converted: Mapping[str, object]) -> object:
    """The cel-python value of a plain field chain (``schema.spec.name``) read straight from the
    converted values, as cel-python reads ``a.b`` on a map (``a["b"]``); ``_UNSURE`` for anything else
    -- another expression, an optional step, a missing key, a value that is not a map, or an activation
    value that :func:`_run` would still have to convert -- which :func:`_run` then evaluates (and
    reports) as before."""
    from celpy.celtypes import MapType, StringType

    fields: list[str] = []
    while isinstance(node, n.Select) and not node.optional:
        fields.append(node.field)
        node = node.operand
    if not fields or not isinstance(node, n.Ident | n.ResourceRoot):
        return _UNSURE
    if node.name is None or any(name not in converted for name in activation):
        return _UNSURE
    value = converted.get(node.name, _UNSURE)
    for field in reversed(fields):
        if type(value) is not MapType:
            return _UNSURE
        key = StringType(field)
        if key not in value:
            return _UNSURE
        value = value[key]
    return value


def _run(
    compiled: CompiledCel, activation: Mapping[str, object], strict: bool, converted: Mapping[str, object]
) -> object:
    from celpy.evaluation import CELEvalError

    try:
        context = {
            name: converted[name] if name in converted else to_cel(value)
            for name, value in activation.items()
        }
        result = compiled.program.evaluate(context)
    except CELEvalError as error:
        raise _evaluation_error(compiled.text, error) from error
    except (TypeError, ValueError) as error:
        raise ExpressionError(f"cannot evaluate {compiled.text!r}: {error}", rule="cel-eval") from error
    return to_python(result, strict=strict, path=compiled.text)


_PENDING = ("no such key", "no such member", "index out of range", "invalid_argument")


def _evaluation_error(text: str, error: Exception) -> ExpressionError:
    args = error.args
    message = str(args[0]) if args else str(error)
    cause = args[1] if len(args) > 1 else None
    inner = str(args[2][0]) if len(args) > 2 and args[2] else ""
    # cel-python wraps the real reason (e.g. our operator's TypeError text) in a generic message
    detail = inner if (cause is TypeError and inner.startswith("no such")) or cause is IndexError else message
    if cause in (KeyError, IndexError) or message.startswith(_PENDING):
        return PendingDataError(
            f"{text!r} reads data that is not there: {detail}",
            hint="kro waits for it; make the field required or defaulted, or read it with .?f.orValue(x)",
            rule="cel-pending",
        )
    return ExpressionError(f"cannot evaluate {text!r}: {detail}", rule="cel-eval")


def to_python(value: object, *, strict: bool = True, path: str = "the result") -> object:
    """A cel-python value as plain Python; bytes and uint are refused when ``strict``."""
    from celpy import celtypes

    if value is None or isinstance(value, celtypes.BoolType):
        return None if value is None else bool(value)
    if isinstance(value, celtypes.UintType | celtypes.BytesType):
        if strict:
            kind = "uint" if isinstance(value, celtypes.UintType) else "bytes"
            raise ExpressionError(
                f"{path} evaluates to {kind}, which crashes the kro v0.9.3 controller (kro#1308)",
                hint='wrap it: string(x), int(x), base64.encode(x) or "%x".format([x])',
                rule="cel-result-type",
            )
        return int(value) if isinstance(value, celtypes.UintType) else bytes(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [to_python(item, strict=strict, path=path) for item in value]
    if isinstance(value, dict):
        return {
            to_python(k, strict=strict, path=path): to_python(v, strict=strict, path=path)
            for k, v in value.items()
        }
    raise ExpressionError(
        f"{path} evaluates to a {type(value).__name__}, which is not a JSON value",
        hint="convert it with string()",
        rule="cel-result-type",
    )


def evaluate_field(value: str, activation: Mapping[str, object]) -> object:
    """A YAML string value as kro resolves it: literal, standalone ``${expr}`` or template.

    Template parts must evaluate to strings, as kro requires (``string(x)`` otherwise).
    """
    parsed = parse_field(value)
    if isinstance(parsed, str):
        return parsed
    if not isinstance(parsed, n.Template):
        return evaluate(parsed, activation)
    pieces: list[str] = []
    for part in parsed.parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        result = evaluate(part, activation)
        if not isinstance(result, str):
            raise ExpressionError(
                f"the template part ${{{render_cel(part)}}} in {value!r} is a {type(result).__name__}, "
                "not a string",
                hint="kro only concatenates strings: wrap it in string()",
                rule="cel-template-type",
            )
        pieces.append(result)
    return "".join(pieces)
