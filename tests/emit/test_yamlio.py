"""The YAML dumper: every string reads back identically through YAML 1.2 and YAML 1.1 readers."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml  # test-only YAML 1.1 reader
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kro_gen.emit.yamlio import dump_all, dump_yaml, scalar_style
from kro_gen.errors import ValidationError
from tests.support_reference import SEED, TESTS, needs_seed

#: The seed's nginx.conf as committed in the golden development ConfigMap (tests/test_seed.py checks it
#: is the seed's template literal, byte for byte), so the kubectl test runs without the seed.
GOLDEN_CONFIGMAP = TESTS / "golden" / "direct-development" / "configmap-gateway-config.yaml"

TRICKY = [
    *["yes", "no", "on", "off", "y", "n", "true", "false", "null", "~", "0777", "1e3", "1_000", "0x1F"],
    *["12:30:00", ".inf", "2026-01-01"],
    *["Yes", "NO", "On", "NULL", "-.inf", ".NaN", "0o17", "0b101", "+1", "-1", ".5", "1.10", "1.", "=", "<<"],
    *["", " ", "  lead", "trail ", "a: b", "a #b", "a:", "-", "- a", "? x", ": x"],
    *["[x", "{x", "*x", "&x", "!x", "|x", ">x", "'x", '"x', "%x", "@x", "`x", "#x", ",x", "]x", "}x"],
    *["${schema.spec.name}", "${schema.spec.name}-svc", '${a ? "x" : "y"}', "${a}: ${b}", "it's", 'say "hi"'],
    *["2001-12-14 21:59:43.10 -5", "2001-12-14t21:59:43.10-05:00", "1:20", "190:20:30", "0.1e-3"],
    *["a\nb", "a\nb\n", "a\nb\n\n", "\n", "\n\n", "\nlead", " indented\nnext", "trail  \nx", "   \n  x\n"],
    *["x\r\ny", "tab\there", "\ttab", "ünïcødé ✓", "\u2028", "\x85", "\x07", "\ufeff", "a\u00a0b", "😀"],
    *["---", "...", "--- x", "line\n---\nline", "line\n...\n", "# not a comment\nx", "k: v\n- item\n"],
    *["true\n", "null\n", "|\n>", "a  \n  b  \n   "],
]


def seed_nginx_conf() -> str:
    """The seed's nginx.conf template literal, byte for byte (leading newline, trailing spaces)."""
    assert SEED is not None
    text = SEED.read_text(encoding="utf-8")
    start = text.index("'nginx.conf': `") + len("'nginx.conf': `")
    return text[start : text.index("`", start)]


def ruamel_load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def golden_nginx_conf() -> str:
    conf: str = ruamel_load(GOLDEN_CONFIGMAP.read_text(encoding="utf-8"))["data"]["nginx.conf"]
    return conf


def assert_round_trips(value: Any) -> str:
    out = dump_yaml(value)
    assert ruamel_load(out) == value, out
    assert pyyaml.safe_load(out) == value, out
    return out


@pytest.mark.parametrize("text", TRICKY, ids=[repr(t) for t in TRICKY])
def test_tricky_strings_round_trip_as_values_keys_and_list_items(text: str) -> None:
    doc = {"value": text, "list": [text, {"nested": text}], text: "as-key"}
    out = assert_round_trips(doc)
    loaded = pyyaml.safe_load(out)
    assert type(loaded["value"]) is str and type(loaded["list"][0]) is str


def test_yaml_11_words_and_numbers_are_quoted_and_expressions_stay_plain() -> None:
    out = dump_yaml({"a": "yes", "b": "0777", "c": "${schema.spec.name}-svc", "d": '${a ? "x" : "y"}'})
    assert out == textwrap.dedent(
        """\
        a: 'yes'
        b: '0777'
        c: ${schema.spec.name}-svc
        d: '${a ? "x" : "y"}'
        """
    )


def test_scalar_style_choices() -> None:
    assert scalar_style("plain-word") is None
    assert scalar_style("${schema.spec.name}") is None
    assert scalar_style("on") == "'"
    assert scalar_style("a: b") == "'"
    assert scalar_style("line\nline") == "|"
    assert scalar_style("cr\r\nlf") == '"'  # a literal block would turn CRLF into LF
    assert scalar_style("bell\x07") == '"'


@needs_seed
def test_seed_nginx_conf_is_a_faithful_literal_block() -> None:
    conf = seed_nginx_conf()
    assert conf.startswith("\n") and conf.endswith("          ") and "    \n" in conf
    out = assert_round_trips({"data": {"nginx.conf": conf}})
    assert "nginx.conf: |2-\n" in out  # literal, explicit indentation (leading newline), strip chomping
    assert '"' not in out.split("\n")[1]


def test_types_and_insertion_order_are_kept() -> None:
    doc = {"z": 1, "a": 2.5, "m": True, "b": None, "k": [], "e": {}, "list": [3, "3", False, "false"]}
    out = assert_round_trips(doc)
    assert [line.split(":")[0] for line in out.splitlines()[:6]] == ["z", "a", "m", "b", "k", "e"]
    assert "k: []\n" in out and "e: {}\n" in out


def test_lists_are_indented_under_their_key() -> None:
    out = dump_yaml({"spec": {"containers": [{"name": "a", "image": "b"}]}})
    assert out == "spec:\n  containers:\n    - name: a\n      image: b\n"


def test_long_lines_are_never_folded() -> None:
    long = "word " * 200 + "end"
    out = dump_yaml({"k": long, "l": ["x" * 5000]})
    assert len(out.splitlines()) == 3
    assert ruamel_load(out) == {"k": long, "l": ["x" * 5000]}


