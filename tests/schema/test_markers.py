"""The SimpleSchema field string: kro's tokenizer rules (KRO-RULES §3.1) and our quoting."""

from __future__ import annotations

import pytest

from kro_gen.schema.markers import (
    MARKER_ORDER,
    MarkerSyntaxError,
    parse_markers,
    quote,
    render_field,
    split_field,
)


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "with spaces",
        'say "hi"',
        r"^\d+\.\d+$",  # \d and \. survive without doubling
        "ends with backslash\\",
        r"a\\b",  # a literal backslash in a regexp
        r"\"",  # backslash before a quote
        "",
        "ünïcode ✓",
    ],
)
def test_quote_round_trips_through_kro_unescaping(value: str) -> None:
    [(key, parsed)] = parse_markers(f"description={quote(value)}")
    assert key == "description"
    assert parsed == value


def test_quote_keeps_regexp_escapes_readable() -> None:
    assert quote(r"^\d+$") == r'"^\d+$"'
    assert quote('a"b') == r'"a\"b"'
    assert quote("a\\") == '"a\\\\"'


def test_render_orders_markers_and_keeps_repeatable_ones_in_order() -> None:
    text = render_field(
        "integer",
        [
            ("description", '"n"'),
            ("validation", '"self > 1"'),
            ("minimum", "0"),
            ("required", "true"),
            ("validation", '"self < 9"'),
        ],
    )
    assert (
        text
        == 'integer | required=true minimum=0 validation="self > 1" validation="self < 9" description="n"'
    )
    assert render_field("string", []) == "string"


def test_marker_order_is_the_documented_one() -> None:
    assert MARKER_ORDER[:4] == ("required", "default", "enum", "minimum")
    assert MARKER_ORDER[-1] == "description"


def test_split_field_cuts_at_the_first_bar_only() -> None:
    assert split_field('string | pattern="a|b"') == ("string", ' pattern="a|b"')
    assert split_field(" []string ") == ("[]string", None)


def test_parse_reads_quoted_json_and_bare_values() -> None:
    markers = parse_markers(
        ' required=true default=["a b","c"] enum="x,y" minimum=1.5 description="two words"'
    )
    assert markers == [
        ("required", "true"),
        ("default", '["a b","c"]'),  # spaces inside brackets, raw JSON kept
        ("enum", "x,y"),
        ("minimum", "1.5"),
        ("description", "two words"),
    ]


def test_parse_json_object_default_with_nested_braces() -> None:
    assert parse_markers('default={"a":{"b":[1, 2]}}') == [("default", '{"a":{"b":[1, 2]}}')]


def test_value_may_contain_equals_sign() -> None:
    assert parse_markers('validation="self == 1"') == [("validation", "self == 1")]


@pytest.mark.parametrize(
    ("text", "rule", "fragment"),
    [
        ("bogus=1", "marker-unknown", "unknown marker"),
        ("Required=true", "marker-unknown", "unknown marker"),  # keys are case-sensitive
        ("required=true | default=1", "marker-second-pipe", "exactly one '|'"),
        ("default= 3", "marker-syntax", "no spaces around '='"),
        ("required", "marker-syntax", "without a value"),
        ("", "marker-syntax", "without a value"),
        ('description="open', "marker-syntax", "unclosed quote"),
        ("default=[1,2", "marker-syntax", "unclosed bracket"),
        ("default=1]", "marker-syntax", "unmatched closing"),
        ("=1", "marker-syntax", "empty marker key"),
    ],
)
def test_parse_errors_name_the_mistake(text: str, rule: str, fragment: str) -> None:
    with pytest.raises(MarkerSyntaxError) as caught:
        parse_markers(text)
    assert caught.value.rule == rule
    assert fragment in str(caught.value)
