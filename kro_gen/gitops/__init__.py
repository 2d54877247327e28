"""The GitOps stage: plan the tree, wire Argo CD and Flux, write it atomically, detect drift.

Public API::

    plan_tree(graphs, environments, settings) -> TreePlan
    write_tree(plan, root, *, adopt=False, force=False, label=None) -> WriteReport
    check_tree(plan, root, *, label=None) -> list[Drift]
    render_diff(drifts) -> str
"""

from __future__ import annotations

from kro_gen.gitops.drift import Drift, check_tree, render_diff
from kro_gen.gitops.model import (
    Document,
    EnvironmentArtifact,
    EnvironmentTarget,
    GraphArtifact,
    TreePlan,
    TreeSettings,
)
from kro_gen.gitops.plan import plan_tree
from kro_gen.gitops.writer import WriteReport, recover, write_tree

__all__ = [
    "Document",
    "Drift",
    "EnvironmentArtifact",
    "EnvironmentTarget",
    "GraphArtifact",
    "TreePlan",
    "TreeSettings",
    "WriteReport",
    "check_tree",
    "plan_tree",
    "recover",
    "render_diff",
    "write_tree",
]
