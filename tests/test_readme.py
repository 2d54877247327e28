"""README.md is true: its examples run and its lists cover what the package offers.

What each fenced block of the README means to this test (GitHub shows only the first word of the info
string, the language; the rest is for this test):

- ```` ```python ````: executed in a fresh namespace, in an empty temporary working directory;
- ```` ```python continue ````: executed in the namespace of the python block before it;
- ```` ```python raises=NAME ```` (with or without ``continue``): the block must raise exception class
  NAME; its output is what it printed plus a last line ``NAME: str(error)``;
- ```` ```python excerpt=PATH ````: each run of lines between ``# ...`` lines is found verbatim, in
  order, in PATH (the whole file runs when the console blocks generate the project from it);
- ```` ```<lang> output ````: right after a python block, what that block prints;
- ```` ```console [exit=N] ```` / ```` ```shell ```` starting with ``$ kro-gen``: each ``$ kro-gen ...``
  line runs in a temporary copy of this project (a git repository with everything committed), and the
  lines after it are its output (stdout and stderr). Exit code 0 unless ``exit=N``. Blocks whose first
  line is another command (pip, kubectl, flux) are shown, not run.

Expected output is matched like a doctest with ellipsis: a line ``...`` stands for any number of lines,
``...`` inside a line for any text, and everything else must match line by line.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ELLIPSIS = "..."
_FENCE = re.compile(r"^```(\S*)(.*)$")
_IGNORED_NAMES = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
}


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    """What a project copy leaves out: caches, virtualenvs, build output, kro-gen's unfinished writes."""
    ignored = {name for name in names if name in _IGNORED_NAMES or name.endswith(".egg-info")}
    if Path(folder).name == ".kro-gen":
        ignored |= {name for name in names if name in ("staging", "journal.json")}
    if Path(folder) == ROOT:
        ignored |= {name for name in names if name in ("build", "dist")}
    return ignored


@dataclass
class Block:
    """One fenced block: its language, options from the info string, first content line and text."""

    language: str
    options: dict[str, str]
    line: int
    text: str
    section: str
    output: Block | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return f"L{self.line}-{self.language}"


def parse_blocks(text: str) -> list[Block]:
    """Every fenced block of ``text``, with the ``##`` section it is in; output blocks are attached
    to the python block right before them."""
    blocks: list[Block] = []
    section = ""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            section = line[3:].strip()
        match = _FENCE.match(line)
        if not match or not match.group(1):
            index += 1
            continue
        options = {key: value for key, _, value in (item.partition("=") for item in match.group(2).split())}
        end = index + 1
        while end < len(lines) and lines[end] != "```":
            end += 1
        assert end < len(lines), f"README.md:{index + 1}: unclosed code fence"
        block = Block(match.group(1), options, index + 2, "\n".join(lines[index + 1 : end]), section)
        if "output" in options:
            previous = blocks[-1] if blocks else None
            assert previous is not None and previous.language == "python", (
                f"README.md:{index + 1}: an output block must follow a python block"
            )
            previous.output = block
        else:
            blocks.append(block)
        index = end + 1
    return blocks


def match_output(expected: str, actual: str) -> str | None:
    """None when ``actual`` matches ``expected`` (see the module docstring), else what differs."""
    actual_lines = [line.rstrip() for line in actual.rstrip("\n").splitlines()]
    patterns = [line.rstrip() for line in expected.rstrip("\n").splitlines()]

    def line_matches(pattern: str, line: str) -> bool:
        regex = ".*".join(re.escape(part) for part in pattern.split(ELLIPSIS))
        return re.fullmatch(regex, line) is not None

    @functools.cache
    def search(p: int, a: int) -> bool:
        """Whether patterns[p:] match actual_lines[a:] (recursion only at '...' lines)."""
        while p < len(patterns) and patterns[p] != ELLIPSIS:
            if a == len(actual_lines) or not line_matches(patterns[p], actual_lines[a]):
                return False
            p, a = p + 1, a + 1
        if p == len(patterns):
            return a == len(actual_lines)
        return any(search(p + 1, start) for start in range(a, len(actual_lines) + 1))

    if search(0, 0):
        return None
    return f"expected (with ... wildcards):\n{expected}\n--- got:\n{actual}"


