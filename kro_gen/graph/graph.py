"""``ResourceGraph``: a typed API (spec and status models), its resources, its status, its instances.

>>> from pydantic import BaseModel
>>> from kro_gen import ResourceGraph, Schema, k8s
>>> class Spec(BaseModel):
...     image: str
>>> app = ResourceGraph("demo", api_version="demo.example.com/v1alpha1", kind="Demo", spec=Spec)
>>> @app.resources
... def resources(schema: Schema[Spec]) -> dict[str, k8s.Resource]:
...     return {"web": k8s.Deployment("web", image=schema.spec.image)}
>>> [r.id for r in app.build().resources.values()]
['web']
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal

from pydantic import BaseModel
from typing_extensions import TypeVar

from kro_gen.errors import DefinitionError, KroGenError, Location
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import ChildResolver
from kro_gen.graph.compose import Chained, chained_resource
from kro_gen.graph.resource import (
    Resource,
    building,
    caller_site,
    display_path,
    metadata_resolver,
    raising_site,
)
from kro_gen.graph.returned import ResourceNamespace, is_group, name_resources
from kro_gen.graph.settings import PrinterColumn, rgd_settings
from kro_gen.graph.status import build_status
from kro_gen.graph.views import Schema

Scope = Literal["Namespaced", "Cluster"]


class NoStatus(BaseModel):
    """The status model of a graph declared without one (kro still writes ``state`` and ``conditions``)."""


SpecT = TypeVar("SpecT", bound=BaseModel)
StatusT = TypeVar("StatusT", bound=BaseModel, default=NoStatus)
#: What a resources builder returns: a dict, a list, or a NamedTuple/dataclass of resources.
ReturnedT = TypeVar("ReturnedT")
ResourcesT = TypeVar("ResourcesT")

_API_VERSION = re.compile(r"^(?:(?P<group>[a-z0-9.-]+)/)?(?P<version>v[0-9]+(?:alpha[0-9]+|beta[0-9]+)?)$")
_KIND = re.compile(r"^[A-Z][a-zA-Z0-9]{0,62}$")
_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


@dataclass
class Instance:
    """One environment's instance of a graph: its name, namespace and spec values."""

    environment: str
    name: str
    namespace: str | None
    values: Mapping[str, Any] | BaseModel
    site: str | None = None


@dataclass
class BuiltGraph:
    """A graph after its builders ran: resources by id (declaration order) and the status tree."""

    graph: ResourceGraph[Any, Any]
    resources: dict[str, Resource]
    status: dict[str, Any]
    dependencies: dict[str, list[str]] = field(default_factory=dict)

    @property
    def order(self) -> list[str]:
        """Resource ids in dependency order (ties keep declaration order)."""
        from kro_gen.graph.dag import topological_order

        return topological_order(self.dependencies)


