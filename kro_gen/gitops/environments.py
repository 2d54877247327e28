"""``environments/<env>/``: one fully rendered object per file plus a sorted ``kustomization.yaml``.

Objects keep their own namespace (no kustomize ``namespace:``). Each gets the annotations of its role
(see :mod:`.annotations`); a Namespace object is added for the environment's namespace unless the
environment already holds one or another environment on the same cluster owns it. File names are
``<kind lowercase>-<name>.yaml``; two objects that would share a file are an error naming both (an
environment spanning namespaces with equal names must rename one of them).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from kro_gen.emit.yamlio import dump_yaml
from kro_gen.errors import DefinitionError, Location, ValidationError
from kro_gen.gitops import annotations as ann
from kro_gen.gitops import layout
from kro_gen.gitops.hygiene import check_object
from kro_gen.gitops.model import Document, EnvironmentArtifact, GraphArtifact


def _namespace_object(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def _check_instance(
    doc: Document, env: EnvironmentArtifact, graph: GraphArtifact | None, where: Location
) -> None:
    if env.target.mode != "kro":
        raise ValidationError(
            "a kro instance is planned into a direct-mode environment (no RGD is synced there)",
            location=where,
            hint="emit plain manifests for direct environments, or set the environment's mode to kro",
            rule="instance-mode",
        )
    if graph is None:
        raise ValidationError(
            f"instance names graph {doc.graph!r}, which is not among the generated graphs",
            location=where,
            hint="pass the graph's GraphArtifact to plan_tree",
            rule="instance-graph",
        )
    body = doc.body
    if body["apiVersion"] != graph.api_version or body["kind"] != graph.kind:
        raise ValidationError(
            f"instance is {body['apiVersion']} {body['kind']}, but graph {graph.name!r} serves "
            f"{graph.api_version} {graph.kind}",
            location=where,
            hint="build the instance from the graph's schema",
            rule="instance-graph",
        )
    has_namespace = "namespace" in body["metadata"]
    if (graph.scope == "Namespaced") != has_namespace:
        wanted = (
            "needs metadata.namespace" if graph.scope == "Namespaced" else "must not have metadata.namespace"
        )
        raise ValidationError(
            f"instance of a {graph.scope}-scoped graph {wanted}",
            location=where.merged(Location(path="metadata.namespace")),
            hint="objects carry their namespace themselves; the tree adds none",
            rule="instance-namespace",
        )


def annotate(doc: Document, env: EnvironmentArtifact, graph: GraphArtifact | None) -> dict[str, Any]:
    """The document's body with the GitOps annotations of its role (after checking it)."""
    where = Location(file=doc.source, graph=doc.graph, environment=env.target.name)
    check_object(doc.body, where)
    where = where.merged(Location(resource=f"{doc.body['kind']}/{doc.body['metadata']['name']}"))
    if doc.body["kind"] == "Namespace" and doc.body["apiVersion"] == "v1":
        return ann.stamp(doc.body, ann.namespace_annotations(), where)
    if doc.role == "instance":
        _check_instance(doc, env, graph, where)
        return ann.stamp(doc.body, ann.instance_annotations(ann.instance_wave(doc.wave)), where)
    return ann.stamp(doc.body, ann.manifest_annotations(ann.manifest_wave(doc.body), doc.body), where)


def plan_environment(
    env: EnvironmentArtifact,
    graphs: Mapping[str, GraphArtifact],
    *,
    owns_namespace: bool,
    config_source: str,
) -> dict[str, str]:
    """The files of one environment folder.

    Args:
        env: the environment and its documents.
        graphs: generated graphs by name (to check instances against their graph).
        owns_namespace: add a Namespace object for ``env.target.namespace`` (unless a document is one).
        config_source: where environments are configured (named in the Namespace file's header).
    """
    folder = layout.env_dir(env.target.name)
    bodies: list[tuple[dict[str, Any], str, str, str]] = []  # (annotated body, source, site, description)
    for doc in env.documents:
        body = annotate(doc, env, graphs.get(doc.graph))
        bodies.append(
            (body, doc.source, doc.site or doc.source, f"{doc.site or doc.source} (graph {doc.graph!r})")
        )
    namespaces = {b["metadata"]["name"] for b, _, _, _ in bodies if b["kind"] == "Namespace"}
    if owns_namespace and env.target.namespace not in namespaces:
        body = ann.stamp(_namespace_object(env.target.namespace), ann.namespace_annotations(), Location())
        bodies.append((body, config_source, config_source, "the environment's namespace"))

    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    for body, source, site, description in bodies:
        where = Location(file=site, environment=env.target.name)
        path = f"{folder}/{layout.object_file(body['kind'], body['metadata']['name'], where)}"
        if path in owners:
            raise DefinitionError(
                f"{owners[path]} and {description} both map to {path}",
                location=where,
                hint="give one of the objects another metadata.name: one object per file",
                rule="file-collision",
            )
        owners[path] = description
        files[path] = dump_yaml(body, header=layout.header([source]))
    for user_file in env.target.resources:
        if f"{folder}/{user_file}" in files:
            raise DefinitionError(
                f"resources entry {user_file!r} of environment {env.target.name!r} is a file kro-gen "
                f"generates ({owners[f'{folder}/{user_file}']})",
                location=Location(file=config_source, environment=env.target.name),
                hint="list only your own files (for example under secrets/) in resources",
                rule="file-collision",
            )
    sources = [source for _, source, _, _ in bodies]
    files[f"{folder}/{layout.KUSTOMIZATION}"] = layout.kustomization(
        [*(posixpath.basename(path) for path in files), *env.target.resources], sources
    )
    return files
