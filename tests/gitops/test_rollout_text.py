"""The README's rollout text at fleet size (kro_gen.gitops.rollout_text): a phase of more objects than
the limit is summarised by kind, every object is still counted, and small phases (the seed's) are
listed object by object as ``kro-gen rollout`` prints them."""

from __future__ import annotations

import re

from kro_gen.gitops.model import TreePlan
from kro_gen.gitops.rollout import Phase, Rollout, Stage, Step, plan_rollouts
from kro_gen.gitops.rollout_text import README_PHASE_LIMIT, render_rollout


def fleet_rollout(graphs: int) -> Rollout:
    """One Argo CD environment Application applying ``graphs`` copies of a ConfigMap, a Deployment and
    a Service in wave 0, and one instance of a distinct kind per graph in wave 1."""
    objects = [
        (f"{kind} development/{stem}-{n:04d}", f"{kind} development/{stem}-{n:04d}: {waits}")
        for n in range(graphs)
        for kind, stem, waits in (
            ("ConfigMap", "config", "exists"),
            ("Deployment", "api", "rolled out"),
            ("Service", "api", "exists"),
        )
    ]
    instances = [f"App{n:04d} development/app-{n:04d}" for n in range(graphs)]
    waits = [line for instance in instances for line in (f"{instance}: Ready:", "  web (Deployment): ready")]
    phases = (
        Phase("wave 0", 0, tuple(name for name, _ in objects), tuple(line for _, line in objects)),
        Phase("wave 1", 1, tuple(instances), tuple(waits)),
    )
    step = Step("Application argocd/kro-env-development", (), phases)
    return Rollout("argocd", "development", "dev", "direct", (Stage("root wave 1", 1, (step,)),))


def test_a_large_phase_is_summarised_by_kind_and_counts_every_object() -> None:
    text = render_rollout(fleet_rollout(100), limit=README_PHASE_LIMIT)
    assert "wave 0: 300 objects: 100 ConfigMap, 100 Deployment, 100 Service" in text
    assert "each of 100 ConfigMap and 100 Service: exists" in text
    assert "each of 100 Deployment: rolled out" in text
    assert "wave 1: 100 objects of 100 kinds (App0000, App0001, App0002, ...)" in text
    # the instances wait for the same resources: one entry, its continuation lines once
    assert "each of 100 objects of 100 kinds (App0000, App0001, App0002, ...): Ready:" in text
    assert text.count("web (Deployment): ready") == 1
    assert "`kro-gen rollout development --tool argocd` lists every object" in text
    assert "config-0042" not in text


def test_without_a_limit_every_object_is_listed() -> None:
    text = render_rollout(fleet_rollout(100))
    assert len(re.findall(r"ConfigMap development/config-\d{4}: exists", text)) == 100
    assert text.count("web (Deployment): ready") == 100
    assert "summarised" not in text


def test_distinct_conditions_beyond_the_limit_are_counted_not_listed() -> None:
    rollout = fleet_rollout(1)
    names = tuple(f"ResourceGraphDefinition rgd-{n:03d}" for n in range(60))
    phase = Phase("wave -1", -1, names, tuple(f"{name}: Ready (kind K{n})" for n, name in enumerate(names)))
    step = Step(rollout.stages[0].steps[0].unit, (), (phase,))
    text = render_rollout(
        Rollout("argocd", "development", "dev", "direct", (Stage("root wave 1", 1, (step,)),)),
        limit=README_PHASE_LIMIT,
    )
    listed = re.findall(r"ResourceGraphDefinition rgd-\d{3}: Ready", text)
    assert len(listed) == README_PHASE_LIMIT
    assert f"... and {60 - README_PHASE_LIMIT} more objects, each with its own condition" in text


def test_the_seed_readme_lists_every_object(seed_plan: TreePlan) -> None:
    readme = seed_plan.files["README.md"]
    assert "summarised by kind" not in readme
    for rollout in plan_rollouts(seed_plan.files, "gitops"):
        assert render_rollout(rollout).rstrip("\n") in readme


def test_wait_lines_that_name_no_object_are_counted() -> None:
    names = tuple(f"Thing t-{n:02d}" for n in range(30))
    phase = Phase("apply", None, names, ("Healthy",) * 30)
    step = Step("Kustomization flux-system/kro-env-development", (), (phase,))
    rollout = Rollout("flux", "development", "dev", "direct", (Stage("level 0", 0, (step,)),))
    text = render_rollout(rollout, limit=README_PHASE_LIMIT)
    assert "apply: 30 objects: 30 Thing" in text
    assert "         Healthy (30 objects)\n" in text
