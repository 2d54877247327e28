"""``kro-gen init``: scaffold a project that ``kro-gen generate`` works in right away.

Creates ``definitions/example.py`` (a small typed web app graph with two environments), the
``[tool.kro-gen]`` table (appended to an existing ``pyproject.toml`` that has none) with ``[tool.mypy]``
and ``[tool.pyright]`` tables that type-check ``definitions/`` strictly (unless the project configures
them already), the GitHub workflow that type-checks, checks and regenerates the tree, and a README
stub. Existing files are never overwritten: ``init`` refuses and names them (an existing README is
left alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kro_gen import __version__
from kro_gen.errors import ConfigError, Location

WORKFLOW_PATH = ".github/workflows/kro-gen.yml"
PLACEHOLDER_REPO_URL = "https://github.com/your-org/your-repo.git"


def pinned_install(version: str, output: str = "gitops") -> str:
    """The workflow's install step: the kro-gen version that generated ``output/``, pinned.

    The version is read from ``output/.kro-gen/manifest.json`` (written by every ``generate``), so an
    upgrade committed with its regenerated tree moves CI along; before the first ``generate`` it is
    ``version`` (the one ``init`` ran with). CI never checks the tree with another kro-gen than the one
    that wrote it.

    >>> print(pinned_install("1.2.3"))
    version=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \\
      gitops/.kro-gen/manifest.json 2>/dev/null || echo 1.2.3)
    pip install "kro-gen==${version}"
    """
    return (
        "version=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))[\"version\"])' \\\n"
        f"  {output}/.kro-gen/manifest.json 2>/dev/null || echo {version})\n"
        'pip install "kro-gen==${version}"'
    )


def render_workflow(
    *, install: str, definitions: str, output: str, branch: str, extra_paths: tuple[str, ...] = ()
) -> str:
    """The GitHub Actions workflow for a project (the packaged template with its values filled in).

    A push to ``branch`` regenerates when ``definitions/**``, ``pyproject.toml`` or ``extra_paths``
    change (the kro-gen repository itself adds ``kro_gen/**``, whose changes change the output).
    """
    from importlib.resources import files

    template = files("kro_gen.project").joinpath("templates/github-workflow.yaml").read_text("utf-8")
    paths = [f"{definitions}/**", "pyproject.toml", *extra_paths]
    values = {
        "@INSTALL@": install,
        "@DEFINITIONS@": definitions,
        "@OUTPUT@": output,
        "@BRANCH@": branch,
        "@PATHS@": "\n".join(f'      - "{path}"' for path in paths),
    }
    if "\n" in install:  # a shell script: a literal block under `run:`
        values["@INSTALL@"] = "|\n" + "\n".join(f"          {line}" for line in install.splitlines())
    for token, value in values.items():
        template = template.replace(token, value)
    return template


def config_table(repo_url: str) -> str:
    """The ``[tool.kro-gen]`` TOML text of a new project."""
    return f"""
[tool.kro-gen]
definitions = "definitions"          # *.py files defining ResourceGraph objects
output = "gitops"                    # the generated tree (kro-gen only touches files it wrote)
repo_url = "{repo_url}"   # what Argo CD and Flux read
revision = "main"
wiring = ["argocd", "flux"]

[[tool.kro-gen.environments]]
name = "development"
cluster = "dev"
namespace = "development"
mode = "direct"                      # plain manifests: no kro needed on this cluster

[[tool.kro-gen.environments]]
name = "production"
cluster = "prod"
namespace = "production"
mode = "kro"                         # the RGD plus an instance of it
"""


EXAMPLE_DEFINITION = '''"""An example graph: a web app (ConfigMap, Deployment, Service) in two environments.

Run `kro-gen generate` to write gitops/, `kro-gen render web-app --env production` to see the
instance, `kro-gen graph web-app` for a diagram of the resources, `mypy` to type-check this file.
"""

from typing import NamedTuple

from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, Schema, cel, k8s
from kro_gen.k8s import kinds


class WebAppSpec(BaseModel):
    image: str = Field(description="Container image")
    replicas: int = Field(default=1, ge=0, le=20, description="Number of pods")
    message: str = Field(default="hello", description="Greeting the app serves")


class WebAppStatus(BaseModel):
    availableReplicas: int


class WebAppResources(NamedTuple):  # the resource ids; the status builder receives this object
    config: kinds.ConfigMap
    deployment: kinds.Deployment
    service: kinds.Service


app = ResourceGraph(
    "web-app", api_version="example.com/v1alpha1", kind="WebApp", spec=WebAppSpec, status=WebAppStatus
)


@app.resources
def resources(schema: Schema[WebAppSpec]) -> WebAppResources:
    spec = schema.spec  # a WebAppSpec for the type checker; each read becomes ${schema.spec...}
    config = k8s.ConfigMap("web-config", data={"MESSAGE": spec.message})
    deployment = k8s.Deployment(
        "web", image=spec.image, replicas=spec.replicas, ports=[8080], env_from=[config]
    )
    service = k8s.Service("web", selector={"app": "web"}, ports=[{"port": 80, "targetPort": 8080}])
    return WebAppResources(config, deployment, service)


@app.status
def status(schema: Schema[WebAppSpec], r: WebAppResources) -> dict[str, object]:
    # Kubernetes omits availableReplicas while no pod is available: read it with a fallback.
    return {"availableReplicas": cel.default(r.deployment.status.availableReplicas, 0)}


app.instance(
    "development", WebAppSpec(image="nginx:1.27", replicas=1, message="hello from development")
)
app.instance("production", WebAppSpec(image="nginx:1.27", replicas=3))
'''

#: Type checkers for definitions/ (added to pyproject.toml unless it configures them already).
TYPE_CHECK_TABLES = {
    "mypy": """
[tool.mypy]                          # `mypy` type-checks the definitions against kro-gen's types
files = ["definitions"]
mypy_path = "definitions"            # helpers (_*.py, e.g. `kro-gen stubs` output) import by name
strict = true
""",
    "pyright": """
[tool.pyright]                       # the same for pyright and editors that use it (Pylance)
include = ["definitions"]
extraPaths = ["definitions"]
typeCheckingMode = "strict"
""",
}

README_STUB = """# {name}

Kubernetes APIs defined in Python with [kro-gen](https://pypi.org/project/kro-gen/), delivered by GitOps.

- `definitions/`: the resource graphs (edit these).
- `gitops/`: generated by `kro-gen generate` — do not edit; Argo CD or Flux sync it
  (`gitops/README.md` describes the tree and how to bootstrap either tool).

```sh
pip install kro-gen=={version}  # the version that generated gitops/ (CI installs the same)
kro-gen generate          # write gitops/
kro-gen generate --check  # exit 1 with a diff when gitops/ is stale (what CI runs)
mypy                      # type-check definitions/ (configured in pyproject.toml; pyright works too)
```
"""


@dataclass(frozen=True)
class ScaffoldReport:
    """What ``init`` did: files created, the pyproject it extended (if any), files left alone."""

    created: list[Path]
    extended: Path | None
    kept: list[Path]


def scaffold(directory: Path, *, repo_url: str | None = None) -> ScaffoldReport:
    """Create a kro-gen project in ``directory`` (created if missing).

    ``repo_url`` defaults to the ``origin`` remote of an enclosing git repository, else a placeholder
    to replace. Raises :class:`ConfigError` (writing nothing) when a file it would create exists or the
    existing ``pyproject.toml`` already has a ``[tool.kro-gen]`` table.
    """
    directory = directory.resolve()
    pyproject = directory / "pyproject.toml"
    planned = {
        directory / "definitions" / "example.py": EXAMPLE_DEFINITION,
        directory / WORKFLOW_PATH: render_workflow(
            install=pinned_install(__version__), definitions="definitions", output="gitops", branch="main"
        ),
    }
    existing = [path for path in planned if path.exists()]
    if pyproject.exists() and _has_table(pyproject):
        existing.insert(0, pyproject)
    if existing:
        shown = ", ".join(str(path.relative_to(directory)) for path in existing)
        raise ConfigError(
            f"{directory} already has {shown}; init never overwrites files",
            location=Location(file=str(directory)),
            hint="run init in a new folder, or move those files away first",
            rule="init-exists",
        )
    table = config_table(repo_url or _origin_url(directory) or PLACEHOLDER_REPO_URL)
    configured = _tools(pyproject) if pyproject.exists() else set()
    table += "".join(text for tool, text in TYPE_CHECK_TABLES.items() if tool not in configured)
    created: list[Path] = []
    kept: list[Path] = []
    extended = None
    if pyproject.exists():
        text = pyproject.read_text("utf-8")
        pyproject.write_text(text + ("" if text.endswith("\n") else "\n") + table, "utf-8")
        extended = pyproject
    else:
        planned[pyproject] = table.lstrip("\n")
    readme = directory / "README.md"
    if readme.exists():
        kept.append(readme)
    else:
        planned[readme] = README_STUB.format(name=directory.name, version=__version__)
    for path, text in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        created.append(path)
    return ScaffoldReport(sorted(created), extended, kept)


def _has_table(pyproject: Path) -> bool:
    return "kro-gen" in _tools(pyproject)


def _tools(pyproject: Path) -> set[str]:
    """The ``[tool.*]`` tables ``pyproject`` has."""
    import tomllib

    try:
        document = tomllib.loads(pyproject.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(
            f"cannot read the existing pyproject.toml: {error}",
            location=Location(file=str(pyproject)),
            hint="fix its TOML first",
            rule="config-syntax",
        ) from None
    return set(document.get("tool", {}))


def _origin_url(directory: Path) -> str | None:
    from kro_gen.vcs import remote_url

    probe = directory
    while not probe.exists():
        probe = probe.parent
    return remote_url(probe)
