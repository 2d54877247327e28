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

from kro_gen.emit.supplied import Supplied
from kro_gen.errors import Location, ValidationError
from kro_gen.pipeline.findings import CheckFailed
from kro_gen.pipeline.rgd_source import GraphLookup, SourceDocument

if TYPE_CHECKING:
    from kro_gen.check.findings import Finding
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


#: What to do about each kind of API server field error.
_FIXES = {
    "required": "set the field in the instance",
    "unknown": "remove the field, or add it to the RGD's spec.schema.spec (the API server drops it)",
    "type": "give a value of the type the schema says",
    "enum": "use one of the supported values",
    "pattern": "use a value matching the pattern",
    "maxLength": "shorten the value",
    "minLength": "lengthen the value",
    "maxItems": "remove items",
    "minItems": "add items",
    "maximum": "use a smaller value",
    "minimum": "use a larger value",
    "duplicate": "remove the repeated item (the list is a set or map)",
    "rule": "change the value so that the RGD's validation rule holds",
}
#: Instance rules of :func:`kro_gen.check.check_instance` about the header, kept beside the admission.
_HEADER_RULES = frozenset(
    {"instance-api-version", "instance-kind", "instance-name", "instance-namespace", "instance-status"}
)


def instance_crd_schema(rgd: Mapping[str, Any], registry: SchemaRegistry) -> dict[str, Any]:
    """The ``openAPIV3Schema`` of the CRD kro generates for ``rgd``."""
    from kro_gen.emit.crd import crd_for_rgd

    crd = crd_for_rgd(rgd, registry)
    schema: dict[str, Any] = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return schema


def validate_instance_document(
    rgd: SourceDocument, instance: SourceDocument, registry: SchemaRegistry
) -> tuple[dict[str, Any], list[Finding]]:
    """``instance`` as the API server would admit it (pruned, defaulted) and every problem: the
    header (apiVersion, kind, name, namespace) and each API server field error, at ``file:line``."""
    from kro_gen.check import check_instance
    from kro_gen.check.admission import admit
    from kro_gen.check.findings import Finding
    from kro_gen.check.rules_base import parse_path

    name = (rgd.body.get("metadata") or {}).get("name")
    header = [
        _at_line(finding, instance)
        for finding in check_instance(instance.body, rgd.body, location=Location(file=instance.where))
        if finding.rule in _HEADER_RULES
    ]
    admission = admit(instance.body, instance_crd_schema(rgd.body, registry))
    named = any(finding.rule == "instance-name" for finding in header)
    found = list(header)
    for error in admission.errors:
        if named and error.path == "metadata.name":
            continue
        found.append(
            Finding(
                "instance-unknown-field" if error.kind == "unknown" else "instance-schema",
                str(error),
                Location(
                    file=instance.line_of(parse_path(error.path)),
                    graph=name if isinstance(name, str) else None,
                    path=error.path,
                ),
                _FIXES.get(error.kind, "correct the value"),
            )
        )
    return admission.object, found


def _at_line(finding: Finding, document: SourceDocument) -> Finding:
    from dataclasses import replace

    from kro_gen.check.rules_base import parse_path

    path = parse_path(finding.location.path) if finding.location.path else ()
    return replace(finding, location=replace(finding.location, file=document.line_of(path)))


class InstanceRefused(CheckFailed):
    """The API server would refuse the instance (exit 1); ``findings`` says why, field by field."""

    def __init__(self, findings: list[Finding], where: str) -> None:
        count = sum(1 for finding in findings if finding.severity.value == "error")
        ValidationError.__init__(
            self,
            f"the API server would refuse the instance {where}: {count} error{'s' if count != 1 else ''}",
            hint="correct the instance as each line above says",
            rule="instance-refused",
        )
        self.findings = findings


def render_instance(
    rgd: SourceDocument,
    instance: SourceDocument,
    registry: SchemaRegistry,
    supplied: Sequence[Supplied] = (),
) -> tuple[list[dict[str, Any]], list[Finding]]:
    """The objects kro would create for ``instance`` of ``rgd``, with kro's labels, and the warnings.

    The instance is admitted first as the API server would (unknown fields, defaults, validation):
    an instance it would refuse raises :class:`InstanceRefused`. Then the RGD is evaluated by direct
    mode's evaluator: includeWhen, forEach, every ``${}``, names and namespaces. What only the
    cluster knows is an error unless ``supplied`` (``--set``) gives it.
    """
    from kro_gen.emit.children import label_children
    from kro_gen.emit.direct import render_direct

    admitted, findings = validate_instance_document(rgd, instance, registry)
    if any(finding.severity.value == "error" for finding in findings):
        raise InstanceRefused(findings, instance.where)
    findings = _default_namespace(admitted, findings)
    manifests = render_direct(
        rgd.body, admitted, is_namespaced=registry.is_namespaced, supplied=supplied, preview=True
    )
    return label_children(manifests, admitted), findings


def _default_namespace(admitted: dict[str, Any], findings: list[Finding]) -> list[Finding]:
    """A namespaced instance without a namespace is rendered in ``default``, as ``kubectl apply``
    with the default context would create it; the warning says so."""
    from dataclasses import replace

    metadata = admitted.setdefault("metadata", {})
    kept = []
    for finding in findings:
        if finding.rule == "instance-namespace" and not metadata.get("namespace"):
            metadata["namespace"] = "default"
            finding = replace(
                finding,
                message="metadata.namespace is not set; rendering in namespace 'default' (where kubectl "
                "apply puts it with the default context; Argo CD and Flux use their destination namespace)",
            )
        kept.append(finding)
    return kept