BLOCKS = parse_blocks(README.read_text("utf-8"))
PYTHON = [b for b in BLOCKS if b.language == "python" and "excerpt" not in b.options]
EXCERPTS = [b for b in BLOCKS if b.language == "python" and "excerpt" in b.options]
CONSOLE = [b for b in BLOCKS if b.language in ("console", "shell", "sh") and b.text.startswith("$ kro-gen")]


def _chains() -> list[list[Block]]:
    """Python blocks grouped so that each ``continue`` block runs after the ones it continues."""
    chains: list[list[Block]] = []
    for block in PYTHON:
        if "continue" in block.options:
            assert chains and chains[-1][-1].section == block.section, (
                f"README.md:{block.line}: a 'continue' block must follow a python block of its section"
            )
            chains[-1].append(block)
        else:
            chains.append([block])
    return chains


def _run_python(block: Block, namespace: dict[str, Any]) -> str:
    """Run ``block`` and return what it printed, plus ``Error: message`` when it raised as announced."""
    # Padding keeps README line numbers in tracebacks and in kro-gen's file:line messages, which
    # show the file as README.md (relative to the working directory, as for a definitions file).
    code = compile("\n" * (block.line - 1) + block.text, README.name, "exec")
    expected_error = block.options.get("raises")
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)
    except Exception as error:
        if type(error).__name__ != expected_error:
            raise
        printed.write(f"{type(error).__name__}: {error}\n")
    else:
        assert expected_error is None, f"README.md:{block.line}: the block did not raise {expected_error}"
    return printed.getvalue()


