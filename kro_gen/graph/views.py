"""What the builders receive, as type checkers see it: ``Schema[Spec]`` and ``ObjectMeta``.

At run time a builder's ``schema`` is an expression (:class:`~kro_gen.expr.wrapper.Expr`) and every
field read from it builds CEL. For the type checker, ``schema.spec`` *is* the pydantic model, so
``schema.spec.database.host`` completes in editors and a misspelt field is a mypy/pyright error.

The one rule: a value read from ``schema`` or from a resource stands for a value in the cluster. Use
it wherever a value goes (builder options, dicts, comparisons, operators, f-strings, ``cel.*``
helpers), never to decide something in Python: ``if``, ``and``/``or``/``not``, ``for``, ``len()``,
``int()``, ``range()``, str or list methods raise a :class:`~kro_gen.errors.DefinitionError` when the
definition runs (use ``cel.cond``, ``&``/``|``/``~``, ``include_when=``, ``for_each=``,
``cel.size``...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic

from pydantic import BaseModel
from typing_extensions import TypeVar

from kro_gen.expr.wrapper import Expr

if TYPE_CHECKING:
    from kro_gen.expr.nodes import Node
    from kro_gen.expr.wrapper import CelType, ChildResolver

SpecT = TypeVar("SpecT", bound="BaseModel", covariant=True)


class ObjectMeta:
    """``metadata`` of an object (a Kubernetes ``ObjectMeta``), typed for editors.

    Reading ``x.metadata.name`` builds ``${x.metadata.name}``; the attributes below exist for the
    type checker only.
    """

    name: str
    namespace: str
    uid: str
    generateName: str
    resourceVersion: str
    generation: int
    creationTimestamp: str
    deletionTimestamp: str
    labels: dict[str, str]
    annotations: dict[str, str]
    finalizers: list[str]


class Condition(BaseModel):
    """A status condition: what ``cel.new_condition`` and ``cel.condition`` give, typed for editors.

    Declare ``conditions: list[Condition]`` in a status model to read an instance's conditions typed
    (``db.status.conditions``); kro stamps ``lastTransitionTime`` and ``observedGeneration`` itself.
    """

    type: str
    status: str
    reason: str = ""
    message: str = ""
    lastTransitionTime: str = ""
    observedGeneration: int = 0


if TYPE_CHECKING:

    class Schema(Generic[SpecT]):
        """The ``schema`` a builder receives: the instance of the generated API, in the cluster.

        Annotate builders with it: ``def resources(schema: Schema[WebSpec]) -> ...``. For type
        checkers ``schema.spec`` is a ``WebSpec`` (so fields complete and typos are errors) and
        ``schema.metadata`` an :class:`ObjectMeta`; at run time each read builds a CEL reference such
        as ``${schema.spec.image}``.

        The one rule: a value read from ``schema`` or from a resource stands for a value in the
        cluster. Use it wherever a value goes (builder options, dicts, comparisons, operators,
        f-strings, ``cel.*`` helpers), never to decide something in Python: ``if``, ``and``/``or``/
        ``not``, ``for``, ``len()``, ``int()``, ``range()`` and str or list methods raise a
        DefinitionError when the definition runs (use ``cel.cond``, ``&``/``|``/``~``,
        ``include_when=``, ``for_each=``, ``cel.size``...).
        """

        def __init__(
            self, node: Node, type: CelType | None = None, child: ChildResolver | None = None
        ) -> None:
            """Made by kro-gen (``ResourceGraph.schema_ref``), not by definitions."""

        @property
        def spec(self) -> SpecT:
            """The instance's spec, typed as the graph's spec model."""
            ...

        @property
        def metadata(self) -> ObjectMeta:
            """The instance's metadata (``schema.metadata.name``, ``.namespace``, ``.labels``...)."""
            ...

        @property
        def apiVersion(self) -> str:
            """The instance's ``apiVersion``."""
            ...

        @property
        def kind(self) -> str:
            """The instance's ``kind``."""
            ...

else:

    class Schema(Expr, Generic[SpecT]):
        """The ``schema`` a builder receives (an expression; see the module docstring for its typing)."""

        __slots__ = ()
