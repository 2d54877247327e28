"""The guard around user code: a time limit (SIGALRM on the main thread, a watchdog elsewhere) and no
file writes or chdir while a definition loads or builds; reading files, temp files outside the project
and bytecode caches stay allowed. (The CLI cases are in ``test_bad_input_corpus.py``.)"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest

from kro_gen.errors import DefinitionError
from kro_gen.project.guard import guarded
from kro_gen.project.loader import load_definitions

from .test_project_loader import graph_source, write


@pytest.fixture
def definitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "definitions"
    folder.mkdir()
    return folder


def test_reading_files_temp_files_and_helpers_are_allowed(definitions: Path) -> None:
    write(definitions, "values.txt", "from-a-file\n")
    write(definitions, "_helper.py", "NAME = 'helped'\n")
    source = graph_source("reader", "Reader") + (
        "import tempfile\nfrom pathlib import Path\nimport _helper\n"
        "TEXT = (Path(__file__).parent / 'values.txt').read_text()\n"
        "with tempfile.NamedTemporaryFile('w') as scratch:\n    scratch.write(TEXT)\n"
    )
    write(definitions, "reader.py", source)
    (loaded,) = load_definitions(definitions)
    assert loaded.graph.name == "reader"


def test_writes_are_refused_before_they_happen_and_allowed_again_after(definitions: Path) -> None:
    target = definitions.parent / "gitops" / "x.yaml"
    write(definitions, "writer.py", f"from pathlib import Path\nPath({str(target)!r}).parent.mkdir()\n")
    with pytest.raises(DefinitionError) as caught:
        load_definitions(definitions)
    assert caught.value.rule == "definition-side-effect"
    assert str(caught.value).startswith(
        f"definitions/writer.py:2: a definition calls os.mkdir('{target.parent}')"
    )
    assert not target.parent.exists()
    target.parent.mkdir()  # kro-gen itself (and anything outside a guarded block) still writes
    target.write_text("ok\n")


def test_the_time_limit_restores_the_previous_alarm_handler(definitions: Path) -> None:
    def mine(signum: int, frame: object) -> None:
        raise AssertionError("never called")

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        with guarded(definitions / "x.py", definitions, definitions.parent, timeout=5):
            pass
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_loop_is_stopped_on_another_thread_too(definitions: Path) -> None:
    write(definitions, "spin.py", "n = 0\nwhile True:\n    n += 1\n")
    caught: list[BaseException] = []

    def load() -> None:
        try:
            load_definitions(definitions, timeout=0.3)
        except BaseException as error:
            caught.append(error)

    worker = threading.Thread(target=load)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    (error,) = caught
    assert isinstance(error, DefinitionError) and error.rule == "definition-timeout"
    assert str(error).startswith("definitions/spin.py:")
    assert "took longer than 0.3 s (definition_timeout)" in str(error)
