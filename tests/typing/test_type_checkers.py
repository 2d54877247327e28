"""mypy --strict and pyright (strict) accept the definitions and the README, and catch typos at their line.

The checkers run as users run them: in a temporary working directory, finding kro_gen where pip
installed it (the editable install is a .pth path entry, see pyproject.toml). One mypy run and one
pyright run check every file (definitions/, each README example, tests/typing/cases/), so the test
costs two checker start-ups; mypy's cache lives in the temporary directory.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kro_gen.typegen.crds import stub_source

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
_CRD = "external-secrets.io_externalsecrets.yaml"
MARK = re.compile(r"#\s*error\s*$")
_MYPY_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): error: (?P<message>.*)$")


def _readme_programs() -> dict[str, str]:
    """README python examples as programs: a chain of ``continue`` blocks is one program.

    Blocks that show an error on purpose (``raises=``) and excerpts of definitions/ are left out.
    """
    spec = importlib.util.spec_from_file_location("readme_blocks", ROOT / "tests" / "test_readme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    programs: dict[str, list[str]] = {}
    current: list[str] | None = None
    for block in module.parse_blocks((ROOT / "README.md").read_text("utf-8")):
        if block.language != "python" or "excerpt" in block.options:
            continue
        if "continue" not in block.options:
            current = programs.setdefault(f"readme_L{block.line}", [])
        assert current is not None
        if "raises" not in block.options:
            current.append(block.text)
    return {name: "\n\n".join(parts) + "\n" for name, parts in programs.items()}


@functools.cache
def _workspace(tmp: str) -> Path:
    """A folder with every file to check: definitions, README programs, cases (a session's copy)."""
    root = Path(tmp)
    shutil.copytree(ROOT / "definitions", root / "definitions", ignore=shutil.ignore_patterns("crds"))
    shutil.copytree(ROOT / "examples" / "storefront" / "definitions", root / "examples" / "storefront")
    (root / "readme").mkdir()
    for name, text in _readme_programs().items():
        (root / "readme" / f"{name}.py").write_text(text, "utf-8")
    shutil.copytree(CASES, root / "cases")
    # what `kro-gen stubs` writes for the seed's CRD, as a project would commit it
    (root / "cases" / "_crds.py").write_text(stub_source([ROOT / "definitions" / "crds" / _CRD]), "utf-8")
    (root / "mypy.ini").write_text("[mypy]\nstrict = True\nwarn_unreachable = True\n", "utf-8")
    (root / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.11", "extraPaths": ["cases"]}), "utf-8"
    )
    return root


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _workspace(str(tmp_path_factory.mktemp("typing")))


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*.py"))


@pytest.fixture(scope="module")
def mypy_errors(workspace: Path) -> dict[str, set[int]]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", ".mypy_cache"]
        + [str(p) for p in _files(workspace)],
        cwd=workspace,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": "cases"},
        check=False,
    )
    errors: dict[str, set[int]] = {}
    for line in result.stdout.splitlines():
        match = _MYPY_LINE.match(line)
        if match:
            errors.setdefault(match["file"], set()).add(int(match["line"]))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    _OUTPUT[("mypy", str(workspace))] = result.stdout
    return errors


@pytest.fixture(scope="module")
def pyright_errors(workspace: Path) -> dict[str, set[int]]:
    executable = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which("pyright")
    if executable is None:
        pytest.skip("pyright is not installed (pip install -e '.[test]' installs it)")
    result = subprocess.run(
        [executable, "--outputjson", "--pythonpath", sys.executable, "-p", "pyrightconfig.json"]
        + [str(p) for p in _files(workspace)],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pyright did not run: {result.stdout[-2000:]}{result.stderr[-2000:]}")
    errors: dict[str, set[int]] = {}
    lines = []
    for item in report["generalDiagnostics"]:
        if item["severity"] != "error":
            continue
        file = str(Path(item["file"]).relative_to(workspace))
        line = item["range"]["start"]["line"] + 1
        errors.setdefault(file, set()).add(line)
        lines.append(f"{file}:{line}: {item['message']}")
    _OUTPUT[("pyright", str(workspace))] = "\n".join(lines)
    return errors


_OUTPUT: dict[tuple[str, str], str] = {}


def _marked(path: Path) -> set[int]:
    return {
        number for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if MARK.search(line)
    }


CHECKERS = ["mypy_errors", "pyright_errors"]


@pytest.mark.parametrize("checker", CHECKERS)
def test_definitions_and_readme_examples_type_check(
    checker: str, workspace: Path, request: pytest.FixtureRequest
) -> None:
    errors: dict[str, set[int]] = request.getfixturevalue(checker)
    files = map(str, _files(workspace))
    clean = [f for f in files if not f.startswith("cases/") or f in ("cases/_app.py", "cases/_crds.py")]
    assert len([f for f in clean if f.startswith("readme/")]) >= 8
    failing = {f: sorted(errors[f]) for f in clean if errors.get(f)}
    output = _OUTPUT[(checker.removesuffix("_errors"), str(workspace))]
    assert not failing, f"{checker}: {failing}\n{output}"


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("case", ["spec_typos.py", "status_typos.py", "instance_typos.py", "crd_typos.py"])
def test_each_typo_is_reported_at_its_line(
    checker: str, case: str, workspace: Path, request: pytest.FixtureRequest
) -> None:
    errors: dict[str, set[int]] = request.getfixturevalue(checker)
    expected = _marked(CASES / case)
    assert len(expected) >= 4
    reported = errors.get(f"cases/{case}", set())
    output = _OUTPUT[(checker.removesuffix("_errors"), str(workspace))]
    assert reported == expected, f"{checker} on {case}: missing {sorted(expected - reported)}, " + (
        f"unexpected {sorted(reported - expected)}\n{output}"
    )
