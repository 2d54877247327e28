"""The fast YAML writer writes exactly the bytes of ruamel's emitter (the pure path) on any document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kro_gen.emit import yamlfast
from kro_gen.emit.yamlio import dump_all, dump_yaml
from tests.emit.test_yamlio import TRICKY, golden_nginx_conf

REPO = Path(__file__).resolve().parents[2]

#: Pieces that hit every branch of ruamel's scalar analysis (indicators, quotes, breaks, special and
#: non-ASCII characters, YAML 1.1 words and numbers) and of the literal block writer.
PIECES = [
    *["a", "b", " ", "  ", "\n", "\n\n", "\t", "\r", "'", '"', "\\", "#", ":", "-", "?", ",", "[", "}"],
    *["${", "}", "---", "...", "yes", "No", "0x1", "1e3", "12:30", "2026-01-01", "~", "=", "<<", "|"],
    *["ü", "✓", "😀", "\x85", "\u2028", "\xa0", "\ufeff", "\x07", "\x1b", "\0", "\ud7ff", "\ue000"],
]
texts = st.one_of(
    st.sampled_from(TRICKY),
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)
keys = st.one_of(texts, st.text(min_size=95, max_size=130).filter(lambda t: "\n" not in t))
scalars = st.one_of(
    texts,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=24,
)


def pure(doc: Any) -> str:
    return dump_yaml(doc, pure=True)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(keys, documents, min_size=1, max_size=5))
def test_fast_and_pure_writers_agree_on_random_documents(doc: dict[str, Any]) -> None:
    assert dump_yaml(doc) == pure(doc)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_any_root_value_is_written_like_ruamel(doc: Any) -> None:
    """Roots the fast writer leaves to ruamel (scalars, lists, ``{}``) come out the same too."""
    assert dump_yaml(doc) == pure(doc)
    assert dump_all([doc, {"k": doc}]) == dump_all([doc, {"k": doc}], pure=True)


@pytest.mark.parametrize("text", [*TRICKY, golden_nginx_conf()], ids=repr)
def test_tricky_strings_agree_as_values_keys_and_list_items(text: str) -> None:
    doc: dict[str, Any] = {"v": text, "l": [text, [text, {"k": text}]], "m": {"n": {text: [text]}}}
    if "\n" not in text:
        doc[text] = text
    assert dump_yaml(doc) == pure(doc)


def test_the_fast_writer_really_writes_kubernetes_objects() -> None:
    """The committed tree's objects (multi-line strings, nested lists, quoting) take the fast path,
    not ruamel's, and come out byte for byte as committed."""
    yaml = YAML(typ="safe", pure=True)
    files = sorted((REPO / "gitops").rglob("*.yaml"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        body = text[len("".join(line for line in text.splitlines(True) if line.startswith("#"))) :]
        if "\n---\n" in body:
            continue
        doc = yaml.load(body)
        assert yamlfast.fast_document(doc) == body, path


def test_shapes_left_to_ruamel_still_agree() -> None:
    long_key = "k" * 140
    for doc in ({long_key: 1}, {"a\nb": 1}, [1, 2], "x", {}, {"t": (1, "x")}):
        assert dump_yaml(doc) == pure(doc)
    assert yamlfast.fast_document({long_key: 1}) is None
    assert yamlfast.fast_document([1]) is None
