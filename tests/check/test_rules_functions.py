"""Function rules: unknown/disabled functions, gated omit, runtime outside conditions, bytes."""

from __future__ import annotations

import pytest

from kro_gen.check.rules_functions import check_functions
from kro_gen.check.rules_sites import collect_sites

from .rgd_samples import build_rgd, config_map, view_of


def functions(text: str, *, status: bool = False) -> list[str]:
    rgd = build_rgd([config_map(x=text)], status={"x": text} if status else None)
    view = view_of(rgd)
    sites = [s for s in collect_sites(view) if (s.resource is None) == status]
    return [f.rule for site in sites for f in check_functions(view, site)]


@pytest.mark.parametrize(
    "text",
    [
        "${schema.spec.name.lowerAscii()}",
        "${random.seededString(8, schema.metadata.uid)}",
        "${string(lists.range(3).size())}",
        '${"%x".format([hash.sha256(schema.spec.name)])}',
        "${base64.encode(hash.md5(schema.spec.name))}",
        "${string(base64.decode(schema.spec.name))}",
        "${json.marshal({'a': 1})}",
        "${schema.spec.name.?x.orValue('y')}",
        "${cel.bind(n, schema.spec.name, n + n)}",
    ],
)
def test_known_functions_pass(text: str) -> None:
    assert functions(text) == []


@pytest.mark.parametrize(
    "text,rule",
    [
        ("${string(length(schema.spec.name))}", "unknown-function"),
        ("${schema.spec.name.toUpperCase()}", "unknown-function"),
        ("${string(math.greatest(1, 2))}", "disabled-function"),
        ("${string(sets.contains([1], [1]))}", "disabled-function"),
        ("${string(math.cube(2))}", "disabled-function"),
        ("${schema.spec.a.deepMerge(schema.spec.b)}", "disabled-function"),
        ("${omit()}", "omit-gated"),
        ("${hash.fnv64a(schema.spec.name)}", "bytes-expression"),
        ("${string(hash.sha256(schema.spec.name))}", "bytes-expression"),
        ('${"%x".format(hash.sha256(schema.spec.name))}', "bytes-expression"),
    ],
)
def test_rejected_functions(text: str, rule: str) -> None:
    assert functions(text) == [rule]


def test_unknown_function_suggests_the_kro_name() -> None:
    rgd = build_rgd([config_map(x="${schema.spec.name.toLowerCase()}")])
    view = view_of(rgd)
    site = next(s for s in collect_sites(view) if s.path[-1] == "x")
    [found] = check_functions(view, site)
    assert "lowerAscii" in found.message and found.fix == "use lowerAscii"


def test_runtime_calls_only_in_conditions() -> None:
    text = '${runtime.newCondition({type: "A", status: "True", reason: "", message: ""})}'
    assert functions(text) == []  # the runtime identifier is the scope rules' finding
    rgd = build_rgd(status={"conditions": [text]})
    view = view_of(rgd)
    assert [f for s in collect_sites(view) for f in check_functions(view, s)] == []