def test_header_newline_and_no_document_start() -> None:
    out = dump_yaml({"a": 1}, header="Code generated by kro-gen. DO NOT EDIT.\n\nsecond")
    assert out == "# Code generated by kro-gen. DO NOT EDIT.\n#\n# second\na: 1\n"
    assert "\r" not in out and out.endswith("1\n") and not out.startswith("---")


def test_dump_all_separates_documents() -> None:
    out = dump_all([{"a": 1}, {"b": "x\n"}], header="h")
    assert out == "# h\na: 1\n---\nb: |\n  x\n"
    assert list(YAML(typ="safe", pure=True).load_all(out)) == [{"a": 1}, {"b": "x\n"}]
    assert list(pyyaml.safe_load_all(out)) == [{"a": 1}, {"b": "x\n"}]


def test_tuples_and_mapping_types_are_plain_data() -> None:
    from collections import OrderedDict
    from types import MappingProxyType

    out = dump_yaml({"t": (1, 2), "o": OrderedDict(b=1, a=2), "p": MappingProxyType({"x": "v"})})
    assert out == "t:\n  - 1\n  - 2\no:\n  b: 1\n  a: 2\np:\n  x: v\n"


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"spec": {"items": [1, object()]}}, "spec.items[1]"),
        ({"spec": {"ratio": float("nan")}}, "spec.ratio"),
        ({"spec": {1: "x"}}, "spec"),
        ({"s": {1, 2}}, "s"),
    ],
)
def test_non_plain_values_are_located_errors(value: Any, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        dump_yaml(value)
    assert caught.value.location.path == path
    assert caught.value.rule == "yaml-value"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_any_text_round_trips(text: str) -> None:
    assert_round_trips({"v": text, "l": [text], text: 1})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", " ", "\n", "  ", "#", ":", "-", "x  ", "\t", "'", '"', "${"]), max_size=12)
)
def test_whitespace_heavy_multiline_text_round_trips(parts: list[str]) -> None:
    assert_round_trips({"v": "".join(parts), "l": ["".join(parts)]})


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_kubectl_reads_tricky_configmap_values_back(tmp_path: Path) -> None:
    """kubectl parses with go-yaml v2 (YAML 1.1 booleans and octals): the hardest reader to satisfy."""
    data = {f"k{i}": text for i, text in enumerate([*TRICKY, golden_nginx_conf()])}
    annotations = {f"a{i}": text for i, text in enumerate(TRICKY)}
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "tricky", "annotations": annotations},
        "data": data,
    }
    path = tmp_path / "cm.yaml"
    path.write_text(dump_yaml(configmap, header="header"), encoding="utf-8")
    result = subprocess.run(
        ["kubectl", "label", "--local", "-f", str(path), "probe=1", "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(result.stdout)
    assert loaded["data"] == data
    assert loaded["metadata"]["annotations"] == annotations


def test_output_is_byte_identical_across_hash_seeds() -> None:
    script = (
        "import sys\n"
        "from kro_gen.emit.yamlio import dump_yaml\n"
        "doc = {'b': sorted({'y', 'x', 'z'}), 'a': {str(i): i for i in range(50)}, 'n': 'on'}\n"
        "sys.stdout.write(dump_yaml(doc, header='h'))\n"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        outputs.add(
            subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=True).stdout
        )
    assert len(outputs) == 1
    assert outputs.pop().startswith(b"# h\nb:\n  - x\n  - 'y'\n")


def test_stream_is_utf8_text() -> None:
    out = dump_yaml({"name": "ünï ✓"})
    assert out == "name: ünï ✓\n"
    assert pyyaml.safe_load(io.StringIO(out)) == {"name": "ünï ✓"}


def test_reusing_dumps_returns_an_earlier_text_for_the_same_document_and_types() -> None:
    from kro_gen.emit.yamlio import dump_key, reusing_dumps

    doc = {"kind": "ConfigMap", "data": {"a": "1"}}
    key = dump_key(doc, "h")
    assert key is not None and key == dump_key({"kind": "ConfigMap", "data": {"a": "1"}}, "h")
    assert key not in (dump_key(doc, "other header"), dump_key({"kind": "ConfigMap", "data": {"a": 1}}, "h"))
    with reusing_dumps({key: "# the earlier text\n"}) as seen:
        assert dump_yaml(doc, header="h") == "# the earlier text\n"  # reused, not dumped
        fresh = dump_yaml({"kind": "Secret"})
    assert fresh == "kind: Secret\n"
    assert seen[key] == "# the earlier text\n" and seen[str(dump_key({"kind": "Secret"}, None))] == fresh
    assert dump_yaml(doc, header="h") == "# h\nkind: ConfigMap\ndata:\n  a: '1'\n"  # outside: dumped


def test_dump_key_is_none_for_what_pickle_cannot_write() -> None:
    from kro_gen.emit.yamlio import dump_key

    assert dump_key({"f": lambda: 1}, None) is None


def test_the_style_regexes_agree_with_printable_on_every_code_point() -> None:
    from kro_gen.emit import yamlstyle

    for code in range(0x110000):
        char = chr(code)
        printable = yamlstyle._printable(char)
        faithful = printable and char not in yamlstyle._OTHER_BREAKS
        assert (yamlstyle._UNFAITHFUL.search(char) is None) is faithful, hex(code)
        assert (yamlstyle._NOT_PLAIN.search(char) is None) is (printable and char != "\n"), hex(code)
