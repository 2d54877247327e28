"""The rollout model as text: what ``kro-gen rollout`` prints and the tree's README shows."""

from __future__ import annotations

from collections.abc import Sequence

from kro_gen.gitops.rollout import Rollout, Step

TOOL_NAMES = {"argocd": "Argo CD", "flux": "Flux"}
HOW = {
    "argocd": "the root Application applies one root wave at a time and waits until every Application "
    "in it is Healthy; an Application applies its objects wave by wave, waiting for each wave's health",
    "flux": "a Kustomization starts when every Kustomization it depends on is Ready; it applies its "
    "objects together (CRDs and Namespaces first) and is Ready once all of them are",
}


def _step(step: Step) -> list[str]:
    after = f" (after {', '.join(step.after)})" if step.after else ""
    lines = [f"   - {step.unit}{after}"]
    for phase in step.phases:
        if phase.applies == (step.unit,):  # an object applied by the root itself
            lines += [f"     waits for: {line}" for line in phase.waits_for]
            continue
        lines.append(f"     {phase.label}: {', '.join(phase.applies) or '(nothing)'}")
        lines.append("       waits for:")
        lines += [f"         {line}" for line in phase.waits_for]
    return lines


def render_rollout(rollout: Rollout) -> str:
    """One environment's rollout with one tool, as numbered stages."""
    lines = [
        f"{rollout.environment} (cluster {rollout.cluster}, {rollout.mode} mode) with "
        f"{TOOL_NAMES[rollout.tool]}: {HOW[rollout.tool]}.",
        "",
    ]
    for number, stage in enumerate(rollout.stages, start=1):
        lines.append(f"{number}. {stage.label}")
        for step in stage.steps:
            lines += _step(step)
    return "\n".join(lines) + "\n"


def render_rollouts(rollouts: Sequence[Rollout]) -> str:
    """Every rollout, separated by a blank line."""
    return "\n".join(render_rollout(rollout) for rollout in rollouts)
