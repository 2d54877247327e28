"""The rollout model as text: what ``kro-gen rollout`` prints and the tree's README shows.

``kro-gen rollout`` lists every object. The README summarises a phase of a fleet (more objects than
:data:`README_PHASE_LIMIT`) by kind, so its size grows with the number of graphs, not with graphs x
objects x environments; the full list stays one command away.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kro_gen.gitops.rollout import Phase, Rollout, Step

TOOL_NAMES = {"argocd": "Argo CD", "flux": "Flux"}
HOW = {
    "argocd": "the root Application applies one root wave at a time and waits until every Application "
    "in it is Healthy; an Application applies its objects wave by wave, waiting for each wave's health",
    "flux": "a Kustomization starts when every Kustomization it depends on is Ready; it applies its "
    "objects together (CRDs and Namespaces first) and is Ready once all of them are",
}
#: A README phase applying more objects than this is summarised by kind (``kro-gen rollout`` lists all).
README_PHASE_LIMIT = 24
_KINDS_SHOWN = 8


def _kind(entry: str) -> str:
    """The kind of an ``applies`` entry or of a wait line (``Kind namespace/name...``)."""
    return entry.partition(" ")[0]


def _applies_summary(applies: Sequence[str]) -> str:
    """``1,200 objects: 400 Deployment, 400 Service, ...`` (the most numerous kinds first), or
    ``100 objects of 100 kinds (A, B, C, ...)`` when there are too many kinds to count each."""
    counts = sorted(Counter(_kind(entry) for entry in applies).items(), key=lambda kc: (-kc[1], kc[0]))
    if len(counts) > _KINDS_SHOWN:
        return _of_kinds(len(applies), [kind for kind, _ in counts])
    return f"{len(applies):,} objects: " + ", ".join(f"{count:,} {kind}" for kind, count in counts)


def _wait_entries(waits_for: Sequence[str]) -> list[list[str]]:
    """The wait lines grouped per object: its first line and its indented continuation lines."""
    entries: list[list[str]] = []
    for line in waits_for:
        if line.startswith(" ") and entries:
            entries[-1].append(line)
        else:
            entries.append([line])
    return entries


def _subjects(subjects: Sequence[str]) -> str:
    """``each of 200 ConfigMap and 300 Service`` or ``each of 1,000 objects of 1,000 kinds (A, B, ...)``."""
    counts = Counter(_kind(subject) for subject in subjects)
    kinds = sorted(counts)
    if len(kinds) <= 3:
        return "each of " + " and ".join(f"{counts[kind]:,} {kind}" for kind in kinds)
    return "each of " + _of_kinds(len(subjects), kinds)


def _of_kinds(objects: int, kinds: Sequence[str]) -> str:
    """``1,000 objects of 1,000 kinds (A, B, C, ...)``: too many kinds to count each, three named."""
    return f"{objects:,} objects of {len(kinds):,} kinds ({', '.join(sorted(kinds)[:3])}, ...)"


def _waits_summary(waits_for: Sequence[str], limit: int) -> list[str]:
    """Objects that wait for the same thing as one entry (``each of 400 Deployment: rolled out ...``);
    after ``limit`` entries, how many objects are left out."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for first, *rest in _wait_entries(waits_for):
        subject, sep, condition = first.partition(": ")
        key = (condition, *rest) if sep else (first, *rest)
        groups.setdefault(key, []).append(subject if sep else "")
    lines: list[str] = []
    for (condition, *rest), subjects in list(groups.items())[:limit]:
        if not subjects[0]:  # a wait line that names no object
            lines += [condition + (f" ({len(subjects):,} objects)" if len(subjects) > 1 else ""), *rest]
        elif len(subjects) == 1:
            lines += [f"{subjects[0]}: {condition}", *rest]
        else:
            lines += [f"{_subjects(subjects)}: {condition}", *rest]
    left_out = sum(len(subjects) for subjects in list(groups.values())[limit:])
    if left_out:
        lines.append(f"... and {left_out:,} more objects, each with its own condition")
    return lines


def _step(step: Step, limit: int | None) -> list[str]:
    after = f" (after {', '.join(step.after)})" if step.after else ""
    lines = [f"   - {step.unit}{after}"]
    for phase in step.phases:
        if phase.applies == (step.unit,):  # an object applied by the root itself
            lines += [f"     waits for: {line}" for line in phase.waits_for]
            continue
        applies, waits_for = _phase_text(phase, limit)
        lines.append(f"     {phase.label}: {applies}")
        lines.append("       waits for:")
        lines += [f"         {line}" for line in waits_for]
    return lines


def _phase_text(phase: Phase, limit: int | None) -> tuple[str, Sequence[str]]:
    """What a phase applies and waits for, summarised by kind when it holds more than ``limit`` objects."""
    if limit is not None and len(phase.applies) > limit:
        return _applies_summary(phase.applies), _waits_summary(phase.waits_for, limit)
    return ", ".join(phase.applies) or "(nothing)", phase.waits_for


def _summarised(rollout: Rollout, limit: int | None) -> bool:
    phases = [phase for stage in rollout.stages for step in stage.steps for phase in step.phases]
    return limit is not None and any(len(phase.applies) > limit for phase in phases)


def render_rollout(rollout: Rollout, *, limit: int | None = None) -> str:
    """One environment's rollout with one tool, as numbered stages; a phase of more than ``limit``
    objects is summarised by kind (None: every object listed, as ``kro-gen rollout`` prints it)."""
    lines = [
        f"{rollout.environment} (cluster {rollout.cluster}, {rollout.mode} mode) with "
        f"{TOOL_NAMES[rollout.tool]}: {HOW[rollout.tool]}.",
        "",
    ]
    if _summarised(rollout, limit):
        lines += [
            f"Waves of more than {limit} objects are summarised by kind: "
            f"`kro-gen rollout {rollout.environment} --tool {rollout.tool}` lists every object.",
            "",
        ]
    for number, stage in enumerate(rollout.stages, start=1):
        lines.append(f"{number}. {stage.label}")
        for step in stage.steps:
            lines += _step(step, limit)
    return "\n".join(lines) + "\n"


def render_rollouts(rollouts: Sequence[Rollout]) -> str:
    """Every rollout, separated by a blank line."""
    return "\n".join(render_rollout(rollout) for rollout in rollouts)
