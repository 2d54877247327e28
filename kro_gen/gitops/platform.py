"""``platform/rgds/``: one file per RGD plus a sorted ``kustomization.yaml`` (phase 1 of every kro cluster).

RGDs are cluster-scoped and identical on every cluster, so they live once in the tree and are synced
once per cluster (never once per environment). Each gets its wave (see :mod:`.annotations`),
``Prune=confirm`` (deleting an RGD takes the API away from every instance) and the Flux opt-outs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from kro_gen.emit.yamlio import dump_yaml, note_dump
from kro_gen.errors import Location, ValidationError
from kro_gen.gitops import annotations as ann
from kro_gen.gitops import layout
from kro_gen.gitops.hygiene import check_object, check_rgd_secrets
from kro_gen.gitops.model import GraphArtifact


def _check_rgd(graph: GraphArtifact, where: Location) -> None:
    check_object(graph.rgd, where)
    check_rgd_secrets(graph.rgd, where)
    rgd = graph.rgd
    if rgd["apiVersion"] != "kro.run/v1alpha1" or rgd["kind"] != "ResourceGraphDefinition":
        raise ValidationError(
            f"graph document is {rgd['apiVersion']} {rgd['kind']}, not a kro.run/v1alpha1 RGD",
            location=where,
            hint="pass the RGD document as GraphArtifact.rgd",
            rule="rgd-shape",
        )
    metadata = rgd["metadata"]
    if metadata["name"] != graph.name:
        raise ValidationError(
            f"RGD metadata.name {metadata['name']!r} differs from the graph name {graph.name!r}",
            location=where.merged(Location(path="metadata.name")),
            hint="keep GraphArtifact.name equal to the RGD's metadata.name",
            rule="rgd-shape",
        )
    if "namespace" in metadata:
        raise ValidationError(
            "RGD has metadata.namespace, but RGDs are cluster-scoped",
            location=where.merged(Location(path="metadata.namespace")),
            hint="remove the namespace from the RGD",
            rule="rgd-shape",
        )


def rgd_file(graph: GraphArtifact, max_depth: int) -> str:
    """The text of ``graph``'s file in ``platform/rgds/`` when the deepest chained graph has ``max_depth``
    (``graph.rgd_file`` when it was made, and so checked, for that depth)."""
    where = Location(file=graph.source, graph=graph.name)
    made = _made(graph, max_depth)
    if made is None:
        _check_rgd(graph, where)
    body = ann.stamp(graph.rgd, ann.rgd_annotations(ann.rgd_wave(graph.depth, max_depth)), where)
    if made is not None:
        note_dump(made, body)  # what dumping it would have recorded
        return made
    return dump_yaml(body, header=layout.header([graph.source]))


def _made(graph: GraphArtifact, max_depth: int) -> str | None:
    """The text already made for ``graph`` at ``max_depth``, if any."""
    if graph.rgd_file is not None and graph.rgd_file[0] == max_depth:
        return graph.rgd_file[1]
    return None


def plan_rgds(graphs: Sequence[GraphArtifact]) -> dict[str, str]:
    """The ``platform/rgds/`` files for ``graphs`` (empty when there are none)."""
    if not graphs:
        return {}
    max_depth = max(graph.depth for graph in graphs)
    files: dict[str, str] = {}
    for graph in sorted(graphs, key=lambda g: g.name):
        files[layout.rgd_path(graph.name)] = rgd_file(graph, max_depth)
    files[f"{layout.RGD_DIR}/{layout.KUSTOMIZATION}"] = layout.kustomization(
        [posixpath.basename(path) for path in files], [graph.source for graph in graphs]
    )
    return files
