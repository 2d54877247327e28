"""Rules only for kro-gen's own graphs, where kro-gen knows what the user meant.

A hand-written RGD is checked by :func:`kro_gen.check.check_rgd` alone; a graph built from
``definitions/`` also gets these (the pipeline adds them):

- ``includewhen-status-read``: a status field reading an ``includeWhen`` resource is absent while the
  resource is excluded (:mod:`kro_gen.check.rules_include`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.errors import Location

__all__ = ["check_generated"]


def check_generated(rgd: Mapping[str, Any], location: Location) -> list[Finding]:
    """The kro-gen-only findings on ``rgd``, a graph's generated RGD (see the module docstring)."""
    from kro_gen.check.rules_base import RgdView
    from kro_gen.check.rules_include import check_conditional_status
    from kro_gen.check.rules_sites import collect_sites

    view = RgdView(rgd, location)
    return check_conditional_status(view, collect_sites(view))
