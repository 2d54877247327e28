"""The labels kro v0.9.3 puts on every object it creates for an instance (KRO-RULES §6).

kro applies each child with server-side apply after merging its own labels over the template's
(``pkg/controller/instance/resources.go``, ``pkg/metadata/labels.go``, ``applyset``):

- ``kro.run/owned: "true"`` and ``kro.run/kro-version``;
- ``kro.run/instance-id`` (the instance's UID: only known in the cluster, so set only when the
  instance document carries ``metadata.uid``), ``kro.run/instance-name``, ``kro.run/instance-group``,
  ``kro.run/instance-version``, ``kro.run/instance-kind``, and ``kro.run/instance-namespace`` for a
  namespaced instance;
- ``app.kubernetes.io/managed-by: kro`` and ``kro.run/node-id`` (the resource id);
- ``kro.run/collection-index`` and ``kro.run/collection-size`` for the items of a ``forEach``;
- ``applyset.kubernetes.io/part-of``: the instance's ApplySet id,
  ``applyset-<base64url(sha256(name.namespace.kind.group))>-v1`` (KEP-3659).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from kro_gen.emit.crd import KRO_VERSION
from kro_gen.emit.direct import DirectManifest


def applyset_id(instance: Mapping[str, Any]) -> str:
    """The ApplySet id kro gives the instance's children (``applyset.kubernetes.io/part-of``)."""
    metadata = instance.get("metadata") or {}
    group = str(instance.get("apiVersion") or "").rpartition("/")[0]
    parts = [
        str(metadata.get("name") or ""),
        str(metadata.get("namespace") or ""),
        str(instance.get("kind")),
        group,
    ]
    digest = hashlib.sha256(".".join(parts).encode()).digest()
    return f"applyset-{base64.urlsafe_b64encode(digest).decode().rstrip('=')}-v1"


def child_labels(instance: Mapping[str, Any], node_id: str, index: int | None, size: int) -> dict[str, str]:
    """The labels kro sets on one child of ``instance`` (``index``: its place in a collection)."""
    metadata = instance.get("metadata") or {}
    group, _, version = str(instance.get("apiVersion") or "").rpartition("/")
    labels: dict[str, str] = {}
    if isinstance(metadata.get("uid"), str):
        labels["kro.run/instance-id"] = metadata["uid"]
    labels["kro.run/instance-name"] = str(metadata.get("name"))
    labels["kro.run/instance-group"] = group
    labels["kro.run/instance-version"] = version
    labels["kro.run/instance-kind"] = str(instance.get("kind"))
    if metadata.get("namespace"):
        labels["kro.run/instance-namespace"] = str(metadata["namespace"])
    labels["app.kubernetes.io/managed-by"] = "kro"
    labels["kro.run/owned"] = "true"
    labels["kro.run/kro-version"] = KRO_VERSION
    labels["kro.run/node-id"] = node_id
    if index is not None:
        labels["kro.run/collection-index"] = str(index)
        labels["kro.run/collection-size"] = str(size)
    labels["applyset.kubernetes.io/part-of"] = applyset_id(instance)
    return labels


def label_children(manifests: Sequence[DirectManifest], instance: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The bodies of ``manifests`` with kro's labels merged over their own (kro's win)."""
    sizes: dict[str, int] = {}
    for manifest in manifests:
        if manifest.index is not None:
            sizes[manifest.id] = sizes.get(manifest.id, 0) + 1
    bodies = []
    for manifest in manifests:
        body = dict(manifest.body)
        metadata = dict(body.get("metadata") or {})
        labels = dict(metadata.get("labels") or {})
        labels.update(child_labels(instance, manifest.id, manifest.index, sizes.get(manifest.id, 0)))
        metadata["labels"] = labels
        body["metadata"] = metadata
        bodies.append(body)
    return bodies
