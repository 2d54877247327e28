"""Fixtures for the builder tests."""

from __future__ import annotations

import pytest

from kro_gen.expr.wrapper import Expr

from .support import make_schema


@pytest.fixture
def schema() -> Expr:
    """``schema`` as a graph's resources builder receives it (typed from DemoSpec)."""
    return make_schema()
