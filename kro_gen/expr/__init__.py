"""Expressions: trees, kro CEL text, kro's ``${}`` syntax, and offline evaluation.

* :mod:`.nodes` - the frozen expression tree; :mod:`.wrapper` - the user-facing :class:`Expr`.
* :mod:`.render` - tree -> kro CEL (:func:`render_cel`); :mod:`.fields` - YAML field values.
* :mod:`.parser` - kro CEL -> tree (:func:`parse_cel`); :mod:`.lexer` - its tokens.
* :mod:`.kro_text` - ``${...}`` in YAML strings, exactly as kro v0.9.3 extracts them.
* :mod:`.catalog` - the functions kro v0.9.3 knows, disables, gates; which return bytes.
* :mod:`.format_clauses` - the ``string.format`` checks kro runs when it accepts an RGD.
* :mod:`.celpy_render`, :mod:`.engine` - cel-python text, compile, evaluate, :func:`check_parses`.

Nothing here imports cel-python until an expression is compiled or evaluated.
"""

from kro_gen.expr.catalog import check_functions
from kro_gen.expr.celpy_render import render_celpy
from kro_gen.expr.engine import (
    CompiledCel,
    PendingDataError,
    check_parses,
    compile_cel,
    evaluate,
    evaluate_field,
)
from kro_gen.expr.fields import field_value
from kro_gen.expr.kro_text import (
    ExprSpan,
    extract_expressions,
    find_expressions,
    is_standalone,
    parse_field,
    split_template,
    template_cel,
)
from kro_gen.expr.lexer import CelSyntaxError
from kro_gen.expr.parser import parse_cel
from kro_gen.expr.render import quote_string, render_cel
from kro_gen.expr.wrapper import Expr, to_node

__all__ = [
    "CelSyntaxError",
    "CompiledCel",
    "Expr",
    "ExprSpan",
    "PendingDataError",
    "check_functions",
    "check_parses",
    "compile_cel",
    "evaluate",
    "evaluate_field",
    "extract_expressions",
    "field_value",
    "find_expressions",
    "is_standalone",
    "parse_cel",
    "parse_field",
    "quote_string",
    "render_cel",
    "render_celpy",
    "split_template",
    "template_cel",
    "to_node",
]
