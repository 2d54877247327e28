"""Loading ``definitions/``: isolation, helpers, definitions importing each other, and located errors."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from kro_gen.errors import DefinitionError
from kro_gen.project.loader import definition_files, load_definitions


def graph_source(name: str, kind: str, group: str = "demo.example.com") -> str:
    return textwrap.dedent(
        f"""\
        from pydantic import BaseModel
        from kro_gen import ResourceGraph

        class Spec(BaseModel):
            name: str

        graph = ResourceGraph({name!r}, api_version="{group}/v1alpha1", kind={kind!r}, spec=Spec)
        """
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def definitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages show paths relative to the working directory
    folder = tmp_path / "definitions"
    folder.mkdir()
    return folder


def test_graphs_come_in_file_order_and_helpers_are_skipped(definitions: Path) -> None:
    write(definitions, "b.py", graph_source("bee", "Bee"))
    write(definitions, "a.py", graph_source("ant", "Ant"))
    write(definitions, "_private.py", graph_source("hidden", "Hidden"))
    write(definitions, "sub/nested.py", graph_source("nested", "Nested"))
    loaded = load_definitions(definitions)
    assert [(item.graph.name, item.source_path.name) for item in loaded] == [("ant", "a.py"), ("bee", "b.py")]
    assert [p.name for p in definition_files(definitions)] == ["a.py", "b.py"]


def test_definitions_import_helpers_and_helpers_are_forgotten_after_loading(definitions: Path) -> None:
    write(definitions, "_naming.py", "PREFIX = 'team'\n")
    write(definitions, "app.py", graph_source("app", "App").replace("'app'", "_naming.PREFIX + '-app'"))
    (definitions / "app.py").write_text("import _naming\n" + (definitions / "app.py").read_text())
    (loaded,) = load_definitions(definitions)
    assert loaded.graph.name == "team-app"
    assert "_naming" not in sys.modules
    assert str(definitions.resolve()) not in sys.path

    write(definitions, "_naming.py", "PREFIX = 'ops'\n")  # a fresh run sees the edited helper
    (reloaded,) = load_definitions(definitions)
    assert reloaded.graph.name == "ops-app"


def test_a_definition_imported_by_another_is_executed_once(
    definitions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str] = []
    monkeypatch.setattr(sys, "kro_gen_test_runs", runs, raising=False)  # definitions may not write files
    write(
        definitions,
        "database.py",
        graph_source("database", "Database") + "import sys\nsys.kro_gen_test_runs.append('ran')\n",
    )
    # app.py sorts first, so it imports database.py before the loader reaches that file.
    write(definitions, "app.py", graph_source("app", "App") + "from database import graph as inner\n")
    loaded = load_definitions(definitions)
    assert runs == ["ran"]
    # The graph app.py imported is the very object database.py defines: listed once, under its own file.
    assert [(item.graph.name, item.source_path.name) for item in loaded] == [
        ("app", "app.py"),
        ("database", "database.py"),
    ]
    assert "database" not in sys.modules


def test_a_file_named_like_a_stdlib_module_does_not_shadow_it(definitions: Path) -> None:
    write(definitions, "json.py", graph_source("json-api", "JsonApi"))
    write(definitions, "uses_json.py", "import json\nVALUE = json.dumps({'a': 1})\n")
    (loaded,) = load_definitions(definitions)
    assert loaded.graph.name == "json-api"
    import json

    assert json.dumps([1]) == "[1]"


def test_a_syntax_error_names_file_and_line(definitions: Path) -> None:
    write(definitions, "broken.py", "x = 1\ndef oops(:\n")
    with pytest.raises(DefinitionError) as caught:
        load_definitions(definitions)
    assert caught.value.location.file == "definitions/broken.py:2"
    assert str(caught.value).startswith("definitions/broken.py:2: SyntaxError:")
    assert "\n" not in str(caught.value)


def test_an_exception_names_the_users_innermost_frame(definitions: Path) -> None:
    write(definitions, "_helpers.py", "def lookup(key):\n    table = {}\n    return table[key]\n")
    write(definitions, "app.py", "import _helpers\n\nVALUE = _helpers.lookup('replicas')\n")
    with pytest.raises(DefinitionError) as caught:
        load_definitions(definitions)
    message = str(caught.value)
    assert message.startswith("definitions/_helpers.py:3: KeyError: 'replicas'")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_multi_line_exception_message_becomes_one_line(definitions: Path) -> None:
    write(definitions, "app.py", "raise ValueError('first line\\nsecond line')\n")
    with pytest.raises(DefinitionError) as caught:
        load_definitions(definitions)
    assert str(caught.value).startswith("definitions/app.py:1: ValueError: first line second line")


def test_an_import_error_from_another_definition_names_it_as_the_user_wrote_it(definitions: Path) -> None:
    write(definitions, "database.py", graph_source("database", "Database"))
    write(definitions, "shop.py", "from database import grahp\n")
    with pytest.raises(DefinitionError) as caught:
        load_definitions(definitions)
    message = str(caught.value)
    assert message.startswith("definitions/shop.py:1: ImportError: cannot import name 'grahp' from")
    assert "from 'database' (" in message
    assert "_kro_gen_definition_" not in message  # kro-gen's private module names stay private


def test_a_pydantic_validation_error_is_one_readable_line(definitions: Path) -> None:
    write(
        definitions,
        "app.py",
        graph_source("app", "App") + "\nSpec(name=3)\n",
    )
    with pytest.raises(DefinitionError) as caught:
        load_definitions(definitions)
    message = str(caught.value)
    assert message.startswith("definitions/app.py:9: ValidationError: Spec is invalid: name: Input should be")
    assert "errors.pydantic.dev" not in message and "[type=" not in message  # pydantic's noise


def test_kro_gen_errors_keep_their_message_and_gain_the_users_line(definitions: Path) -> None:
    write(
        definitions,
        "app.py",
        graph_source("app", "App").replace('"demo.example.com/v1alpha1"', '"nodot/v1alpha1"'),
    )
    with pytest.raises(DefinitionError) as caught:
        load_definitions(definitions)
    assert caught.value.rule == "schema-group"
    assert caught.value.location.file == "definitions/app.py:7"
    assert caught.value.location.graph == "app"


@pytest.mark.parametrize(
    ("second", "what"),
    [(graph_source("app", "Other"), "the name 'app'"), (graph_source("other", "App"), "the kind App")],
)
def test_two_graphs_with_the_same_name_or_kind_name_both_files(
    definitions: Path, second: str, what: str
) -> None:
    write(definitions, "first.py", graph_source("app", "App"))
    write(definitions, "second.py", second)
    with pytest.raises(DefinitionError) as caught:
        load_definitions(definitions)
    message = str(caught.value)
    assert what in message
    assert "definitions/second.py:7" in message and "definitions/first.py:7" in message


def test_the_same_kind_in_another_group_is_fine(definitions: Path) -> None:
    write(definitions, "first.py", graph_source("one", "App", group="a.example.com"))
    write(definitions, "second.py", graph_source("two", "App", group="b.example.com"))
    assert [item.graph.name for item in load_definitions(definitions)] == ["one", "two"]


def test_a_missing_folder_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="does not exist") as caught:
        load_definitions(tmp_path / "nope")
    assert caught.value.rule == "definitions-missing"


def test_an_edit_that_keeps_size_and_mtime_is_seen_despite_bytecode(
    definitions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util
    import os

    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as on a machine that writes .pyc files
    helper = write(definitions, "_naming.py", "PREFIX = 'one'\n")
    app = write(
        definitions,
        "app.py",
        "import _naming\n" + graph_source("app", "App").replace("'app'", "_naming.PREFIX"),
    )
    (loaded,) = load_definitions(definitions)
    assert loaded.graph.name == "one"
    for path in (app, helper):  # PEP 552 checked-hash bytecode, which Python itself also reads
        data = Path(importlib.util.cache_from_source(str(path))).read_bytes()
        assert data[:4] == importlib.util.MAGIC_NUMBER and data[4:8] == (3).to_bytes(4, "little")

    stats = {path: path.stat() for path in (app, helper)}
    helper.write_text("PREFIX = 'two'\n", encoding="utf-8")  # same size, and the same mtime below
    app.write_text(app.read_text().replace("kind='App'", "kind='Bpp'"), encoding="utf-8")
    for path, stat in stats.items():
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert path.stat().st_size == stat.st_size
    (reloaded,) = load_definitions(definitions)
    assert (reloaded.graph.name, reloaded.graph.kind) == ("two", "Bpp")
