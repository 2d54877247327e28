"""The catalog of kro v0.9.3 CEL functions the validator relies on."""

from __future__ import annotations

import pytest

from kro_gen.errors import ExpressionError
from kro_gen.expr import catalog
from kro_gen.expr.functions import EVALUABLE, KRO_FUNCTIONS
from kro_gen.expr.parser import parse_cel


def test_enabled_disabled_and_gated_sets_match_kro_v093() -> None:
    for name in (
        "random.seededString",
        "random.seededInt",
        "base64.encode",
        "json.unmarshal",
        "lists.range",
        "strings.quote",
        "hash.sha256",
        "lists.setAtIndex",
        "optional.of",
        "has",
        "cel.bind",
        "url",
    ):
        assert name in catalog.GLOBAL_FUNCTIONS, name
    for name in (
        "lowerAscii",
        "format",
        "merge",
        "orValue",
        "indexOf",
        "find",
        "isSorted",
        "transformList",
        "sortBy",
        "newCondition",
        "exists_one",
        "existsOne",
    ):
        assert name in catalog.METHOD_FUNCTIONS, name
    assert "math.greatest" in catalog.DISABLED_FUNCTIONS
    assert "sets.contains" in catalog.DISABLED_FUNCTIONS
    assert "deepMerge" in catalog.DISABLED_FUNCTIONS
    assert set(catalog.GATED_FUNCTIONS) == {"omit"}
    assert not (catalog.GLOBAL_FUNCTIONS & set(catalog.DISABLED_FUNCTIONS))
    assert "omit" not in catalog.GLOBAL_FUNCTIONS


def test_bytes_functions_are_the_hashes_and_decoders() -> None:
    assert {"hash.fnv64a", "hash.sha256", "hash.md5", "base64.decode", "bytes"} == catalog.BYTES_FUNCTIONS


def test_namespaces_and_dotted_call_resolution() -> None:
    assert {
        "random",
        "base64",
        "json",
        "hash",
        "lists",
        "optional",
        "strings",
        "math",
        "sets",
    } <= catalog.NAMESPACES
    assert "runtime" not in catalog.NAMESPACES  # runtime is a variable with methods
    assert catalog.is_global_call("random.seededString")
    assert catalog.is_global_call("random.notAFunction")  # still a global: reported as unknown
    assert catalog.is_global_call("ip.isCanonical")
    assert not catalog.is_global_call("ip.family")
    assert not catalog.is_global_call("lists.map")
    assert not catalog.is_global_call("deployment.size")


def test_lookup_reports_result_types_for_inference() -> None:
    assert catalog.lookup("random.seededString", method=False).result == "string"  # type: ignore[union-attr]
    assert catalog.lookup("hash.md5", method=False).result == "bytes"  # type: ignore[union-attr]
    assert catalog.lookup("size", method=True).result == "int"  # type: ignore[union-attr]
    assert catalog.lookup("orValue", method=True).result is None  # type: ignore[union-attr]
    assert catalog.lookup("map", method=True).macro  # type: ignore[union-attr]
    assert catalog.lookup("nope", method=False) is None
    assert catalog.status("nope", method=True) == catalog.UNKNOWN
    assert catalog.status("omit", method=False) == catalog.GATED


@pytest.mark.parametrize(
    ("text", "fragment", "hint"),
    [
        ("x.length()", "unknown functions: [length]", "x.size()"),
        ("x.toUpperCase()", "unknown functions: [toUpperCase]", "x.upperAscii()"),
        ("x.lowerascii()", "unknown functions: [lowerascii]", "x.lowerAscii()"),
        ("x.frobnicate()", "unknown functions: [frobnicate]", "KRO-RULES"),
        ("lowerAscii(x)", "is not how kro calls lowerAscii", "x.lowerAscii()"),
        ("x.seededString(1)", "unknown functions: [seededString]", "random.seededString(...)"),
        ("math.least(1, 2)", "math extension", None),
        ("x.deepMerge(y)", "only on kro main", None),
        ("omit()", "feature gate", None),
    ],
)
def test_check_functions_rejects_what_kro_rejects(text: str, fragment: str, hint: str | None) -> None:
    with pytest.raises(ExpressionError) as caught:
        catalog.check_functions(parse_cel(text))
    assert fragment in str(caught.value)
    assert caught.value.rule == "cel-function"
    if hint:
        assert hint in (caught.value.hint or "")


def test_check_functions_accepts_kro_functions_and_macros() -> None:
    catalog.check_functions(
        parse_cel(
            "random.seededString(8, schema.metadata.uid) + x.lowerAscii() + string(l.map(v, v).size()) + "
            'm.transformMap(k, v, v).merge({}).orValue("") + runtime.newCondition({})'
        )
    )


def test_the_evaluator_and_the_catalog_agree() -> None:
    for name in KRO_FUNCTIONS:
        assert (catalog.GLOBAL, name) in catalog.CATALOG or (catalog.METHOD, name) in catalog.CATALOG, name
    enabled = catalog.GLOBAL_FUNCTIONS | catalog.METHOD_FUNCTIONS
    assert enabled >= EVALUABLE, EVALUABLE - enabled
    for macro in catalog.RECEIVER_MACROS:
        assert catalog.lookup(macro, method=True).macro, macro  # type: ignore[union-attr]
