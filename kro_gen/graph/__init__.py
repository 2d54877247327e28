"""The graph layer: resources, graphs, dependencies (the IR between authoring and emission)."""

from kro_gen.graph.compose import Chained
from kro_gen.graph.graph import BuiltGraph, Instance, NoStatus, ResourceGraph
from kro_gen.graph.resource import Resource
from kro_gen.graph.returned import ResourceNamespace
from kro_gen.graph.settings import PrinterColumn
from kro_gen.graph.views import Condition, ObjectMeta, Schema

__all__ = [
    "BuiltGraph",
    "Chained",
    "Condition",
    "Instance",
    "NoStatus",
    "ObjectMeta",
    "PrinterColumn",
    "Resource",
    "ResourceGraph",
    "ResourceNamespace",
    "Schema",
]
