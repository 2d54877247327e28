"""``kro-gen fmt PATH... [--check]``: RGD YAML files in kro-gen's canonical layout, meaning unchanged.

A file is formatted when it holds at least one ResourceGraphDefinition; other YAML files are left
alone, so the command (and its pre-commit hook) can be pointed at a whole folder. Each document is
laid out by :func:`kro_gen.emit.rgd_format.format_rgd` (other objects in the same file get their
header fields first) and written by kro-gen's YAML dumper. Comments are kept with what they
describe: the comment lines at the top of a document stay there, a comment line stays above the
field (or list item) below it, wherever that field moves, and a comment at the end of a line stays at
the end of that field's line. Before a file is written, the result is read back and compared with
the original: the same data, and the same expression tree for every ``${...}``; otherwise the file is
refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kro_gen.errors import ConfigError, Location

_SEPARATOR = re.compile(r"^---(\s|$)")


@dataclass(frozen=True)
class Formatted:
    """One file: its text now, its formatted text (None when it holds no RGD)."""

    path: Path
    before: str
    after: str | None

    @property
    def changed(self) -> bool:
        """True when formatting changes the file."""
        return self.after is not None and self.after != self.before


def format_text(text: str, label: str) -> str | None:
    """``text`` formatted, or None when it holds no RGD.

    Raises:
        ConfigError: invalid YAML, a comment that would be lost, or (never expected) a result whose
            meaning differs from the input.
    """
    from kro_gen.check.files import load_stream
    from kro_gen.emit.rgd_format import format_object, format_rgd
    from kro_gen.emit.yamlio import dump_yaml
    from kro_gen.pipeline.rgd_source import is_rgd

    documents, problems = load_stream(text)
    if problems:
        raise ConfigError(
            problems[0].message,
            location=Location(file=f"{label}:{problems[0].line}"),
            hint="fix the YAML first",
            rule=problems[0].rule,
        )
    if not any(isinstance(d.body, dict) and is_rgd(d.body) for d in documents):
        return None
    headers = _headers(text, [document.line for document in documents])
    comments = _comments(text)
    separators = [number for number, line in enumerate(text.splitlines(), start=1) if _SEPARATOR.match(line)]
    parts = []
    for document, header in zip(documents, headers, strict=True):
        end = next((line for line in separators if line > document.line), len(text.splitlines()) + 1)
        body = document.body
        formatted = format_rgd(body) if isinstance(body, dict) and is_rgd(body) else body
        if isinstance(formatted, dict) and formatted is body:
            formatted = format_object(body)
        inner = [c for c in comments if document.line <= c.line < end]
        parts.append(header + _with_comments(dump_yaml(formatted), document.lines, inner))
    result = "---\n".join(parts)
    _check_meaning(text, result, label)
    return result


def format_file(path: Path) -> Formatted:
    """Read and format one file (see :func:`format_text`)."""
    try:
        before = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}", rule="file-unreadable") from error
    return Formatted(path, before, format_text(before, str(path)))


def yaml_files(paths: list[Path]) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files under ``paths`` (given files as they are), sorted, without
    hidden and virtual-environment folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix in (".yaml", ".yml")
                and p.is_file()
                and not any(
                    part.startswith(".") or part in ("venv", "node_modules")
                    for part in p.relative_to(path).parts[:-1]
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(
                f"{path} does not exist", hint="give RGD files or folders", rule="file-not-found"
            )
    return list(dict.fromkeys(found))


def _headers(text: str, starts: list[int]) -> list[str]:
    """The comment lines right above each document (after the previous ``---``), kept as they are."""
    lines = text.splitlines(keepends=True)
    headers = []
    for start in starts:
        header: list[str] = []
        index = start - 2  # the line above the document's first line (0-based)
        while index >= 0 and (lines[index].lstrip().startswith("#") or not lines[index].strip()):
            if _SEPARATOR.match(lines[index]):
                break
            header.insert(0, lines[index])
            index -= 1
        while header and not header[0].strip():
            header.pop(0)
        kept = [line if line.endswith("\n") else line + "\n" for line in header if line.strip()]
        headers.append("".join(kept))
    return headers


@dataclass(frozen=True)
class _Comment:
    """A comment of the source: its 1-based line, its text (``# ...``), and whether it ends a line."""

    line: int
    text: str
    trailing: bool


def _comments(text: str) -> list[_Comment]:
    """Every comment of ``text``, from ruamel's scanner (comments inside block scalars are text)."""
    from ruamel.yaml import YAML

    lines = text.splitlines()
    found: dict[int, _Comment] = {}

    def collect(item: Any) -> None:
        if isinstance(item, list):
            for inner in item:
                collect(inner)
        elif item is not None and hasattr(item, "start_mark"):
            row, column = item.start_mark.line, item.start_mark.column  # where its first "#" is
            for offset, segment in enumerate(str(item.value).lstrip("\n").split("\n")):
                if segment.strip().startswith("#") and row + offset < len(lines):
                    source = lines[row + offset]
                    trailing = offset == 0 and bool(source[:column].strip())
                    found[row + offset + 1] = _Comment(row + offset + 1, segment.strip(), trailing)

    for token in YAML().scan(text):
        collect(getattr(token, "_comment", None))
    return sorted(found.values(), key=lambda comment: comment.line)


def _with_comments(output: str, source_lines: dict[Any, int], comments: list[_Comment]) -> str:
    """``output`` (one dumped document) with each comment placed by the field path it belongs to."""
    if not comments:
        return output
    from kro_gen.check.files import load_stream

    (document,), _ = load_stream(output)
    by_line: dict[int, list[tuple[Any, ...]]] = {}
    for path, at in source_lines.items():
        by_line.setdefault(at, []).append(tuple(path))
    ordered_lines = sorted(by_line)
    lines = output.splitlines()
    above: dict[int, list[str]] = {}
    after: dict[int, str] = {}
    tail: list[str] = []
    for comment in comments:
        if comment.trailing:
            paths = by_line.get(comment.line)
            target = max(paths, key=len) if paths else None
        else:
            following = next((at for at in ordered_lines if at > comment.line), None)
            target = min(by_line[following], key=len) if following is not None else None
        new_line = document.lines.get(target) if target is not None else None
        if new_line is None:
            tail.append(comment.text)
        elif comment.trailing:
            after[new_line] = comment.text
        else:
            above.setdefault(new_line, []).append(comment.text)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        indent = line[: len(line) - len(line.lstrip())]
        out += [indent + comment for comment in above.get(number, [])]
        out.append(f"{line}  {after[number]}" if number in after else line)
    out += tail
    return "\n".join(out) + "\n"


def meaning(value: Any) -> Any:
    """What a document means to kro: its data, with each string holding ``${`` replaced by its
    parsed expression trees (so spacing and quoting inside expressions do not count)."""
    from kro_gen.errors import KroGenError
    from kro_gen.expr.kro_text import parse_field

    if isinstance(value, str):
        if "${" not in value:
            return value
        try:
            return ("expr", parse_field(value))
        except KroGenError:
            return value
    if isinstance(value, dict):
        return {key: meaning(item) for key, item in value.items()}
    if isinstance(value, list):
        return [meaning(item) for item in value]
    return value


def _check_meaning(before: str, after: str, label: str) -> None:
    from kro_gen.check.files import load_stream

    old = [meaning(d.body) for d in load_stream(before)[0]]
    new_documents, problems = load_stream(after)
    if problems or old != [meaning(d.body) for d in new_documents]:
        raise ConfigError(  # pragma: no cover - a bug in the formatter, never the user's file
            "formatting would change what the file means; it is left as it is",
            location=Location(file=label),
            hint="report this as a kro-gen bug, with the file",
            rule="fmt-meaning",
        )
