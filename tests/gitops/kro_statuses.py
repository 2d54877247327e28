"""The recorded kro statuses (fixtures/kro_statuses.yaml) that the Lua and the CEL health tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml as pyyaml

FIXTURES = Path(__file__).parent / "fixtures" / "kro_statuses.yaml"


def cases(kind: str) -> list[dict[str, Any]]:
    """Every recorded case for ``rgd`` or ``instance`` objects."""
    return list(pyyaml.safe_load(FIXTURES.read_text("utf-8"))[kind])


def case(kind: str, name: str) -> dict[str, Any]:
    """The recorded case called ``name``."""
    return next(item for item in cases(kind) if item["case"] == name)


def ids(kind: str) -> list[str]:
    return [item["case"] for item in cases(kind)]
