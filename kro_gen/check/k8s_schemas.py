"""The schema registry, as check sees it: :class:`~kro_gen.registry.SchemaRegistry` (moved to
:mod:`kro_gen.registry`, below check and emit) and :func:`validate_manifest`, the manifest check."""

from kro_gen.check.k8s_validate import validate_manifest
from kro_gen.registry import DEFAULT_KUBERNETES_VERSION, SchemaRegistry, available_versions

__all__ = ["DEFAULT_KUBERNETES_VERSION", "SchemaRegistry", "available_versions", "validate_manifest"]
