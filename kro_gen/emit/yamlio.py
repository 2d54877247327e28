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

import hashlib
import io
import math
import pickle
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from kro_gen.emit.yamlfast import fast_document
from kro_gen.emit.yamlstyle import scalar_style
from kro_gen.errors import Location, ValidationError

__all__ = [
    "dump_all",
    "dump_key",
    "dump_yaml",
    "note_dump",
    "recording_dumps",
    "reusing_dumps",
    "scalar_style",
]


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
        hint="render expressions to strings (kro_gen.expr.fields.field_value) before emitting",
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


def _dump_pure(yaml: Any, doc: Any) -> str:
    stream = io.StringIO()
    yaml.dump(_plain(doc, ""), stream)
    return stream.getvalue()


def _dump_one(doc: Any, pure: bool, yaml: list[Any]) -> str:
    """One document: the fast writer, or ruamel's emitter (``pure``, or a shape the fast one leaves to it).

    ``yaml`` holds the ruamel instance once made (shared by the documents of one ``dump_all``).
    """
    if not pure:
        text = fast_document(doc)
        if text is None:
            doc = _plain(doc, "")  # exact built-in types (or a located error), then once more
            text = fast_document(doc)
        if text is not None:
            return text
    if not yaml:
        yaml.append(_make_yaml())
    return _dump_pure(yaml[0], doc)


def dump_yaml(doc: Any, *, header: str | None = None, pure: bool = False) -> str:
    """One YAML document as text, following the module's rules.

    Args:
        doc: plain data (usually a Kubernetes object as a dict).
        header: optional comment text; each of its lines becomes a ``# `` line above the document.
        pure: write with ruamel.yaml's own (pure-Python) emitter, the reference the fast writer matches
            byte for byte (for tests and for comparing); the output is the same either way.

    Raises:
        ValidationError: ``doc`` holds something that is not plain data (the error names its path).
    """
    key = dump_key(doc, header) if _reusers and not pure else None
    if key is None:
        text = _header_lines(header) + _dump_one(doc, pure, [])
    else:
        earlier, seen = _reusers[-1]
        found = earlier.get(key) or seen.get(key)
        text = found if found is not None else _header_lines(header) + _dump_one(doc, pure, [])
        seen[key] = text
    note_dump(text, doc)
    return text


def note_dump(text: str, doc: Any) -> None:
    """Record ``text`` as the dump of ``doc`` in the :func:`recording_dumps` blocks under way, as
    :func:`dump_yaml` does (for a caller that already holds ``dump_yaml(doc, ...)``'s text)."""
    if _recorders:
        body = doc if type(doc) is dict else _plain(doc, "")  # a dict is recorded as it is, not copied
        for recorder in _recorders:
            recorder[text] = body


_recorders: list[dict[str, Any]] = []
_reusers: list[tuple[Mapping[str, str], dict[str, str]]] = []


def dump_key(doc: Any, header: str | None) -> str | None:
    """A digest identifying ``doc`` (values *and* types, in order) and ``header``; ``None`` if unpicklable.

    Equal keys mean equal pickles, so equal data of equal types: :func:`dump_yaml` writes the same text
    for both. (Equal data may get different keys -- pickle records shared references -- which only
    costs a dump.)
    """
    try:
        data = pickle.dumps((doc, header), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an object pickle cannot write: dump it (and let dump_yaml name the problem)
        return None
    return hashlib.blake2b(data, digest_size=20).hexdigest()


@contextmanager
def reusing_dumps(earlier: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """Within the block, :func:`dump_yaml` returns the text an identical document was dumped to before.

    ``earlier`` maps :func:`dump_key` keys to texts (what an earlier run's block yielded); the block
    yields the keys and texts of this block's dumps, to give the next run. Dumping is the biggest cost
    of planning a tree whose graphs mostly did not change; a key costs a C pickle and a hash.
    """
    seen: dict[str, str] = {}
    _reusers.append((earlier, seen))
    try:
        yield seen
    finally:
        _reusers.pop()


@contextmanager
def recording_dumps() -> Iterator[dict[str, Any]]:
    """Within the block, every :func:`dump_yaml` result is recorded: text -> the plain data it holds.

    The data is what reading the text back gives (the dumper's round trip is property-tested; tuples
    read back as lists), so a reader of just-planned files (the rollout model) can skip parsing them.
    A ``dict`` document is recorded itself, not a copy: within the block, do not change a document
    after dumping it.
    """
    recorder: dict[str, Any] = {}
    _recorders.append(recorder)
    try:
        yield recorder
    finally:
        _recorders.remove(recorder)


def dump_all(docs: Iterable[Any], *, header: str | None = None, pure: bool = False) -> str:
    """Several YAML documents separated by ``---`` lines (none before the first), with an optional header."""
    yaml: list[Any] = []
    return _header_lines(header) + "---\n".join(_dump_one(doc, pure, yaml) for doc in docs)
