"""Python source text for plain values (strings, numbers, booleans, None, lists, dicts)."""

from __future__ import annotations

import json
from typing import Any


def py_string(text: str) -> str:
    """A double-quoted Python string literal for ``text``."""
    return json.dumps(text, ensure_ascii=False)


def py_literal(value: Any, indent: str = "") -> str:
    """``value`` as Python source; dicts and lists one item a line (with a trailing comma)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return py_string(value)
    inner = indent + "    "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{py_string(str(k))}: {py_literal(v, inner)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{inner}{py_literal(v, inner)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{indent}]"
    raise TypeError(f"no Python literal for {type(value).__name__}")
