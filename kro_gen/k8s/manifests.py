"""``from_yaml``: an existing single-object manifest as a resource template.

Strings holding kro ``${...}`` expressions become expressions, so references to ``schema`` and to other
resources count as dependencies exactly as they do in Python-built templates.

>>> from kro_gen import k8s
>>> quota = k8s.from_yaml('''
... apiVersion: v1
... kind: ResourceQuota
... metadata: {name: team-quota}
... spec: {hard: {pods: "${string(schema.spec.maxPods)}"}}
... ''')  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Unpack

from kro_gen.errors import KroGenError
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr
from kro_gen.graph.resource import Resource, display_path
from kro_gen.k8s.base import Common, Site, builder, merge_into
from kro_gen.k8s.values import as_string, compact, label_map, string_map

#: Fields a cluster adds to objects; a manifest exported from a cluster must be cleaned of them.
_SERVER_FIELDS = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "selfLink")


def _read(source: str | Path) -> tuple[str, str | None]:
    """The YAML text and the file it came from (None for inline text)."""
    is_path = isinstance(source, Path) or (
        "\n" not in source and source.strip().endswith((".yaml", ".yml", ".json"))
    )
    if not is_path:
        return str(source), None
    path = display_path(os.fspath(source))
    try:
        return Path(source).read_text(encoding="utf-8"), path
    except OSError as error:
        site = Site.here("from_yaml")
        raise site.error(None, f"cannot read {path}: {error.strerror}", rule="yaml-file") from None


def _documents(text: str, site: Site) -> list[Any]:
    from ruamel.yaml.error import YAMLError

    from kro_gen.yamlread import load_yaml_all

    try:
        documents = [d for d in load_yaml_all(text) if d is not None]
    except YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise site.error(None, f"the YAML cannot be parsed: {problem}{where}", rule="yaml") from None
    return documents


def _convert(value: Any, site: Site, path: str) -> Any:
    """Plain data with ``${...}`` strings parsed into expressions."""
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise site.error(path, f"the key {key!r} at {path or 'the top'} is not a string", rule="yaml")
            if "${" in key:
                raise site.error(
                    f"{path}.{key}".lstrip("."), "kro does not evaluate ${} in map keys", rule="yaml"
                )
            result[key] = _convert(item, site, f"{path}.{key}".lstrip("."))
        return result
    if isinstance(value, list):
        return [_convert(item, site, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, str):
        return _expression(value, site, path) if "${" in value else value
    if value is None or isinstance(value, bool | int | float):
        return value
    raise site.error(
        path,
        f"{path} holds a YAML {type(value).__name__}, which Kubernetes does not accept",
        hint="quote the value to make it a string",
        rule="yaml",
    )


def _expression(text: str, site: Site, path: str) -> object:
    from kro_gen.expr.kro_text import parse_field

    try:
        parsed = parse_field(text)
    except KroGenError as error:
        raise error.located(site.location(path)) from None
    if isinstance(parsed, n.Node):
        return Expr(parsed, "string" if isinstance(parsed, n.Template) else None)
    return parsed


def _check(document: Any, site: Site) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise site.error(None, f"the manifest is a {type(document).__name__}, not an object", rule="yaml")
    for key in ("apiVersion", "kind"):
        if not isinstance(document.get(key), str):
            raise site.error(key, f"the manifest has no literal {key}", rule="yaml")
    metadata = document.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("name") is None:
        raise site.error("metadata.name", "the manifest has no metadata.name", rule="yaml")
    leftovers = [f"metadata.{k}" for k in _SERVER_FIELDS if k in metadata] + (
        ["status"] if "status" in document else []
    )
    if leftovers:
        raise site.error(
            leftovers[0],
            f"the manifest carries {leftovers[0]}, which the cluster writes",
            hint=f"remove {', '.join(leftovers)} from the file",
            rule="yaml-server-fields",
        )
    return document


@builder()
def from_yaml(source: str | Path, **options: Unpack[Common]) -> Resource:
    """A resource whose template is the one object in ``source`` (a file path or YAML text).

    ``source`` is read as a file when it is a ``Path``, or a one-line string ending in ``.yaml``,
    ``.yml`` or ``.json``. The common options apply on top: ``namespace``, ``labels`` and
    ``annotations`` are added to the metadata (a different value for a field the file already sets is
    an error), and the directives (``id``, ``include_when``...) are kro's.
    """
    text, file = _read(source)
    site = Site.here("from_yaml", None, options.get("id"))
    if file is not None:
        site = Site("from_yaml", None, site.id, file)
    documents = _documents(text, site)
    if len(documents) != 1:
        where = file or "the YAML text"
        raise site.error(
            None,
            f"{where} holds {len(documents)} objects; from_yaml takes exactly one",
            hint="split the file, one from_yaml per object",
            rule="yaml-documents",
        )
    template = _convert(_check(documents[0], site), site, "")
    site = Site(template["kind"], template["metadata"]["name"], site.id, site.file, site.built_at)
    overlay = {
        "metadata": compact(
            namespace=None
            if options.get("namespace") is None
            else as_string(options["namespace"], site, "namespace"),
            labels=None if options.get("labels") is None else label_map(options["labels"], site, "labels"),
            annotations=None
            if options.get("annotations") is None
            else string_map(options["annotations"], site, "annotations"),
        )
    }
    merge_into(template, overlay, site, "options")
    if options.get("extra") is not None:
        merge_into(template, dict(options["extra"] or {}), site, "extra")
    from kro_gen.k8s.generic import is_cluster_scoped

    if is_cluster_scoped(template["apiVersion"], template["kind"]) and "namespace" in template["metadata"]:
        raise site.error("metadata.namespace", f"a {template['kind']} is cluster-scoped and has no namespace")
    if (template["apiVersion"], template["kind"]) == ("v1", "Secret"):
        from kro_gen.k8s.config import refuse_plaintext

        refuse_plaintext(
            site,
            {"stringData": template.get("stringData"), "data": template.get("data")},
            template["metadata"].get("annotations"),
        )
    return site.make(template, options)
