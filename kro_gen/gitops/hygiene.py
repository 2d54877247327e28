"""Last-gate checks on every object before it is written into the tree (GITOPS-NOTES §4.5).

A generated GitOps tree must never hold a plaintext Secret (readable by everyone with repository access,
whatever the repository's visibility) nor live-cluster state (``status``, ``resourceVersion``, ``uid``,
``creationTimestamp``, ``managedFields``), which makes GitOps tools report a permanent diff.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.errors import DefinitionError, Location, ValidationError
from kro_gen.graph.secrets import (
    PLAINTEXT_ALLOWED,
    PLAINTEXT_ANNOTATION,
    literal_secret_fields,
    plaintext_allowed,
)

_EPHEMERAL_METADATA = (
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "managedFields",
    "generation",
    "selfLink",
)


def check_object(body: Mapping[str, Any], where: Location) -> None:
    """Raise when ``body`` is not a well-formed object or breaks a never-emit rule.

    Checked: ``apiVersion``, ``kind`` and ``metadata.name`` are non-empty strings; no ``kind: Secret``
    with literal ``data``/``stringData`` values (unless annotated ``kro-gen/plaintext-secret: allowed``);
    no ``status`` and no server-owned metadata fields.
    """
    for key in ("apiVersion", "kind"):
        if not isinstance(body.get(key), str) or not body.get(key):
            raise ValidationError(
                f"object has no {key}", location=where, hint=f"set {key} on the object", rule="object-shape"
            )
    metadata = body.get("metadata")
    if not isinstance(metadata, Mapping) or not isinstance(metadata.get("name"), str) or not metadata["name"]:
        raise ValidationError(
            f"{body['kind']} has no metadata.name",
            location=where,
            hint="give every object a stable name (no generated or time-based names)",
            rule="object-shape",
        )
    check_secret(body, where)
    found = [f"metadata.{key}" for key in _EPHEMERAL_METADATA if key in metadata]
    if "status" in body:
        found.insert(0, "status")
    if found:
        raise ValidationError(
            f"{body['kind']} {metadata['name']!r} holds live-cluster state: {', '.join(found)}",
            location=where.merged(Location(path=found[0])),
            hint="emit only desired state; the cluster writes these fields",
            rule="ephemeral-field",
        )


def check_secret(body: Mapping[str, Any], where: Location) -> None:
    """Raise when ``body`` is a Secret that would be committed with a literal value (its values are
    never part of the message)."""
    literal = literal_secret_fields(body)
    if not literal or plaintext_allowed(body):
        return
    name = body.get("metadata", {}).get("name")
    more = f" (and {len(literal) - 1} more)" if len(literal) > 1 else ""
    raise DefinitionError(  # a fault of the definitions (exit 2), not of the tree
        f"Secret {name!r} would be committed with {literal[0]}{more} in plaintext",
        location=where.merged(Location(path=literal[0])),
        hint="direct mode writes a Secret's values resolved into the manifest; keep them out of git: "
        "use kro mode (the cluster computes them), k8s.external_secret(...), or a SealedSecret or "
        "SOPS-encrypted file instead; for non-sensitive data only, "
        f"k8s.Secret(..., allow_plaintext=True) (annotation {PLAINTEXT_ANNOTATION}: {PLAINTEXT_ALLOWED})",
        rule="plaintext-secret",
    )


def check_rgd_secrets(rgd: Mapping[str, Any], where: Location) -> None:
    """Raise when a Secret template of the RGD holds a literal value without the explicit opt-in."""
    spec = rgd.get("spec")
    resources = spec.get("resources") if isinstance(spec, Mapping) else None
    for resource in resources if isinstance(resources, list) else []:
        template = resource.get("template") if isinstance(resource, Mapping) else None
        if isinstance(template, Mapping):
            check_secret(template, where.merged(Location(resource=str(resource.get("id")))))
