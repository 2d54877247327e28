"""The object schemas known offline: built-in Kubernetes kinds, CRDs, and the kinds RGDs generate.

This layer sits below both :mod:`kro_gen.check` and :mod:`kro_gen.emit`: it knows schemas, not kro's
rules. :class:`SchemaRegistry` stands in for the cluster's OpenAPI endpoint;
:mod:`kro_gen.registry.crd_schema` turns a CRD's structural schema into JSON Schema.
"""

from kro_gen.registry.kinds import (
    DEFAULT_KUBERNETES_VERSION,
    SchemaRegistry,
    available_versions,
    split_api_version,
)

__all__ = ["DEFAULT_KUBERNETES_VERSION", "SchemaRegistry", "available_versions", "split_api_version"]