@pytest.mark.parametrize("chain", _chains(), ids=lambda chain: chain[0].id)
def test_python_examples_run(chain: list[Block], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # A registered module, as for a real file: pydantic resolves model annotations through it.
    module = types.ModuleType(f"readme_example_{chain[0].line}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    for block in chain:
        printed = _run_python(block, module.__dict__)
        if block.output is not None:
            problem = match_output(block.output.text, printed)
            assert problem is None, f"README.md:{block.output.line}: {problem}"


@pytest.mark.parametrize("block", EXCERPTS, ids=lambda block: block.id)
def test_excerpts_are_verbatim(block: Block) -> None:
    source = (ROOT / block.options["excerpt"]).read_text("utf-8").splitlines()
    position = 0
    for chunk in re.split(r"(?m)^[ \t]*# \.\.\.\n?", block.text):
        wanted = chunk.rstrip("\n").splitlines()
        if not wanted:
            continue
        found = next(
            (
                start
                for start in range(position, len(source) - len(wanted) + 1)
                if source[start : start + len(wanted)] == wanted
            ),
            None,
        )
        assert found is not None, (
            f"README.md:{block.line}: not in {block.options['excerpt']} (in this order):\n"
            + "\n".join(wanted)
        )
        position = found + len(wanted)


def _git(project: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "readme",
        "GIT_AUTHOR_EMAIL": "readme@example.com",
        "GIT_COMMITTER_NAME": "readme",
        "GIT_COMMITTER_EMAIL": "readme@example.com",
    }
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project as a fresh git repository with everything committed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=_copy_ignore)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-q", "-m", "readme example")
    return copy


def _commands(block: Block) -> list[tuple[list[str], str]]:
    """``(argv, expected output)`` for each ``$`` line of a console block."""
    commands: list[tuple[list[str], list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append((shlex.split(line[2:]), []))
        else:
            commands[-1][1].append(line)
    return [(argv, "\n".join(output)) for argv, output in commands]


@pytest.mark.parametrize("block", CONSOLE, ids=lambda block: block.id)
def test_console_examples_run(block: Block, project: Path) -> None:
    expected_exit = int(block.options.get("exit", "0"))
    commands = _commands(block)
    for number, (argv, expected) in enumerate(commands):
        assert argv[0] == "kro-gen", f"README.md:{block.line}: only kro-gen commands are run"
        result = subprocess.run(
            [sys.executable, "-c", "from kro_gen.cli import main; main()", *argv[1:]],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
        )
        wanted = expected_exit if number == len(commands) - 1 else 0
        assert result.returncode == wanted, (
            f"README.md:{block.line}: `{shlex.join(argv)}` exited {result.returncode}:\n{result.stdout}"
        )
        if expected:
            problem = match_output(expected, result.stdout)
            assert problem is None, f"README.md:{block.line}: `{shlex.join(argv)}`: {problem}"


# -- the README covers what the package offers ---------------------------------------------------
def _section(title: str) -> str:
    text = README.read_text("utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_every_cel_helper_and_builder_is_documented() -> None:
    from kro_gen import cel, k8s

    text = README.read_text("utf-8")
    missing = [f"cel.{name}" for name in cel.__all__ if f"cel.{name}" not in text]
    missing += [f"k8s.{name}" for name in k8s.__all__ if f"k8s.{name}" not in text]
    assert missing == []


def test_every_corpus_rule_is_listed_in_the_validation_section() -> None:
    validation = _section("Validation")
    rules = set()
    for path in (ROOT / "tests" / "check" / "corpus").glob("*.yaml"):
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("# expect: "):
                rules.add(line.split()[2])
    assert len(rules) >= 40
    assert sorted(rule for rule in rules if f"`{rule}`" not in validation) == []


def test_every_cli_command_and_option_is_in_the_reference() -> None:
    from kro_gen.cli import cli

    reference = _section("CLI reference")
    for name, command in cli.commands.items():
        row = next((line for line in reference.splitlines() if line.startswith(f"| `kro-gen {name}")), None)
        assert row is not None, f"kro-gen {name} is not in the CLI reference"
        for parameter in command.params:
            if parameter.param_type_name == "option" and "--help" not in parameter.opts:
                assert parameter.opts[-1] in row or parameter.opts[0] in row, (name, parameter.opts)


def test_every_configuration_key_is_documented() -> None:
    from kro_gen.project.config import Environment, ProjectConfig

    configuration = _section("Configuration")
    keys = [name for name, info in ProjectConfig.model_fields.items() if not info.exclude]
    missing = [key for key in keys if f"`{key}`" not in configuration]
    missing += [key for key in Environment.model_fields if f"`{key}`" not in configuration]
    assert missing == []


def test_referenced_tests_and_files_exist() -> None:
    text = README.read_text("utf-8")
    for path, name in re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text):
        source = (ROOT / path).read_text("utf-8")
        assert not name or re.search(rf"^def {name}\(", source, re.MULTILINE), f"{path}::{name}"
    defined = {
        name
        for path in (ROOT / "tests").rglob("*.py")
        for name in re.findall(r"^def (test_\w+)\(", path.read_text("utf-8"), re.MULTILINE)
    }
    assert sorted(set(re.findall(r"`(test_\w+)`", text)) - defined) == []
    for target in re.findall(r"\]\(((?!https?://|#)[^)]+)\)", text):
        assert (ROOT / target).exists(), target


def test_the_intro_gives_exactly_the_two_fresh_machine_commands() -> None:
    intro = README.read_text("utf-8").split("\n## ", 1)[0]
    commands = [b.text for b in parse_blocks(intro)]
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    run, test = commands
    assert run.startswith("python3 -m venv .venv") and run.endswith("pip install . && kro-gen generate")
    assert test.endswith("pip install -e '.[test]' && python -m pytest")


def test_output_matching_understands_ellipses() -> None:
    assert match_output("a\n...\nd", "a\nb\nc\nd\n") is None
    assert match_output("x: ... written", "x: 3 written") is None
    assert match_output("a\nd", "a\nb\nd") is not None  # without '...' lines must follow each other
    assert match_output("a", "a\nb") is not None  # and the output must end where the expectation does
    assert match_output("...\nb\n...\nd", "a\nb\nc\nd") is None
    assert match_output("...\nc\n...\nb", "a\nb\nc\nd") is not None  # in order
    assert match_output("...\nz", "x\n" * 5000 + "z") is None  # long outputs are fine
