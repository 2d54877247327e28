"""Instance CRs: one per graph and environment, with a stable explicit name and a validated spec."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kro_gen.errors import DefinitionError, Location
from kro_gen.graph.graph import Instance, ResourceGraph

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


@dataclass(frozen=True)
class InstanceOutput:
    """The instance CR and the spec values with defaults applied (what direct mode evaluates)."""

    document: dict[str, Any]
    effective_spec: dict[str, Any]


def instance_document(
    graph: ResourceGraph[Any, Any], instance: Instance, namespace: str | None
) -> InstanceOutput:
    """The instance CR of ``graph`` for ``instance``; ``namespace`` is the environment's default.

    The spec holds exactly the values the definition set (kro applies the schema defaults), after
    validation against the graph's spec model. Errors name the environment, graph and field path.
    """
    from kro_gen.schema import validate_instance

    where = Location(file=instance.site, graph=graph.name, environment=instance.environment)
    if not _DNS_NAME.match(instance.name) or len(instance.name) > 253:
        raise DefinitionError(
            f"instance name {instance.name!r} is not a valid Kubernetes name",
            location=Location(path="metadata.name").merged(where),
            hint="use lowercase letters, digits and '-'",
            rule="instance-name",
        )
    spec_location = Location(path="spec").merged(where)
    values = validate_instance(graph.spec_model, instance.values, location=spec_location)
    metadata: dict[str, Any] = {"name": instance.name}
    target_namespace = instance.namespace or namespace
    if graph.scope == "Namespaced":
        if not target_namespace or not _DNS_LABEL.match(target_namespace):
            raise DefinitionError(
                f"instance namespace {target_namespace!r} is not a valid namespace name",
                location=Location(path="metadata.namespace").merged(where),
                hint="set the environment's namespace in [tool.kro-gen] or pass namespace= to instance()",
                rule="instance-namespace",
            )
        metadata["namespace"] = target_namespace
    document = {
        "apiVersion": graph.api_version,
        "kind": graph.kind,
        "metadata": metadata,
        "spec": values.explicit,
    }
    return InstanceOutput(document, values.effective)
