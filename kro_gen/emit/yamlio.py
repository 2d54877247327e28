"""The one YAML dumper of kro-gen: deterministic, kubectl-style block YAML that every reader agrees on.

Output rules (the same for every file kro-gen writes):

* block style; 2-space mapping indent; a list is indented under its key (``- name:`` at +2);
* keys keep their insertion order (never sorted), long lines are never folded;
* multi-line strings become literal blocks (``|``, ``|-``, ``|+``, with an indentation indicator when the
  text starts with a space or a newline), byte for byte, trailing spaces included; a string a literal block
  cannot hold faithfully (control characters, CR or Unicode line separators) is double-quoted instead;
* a string is written plain only when YAML 1.1 readers (PyYAML, the go-yaml v2 inside kubectl) *and*
  YAML 1.2 readers (ruamel, go-yaml v3) all read it back as the same string; everything else is
  single-quoted (double-quoted when it holds characters single quotes cannot carry). kro expressions
  stay readable: ``${schema.spec.name}-svc`` is plain, ``'${a ? "x" : "y"}'`` is single-quoted;
* LF line ends, UTF-8 text (non-ASCII printable characters are kept as they are), one trailing newline,
  no leading ``---``, an optional ``#`` comment header.

Only plain data is accepted: ``Mapping`` with ``str`` keys, ``list``/``tuple``, ``str``, ``bool``, ``int``,
finite ``float`` and ``None``. Anything else is a :class:`~kro_gen.errors.ValidationError` naming the path
of the offending value, so an unrendered expression object can never reach a file as ``!!python/object``.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kro_gen.errors import Location, ValidationError

__all__ = ["dump_all", "dump_yaml", "scalar_style"]

# Words that some YAML version reads as a bool or null (YAML 1.1 bools include y/n; go-yaml v2 reads them).
_KEYWORDS = frozenset(
    word
    for base in ("y", "n", "yes", "no", "true", "false", "on", "off", "null")
    for word in (base, base.capitalize(), base.upper())
) | {"~", "<<", "="}
# Anything that starts like a number and uses only number-ish characters: ints in every base, floats,
# exponents (1e3 is a float in YAML 1.2 and go-yaml), underscores (1_000 in YAML 1.1), sexagesimal
# (12:30:00), dates (2026-01-01), versions and IPs (quoted although they are strings: harmless).
_NUMBER_LIKE = re.compile(r"[-+]?\.?[0-9][0-9a-zA-Z_.:+-]*")
_SPECIAL_FLOATS = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
# YAML 1.1 timestamps may contain spaces: "2001-12-14 21:59:43.10 -5".
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ]|\s+).*")
# A plain scalar may not start with an indicator character.
_LEADING_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Characters that YAML readers treat as line breaks (besides LF) or that no YAML stream may hold raw.
_OTHER_BREAKS = frozenset("\r\x85\u2028\u2029")


def _printable(char: str) -> bool:
    """True when YAML allows ``char`` unescaped in a stream (YAML 1.1 and 1.2 printable set)."""
    code = ord(char)
    return (
        char in "\t\n"
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )


def _plain_safe(text: str) -> bool:
    """True when ``text`` reads back as this very string from a plain scalar in every YAML version."""
    if not text or text != text.strip() or text in _KEYWORDS:
        return False
    if text[0] in _LEADING_INDICATORS:
        return False
    if _NUMBER_LIKE.fullmatch(text) or _SPECIAL_FLOATS.fullmatch(text) or _TIMESTAMP.fullmatch(text):
        return False
    if ": " in text or " #" in text or "\t" in text or text.endswith(":"):
        return False
    return all(_printable(char) and char != "\n" for char in text)


def scalar_style(text: str) -> str | None:
    """The YAML style kro-gen writes ``text`` in.

    Returns ``None`` for plain, ``"|"`` for a literal block, ``"'"`` for single quotes and ``'"'`` for
    double quotes. Public so that tests and other emitters can reason about the choice.
    """
    faithful = all(_printable(char) for char in text) and not any(char in _OTHER_BREAKS for char in text)
    if "\n" in text:
        return "|" if faithful else '"'
    if not faithful:
        return '"'
    return None if _plain_safe(text) else "'"


def _plain(value: Any, path: str) -> Any:
    """``value`` as exact built-in types (dict, list, str, bool, int, float, None), or a located error."""
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(
                f"cannot write the non-finite number {value!r} as YAML for Kubernetes",
                location=Location(path=path or "<root>"),
                hint="use a finite number or a string",
                rule="yaml-value",
            )
        return float(value)
    if isinstance(value, Mapping):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(
                    f"mapping key {key!r} is a {type(key).__name__}, not a string",
                    location=Location(path=path or "<root>"),
                    hint="Kubernetes objects only have string keys; convert the key with str()",
                    rule="yaml-value",
                )
            plain[str.__str__(key)] = _plain(item, f"{path}.{key}" if path else key)
        return plain
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise ValidationError(
        f"cannot write a {type(value).__module__}.{type(value).__qualname__} as YAML",
        location=Location(path=path or "<root>"),
        hint="render expressions to strings (kro_gen.expr.render.field_value) before emitting",
        rule="yaml-value",
    )


def _make_yaml() -> Any:
    """A configured ruamel ``YAML`` instance (ruamel is imported here, not at module import)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import SafeRepresenter

    class _Representer(SafeRepresenter):
        """Safe representer with kro-gen's string styles and insertion-ordered mappings."""

    def represent_str(representer: Any, data: str) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:str", data, style=scalar_style(data))

    def represent_mapping(representer: Any, data: dict[str, Any]) -> Any:
        # a list of pairs is never sorted by ruamel: insertion order is kept
        return representer.represent_mapping("tag:yaml.org,2002:map", list(data.items()))

    _Representer.add_representer(str, represent_str)
    _Representer.add_representer(dict, represent_mapping)

    yaml: Any = YAML(typ="safe", pure=True)
    yaml.Representer = _Representer
    yaml.sort_base_mapping_type_on_output = False
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 2**30
    yaml.line_break = "\n"
    yaml.explicit_start = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _header_lines(header: str | None) -> str:
    if header is None:
        return ""
    lines = header.split("\n")
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)


def _dump_one(yaml: Any, doc: Any) -> str:
    stream = io.StringIO()
    yaml.dump(_plain(doc, ""), stream)
    return stream.getvalue()


def dump_yaml(doc: Any, *, header: str | None = None) -> str:
    """One YAML document as text, following the module's rules.

    Args:
        doc: plain data (usually a Kubernetes object as a dict).
        header: optional comment text; each of its lines becomes a ``# `` line above the document.

    Raises:
        ValidationError: ``doc`` holds something that is not plain data (the error names its path).
    """
    return _header_lines(header) + _dump_one(_make_yaml(), doc)


def dump_all(docs: Iterable[Any], *, header: str | None = None) -> str:
    """Several YAML documents separated by ``---`` lines (none before the first), with an optional header."""
    yaml = _make_yaml()
    return _header_lines(header) + "---\n".join(_dump_one(yaml, doc) for doc in docs)
