"""The collector settings of a run: changed inside ``batch_collection`` only, restored afterwards."""

from __future__ import annotations

import gc

import pytest

from kro_gen.pipeline.gctune import BATCH_THRESHOLDS, batch_collection


def test_batch_collection_sets_and_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    with batch_collection():
        assert gc.get_threshold() == BATCH_THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_batch_collection_restores_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), batch_collection():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_during_the_block_are_still_collected() -> None:
    class Node:
        other: object = None

    with batch_collection():
        first, second = Node(), Node()
        first.other, second.other = second, first
        del first, second
        assert gc.collect() >= 2
