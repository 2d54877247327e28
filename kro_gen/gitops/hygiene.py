"""Last-gate checks on every object before it is written into the tree (GITOPS-NOTES §4.5).

A generated GitOps tree must never hold a plaintext Secret (readable by everyone with repository access,
whatever the repository's visibility) nor live-cluster state (``status``, ``resourceVersion``, ``uid``,
``creationTimestamp``, ``managedFields``), which makes GitOps tools report a permanent diff.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kro_gen.errors import Location, ValidationError

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
    with ``data``/``stringData``; no ``status`` and no server-owned metadata fields.
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
    if body["kind"] == "Secret" and body["apiVersion"] == "v1" and ("data" in body or "stringData" in body):
        raise ValidationError(
            f"Secret {metadata['name']!r} carries its values in plaintext",
            location=where.merged(Location(path="data")),
            hint="reference the secret through an ExternalSecret (or a SOPS/SealedSecret file kept outside "
            "the generated tree) instead of emitting its data",
            rule="plaintext-secret",
        )
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
