"""Property tests of emission: random spec models, values and tricky strings survive every emitted file.

For each random graph (a pydantic spec model of str/int/bool/float/list/dict/nested fields with
defaults, a ConfigMap of literal user text and references, one instance), the RGD, the instance CR
and the direct-mode manifests are dumped and must load back to exactly the data with a YAML 1.2
reader (ruamel) and a YAML 1.1 reader (PyYAML SafeLoader); every ``${...}`` kro would find in the
RGD (found with a re-implementation of kro's own scanner, below) parses with cel-python; and the
literal user text (shell scripts with ``${VAR}``, ...) is what kro would produce from it: kro finds
no expression of the user's in it, only kro-gen's escape ``${"..."}``, which evaluates to the text.
"""

from __future__ import annotations

import json
from typing import Any

import celpy
import yaml as pyyaml  # test-only YAML 1.1 reader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, create_model
from ruamel.yaml import YAML

from kro_gen import ResourceGraph, k8s
from kro_gen.emit.direct import render_direct
from kro_gen.emit.instance import instance_document
from kro_gen.emit.rgd import rgd_document
from kro_gen.emit.yamlio import dump_yaml

PROPERTY = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- kro's scanner ------------------------------------------------------------------------------------
def kro_extract(text: str) -> list[tuple[str, int, int]]:
    """kro v0.9.3's ``extractExpressions`` (pkg/graph/parser/cel.go), line for line.

    Returns (expression, start, end) for each ``${...}``; raises ValueError where kro returns
    ErrNestedExpression. Braces are counted outside double-quoted strings, ``\\`` escapes the next
    character inside them, a ``${`` outside a string is allowed only right after ``"``, and an
    unterminated ``${`` is skipped (kro moves the search start on by one character). kro indexes
    bytes, this indexes characters: the delimiters are ASCII, which never occurs inside a UTF-8
    multi-byte sequence, so the two agree.
    """
    matches: list[tuple[str, int, int]] = []
    start = 0
    while start < len(text):
        start_idx = text.find("${", start)
        if start_idx == -1:
            break
        bracket_count = 1
        end_idx = start_idx + 2
        in_string = False
        escape_next = False
        while end_idx < len(text):
            c = text[end_idx]
            if escape_next:
                escape_next = False
                end_idx += 1
                continue
            if in_string and c == "\\":
                escape_next = True
                end_idx += 1
                continue
            if c == '"':
                in_string = not in_string
            elif not in_string:
                if c == "{":
                    bracket_count += 1
                elif c == "}":
                    bracket_count -= 1
                    if bracket_count == 0:
                        break
                elif text[end_idx : end_idx + 2] == "${" and text[end_idx - 1] != '"':
                    raise ValueError("nested expressions are not allowed unless inside string literals")
            end_idx += 1
        if bracket_count != 0:
            start += 1
            continue
        matches.append((text[start_idx + 2 : end_idx], start_idx, end_idx + 1))
        start = end_idx + 1
    return matches


def kro_text(text: str) -> str:
    """The string kro makes of a field holding only string literals and escapes (CEL evaluated)."""
    out, position = [], 0
    for expr, start, end in kro_extract(text):
        out.append(text[position:start])
        value = celpy.Environment().program(celpy.Environment().compile(expr)).evaluate({})
        assert isinstance(value, str), (expr, value)
        out.append(str(value))
        position = end
    out.append(text[position:])
    return "".join(out)


def test_the_scanner_agrees_with_kros_own_test_cases() -> None:
    # From kro v0.9.3 pkg/graph/parser/cel_test.go (TestExtractExpressions) and KRO-RULES §4.1.
    assert [m[0] for m in kro_extract("${resource.field}")] == ["resource.field"]
    assert [m[0] for m in kro_extract("${a} and ${b}")] == ["a", "b"]
    assert [m[0] for m in kro_extract('${outer("${inner}")}')] == ['outer("${inner}")']
    assert [m[0] for m in kro_extract('${{"a": 1}}')] == ['{"a": 1}']
    assert kro_extract("${incomplete") == []
    assert [m[0] for m in kro_extract("echo ${HOME}")] == ["HOME"]  # what kro would evaluate
    try:
        kro_extract("${outer(${inner})}")
    except ValueError:
        pass
    else:  # pragma: no cover - the assertion below explains
        raise AssertionError("a bare nested ${ must be refused, as kro does")
    assert kro_text('echo ${"${HOME}"}/bin') == "echo ${HOME}/bin"


# -- strategies -----------------------------------------------------------------------------------------
SPECIAL = [
    *["yes", "no", "on", "off", "y", "n", "Y", "N", "True", "FALSE", "Off", "null", "Null", "~", ""],
    *["1e3", "0x1F", "012", "0o17", "1_000", "+1", ".5", ".inf", "-.Inf", ".NaN", "12:30:00", "2026-01-01"],
    *["#", "# x", "a #b", ": ", "a: b", "- ", "- a", "? x", "*x", "&x", "!x", "|", ">", "%x", "@x", "`x"],
    *["${", "${HOME}", "echo ${HOME}/bin", "${schema.spec.name}", '${"${x}"}', "$${x}", "${a", "a}${b}"],
    *["${{x}}", '"${x}"', "\\${x}", "pre ${x} post ${y}", "$HOME $(date)", "{}", "}{", "${}", "${ }"],
    *['#!/bin/sh\nset -e\necho "${NAME:-x}"\nfor f in ${FILES}; do\n  cat $f\ndone\n'],
    *["a\nb", "a\nb\n", "\n", "trail ", "trail  \nx", " lead", "\ttab", "x\r\ny", "---", "..."],
    *["k: v\n- i\n"],
    *["ünïcødé ✓", "😀", "\u2028", "\x85", "a\u00a0b", "\ufeff"],
]

