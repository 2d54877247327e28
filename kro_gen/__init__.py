"""kro-gen: write kro ResourceGraphDefinitions in Python and generate a GitOps tree.

What definitions use::

    from kro_gen import ResourceGraph, Schema, cel, k8s
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Expr", "PrinterColumn", "Resource", "ResourceGraph", "Schema", "__version__", "cel", "k8s"]

if TYPE_CHECKING:
    from kro_gen import cel, k8s
    from kro_gen.expr.wrapper import Expr
    from kro_gen.graph import PrinterColumn, Resource, ResourceGraph, Schema


def __getattr__(name: str) -> Any:
    # Lazy, so that `kro-gen --help` does not import pydantic.
    if name in ("ResourceGraph", "Resource", "Schema", "PrinterColumn"):
        from kro_gen import graph

        return getattr(graph, name)
    if name == "Expr":
        from kro_gen.expr.wrapper import Expr

        return Expr
    if name in ("cel", "k8s"):
        import importlib

        return importlib.import_module(f"kro_gen.{name}")
    raise AttributeError(f"module 'kro_gen' has no attribute {name!r}")
