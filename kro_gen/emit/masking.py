"""Secret values kept out of what kro-gen prints: ``render`` output and file diffs.

Every literal value under ``data`` or ``stringData`` of a ``Secret`` (a top-level object, or a template
inside an RGD) is replaced by ``<masked: N bytes>``. Expressions (``${...}``) stay visible: they name
where a value comes from, not the value. Objects are masked exactly (:func:`mask_objects`); text, such
as a hand-edited file that may not even parse, line by line (:func:`mask_text`), so a diff keeps its
shape and still shows which lines changed.

>>> secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
...           "stringData": {"PASSWORD": "hunter2", "HOST": "${schema.spec.host}"}}
>>> mask_objects(secret)["stringData"]
{'PASSWORD': '<masked: 7 bytes>', 'HOST': '${schema.spec.host}'}
>>> print(mask_text("kind: Secret\\nstringData:\\n  PASSWORD: hunter2\\n"), end="")
kind: Secret
stringData:
  PASSWORD: <masked: 7 bytes>
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kro_gen.graph.secrets import SECRET_FIELDS, is_secret

_FIELD_LINE = re.compile(r"""^( *)(["']?)(data|stringData)\2:(?:[ \t]+(.*?))?[ \t]*$""")
_KEY_LINE = re.compile(
    r"""^( *)((?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"][^:#]*?)):(?:[ \t]+(.*?))?[ \t]*$"""
)
_ITEM = re.compile(r"^( *)- +")
_KIND_SECRET = re.compile(r"""^ *(?:- +)?kind: *(["']?)Secret\1 *(?:#.*)?$""")

Label = Callable[[str], str]


def masked(value: str) -> str:
    """The text shown instead of a secret ``value``: its size only."""
    return f"<masked: {len(value.encode('utf-8'))} bytes>"


def mask_objects(value: Any) -> Any:
    """A copy of ``value`` (objects, lists, nested RGD templates) with every Secret value masked."""
    if isinstance(value, Mapping):
        out = {key: mask_objects(item) for key, item in value.items()}
        if is_secret(value):
            for field in SECRET_FIELDS:
                values = value.get(field)
                if isinstance(values, Mapping):
                    out[field] = {key: _mask_value(item) for key, item in values.items()}
        return out
    if isinstance(value, list):
        return [mask_objects(item) for item in value]
    return value


def _mask_value(value: Any) -> Any:
    if isinstance(value, str) and "${" in value:
        return value
    return masked(value if isinstance(value, str) else str(value))


def mask_pair(before: str | None, after: str | None) -> tuple[str | None, str | None]:
    """Two versions of a file masked for a diff, as ``<masked: N bytes, value K>``: ``K`` numbers the
    distinct values of the pair, so a changed value still shows as a changed line, without its text."""
    if "Secret" not in (before or "") and "Secret" not in (after or ""):
        return before, after
    seen: dict[str, int] = {}

    def label(value: str) -> str:
        number = seen.setdefault(value, len(seen) + 1)
        return f"{masked(value)[:-1]}, value {number}>"

    return (
        None if before is None else mask_text(before, label),
        None if after is None else mask_text(after, label),
    )


def mask_text(text: str, label: Label = masked) -> str:
    """``text`` (YAML, one or more documents) with the values under ``data``/``stringData`` of every
    mapping that also holds ``kind: Secret`` replaced by ``label(value)``; block scalars become one
    line. Lines are otherwise kept byte for byte, so text that does not parse is masked too."""
    if "Secret" not in text:
        return text
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    index = 0
    while index < len(lines):
        match = _FIELD_LINE.match(lines[index].rstrip("\r\n"))
        if match is None or not _in_secret(lines, index, len(match.group(1))):
            out.append(lines[index])
            index += 1
            continue
        indent, inline = len(match.group(1)), match.group(4)
        if inline:
            out.append(lines[index] if "${" in inline else _replace_value(lines[index], inline, label))
            index += 1
            continue
        out.append(lines[index])
        index = _mask_children(lines, index + 1, indent, out, label)
    return "".join(out)


def _indent(line: str) -> int | None:
    """The indent of a content line; None for blank and comment lines."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    return len(line) - len(line.lstrip(" "))


def _in_secret(lines: list[str], at: int, indent: int) -> bool:
    """Whether the mapping that holds the key on line ``at`` (at ``indent``) has ``kind: Secret``."""
    for step in (-1, 1):
        index = at + step
        while 0 <= index < len(lines) and not lines[index].startswith(("---", "...")):
            own = _indent(lines[index])
            if own is not None:
                item = _ITEM.match(lines[index])
                key_at = len(item.group(0)) if item else own
                if key_at == indent and _KIND_SECRET.match(lines[index].rstrip("\r\n")):
                    return True
                if own < indent:  # the parent, or the list item that starts this mapping
                    break
            index += step
    return False


def _continuation(lines: list[str], index: int, child: int) -> int:
    """The index after the lines, from ``index``, that continue a value at indent ``child``."""
    end = index
    while index < len(lines):
        own = _indent(lines[index])
        if own is not None and own <= child:
            break
        if own is not None:
            end = index + 1
        index += 1
    return end


def _mask_children(lines: list[str], index: int, parent: int, out: list[str], label: Label) -> int:
    """Mask the entries of the mapping below a ``data:`` line; return the index after it."""
    child: int | None = None
    while index < len(lines):
        own = _indent(lines[index])
        if own is None:
            out.append(lines[index])
            index += 1
            continue
        if own <= parent or lines[index].startswith(("---", "...")):
            break
        child = own if child is None else child
        line = lines[index].rstrip("\r\n")
        match = _KEY_LINE.match(line)
        index += 1
        if match is None or own != child:
            continue  # not a key line of this mapping: drop it (part of a masked value)
        value = match.group(3) or ""
        end = _continuation(lines, index, child)
        tail = [line.strip() for line in lines[index:end]]
        index = end
        if "${" in value and not tail:
            out.append(lines[index - 1])
            continue
        if value[:1] in ("|", ">"):
            value = "\n".join(tail)
        elif tail:
            value = " ".join([value, *tail])
        out.append(_replace_value(lines[index - 1 - len(tail)], match.group(3) or "", label, value))
    return index


def _replace_value(line: str, shown: str, label: Label, value: str | None = None) -> str:
    """``line`` with its value text ``shown`` replaced by ``label(value)`` (``value``: the real text)."""
    end = line[len(line.rstrip("\r\n")) :] or "\n"
    body = line.rstrip("\r\n").rstrip()
    head = body[: len(body) - len(shown)] if shown else body + " "
    return f"{head}{label(_scalar(value if value is not None else shown))}{end}"


def _scalar(text: str) -> str:
    """The value of a one-line YAML scalar as written (quotes removed); good enough for a size."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
