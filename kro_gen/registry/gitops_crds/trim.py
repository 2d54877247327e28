"""Rebuild ``gitops-crds.json.gz`` from the upstream CRD files (a maintainer's script, not used at run time).

    python -m kro_gen.registry.gitops_crds.trim UPSTREAM.yaml... > /dev/null

Each upstream file is one CustomResourceDefinition as its project publishes it (see SOURCES.md). The
bundle keeps what validation needs: the CRD's name, group, names, scope and, for each served version,
its name and ``openAPIV3Schema``. Descriptions are dropped (they are most of the bytes and change
nothing a check reads); every other schema keyword is kept as published. The output is sorted JSON,
gzip-compressed without a timestamp, so the same inputs give the same bytes.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

BUNDLE = Path(__file__).with_name("gitops-crds.json.gz")


def without_descriptions(node: Any, *, in_properties: bool = False) -> Any:
    """``node`` without the ``description`` keyword (a property that is named ``description`` stays)."""
    if isinstance(node, Mapping):
        return {
            key: without_descriptions(value, in_properties=key == "properties" and not in_properties)
            for key, value in node.items()
            if in_properties or key != "description" or not isinstance(value, str)
        }
    if isinstance(node, list):
        return [without_descriptions(item) for item in node]
    return node


def trimmed(crd: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of one CRD the registry reads (see the module docstring)."""
    spec = crd["spec"]
    versions = [
        {
            "name": version["name"],
            "served": True,
            "storage": bool(version.get("storage")),
            "schema": {"openAPIV3Schema": without_descriptions(version["schema"]["openAPIV3Schema"])},
        }
        for version in spec["versions"]
        if version.get("served", True)
    ]
    return {
        "apiVersion": crd["apiVersion"],
        "kind": crd["kind"],
        "metadata": {"name": crd["metadata"]["name"]},
        "spec": {
            "group": spec["group"],
            "names": spec["names"],
            "scope": spec["scope"],
            "versions": versions,
        },
    }


def build(paths: Sequence[str]) -> bytes:
    """The bundle's bytes for the upstream CRD files ``paths`` (sorted by CRD name)."""
    from ruamel.yaml import YAML

    crds = [trimmed(YAML(typ="safe", pure=True).load(Path(path).read_text("utf-8"))) for path in paths]
    crds.sort(key=lambda crd: crd["metadata"]["name"])
    text = json.dumps(crds, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


if __name__ == "__main__":  # pragma: no cover - run by hand when the upstream versions change
    BUNDLE.write_bytes(build(sys.argv[1:]))
