"""GitOps annotations: the ``${`` scan that decides Flux substitution, against a plain walk."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kro_gen.errors import Location
from kro_gen.gitops.annotations import _walk_contains_expression, contains_expression, stamp

_text = st.text(alphabet=st.sampled_from(["$", "{", "}", "a", '"', "'", "\\", "\n", "é", ":"]), max_size=6)
_leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text
_plain = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@given(_plain)
def test_the_json_scan_agrees_with_the_walk(value: Any) -> None:
    assert contains_expression(value) == _walk_contains_expression(value)


class _Frozen(Mapping[str, Any]):
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def test_what_json_cannot_write_is_walked() -> None:
    assert contains_expression({"a": _Frozen({"b": "${x}"})}) is True
    assert contains_expression({("tuple", "key"): "plain"}) is False
    assert contains_expression({"k${": 1}) is True  # keys count


def test_stamp_copies_the_path_it_changes_and_leaves_the_body_alone() -> None:
    body = {"kind": "ConfigMap", "metadata": {"name": "a", "annotations": {"x": "1"}}, "data": {"k": "v"}}
    stamped = stamp(body, {"y": "2"}, Location())
    assert stamped["metadata"]["annotations"] == {"x": "1", "y": "2"}
    assert body["metadata"] == {"name": "a", "annotations": {"x": "1"}}  # unchanged
    assert stamp({"kind": "Namespace"}, {"y": "2"}, Location())["metadata"] == {"annotations": {"y": "2"}}
