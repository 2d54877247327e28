"""Synthetic fleets: N copies of the seed graph, one definition file each, as a platform repo holds them.

Each copy is the seed's own text (``definitions/microservices.py`` of this checkout) with its graph name,
kind and object names made distinct (``microservices-app-0007``, ``MicroservicesApp0007``,
``app-config-0007``...), so the graphs are independent and no two direct-mode manifests collide in a
namespace. A fleet has the three environments of this checkout's ``pyproject.toml``, or (``environments
= 20``) those three and 17 more, every fourth in direct mode, each graph declaring an instance in every
one of them.

Deterministic: the same arguments write the same bytes. Run it alone to make a fleet to try by hand::

    python benchmarks/fleet.py /tmp/fleet --graphs 100 [--environments 20] [--git]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable as the package root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import REPO
from benchmarks.projects import init_repo

SEED = REPO / "definitions" / "microservices.py"

#: Environments of the 20-environment fleet beyond the seed's three: (name, mode).
EXTRA_ENVIRONMENTS = tuple(
    (f"env-{index:02d}", "direct" if index % 4 == 0 else "kro") for index in range(4, 21)
)

#: Seed text -> replacement (``NNNN`` becomes the copy's zero-padded number); each must occur in the seed.
_RENAMES = (
    ('"microservices-app"', '"microservices-app-NNNN"'),
    ('kind="MicroservicesApp"', 'kind="MicroservicesAppNNNN"'),
    ('"app-config"', '"app-config-NNNN"'),
    ('"db-secrets"', '"db-secrets-NNNN"'),
    ('"gateway-config"', '"gateway-config-NNNN"'),
    ('"api-gateway"', '"api-gateway-NNNN"'),
    ('"microservices-ingress"', '"microservices-ingress-NNNN"'),
    ('f"{name}-service"', 'f"{name}-service-NNNN"'),
)

_ENVIRONMENT_FIELD = re.compile(r'environment: Literal\["development", "staging", "production"\]')

_EXTRA_INSTANCES = """

# --- benchmarks/fleet.py: instances for the 20-environment fleet, modelled on staging --------------
for _environment in {names!r}:
    app.instance(
        _environment,
        {{
            "environment": _environment,
            "version": "1.0.0",
            "gateway": {{"domain": f"microservices-{{_environment}}.local", "replicas": 2}},
            "services": _services(
                _environment,
                {{"user": 2, "product": 2, "order": 2}},
                _environment,
                {{"user": "users", "product": "products", "order": "orders"}},
            ),
            "secrets": {{"prefix": f"microservices/{{_environment}}"}},
        }},
    )
"""


class SeedChanged(RuntimeError):
    """The seed no longer contains a text the fleet generator renames: update :data:`_RENAMES`."""


def graph_source(number: int, *, environments: int = 3, seed: str | None = None) -> str:
    """The definition file of copy ``number`` (its names end in ``-NNNN``)."""
    text = SEED.read_text(encoding="utf-8") if seed is None else seed
    suffix = f"{number:04d}"
    for old, new in _RENAMES:
        if old not in text:
            raise SeedChanged(f"{SEED.name} no longer contains {old}; update benchmarks/fleet.py")
        text = text.replace(old, new.replace("NNNN", suffix))
    if environments == 3:
        return text
    if environments != 3 + len(EXTRA_ENVIRONMENTS):
        raise ValueError(f"a fleet has 3 or {3 + len(EXTRA_ENVIRONMENTS)} environments, not {environments}")
    text, count = _ENVIRONMENT_FIELD.subn("environment: str", text)
    if count != 1:
        raise SeedChanged(f"{SEED.name}: the spec's environment field changed; update benchmarks/fleet.py")
    return text + _EXTRA_INSTANCES.format(names=[name for name, _ in EXTRA_ENVIRONMENTS])


#: The production gateway's replica count of a copy: what "one graph changed" edits.
_PRODUCTION_GATEWAY = 'domain="api.mycompany.com", replicas=3'


def changed_source(source: str, replicas: int) -> str:
    """A copy's definition ``source`` with its production gateway at ``replicas`` replicas (from 3)."""
    if _PRODUCTION_GATEWAY not in source:
        raise SeedChanged(f"{SEED.name} no longer contains {_PRODUCTION_GATEWAY}; update benchmarks/fleet.py")
    return source.replace(_PRODUCTION_GATEWAY, f'domain="api.mycompany.com", replicas={replicas}')


def module_name(number: int) -> str:
    """The definition module of copy ``number`` (``app_0007``)."""
    return f"app_{number:04d}"


def fleet_config(environments: int = 3) -> str:
    """This checkout's ``pyproject.toml`` (its ``[tool.kro-gen]`` table), with the extra environments."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.kro-gen]")
    end = text.index("\n[tool.", start + 1)
    while text[end + 1 :].startswith("[[tool.kro-gen."):  # the environments array goes with it
        end = text.index("\n[", end + 1)
    config = text[start:end].rstrip() + "\n"
    if environments != 3:
        for index, (name, mode) in enumerate(EXTRA_ENVIRONMENTS, start=4):
            config += (
                f'\n[[tool.kro-gen.environments]]\nname = "{name}"\ncluster = "cluster-{index:02d}"\n'
                f'namespace = "{name}"\nmode = "{mode}"\n'
            )
    return '[project]\nname = "fleet"\nversion = "0.0.0"\n\n' + config


def write_fleet(target: Path, graphs: int, *, environments: int = 3, git: bool = True) -> Path:
    """A project at ``target`` with ``graphs`` copies of the seed (and the seed's CRDs); a git repository
    with one commit of it when ``git``. Returns ``target``."""
    definitions = target / "definitions"
    definitions.mkdir(parents=True)
    shutil.copytree(REPO / "definitions" / "crds", definitions / "crds")
    seed = SEED.read_text(encoding="utf-8")
    for number in range(1, graphs + 1):
        source = graph_source(number, environments=environments, seed=seed)
        (definitions / f"{module_name(number)}.py").write_text(source, encoding="utf-8")
    (target / "pyproject.toml").write_text(fleet_config(environments), encoding="utf-8")
    return init_repo(target) if git else target


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write one fleet."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="folder to create (must not exist)")
    parser.add_argument("--graphs", type=int, default=10)
    parser.add_argument("--environments", type=int, choices=(3, 20), default=3)
    parser.add_argument("--git", action="store_true", help="make it a git repository with one commit")
    options = parser.parse_args(argv)
    write_fleet(options.target, options.graphs, environments=options.environments, git=options.git)
    print(options.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
