"""Shared set-up of the toolbox commands that work on any RGD: the schema registry and graph lookup.

Inside a project, the project's Kubernetes version and CRD files are used and a graph name stands for
the RGD ``kro-gen generate`` emits for it; outside one, the built-in Kubernetes kinds and the files
given. RGDs given together are registered with each other, so a chained RGD's status reads of an inner
RGD's kind are typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kro_gen.pipeline.rgd_source import GraphLookup

if TYPE_CHECKING:
    from kro_gen.project.config import ProjectConfig
    from kro_gen.registry import SchemaRegistry


def project_config(folder: Path) -> ProjectConfig | None:
    """The configuration of the project at or above ``folder``, or None outside any project."""
    from kro_gen.project.config import find_pyproject, load_config

    if find_pyproject(folder) is None:
        return None
    return load_config(folder)


def toolbox_registry(
    config: ProjectConfig | None, crd_files: Sequence[Path], rgds: Sequence[Mapping[str, Any]] = ()
) -> SchemaRegistry:
    """The built-in kinds, the project's and the given CRD files, and the kinds of ``rgds``."""
    from kro_gen.pipeline.checks import make_registry

    if config is None:
        return make_registry(None, list(crd_files), rgds)
    return make_registry(config.kubernetes_version, [*config.crd_paths, *crd_files], rgds)


def graph_lookup(config: ProjectConfig | None) -> GraphLookup | None:
    """Looks a graph of the project up by name (its generated RGD), or None outside a project."""
    if config is None:
        return None

    def lookup(name: str) -> dict[str, Any] | None:
        from kro_gen.errors import KroGenError
        from kro_gen.pipeline import generate

        try:
            result = generate(config, only_graphs=[name])
        except KroGenError as error:
            if error.rule == "unknown-graph":  # the caller says "neither a file nor a graph"
                return None
            raise
        return result.graph(name).rgd

    return lookup
