"""The per-environment stage: each graph's instance in each environment, as an instance CR (kro mode)
or as plain manifests (direct mode), checked against the schemas.

An environment the configuration lists but a graph declares no instance for simply does not run that
graph; an instance for an environment the configuration does not list is a :class:`ConfigError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kro_gen.errors import ConfigError, KroGenError, Location
from kro_gen.pipeline.checks import check_instance_document, check_manifest
from kro_gen.pipeline.graphs import GraphOutput

if TYPE_CHECKING:
    from kro_gen.check.findings import Finding
    from kro_gen.emit.direct import DirectManifest
    from kro_gen.gitops.model import Document, EnvironmentArtifact, EnvironmentTarget
    from kro_gen.graph import BuiltGraph
    from kro_gen.project.config import Environment, Mode
    from kro_gen.registry import SchemaRegistry


def target_of(environment: Environment, mode: Mode | None = None) -> EnvironmentTarget:
    """The GitOps stage's view of a configured environment (``mode`` overrides the configured one)."""
    from kro_gen.gitops.model import EnvironmentTarget

    return EnvironmentTarget(
        environment.name,
        environment.cluster,
        environment.namespace,
        mode or environment.mode,
        flux_service_account=environment.flux_service_account,
        sync_windows=tuple(window.argocd() for window in environment.sync_windows),
        resources=environment.resources,
        sops=environment.sops,
        sops_secret=environment.sops_secret,
    )


def check_declared_environments(
    outputs: Sequence[GraphOutput], environments: Sequence[Environment], config_location: Location
) -> None:
    """Raise :class:`ConfigError` when a graph has an instance for an environment that is not configured."""
    check_instance_environments(
        [(o.name, {env: i.site for env, i in o.graph.instances.items()}) for o in outputs],
        environments,
        config_location,
    )


def check_instance_environments(
    graphs: Sequence[tuple[str, Mapping[str, str | None]]],
    environments: Sequence[Environment],
    config_location: Location,
) -> None:
    """:func:`check_declared_environments` for ``(graph name, environment -> instance site)`` pairs."""
    known = {environment.name for environment in environments}
    for graph, instances in graphs:
        for name, site in instances.items():
            if name not in known:
                raise ConfigError(
                    f"graph {graph!r} declares an instance for environment {name!r}, "
                    f"which [tool.kro-gen] environments does not list",
                    location=Location(file=site, graph=graph, environment=name),
                    hint=f"add it to {config_location.file or 'pyproject.toml'} or use one of: "
                    + ", ".join(sorted(known)),
                    rule="unknown-environment",
                )


def graph_documents(
    output: GraphOutput, target: EnvironmentTarget, registry: SchemaRegistry
) -> tuple[list[Document], list[Finding]]:
    """The documents ``output``'s instance in ``target`` yields, and the findings of checking them.

    No instance in that environment gives no documents.
    """
    from kro_gen.emit.instance import instance_document
    from kro_gen.gitops.model import Document

    instance = output.graph.instances.get(target.name)
    if instance is None:
        return [], []
    where = Location(file=instance.site, graph=output.name, environment=target.name)
    emitted = instance_document(output.graph, instance, target.namespace)
    if target.mode == "kro":
        findings = check_instance_document(emitted.document, output.rgd, where)
        return [
            Document(emitted.document, output.name, "instance", output.depth, output.source, instance.site)
        ], findings
    documents: list[Document] = []
    findings = []
    try:
        manifests = _direct_manifests(output, emitted.document, target, registry)
    except KroGenError as error:
        # at the line that built the resource whose value failed, else at the instance's values
        raise error.located(output.user_site(error.location) or Location(file=instance.site)) from None
    for manifest in manifests:
        manifest_where = Location(resource=manifest.id).merged(where)
        findings += check_manifest(manifest.body, manifest_where, registry)
        documents.append(
            Document(manifest.body, output.name, "manifest", manifest.depth, output.source, instance.site)
        )
    return documents, findings


def _direct_manifests(
    output: GraphOutput, instance: dict[str, Any], target: EnvironmentTarget, registry: SchemaRegistry
) -> list[DirectManifest]:
    return _rendered(output.built, output.rgd, instance, target, registry)


def _rendered(
    built: BuiltGraph,
    rgd: dict[str, Any],
    instance: dict[str, Any],
    target: EnvironmentTarget,
    registry: SchemaRegistry,
    depth: int = 0,
) -> list[DirectManifest]:
    """``rgd``'s manifests for ``instance``, with an instance of a chained graph (``inner.use``)
    replaced by that graph's own manifests: a cluster without kro has no kind for it.

    An inner manifest's id is ``<chained id>.<inner id>`` and its depth counts from the chained one.
    """
    from dataclasses import replace

    from kro_gen.emit.direct import render_direct
    from kro_gen.pipeline.graphs import emit_rgd

    manifests: list[DirectManifest] = []
    rendered = render_direct(rgd, instance, environment=target.name, is_namespaced=registry.is_namespaced)
    for manifest in rendered:
        manifest = replace(manifest, depth=manifest.depth + depth)
        resource = built.resources.get(manifest.id)
        if resource is None or resource.graph_ref is None:
            manifests.append(manifest)
            continue
        inner = resource.graph_ref.build()
        try:
            nested = _rendered(inner, emit_rgd(inner), manifest.body, target, registry, manifest.depth)
        except KroGenError as error:
            made = inner.resources.get(error.location.resource or "") or resource
            raise error.located(Location(file=made.site, built_at=made.built_at)) from None
        manifests += [replace(item, id=f"{manifest.id}.{item.id}") for item in nested]
    return manifests


def environment_artifact(
    outputs: Sequence[GraphOutput], target: EnvironmentTarget, registry: SchemaRegistry
) -> tuple[EnvironmentArtifact, list[Finding]]:
    """Everything ``target`` gets from every graph, in graph order, and the findings."""
    from kro_gen.gitops.model import EnvironmentArtifact

    documents: list[Document] = []
    findings: list[Finding] = []
    for output in outputs:
        found_documents, found = graph_documents(output, target, registry)
        documents += found_documents
        findings += found
    return EnvironmentArtifact(target, tuple(documents)), findings


def check_user_files(
    environments: Sequence[Environment], output_dir: Path, config_location: Location
) -> None:
    """Raise :class:`ConfigError` when an environment's ``resources`` lists a file that does not exist.

    The kustomization would list it, and every ``kubectl kustomize`` (Argo CD, Flux) of the folder
    would fail on the cluster; so the run stops here, before anything is written.
    """
    from kro_gen.gitops.layout import env_dir

    for environment in environments:
        for entry in environment.resources:
            path = output_dir / env_dir(environment.name) / entry
            if not path.is_file():
                raise ConfigError(
                    f"resources entry {entry!r} of environment {environment.name!r} does not exist "
                    f"({path}); its kustomization.yaml would not build",
                    location=Location(
                        file=config_location.file, environment=environment.name, path="resources"
                    ),
                    hint=f"create {path} (your SealedSecret or SOPS file), or remove the entry",
                    rule="missing-user-file",
                )
