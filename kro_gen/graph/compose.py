"""RGD chaining: an instance of one graph used as a resource inside another."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol

from pydantic import BaseModel
from typing_extensions import TypeVar

from kro_gen.errors import DefinitionError, Location
from kro_gen.expr.wrapper import Expr, has_expression
from kro_gen.graph.resource import Resource

SpecT = TypeVar("SpecT", bound=BaseModel)
StatusT = TypeVar("StatusT", bound=BaseModel)


class ChainTarget(Protocol[SpecT]):
    """What chaining needs of the inner graph (a :class:`~kro_gen.graph.graph.ResourceGraph`)."""

    name: str
    kind: str
    spec_model: type[SpecT]

    @property
    def api_version(self) -> str: ...


class Chained(Resource, Generic[SpecT, StatusT]):
    """An instance of another graph inside this one: ``.spec`` and ``.status`` typed by its models.

    At run time ``.spec.x`` and ``.status.y`` build references (``${db.status.y}``), as for any resource.
    kro's own ``status.state`` is read as ``db["status"].state``.
    """

    if TYPE_CHECKING:

        @property
        def spec(self) -> SpecT: ...

        @property
        def status(self) -> StatusT: ...


def chained_resource(
    inner: ChainTarget[SpecT],
    name: object,
    spec: Mapping[str, Any],
    *,
    namespace: object | None,
    id: str | None,
    include_when: Any,
    ready_when: Any,
) -> Chained[SpecT, Any]:
    """A resource whose template is an instance of ``inner`` with ``spec``.

    Field names are checked against ``inner``'s spec model now; literal values are validated when the
    whole spec is literal (expressions are checked by the RGD validator, which knows the inner schema).
    """
    _check_fields(inner, spec, "spec")
    if not has_expression(spec):
        from kro_gen.schema import validate_instance

        try:
            validate_instance(inner.spec_model, spec, location=Location(path="spec"))
        except DefinitionError as error:
            # The mistake is in the graph calling use() (the location is filled in by its build).
            error.hint = f"correct the spec passed to the {inner.name!r} graph's use(...)"
            raise
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    template = {"apiVersion": inner.api_version, "kind": inner.kind, "metadata": metadata, "spec": dict(spec)}
    resource: Chained[SpecT, Any] = Chained(template, id=id, include_when=include_when)
    resource.graph_ref = inner
    if ready_when is None:
        resource.when_ready(lambda self: self.status.state == "ACTIVE")
    else:
        resource.when_ready(ready_when)
    return resource


def _check_fields(inner: ChainTarget[Any], values: Mapping[str, Any], path: str) -> None:
    model: Any = inner.spec_model
    for part in path.split(".")[1:]:
        model = model.model_fields[part].annotation
    fields = model.model_fields
    aliases = {f.alias or k: k for k, f in fields.items()}
    for key, value in values.items():
        if key not in aliases:
            import difflib

            close = difflib.get_close_matches(str(key), list(aliases), n=1, cutoff=0.6)
            known = f"fields are {', '.join(aliases)}"
            raise DefinitionError(
                f"{inner.kind} (graph {inner.name!r}) has no spec field {path}.{key}",
                location=Location(path=f"{path}.{key}"),
                hint=f"did you mean {close[0]!r}? ({known})" if close else known,
                rule="chained-spec-field",
            )
        annotation = fields[aliases[key]].annotation
        nested = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if nested and isinstance(value, Mapping) and not isinstance(value, Expr):
            _check_fields(inner, value, f"{path}.{aliases[key]}")
