"""The Argo CD and Flux CRD schemas bundled with kro-gen (sources in SOURCES.md beside this file).

The bundle is read once per process, and only when a kind of one of these groups is looked up, so
validating plain Kubernetes objects costs nothing.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from typing import Any

_BUNDLE = Path(__file__).with_name("gitops-crds.json.gz")

#: ``(group, version, kind)`` of every kind in the bundle (a test keeps this equal to the bundle).
BUNDLED_KINDS: frozenset[tuple[str, str, str]] = frozenset(
    {
        ("argoproj.io", "v1alpha1", "Application"),
        ("argoproj.io", "v1alpha1", "ApplicationSet"),
        ("argoproj.io", "v1alpha1", "AppProject"),
        ("kustomize.toolkit.fluxcd.io", "v1", "Kustomization"),
        ("source.toolkit.fluxcd.io", "v1", "GitRepository"),
        ("source.toolkit.fluxcd.io", "v1", "HelmRepository"),
        ("source.toolkit.fluxcd.io", "v1", "OCIRepository"),
        ("source.toolkit.fluxcd.io", "v1", "Bucket"),
        ("source.toolkit.fluxcd.io", "v1", "HelmChart"),
        ("helm.toolkit.fluxcd.io", "v2", "HelmRelease"),
        ("notification.toolkit.fluxcd.io", "v1beta3", "Alert"),
        ("notification.toolkit.fluxcd.io", "v1beta3", "Provider"),
        ("notification.toolkit.fluxcd.io", "v1", "Receiver"),
    }
)


@functools.lru_cache(maxsize=1)
def bundled_crds() -> tuple[dict[str, Any], ...]:
    """The bundled CustomResourceDefinitions (trimmed: see SOURCES.md), read on first use."""
    return tuple(json.loads(gzip.decompress(_BUNDLE.read_bytes())))
