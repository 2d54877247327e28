"""Values given for a preview (``kro-gen render --instance I.yaml --set PATH=VALUE``).

Direct mode refuses to guess what only the cluster knows: a resource's ``status``, fields the API
server fills in, the content of an ``externalRef``, ``schema.metadata.uid``. ``--set`` supplies such
a value for a preview: ``deployment.status.readyReplicas=2``, ``platformConfig.data.logLevel=debug``,
``services[0].status.loadBalancer.ingress[0].ip=10.0.0.1``, ``pods=[{"metadata": {"name": "a"}}]``
(a whole selector ``externalRef``). The value is read as YAML (``2`` is a number, ``'2'`` a string,
``[1, 2]`` a list); the path starts at a resource id or ``schema``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from kro_gen.errors import ConfigError

_STEP = re.compile(r"\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[\"([^\"]*)\"\]|\['([^']*)'\]")
_ROOT = re.compile(r"[A-Za-z_][\w]*")


@dataclass(frozen=True)
class Supplied:
    """One ``--set`` value: where (``root`` and ``steps``), what, and the text given."""

    root: str
    steps: tuple[str | int, ...]
    value: Any
    text: str


def parse_set(text: str) -> Supplied:
    """``PATH=VALUE`` → :class:`Supplied`.

    Raises:
        ConfigError: no ``=``, a path that is not ``id.field[0].field`` (map keys with dots as
            ``["a.b"]``), or a value that is not YAML.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    path, equals, raw = text.partition("=")
    root_match = _ROOT.match(path)
    if not equals or root_match is None:
        raise _bad(text, "it is not PATH=VALUE")
    steps: list[str | int] = []
    position = root_match.end()
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            raise _bad(text, f"the path has an unexpected {path[position:]!r}")
        field, index, double, single = match.groups()
        steps.append(
            int(index) if index is not None else next(s for s in (field, double, single) if s is not None)
        )
        position = match.end()
    try:
        value = YAML(typ="safe", pure=True).load(raw) if raw.strip() else ""
    except YAMLError as error:
        raise _bad(text, f"the value is not YAML ({str(error).splitlines()[0]})") from error
    return Supplied(root_match.group(), tuple(steps), value, text)


def _bad(text: str, why: str) -> ConfigError:
    return ConfigError(
        f"--set {text!r}: {why}",
        hint="write --set id.field.sub=VALUE or --set 'id.list[0].field=VALUE' (the value is YAML)",
        rule="set-value",
    )


def overlay(value: Any, steps: tuple[str | int, ...], new: Any, text: str) -> Any:
    """A copy of ``value`` with ``new`` at ``steps`` (missing maps are created; lists are indexed).

    Raises:
        ConfigError: a step goes through something that is not a map (field) or a list (index) or
            past the end of a list.
    """
    if not steps:
        return copy.deepcopy(new)
    head, rest = steps[0], steps[1:]
    if isinstance(head, int):
        if not isinstance(value, list) or not -len(value) <= head < len(value):
            size = len(value) if isinstance(value, list) else "no"
            raise _bad(text, f"index [{head}] is outside the list ({size} items)")
        items = list(value)
        items[head] = overlay(items[head], rest, new, text)
        return items
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise _bad(text, f"{head!r} is set inside a {type(value).__name__}, not a map")
    updated = dict(value)
    updated[head] = overlay(updated.get(head), rest, new, text)
    return updated
