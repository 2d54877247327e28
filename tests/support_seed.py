"""Facts read from the seed document itself (shared/seed/microservices-architecture.md), so the seed
tests compare kro-gen's output with the TypeScript source rather than with numbers copied by hand.

No tests here. The seed is not in the repository (tests/support_reference.py finds it): the tests
reading it carry ``needs_seed``, and every reader skips when it is absent. Every reader fails loudly
(AssertionError) when the seed does not have the expected shape, instead of returning something empty.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from tests.support_reference import require_reference

_SINGLE_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_KEY = re.compile(r"^(\s*)([A-Za-z_]\w*)\s*:", re.MULTILINE)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


@functools.cache
def seed_text() -> str:
    """The seed document (skips the calling test when it is absent)."""
    return require_reference("..", "seed", "microservices-architecture.md").read_text(encoding="utf-8")


def _braced(text: str, start: int) -> str:
    """The ``{...}`` block that opens at or after ``start`` (no braces inside its strings)."""
    open_at = text.index("{", start)
    depth = 0
    for index in range(open_at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[open_at : index + 1]
    raise AssertionError("unbalanced braces in the seed")


def ts_object(source: str) -> Any:
    """A TypeScript object literal of plain data (quoted strings, numbers, nested objects) as Python."""
    assert "//" not in source and "`" not in source, "only plain data literals are supported"
    text = source.replace(" as const", "")
    text = _SINGLE_QUOTED.sub(lambda m: json.dumps(m.group(1)), text)
    text = _KEY.sub(lambda m: f'{m.group(1)}"{m.group(2)}":', text)
    text = _TRAILING_COMMA.sub(r"\1", text)
    # one-line objects such as `{ gateway: 1, user: 1 }` have keys after '{' or ','
    text = re.sub(r"([{,]\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', text)
    return json.loads(text)


def seed_constant(name: str) -> Any:
    """``const <name> = {...}`` (or ``type({...})``) of the seed, as Python data."""
    text = seed_text()
    match = re.search(rf"const {name} = (?:type\()?", text)
    assert match, f"the seed has no const {name}"
    return ts_object(_braced(text, match.end()))


def seed_resource_ids() -> list[str]:
    """The keys of the record the seed's ResourceBuilder returns, in order."""
    text = seed_text()
    builder = text.index("(schema) => {")
    start = text.index("    return {\n", builder)
    end = text.index("\n    };\n", start)
    return re.findall(r"^      ([A-Za-z_]\w*)(?:,|:)", text[start:end], re.MULTILINE)


def seed_secret_values() -> dict[str, str]:
    """The base64 values of the seed's ``db-secrets`` Secret, by key."""
    text = seed_text()
    block = _braced(text, text.index("simple.Secret({"))
    found = dict(re.findall(r"(\w+_DB_PASSWORD): '([A-Za-z0-9+/=]+)'", block))
    assert len(found) == 3, found
    return found


def seed_nginx_conf() -> str:
    """The seed's nginx.conf template literal, exactly (it has no escapes and no ``${``)."""
    text = seed_text()
    start = text.index("'nginx.conf': `") + len("'nginx.conf': `")
    value = text[start : text.index("`", start)]
    assert "\\" not in value and "${" not in value
    return value


def leaf_paths(value: Any, prefix: str = "") -> set[str]:
    """Dotted paths of every non-dict leaf of a nested dict."""
    if not isinstance(value, dict):
        return {prefix}
    return {
        path for key, item in value.items() for path in leaf_paths(item, f"{prefix}.{key}" if prefix else key)
    }
