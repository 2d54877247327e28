"""The graph layer: resources, graphs, dependencies (the IR between authoring and emission)."""

from kro_gen.graph.graph import BuiltGraph, Instance, ResourceGraph, ResourceNamespace
from kro_gen.graph.resource import Resource

__all__ = ["BuiltGraph", "Instance", "Resource", "ResourceGraph", "ResourceNamespace"]