class ResourceGraph(Generic[SpecT, StatusT]):
    """A kro ResourceGraphDefinition written in Python, generic in its spec and status models.

    ``ResourceGraph(..., spec=WebSpec, status=WebStatus)`` is a ``ResourceGraph[WebSpec, WebStatus]``:
    ``@graph.resources`` takes a function of a ``Schema[WebSpec]``, ``graph.instance(env, WebSpec(...))``
    is checked by the type checker, and ``graph.use(...)`` returns a resource whose ``.status`` is a
    ``WebStatus`` for the checker.

    Args:
        name: the RGD's ``metadata.name`` (DNS-1123, stable: renaming it creates a new RGD).
        api_version: ``group/version`` of the generated API (``kro.run`` when no group is given).
        kind: the generated kind, UpperCamelCase.
        spec: pydantic model of the instance spec.
        status: pydantic model of the instance status (its fields are filled by the status builder).
        scope: ``Namespaced`` (default) or ``Cluster`` instances.
        allow_breaking_changes: emit ``kro.run/allow-breaking-changes: "true"`` on the RGD.
        printer_columns: ``kubectl get`` columns of the instances (:class:`PrinterColumn`, or dicts as
            the CRD writes them); they replace kro's State/Ready/Age (``*PrinterColumn.kro_defaults()``).
        labels, annotations: ``metadata`` of the RGD object itself.
        crd_labels, crd_annotations: ``metadata`` of the CRD kro generates (``spec.schema.metadata``).
    """

    def __init__(
        self,
        name: str,
        *,
        api_version: str,
        kind: str,
        spec: type[SpecT],
        status: type[StatusT] | None = None,
        scope: Scope = "Namespaced",
        allow_breaking_changes: bool = False,
        printer_columns: Sequence[PrinterColumn | Mapping[str, Any]] | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        crd_labels: Mapping[str, str] | None = None,
        crd_annotations: Mapping[str, str] | None = None,
    ) -> None:
        self.site = caller_site()
        for option, value in (("name", name), ("api_version", api_version), ("kind", kind)):
            if not isinstance(value, str):
                raise DefinitionError(
                    f"ResourceGraph {option} must be a string, got {type(value).__name__}",
                    location=Location(file=self.site, graph=name if isinstance(name, str) else None),
                    hint="e.g. ResourceGraph('web-app', api_version='example.com/v1alpha1', kind='WebApp')",
                    rule="graph-option",
                )
        where = Location(file=self.site, graph=name)
        if not _DNS_NAME.match(name) or len(name) > 253:
            raise DefinitionError(
                f"graph name {name!r} is not a valid Kubernetes object name",
                location=where,
                hint="use lowercase letters, digits, '-' and '.', e.g. 'microservices-app'",
                rule="rgd-name",
            )
        match = _API_VERSION.match(api_version)
        if not match:
            raise DefinitionError(
                f"api_version {api_version!r} is not 'group/version' with a kro version like v1alpha1",
                location=where,
                hint="write e.g. 'platform.example.com/v1alpha1'",
                rule="schema-api-version",
            )
        group = match.group("group") or "kro.run"
        if "." not in group:
            raise DefinitionError(
                f"API group {group!r} has no dot; the API server rejects the generated CRD",
                location=where,
                hint="use a domain-like group such as 'platform.example.com'",
                rule="schema-group",
            )
        if not _KIND.match(kind):
            raise DefinitionError(
                f"kind {kind!r} is not UpperCamelCase",
                location=where,
                hint="e.g. 'MicroservicesApp'",
                rule="schema-kind",
            )
        if scope not in ("Namespaced", "Cluster"):
            raise DefinitionError(
                f"scope {scope!r} is not Namespaced or Cluster", location=where, rule="schema-scope"
            )
        for option, model in (("spec", spec), ("status", status)):
            if model is not None and not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise DefinitionError(
                    f"{option}= must be a pydantic model class, got {model!r}",
                    location=where,
                    hint=f"define a class {kind}{option.title()}(BaseModel) with a field per value",
                    rule=f"schema-{option}",
                )
        self.name = name
        self.group = group
        self.version = match.group("version")
        self.kind = kind
        self.scope: Scope = scope
        self.spec_model: type[SpecT] = spec
        self.status_model: type[StatusT] | None = status
        self.allow_breaking_changes = allow_breaking_changes
        self.settings = rgd_settings(
            where,
            printer_columns=printer_columns,
            labels=labels,
            annotations=annotations,
            crd_labels=crd_labels,
            crd_annotations=crd_annotations,
        )
        self._resources_builder: Callable[[Schema[SpecT]], object] | None = None
        self._status_builder: Callable[[Schema[SpecT], Any], Mapping[str, Any]] | None = None
        self.instances: dict[str, Instance] = {}
        self._built: BuiltGraph | None = None

    @property
    def api_version(self) -> str:
        """``group/version`` of the generated API (what instances carry)."""
        return f"{self.group}/{self.version}"

    def location(self) -> Location:
        """This graph's location for error messages."""
        return Location(file=self.site, graph=self.name)

    def status_site(self) -> str | None:
        """``file:line`` of the status builder (its decorator or ``def``), or None without one."""
        return _code_site(self._status_builder)

    # -- builders --------------------------------------------------------------------------------
    def resources(
        self, builder: Callable[[Schema[SpecT]], ReturnedT]
    ) -> Callable[[Schema[SpecT]], ReturnedT]:
        """Decorator: ``builder(schema)`` returns the resources.

        It returns ``{id: resource}``, a list, or a NamedTuple/dataclass whose fields are the ids
        (groups of resources nest: their field names join in camelCase); see :mod:`kro_gen.graph.returned`.
        """
        self._resources_builder = builder
        self._built = None
        return builder

    def status(
        self, builder: Callable[[Schema[SpecT], ResourcesT], Mapping[str, Any]]
    ) -> Callable[[Schema[SpecT], ResourcesT], Mapping[str, Any]]:
        """Decorator: ``builder(schema, r)`` returns the status fields as expressions.

        ``r`` is what the resources builder returned when that is a NamedTuple or dataclass (so
        annotate ``r`` with that class), else a namespace where ``r.<id>`` is the resource.
        """
        self._status_builder = builder
        self._built = None
        return builder

    def instance(
        self,
        environment: str,
        values: SpecT | Mapping[str, Any],
        *,
        name: str | None = None,
        namespace: str | None = None,
    ) -> Instance:
        """Declare this graph's instance in ``environment`` with spec ``values`` (a model or a dict).

        ``name`` defaults to the graph name (stable: GitOps diffs never churn); ``namespace`` defaults to
        the environment's namespace from the project configuration.
        """
        if environment in self.instances:
            raise DefinitionError(
                f"graph {self.name!r} already has an instance for environment {environment!r}",
                location=Location(file=caller_site(), graph=self.name, environment=environment),
                hint="declare one instance per environment",
                rule="duplicate-instance",
            )
        instance = Instance(environment, name or self.name, namespace, values, caller_site())
        self.instances[environment] = instance
        return instance

    def use(
        self,
        name: object,
        spec: Mapping[str, Any],
        *,
        namespace: object | None = None,
        id: str | None = None,
        include_when: Any = None,
        ready_when: Any = None,
    ) -> Chained[SpecT, StatusT]:
        """An instance of this graph as a resource of another graph (kro RGD chaining).

        kro adds no readiness check for chained instances, so kro-gen adds
        ``readyWhen: ${<id>.status.state == "ACTIVE"}`` unless ``ready_when`` is given. For the type
        checker the result's ``.spec`` is this graph's spec model and ``.status`` its status model.
        """
        return chained_resource(
            self, name, spec, namespace=namespace, id=id, include_when=include_when, ready_when=ready_when
        )

    # -- assembly ---------------------------------------------------------------------------------
    def schema_ref(self) -> Schema[SpecT]:
        """The ``schema`` variable that builders receive: ``schema.spec.x``, ``schema.metadata.name``."""
        from kro_gen.schema import spec_resolver

        spec_child = spec_resolver(self.spec_model)
        graph_name = self.name

        def schema_child(field_name: str) -> tuple[str | None, ChildResolver | None]:
            if field_name == "spec":
                return "map", spec_child
            if field_name == "metadata":
                return "map", metadata_resolver
            if field_name in ("apiVersion", "kind"):
                return "string", None
            raise DefinitionError(
                f"schema.{field_name} cannot be read in kro",
                location=Location(graph=graph_name),
                hint="templates read schema.spec, schema.metadata, schema.apiVersion and schema.kind",
                rule="schema-field",
            )

        return Schema(n.Ident("schema"), "map", schema_child)

    def build(self) -> BuiltGraph:
        """Run the builders once and return the assembled graph (cached)."""
        if self._built is None:
            with building(self._resources_builder):
                try:
                    self._built = self._assemble()
                except KroGenError as error:
                    site, built_at = raising_site(error.__traceback__)
                    if site and not error.location.file:
                        error.located(Location(file=site, built_at=built_at))
                    raise error.located(self.location()) from None
        return self._built

    def _assemble(self) -> BuiltGraph:
        if self._resources_builder is None:
            raise DefinitionError(
                "the graph has no resources builder",
                hint="decorate a function with @graph.resources that returns {id: resource}",
                rule="no-resources",
            )
        schema = self.schema_ref()
        returned = self._resources_builder(schema)
        try:
            resources = name_resources(returned)
        except KroGenError as error:  # what the builder returned: at the builder, unless at a resource
            raise error.located(Location(file=_code_site(self._resources_builder))) from None
        status: dict[str, Any] = {}
        if self._status_builder is not None:
            r = returned if is_group(returned) else ResourceNamespace(resources, self.name)
            returned_status = self._status_builder(schema, r)
            try:
                status = build_status(self.status_model, returned_status)
            except KroGenError as error:
                raise error.located(Location(file=self.status_site())) from None
        elif self.status_model is not None and self.status_model.model_fields:
            raise DefinitionError(
                f"the status model {self.status_model.__name__} has fields "
                "but the graph has no status builder",
                hint="decorate a function with @graph.status that returns an expression for every field",
                rule="status-builder",
            )
        from kro_gen.graph.dag import dependencies_of

        dependencies = dependencies_of(resources)
        return BuiltGraph(self, resources, status, dependencies)

    def __repr__(self) -> str:
        return f"ResourceGraph({self.name!r}, kind={self.kind!r}, api_version={self.api_version!r})"


def _code_site(function: object) -> str | None:
    """``file:line`` where ``function`` is defined (its first decorator), or None (not plain Python)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    return f"{display_path(os.path.abspath(code.co_filename))}:{code.co_firstlineno}"
