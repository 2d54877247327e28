"""The check stage of a run: the schema registry, RGD rules, breaking changes against git, outputs.

Every function returns findings; the run decides when to abort (after every graph was checked, so a
user sees all problems at once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kro_gen.check.findings import Finding, Severity
from kro_gen.errors import Location

if TYPE_CHECKING:
    from pydantic import BaseModel

    from kro_gen.registry import SchemaRegistry


def hand_written_rgd_groups(root: Path, crd_files: Sequence[str]) -> dict[str, str]:
    """API group -> file (as listed, relative to ``root``) of every hand-written kro RGD in ``crd_files``.

    Only files that mention ``ResourceGraphDefinition`` are parsed; unreadable ones are left to the
    registry, which reports them.
    """
    from ruamel.yaml.error import YAMLError

    from kro_gen.check.rgd_kinds import rgd_kind
    from kro_gen.registry.kinds import is_rgd_document
    from kro_gen.yamlread import load_yaml_all

    groups: dict[str, str] = {}
    for listed in crd_files:
        try:
            text = (root / listed).read_text(encoding="utf-8")
            if "ResourceGraphDefinition" not in text:
                continue
            documents = load_yaml_all(text)
        except (OSError, UnicodeDecodeError, YAMLError):  # the registry reports these, located
            continue
        for document in documents:
            if isinstance(document, Mapping) and is_rgd_document(document):
                gvk = rgd_kind(document)
                if gvk is not None:
                    groups.setdefault(gvk[0], listed)
    return groups


def make_registry(
    kubernetes_version: str | None, crd_files: Sequence[Path], rgds: Sequence[Mapping[str, Any]]
) -> SchemaRegistry:
    """A registry of the built-in kinds, the project's CRD files and the kinds the ``rgds`` generate
    (inner graphs first, so a chained graph's reads of an inner graph's status are typed).

    A file in ``crd_files`` may hold hand-written kro RGDs: each gives the CRD kro generates for it
    (spec from its SimpleSchema, status inferred from its expressions), so graphs that create its
    instances are checked against that schema.
    """
    from kro_gen.check.rgd_kinds import register_rgds
    from kro_gen.registry import SchemaRegistry

    registry = SchemaRegistry.default(kubernetes_version)
    hand_written: list[Mapping[str, Any]] = []
    for path in crd_files:
        registry.register_crd_file(path, hand_written)
    register_rgds(registry, [*hand_written, *rgds])
    return registry


#: Rules that are warnings for hand-written RGDs (kro accepts them) but errors in kro-gen's own graphs,
#: where the user controls the model: a spec field read although it is neither required nor
#: defaulted stalls the instance in kro (kro#893).
_STRICT_FOR_GENERATED = {
    "spec-field-optional-read": (
        "make the field required in the spec model, give it a default, or read it with "
        "cel.default(schema.spec.<field>, fallback)"
    ),
    # A resource reading an includeWhen resource is skipped with it: say so with the same condition.
    "includewhen-dependent": (
        "give the reader the same include_when= as the resource it reads, or stop reading it"
    ),
    # A printer column whose jsonPath names no field of the models is always empty.
    "printer-column": (
        "point PrinterColumn(json_path=...) at a field of the spec or status model (by its kro name), "
        "at .status.state, or at .metadata"
    ),
}


def check_graph_rgd(
    rgd: Mapping[str, Any],
    location: Location,
    registry: SchemaRegistry,
    status_model: type[BaseModel] | None = None,
) -> list[Finding]:
    """kro's rules, CEL and Kubernetes schema checks on one generated RGD; with the graph's
    ``status_model``, also its declared field types against the inferred ones (``status-type``)."""
    from dataclasses import replace

    from kro_gen.check import check_generated_rgd
    from kro_gen.graph.status import declared_status_types

    declared = declared_status_types(status_model)
    found, generated = check_generated_rgd(
        rgd, location=location, registry=registry, declared_status=declared
    )
    findings = []
    for finding in found:
        fix = _STRICT_FOR_GENERATED.get(finding.rule)
        if fix is not None:
            finding = replace(finding, severity=Severity.ERROR, fix=fix)
        findings.append(finding)
    return findings + generated


def at_user_site(finding: Finding, site: Location | None) -> Finding:
    """``finding`` located at the user's ``site`` (its ``file:line`` and ``built_at``) when one is known."""
    if site is None:
        return finding
    from dataclasses import replace

    return replace(finding, location=finding.location.at_site(site))


def committed_rgd(repo_root: Path | None, repo_path: str, *, rev: str = "HEAD") -> dict[str, Any] | None:
    """The RGD committed at ``<rev>:<repo_path>``, or ``None`` (no git, no commit, no file, not YAML)."""
    if repo_root is None:
        return None
    from kro_gen.vcs import committed_file

    text = committed_file(repo_root, repo_path, rev)
    if text is None:
        return None
    from ruamel.yaml.error import YAMLError

    from kro_gen.yamlread import load_yaml

    try:
        document = load_yaml(text)
    except YAMLError:
        return None
    return document if isinstance(document, dict) else None


def breaking_changes(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    location: Location,
    *,
    allowed: bool,
    registry: SchemaRegistry,
) -> list[Finding]:
    """Schema changes kro refuses (a removed field, a changed type...) between the committed and new RGD,
    and changes kro would not apply to the existing CRD (printer columns or CRD metadata alone).

    With ``allowed`` (``ResourceGraph(..., allow_breaking_changes=True)``) schema changes are not errors;
    changes to the API's identity (group, version, kind, scope) always are.
    """
    if old is None:
        return []
    from kro_gen.check.breaking import breaking_findings
    from kro_gen.check.crd_updates import unapplied_findings

    found = list(breaking_findings(old, new, location=location, allowed=allowed, registry=registry))
    return found + unapplied_findings(old, new, location=location, registry=registry)


def without_consequences(breaking: Sequence[Finding], errors: Sequence[Finding]) -> list[Finding]:
    """``breaking`` without the changes at a field whose expression already has an error.

    A status expression that fails to check (a misspelled field) has no type, so its field seems to
    change type against the committed RGD: one mistake, reported once.
    """
    broken = [f.location.path for f in errors if f.location.path]

    def related(path: str | None) -> bool:
        return path is not None and any(
            path == other or path.startswith(f"{other}.") or other.startswith(f"{path}.") for other in broken
        )

    return [finding for finding in breaking if not related(finding.location.path)]


def check_instance_document(
    document: Mapping[str, Any], rgd: Mapping[str, Any], location: Location
) -> list[Finding]:
    """An instance CR against the schema its RGD generates."""
    from kro_gen.check import check_instance

    return list(check_instance(document, rgd, location=location))


def check_manifest(
    document: Mapping[str, Any], location: Location, registry: SchemaRegistry
) -> list[Finding]:
    """A fully rendered direct-mode manifest against its kind's schema (no ``${`` allowed)."""
    from kro_gen.check.k8s_validate import validate_manifest

    return list(validate_manifest(document, registry, location, skip_expressions=False))


def errors_only(findings: Sequence[Finding]) -> list[Finding]:
    """The error-level findings of ``findings``."""
    return [f for f in findings if f.severity is Severity.ERROR]
