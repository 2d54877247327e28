"""How much to measure: the full run (for the README) or ``--quick`` (a smoke run)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Repeat counts and sizes.

    Attributes:
        quick: whether this is the reduced ``--quick`` run.
        repeats: timed repeats of in-process measurements.
        process_repeats: timed repeats of measurements that start a process per sample.
        startup_repeats: timed repeats of the start-up commands (cheap, noisy: more samples).
        sizes: resource counts of the synthetic scaling projects.
        tree_files: files in the writer's synthetic tree plan.
    """

    quick: bool
    repeats: int
    process_repeats: int
    startup_repeats: int
    sizes: tuple[int, ...]
    tree_files: int


FULL = Settings(
    quick=False, repeats=7, process_repeats=5, startup_repeats=10, sizes=(10, 50, 200), tree_files=500
)
QUICK = Settings(quick=True, repeats=3, process_repeats=2, startup_repeats=3, sizes=(10, 50), tree_files=100)
