"""The inputs: a copy of the bundled example, synthetic projects of a chosen size, the seed's RGD.

Everything is deterministic: the synthetic definition is a fixed text with one number in it, and the
temporary folders differ only in their names.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.measure import REPO

if TYPE_CHECKING:
    from kro_gen.pipeline import GenerationResult

#: Resources per group in the synthetic definition (ConfigMap, Deployment, Service, PDB, forEach ConfigMap).
GROUP_SIZE = 5

_SYNTHETIC = '''\
"""A synthetic fleet: {groups} groups of ConfigMap, Deployment, Service, PodDisruptionBudget (includeWhen)
and a ConfigMap per region (forEach); each group's ConfigMap reads the previous group's Service."""

from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, cel, k8s

GROUPS = {groups}


class Spec(BaseModel):
    tier: str
    image: str
    replicas: int = Field(1, ge=0)
    domain: str
    regions: list[str] = Field(default_factory=lambda: ["eu"])


class Status(BaseModel):
    ready: bool
    url: str


fleet = ResourceGraph(
    "fleet", api_version="bench.example.com/v1alpha1", kind="Fleet", spec=Spec, status=Status
)


@fleet.resources
def resources(schema):
    spec = schema.spec
    region = cel.var("region", "string")
    out = {{}}
    previous = None
    for i in range(GROUPS):
        config = k8s.ConfigMap(f"config-{{i}}", data={{
            "TIER": spec.tier,
            "LOG_LEVEL": cel.cond(spec.tier == "production", "info", "debug"),
            "URL": f"https://app-{{i}}.{{spec.domain}}",
            "UPSTREAM": previous.metadata.name if previous is not None else "none",
        }})
        app = k8s.Deployment(
            f"app-{{i}}", image=spec.image, replicas=spec.replicas, ports=[8080],
            env={{"GROUP": str(i), "REGIONS": cel.join(spec.regions, ",")}},
            env_from=[config], readiness_probe=k8s.http_get("/ready", 8080),
        )
        service = k8s.Service(f"app-{{i}}", selector=app, ports=[8080])
        budget = k8s.PodDisruptionBudget(
            f"app-{{i}}", selector=app, max_unavailable=1, include_when=spec.replicas > 1
        )
        regional = k8s.ConfigMap(
            f"app-{{i}}-{{region}}", {{"REGION": region, "SERVICE": service.metadata.name}},
            for_each={{"region": spec.regions}},
        )
        out.update({{
            f"config{{i}}": config, f"app{{i}}": app, f"service{{i}}": service,
            f"budget{{i}}": budget, f"regional{{i}}": regional,
        }})
        previous = service
    return out


@fleet.status
def status(schema, r):
    def ready(i):
        return cel.default(r[f"app{{i}}"].status.readyReplicas, 0) == r[f"app{{i}}"].spec.replicas

    return {{"ready": cel.and_(*(ready(i) for i in range(GROUPS))), "url": f"https://{{schema.spec.domain}}"}}


fleet.instance("development", {{
    "tier": "development", "image": "app:dev", "domain": "dev.example.com", "regions": ["eu", "us"],
}})
fleet.instance("staging", {{
    "tier": "staging", "image": "app:1.0", "replicas": 2, "domain": "staging.example.com",
    "regions": ["eu", "us"],
}})
fleet.instance("production", {{
    "tier": "production", "image": "app:1.0", "replicas": 3, "domain": "example.com",
    "regions": ["eu", "us", "ap"],
}})
'''

_SYNTHETIC_CONFIG = """\
[tool.kro-gen]
repo_url = "https://github.com/example/bench.git"

[[tool.kro-gen.environments]]
name = "development"
mode = "direct"

[[tool.kro-gen.environments]]
name = "staging"

[[tool.kro-gen.environments]]
name = "production"
"""


def git(root: Path, *args: str) -> None:
    """Run git in ``root`` with a fixed identity (no user configuration needed)."""
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def commit_all(root: Path, message: str) -> None:
    """Commit everything under ``root`` (a git work tree)."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def init_repo(root: Path) -> Path:
    """Make ``root`` a git repository with one commit of its files; returns ``root``."""
    git(root, "init", "-q")
    commit_all(root, "definitions")
    return root


def copy_example(target: Path) -> Path:
    """A fresh git repository at ``target`` holding the bundled example: ``definitions/`` and
    ``pyproject.toml`` of this checkout, no generated tree yet."""
    target.mkdir(parents=True)
    shutil.copytree(
        REPO / "definitions", target / "definitions", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy2(REPO / "pyproject.toml", target / "pyproject.toml")
    return init_repo(target)


def synthetic_definition(resources: int) -> str:
    """The synthetic definition file with ``resources`` resources (a multiple of :data:`GROUP_SIZE`)."""
    if resources % GROUP_SIZE or resources <= 0:
        raise ValueError(f"resources must be a positive multiple of {GROUP_SIZE}, not {resources}")
    return _SYNTHETIC.format(groups=resources // GROUP_SIZE)


def make_synthetic(target: Path, resources: int) -> Path:
    """A git repository at ``target`` with the synthetic definition and three environments
    (development in direct mode, staging and production in kro mode); returns ``target``."""
    (target / "definitions").mkdir(parents=True)
    (target / "definitions" / "fleet.py").write_text(synthetic_definition(resources), encoding="utf-8")
    (target / "pyproject.toml").write_text(_SYNTHETIC_CONFIG, encoding="utf-8")
    return init_repo(target)


def generate_in_process(root: Path) -> GenerationResult:
    """``kro_gen.pipeline.generate`` for the project at ``root`` (nothing written)."""
    from kro_gen.pipeline import generate
    from kro_gen.project.config import load_config

    return generate(load_config(root))


@functools.lru_cache(maxsize=1)
def seed_result() -> GenerationResult:
    """The pipeline's result for this checkout's own example (the seed), computed once per process."""
    return generate_in_process(REPO)
