"""``kro-gen render``: the objects of one graph — its RGD, or its instance in one environment rendered
in kro or direct mode — as Kubernetes would receive them (without GitOps annotations)."""

from __future__ import annotations

from typing import Any, Literal

from kro_gen.check.findings import Finding
from kro_gen.errors import ConfigError, DefinitionError, Location
from kro_gen.pipeline.environments import graph_documents, target_of
from kro_gen.pipeline.findings import FindingLog
from kro_gen.pipeline.run import GenerationResult

RenderMode = Literal["rgd", "kro", "direct"]


def render_objects(
    result: GenerationResult, graph: str, *, environment: str | None = None, mode: RenderMode | None = None
) -> tuple[list[dict[str, Any]], list[Finding]]:
    """The objects to print for ``graph`` and the (warning) findings of checking them.

    ``mode`` defaults to ``rgd`` without an environment, else to the environment's configured mode.
    ``environment`` may be omitted for kro/direct when the graph has exactly one instance.
    Raises :class:`CheckFailed` when the rendered objects fail their checks.
    """
    output = result.graph(graph)
    if mode == "rgd" or (mode is None and environment is None):
        return [output.rgd], []
    name = environment or _only_environment(graph, list(output.graph.instances))
    configured = next((env for env in result.environments if env.name == name), None)
    if configured is None:
        raise ConfigError(
            f"environment {name!r} is not configured",
            location=result.config.location(),
            hint=f"environments are: {', '.join(env.name for env in result.environments) or '(none)'}",
            rule="unknown-environment",
        )
    if name not in output.graph.instances:
        raise DefinitionError(
            f"graph {graph!r} has no instance for environment {name!r}",
            location=Location(file=output.graph.site, graph=graph, environment=name),
            hint=f"declare one with {graph}.instance({name!r}, {{...}}), or render --mode rgd",
            rule="no-instance",
        )
    documents, found = graph_documents(output, target_of(configured, mode), result.registry)
    log = FindingLog()
    log.extend(found)
    log.raise_if_errors()
    return [document.body for document in documents], log.findings


def format_objects(objects: list[dict[str, Any]], *, show_secrets: bool = False) -> str:
    """What ``kro-gen render`` prints: the objects as one multi-document YAML stream.

    Every render path goes through here, so output-wide policies apply to all of them in one place:
    each literal value of a Secret (top-level or an RGD template) is ``<masked: N bytes>`` unless
    ``show_secrets``.
    """
    from kro_gen.emit.masking import mask_objects
    from kro_gen.emit.yamlio import dump_all

    return dump_all(objects if show_secrets else [mask_objects(body) for body in objects])


def _only_environment(graph: str, environments: list[str]) -> str:
    if len(environments) == 1:
        return environments[0]
    has = f"instances for {', '.join(environments)}" if environments else "no instances"
    raise DefinitionError(
        f"graph {graph!r} has {has}; say which environment to render",
        location=Location(graph=graph),
        hint="pass --env NAME (or --mode rgd for the RGD)",
        rule="render-environment",
    )
