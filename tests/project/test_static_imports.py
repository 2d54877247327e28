"""static_imports finds the imports ast.walk finds: at the top, in functions, classes and every block."""

from __future__ import annotations

import ast
import sysconfig
import textwrap
from pathlib import Path

from kro_gen.project.inputs import static_imports

ROOT = Path(__file__).resolve().parents[2]


def walked(source: str) -> set[str]:
    """The reference: every Import / absolute ImportFrom node ast.walk reaches."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


NESTED = textwrap.dedent(
    """\
    import a.b, c
    from d.e import f
    from . import skipped
    from .g import skipped_too

    @decorator(lambda: 1)
    def fn():
        import h
        class Inner:
            from i import j
        return [x for x in ()]

    async def afn():
        async with m:
            import k
        async for q in r:
            pass
        else:
            import l2

    if x:
        import m1
    elif y:
        import m2
    else:
        import m3
    while z:
        import m4
    else:
        import m5
    for w in v:
        import m6
    try:
        import m7
    except ImportError:
        import m8
    else:
        import m9
    finally:
        import m10
    try:
        pass
    except* ValueError:
        import m11
    with open(p) as handle:
        import m12
    match value:
        case 1:
            import m13
        case _:
            from m14 import n
    """
)


def test_every_block_is_searched() -> None:
    found = static_imports(NESTED)
    assert found == walked(NESTED)
    assert {"a", "c", "d", "h", "i", "k", "l2", "m14"} | {f"m{i}" for i in range(1, 14)} == found


def test_the_same_as_ast_walk_on_real_modules() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = (
        sorted(ROOT.glob("kro_gen/**/*.py"))
        + sorted(ROOT.glob("tests/**/*.py"))
        + sorted(stdlib.glob("*.py"))
    )
    assert len(files) > 300
    for path in files:
        source = path.read_text("utf-8", errors="replace")
        try:
            expected = walked(source)
        except SyntaxError:
            continue
        assert static_imports(source) == expected, path
