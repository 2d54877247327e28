"""`kro-gen generate` as a user runs it: byte-identical trees across PYTHONHASHSEED values and job counts.

tests/pipeline/test_incremental.py compares plans in-process (4 graphs, a patched threshold); this runs
the real command in subprocesses on a 16-graph fleet (the seed's graphs: dict-heavy resources, status
trees, dependency sets, 3 environments) with ``--no-cache``, so nothing is reused between runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.fleet import write_fleet

KRO_GEN = str(Path(sys.executable).with_name("kro-gen"))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under gitops/ (the tree and its ownership index), by relative path."""
    files = {
        p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "gitops").rglob("*") if p.is_file()
    }
    assert "gitops/.kro-gen/manifest.json" in files  # the ownership index is compared too
    return files


def generate(root: Path, *, seed: str, jobs: int) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    env.pop("KRO_GEN_JOBS", None)
    subprocess.run(
        [KRO_GEN, "generate", "--no-cache", "--jobs", str(jobs)],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    return tree(root)


def test_trees_are_byte_identical_across_hash_seeds_and_serial_or_parallel_runs(tmp_path: Path) -> None:
    template = write_fleet(tmp_path / "template", 16, git=False)
    results: dict[tuple[str, int], dict[str, bytes]] = {}
    for seed, jobs in (("0", 1), ("0", 2), ("4242", 1), ("4242", 2)):
        root = tmp_path / f"run-{seed}-{jobs}"
        shutil.copytree(template, root)
        results[seed, jobs] = generate(root, seed=seed, jobs=jobs)
    first = results["0", 1]
    assert sum(name.startswith("gitops/platform/rgds/rgd-") for name in first) >= 16
    for key, files in results.items():
        assert files.keys() == first.keys(), key
        differing = [name for name in first if files[name] != first[name]]
        assert differing == [], (key, differing)
