"""Reading YAML: one configured reader for every file kro-gen reads (committed RGDs, CRDs, manifests).

YAML 1.2 and safe (plain data only), with ruamel.yaml.clib's C parser -- a dependency of kro-gen, about
seven times faster than ruamel's own parser on kro-gen's files -- and ruamel's own parser when the C
extension is missing or ``pure`` is asked for. Both build the same data: the C extension only scans
and parses; ruamel resolves tags and constructs the values in both cases.
ruamel is imported on first use, so importing this module costs nothing.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_yaml", "load_yaml_all", "yaml_reader"]


def yaml_reader(*, pure: bool = False) -> Any:
    """A ruamel ``YAML(typ="safe")``: the C parser unless ``pure`` (or the C extension is missing)."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=pure)


def load_yaml(text: str, *, pure: bool = False) -> Any:
    """The one YAML document of ``text`` (ruamel's errors propagate)."""
    return yaml_reader(pure=pure).load(text)


def load_yaml_all(text: str, *, pure: bool = False) -> list[Any]:
    """Every YAML document of ``text``, empty ones as ``None`` (ruamel's errors propagate)."""
    return list(yaml_reader(pure=pure).load_all(text))
