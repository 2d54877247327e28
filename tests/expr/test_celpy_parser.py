"""cel-python's parser saved once per machine (kro_gen.expr.celpy_parser): a loaded parser parses and
evaluates exactly as a freshly built one, and a file that cannot be trusted is never loaded."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import celpy
import pytest
from celpy.celparser import CELParser

from kro_gen.expr import celpy_parser

TREE = celpy.InterpretedRunner.tree_node_class
EXPRESSIONS = [
    ("a.b[0].c + 1 > 2 && [1, 2].exists(x, x == 2) ? 'yes' : 'no'", {"a": {"b": [{"c": 5}]}}),
    ("size(s) * 2 + (s.startsWith('x') ? 1 : 0)", {"s": "x,y,z"}),
    ("has(m.k) ? m.k : 'default-' + string(n)", {"m": {}, "n": 3}),
    ("l.map(x, x * 10).filter(y, y > 10)", {"l": [1, 2, 3]}),
    ("true == false || null == null", {}),
    ("d['key-with-dash'] == 'v' && 3u > 2u", {"d": {"key-with-dash": "v"}}),
]


@pytest.fixture
def fresh_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder and no shared parser; the process's own parser is restored afterwards."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KRO_GEN_USER_CACHE_DIR", str(folder))
    kept = CELParser.CEL_PARSER
    CELParser.CEL_PARSER = None
    yield folder
    CELParser.CEL_PARSER = kept


def results() -> list[object]:
    environment = celpy.Environment()
    found: list[object] = []
    for text, data in EXPRESSIONS:
        ast = environment.compile(text)
        activation = {name: celpy.json_to_cel(value) for name, value in data.items()}
        found.append((ast, environment.program(ast).evaluate(activation)))
    return found


def test_a_saved_parser_parses_and_evaluates_like_a_built_one(fresh_parser: Path) -> None:
    assert not celpy_parser.load_saved_parser(TREE)  # nothing saved yet
    built = results()  # cel-python builds its parser
    celpy_parser.save_parser(TREE)
    (saved,) = fresh_parser.iterdir()
    assert saved.name.startswith("cel-parser-") and oct(fresh_parser.stat().st_mode & 0o777) == "0o700"
    CELParser.CEL_PARSER = None
    assert celpy_parser.load_saved_parser(TREE)
    assert CELParser.CEL_PARSER is not None
    assert results() == built


def test_a_truncated_file_is_not_loaded(fresh_parser: Path) -> None:
    celpy.Environment()
    celpy_parser.save_parser(TREE)
    (saved,) = fresh_parser.iterdir()
    saved.write_bytes(saved.read_bytes()[:1000])
    CELParser.CEL_PARSER = None
    assert not celpy_parser.load_saved_parser(TREE)
    assert CELParser.CEL_PARSER is None
    assert results()  # cel-python builds it again


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_to_is_not_trusted(fresh_parser: Path) -> None:
    celpy.Environment()
    celpy_parser.save_parser(TREE)
    fresh_parser.chmod(0o777)
    CELParser.CEL_PARSER = None
    assert not celpy_parser.load_saved_parser(TREE)
    fresh_parser.chmod(0o700)
    assert celpy_parser.load_saved_parser(TREE)


def test_the_file_name_depends_on_the_tree_class(fresh_parser: Path) -> None:
    class OtherTree(TREE):  # type: ignore[misc, valid-type]
        pass

    assert celpy_parser.parser_file(TREE) != celpy_parser.parser_file(OtherTree)
    assert celpy_parser.parser_file(TREE) == celpy_parser.parser_file(TREE)


def test_no_cache_folder_means_build_and_nothing_saved(fresh_parser: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    os.environ["KRO_GEN_USER_CACHE_DIR"] = str(blocker / "below-a-file")
    celpy.Environment()
    celpy_parser.save_parser(TREE)  # cannot create the folder: ignored
    assert not (blocker / "below-a-file").exists()
    CELParser.CEL_PARSER = None
    assert not celpy_parser.load_saved_parser(TREE)
