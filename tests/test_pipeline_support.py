"""Small kro-gen projects in temporary folders, shared by the pipeline and CLI tests (no tests here).

Definitions are written with the graph API and plain templates (``Resource({...})``), so these tests
exercise the project, pipeline and CLI layers without depending on the ``k8s`` builders.
"""

from __future__ import annotations

import hashlib
import subprocess
import textwrap
from pathlib import Path

WEB_APP = """\
from pydantic import BaseModel, Field

from kro_gen import ResourceGraph
from kro_gen.graph import Resource


class Spec(BaseModel):
    image: str
    replicas: int = Field(1, ge=0)
    message: str = "hello"


web = ResourceGraph("web-app", api_version="example.com/v1alpha1", kind="WebApp", spec=Spec)


@web.resources
def resources(schema):
    spec = schema.spec
    config = Resource({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "web-config"},
        "data": {"MESSAGE": spec.message},
    })
    deployment = Resource({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": spec.replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{
                    "name": "web",
                    "image": spec.image,
                    "envFrom": [{"configMapRef": {"name": config.metadata.name}}],
                }]},
            },
        },
    })
    return {"config": config, "deployment": deployment}


web.instance("dev", {"image": "nginx:1.27"})
web.instance("prod", {"image": "nginx:1.27", "replicas": 3})
"""

ENVIRONMENTS = """\
[[tool.kro-gen.environments]]
name = "dev"
mode = "direct"

[[tool.kro-gen.environments]]
name = "prod"
cluster = "prod-eu1"
"""


def make_project(
    root: Path,
    *,
    definitions: dict[str, str] | None = None,
    environments: str = ENVIRONMENTS,
    extra: str = 'repo_url = "https://github.com/acme/platform.git"\n',
) -> Path:
    """A project in ``root``: pyproject with ``[tool.kro-gen]`` and the given definition files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[tool.kro-gen]\n{extra}\n{environments}", encoding="utf-8")
    folder = root / "definitions"
    folder.mkdir(exist_ok=True)
    for name, text in (definitions if definitions is not None else {"web.py": WEB_APP}).items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its output."""
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


def init_repo(root: Path) -> Path:
    """Make ``root`` a git repository with a committer identity."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    ignore = root / ".gitignore"
    if not ignore.exists():  # as in any Python repository: Python's bytecode cache is never committed
        ignore.write_text("__pycache__/\n", encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> sha256), to prove that nothing changed.

    Python's bytecode cache (``__pycache__``, written when definitions are imported) is not counted.
    """
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must occur) by ``new`` in the file at ``path``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
