"""Chainsaw-style partial matching."""

from __future__ import annotations

from kro_gen.check.assertions import partial_match


def test_only_listed_fields_are_compared() -> None:
    actual = {"metadata": {"name": "a", "labels": {"x": "1"}}, "spec": {"replicas": 2, "paused": False}}
    assert partial_match({"metadata": {"name": "a"}, "spec": {"replicas": 2}}, actual).ok


def test_differences_missing_fields_and_list_lengths_are_reported_with_paths() -> None:
    actual = {"spec": {"replicas": 2, "ports": [{"port": 80}, {"port": 81}]}}
    expected = {"spec": {"replicas": 3, "ports": [{"port": 80}], "image": "nginx"}, "data": {"k": "v"}}
    result = partial_match(expected, actual)
    assert [str(m) for m in result.mismatches] == [
        "spec.replicas: expected 3, got 2",
        "spec.ports: expected 1 items, got 2",
        "spec.image: missing (expected 'nginx')",
        "data: missing (expected a map)",
    ]


def test_list_items_match_in_order_and_scalars_by_type() -> None:
    assert partial_match({"a": [{"x": 1}, {"y": 2.0}]}, {"a": [{"x": 1.0, "z": 0}, {"y": 2}]}).ok
    assert not partial_match({"a": True}, {"a": 1}).ok
    assert not partial_match({"a": "1"}, {"a": 1}).ok
    assert [str(m) for m in partial_match({"a": {"b": 1}}, {"a": [1]}).mismatches] == [
        "a: expected a map, got a list of 1"
    ]


def test_expression_keys_are_skipped_not_passed() -> None:
    result = partial_match({"status": {"(conditions[?type == 'Ready'])": [{"status": "True"}]}}, {})
    assert not result.ok  # status itself is missing
    result = partial_match(
        {"status": {"(conditions[?type == 'Ready'])": [{"status": "True"}]}}, {"status": {}}
    )
    assert result.ok
    assert result.skipped == ("status.(conditions[?type == 'Ready'])",)