texts = st.one_of(
    st.sampled_from(SPECIAL),
    st.lists(st.sampled_from(SPECIAL), min_size=2, max_size=4).map(" ".join),
    st.lists(st.sampled_from(SPECIAL), min_size=2, max_size=4).map("\n".join),
    st.text(max_size=30),
    st.builds(lambda t, n: (t or "x") * n, st.sampled_from(SPECIAL), st.integers(200, 400)),  # very long
)
# kro wraps string defaults in quotes without escaping: kro-gen refuses quotes, backslashes and control
# characters there (a located error, tested in tests/schema), so defaults draw from the rest.
default_texts = texts.map(lambda t: "".join(c for c in t if c not in '"\\' and ord(c) >= 32))
KEYS = st.from_regex(r"[a-z][a-zA-Z0-9]{0,6}", fullmatch=True)
numbers = st.floats(allow_nan=False, allow_infinity=False, width=32)
KINDS = ["str", "int", "bool", "float", "list", "dict", "nested"]
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "str": texts,
    "int": st.integers(-(2**31), 2**31 - 1),
    "bool": st.booleans(),
    "float": numbers,
    "list": st.lists(texts, max_size=3),
    "dict": st.dictionaries(KEYS, texts, max_size=3),
}

DEFAULTS = {
    **VALUES,
    "str": default_texts,
    "list": st.lists(default_texts, max_size=3),
    "dict": st.dictionaries(KEYS, default_texts, max_size=3),
}


class Inner(BaseModel):
    label: str = "on"
    count: int = 0


def field_type(kind: str) -> Any:
    return {
        "str": str,
        "int": int,
        "bool": bool,
        "float": float,
        "list": list[str],
        "dict": dict[str, str],
        "nested": Inner,
    }[kind]


@st.composite
def specs(draw: st.DrawFn) -> tuple[type[BaseModel], dict[str, Any]]:
    """A random spec model (fields with defaults) and instance values for some of its fields."""
    names = draw(st.lists(KEYS, min_size=1, max_size=6, unique=True))
    fields: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in names:
        kind = draw(st.sampled_from(KINDS))
        if kind == "nested":
            fields[name] = (Inner, Field(default_factory=Inner))  # kro allows only Inner() here
            if draw(st.booleans()):
                values[name] = {"label": draw(texts), "count": draw(VALUES["int"])}
            continue
        if kind in ("list", "dict"):
            default = draw(DEFAULTS[kind])
            fields[name] = (field_type(kind), Field(default_factory=lambda d=default: type(d)(d)))
        else:
            fields[name] = (field_type(kind), draw(DEFAULTS[kind]))
        if draw(st.booleans()):
            values[name] = draw(VALUES[kind])
    model = create_model("RandomSpec", **fields)
    return model, values


# -- the property ---------------------------------------------------------------------------------------
def loads_back(doc: Any) -> None:
    text = dump_yaml(doc)
    plain = json.loads(json.dumps(doc))
    assert YAML(typ="safe", pure=True).load(text) == plain, text
    assert pyyaml.load(text, Loader=pyyaml.SafeLoader) == plain, text


def strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in strings(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) else []


@PROPERTY
@given(specs(), st.lists(texts, min_size=1, max_size=4))
def test_random_graphs_survive_emission(
    spec: tuple[type[BaseModel], dict[str, Any]], literals: list[str]
) -> None:
    model, values = spec
    string_fields = [name for name, info in model.model_fields.items() if info.annotation is str]
    graph = ResourceGraph("prop", api_version="prop.example.com/v1alpha1", kind="Prop", spec=model)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        data: dict[str, Any] = {f"lit{i}": text for i, text in enumerate(literals)}
        for name in string_fields:
            data[f"ref-{name}"] = getattr(schema.spec, name)
            data[f"tpl-{name}"] = f"{literals[0]}{getattr(schema.spec, name)}{literals[-1]}"
        return {"settings": k8s.ConfigMap("settings", data)}

    rgd = rgd_document(graph.build())
    loads_back(rgd)

    # Every ${...} kro finds in the RGD's resources parses as CEL; literal text comes out as written.
    for path, text in strings(rgd["spec"]["resources"]):
        for expr, _, _ in kro_extract(text):
            assert celpy.Environment().compile(expr) is not None, path
    data = rgd["spec"]["resources"][0]["template"]["data"]
    for i, text in enumerate(literals):
        assert kro_text(data[f"lit{i}"]) == text

    instance = graph.instance("dev", values, namespace="team-a")
    document = instance_document(graph, instance, "team-a").document
    loads_back(document)
    assert document["spec"] == json.loads(json.dumps(values))  # kro does not evaluate instance specs

    manifests = render_direct(rgd, document)
    for manifest in manifests:
        loads_back(manifest.body)
    body = manifests[0].body["data"]
    effective = model.model_validate(values)
    for i, text in enumerate(literals):
        assert body[f"lit{i}"] == text  # direct mode writes the literal text unchanged
    for name in string_fields:
        assert body[f"ref-{name}"] == getattr(effective, name)
        assert body[f"tpl-{name}"] == literals[0] + getattr(effective, name) + literals[-1]
