"""``Resource``: one node of a resource graph — a template or an external reference, plus kro directives.

Builders in :mod:`kro_gen.k8s` return ``Resource`` objects; so does ``ResourceGraph.use`` for chained
graphs. A resource can be referenced before the graph gives it an id: ``config.metadata.name`` builds an
expression rooted at the resource object, and the id is filled in when the graph is assembled.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import CodeType, FrameType, TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

from kro_gen.errors import DefinitionError, Location
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import ChildResolver, Expr, lift_strings, to_node

if TYPE_CHECKING:
    from kro_gen.graph.views import ObjectMeta

ResourceT = TypeVar("ResourceT", bound="Resource")

#: A readiness condition: an expression, or a function of the resource itself (``each`` in collections);
#: typed loosely because the resource reads as typed views (``d.status.readyReplicas > 0`` is a bool).
ReadyWhen = Expr | bool | Callable[[Any], object]
Condition = Expr | bool


def _string_map(_: str) -> tuple[str | None, ChildResolver | None]:
    return "string", None


_METADATA_TYPES: dict[str, tuple[str | None, ChildResolver | None]] = {
    "name": ("string", None),
    "namespace": ("string", None),
    "uid": ("string", None),
    "generateName": ("string", None),
    "labels": ("map", _string_map),
    "annotations": ("map", _string_map),
    "generation": ("int", None),
}


def metadata_resolver(field: str) -> tuple[str | None, ChildResolver | None]:
    """Type hints for ObjectMeta fields."""
    return _METADATA_TYPES.get(field, (None, None))


def _object_resolver(field: str) -> tuple[str | None, ChildResolver | None]:
    if field == "metadata":
        return "map", metadata_resolver
    if field in ("apiVersion", "kind"):
        return "string", None
    if field == "data":
        return "map", _string_map
    return None, None


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: The code of each graph resources function running now (innermost last): see :func:`building`.
_BUILDING: list[CodeType] = []

#: filename -> whether it is user code (outside kro_gen); frames are walked for every resource.
_USER_FILES: dict[str, bool] = {}


@contextmanager
def building(function: object) -> Iterator[None]:
    """Mark ``function`` (a graph's resources function) as running: resources made while it runs are
    located at the line of it that led to them (:func:`construction_site`)."""
    code = getattr(function, "__code__", None)
    if not isinstance(code, CodeType):
        yield
        return
    _BUILDING.append(code)
    try:
        yield
    finally:
        _BUILDING.pop()


def caller_site() -> str | None:
    """``file:line`` of the first stack frame outside kro_gen (where the user created something).

    The path is made relative to the working directory when it lies below it, so messages and
    output stay the same on every machine.
    """
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if _is_user_code(frame.f_code.co_filename):
            return _site(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


def construction_site() -> tuple[str | None, str | None]:
    """``(site, built_at)`` of something the user is making now (a resource, a builder call).

    ``site`` is the line in the running graph resources function (:func:`building`) that led here
    and ``built_at`` the innermost user frame when that is another line (a helper function, in the
    definition module or one it imports). Outside a resources function, or when the innermost user
    frame is that function's, ``site`` is the innermost user frame and ``built_at`` None (as
    :func:`caller_site`). Only file names and line numbers are read; no frame is kept.
    """
    frame: FrameType | None = sys._getframe(1)
    innermost: FrameType | None = None
    while frame is not None:
        code = frame.f_code
        if innermost is None:
            if _is_user_code(code.co_filename):
                innermost = frame
                if not _BUILDING or code in _BUILDING:
                    break
        elif code in _BUILDING:
            return _site(code.co_filename, frame.f_lineno), _site(
                innermost.f_code.co_filename, innermost.f_lineno
            )
        frame = frame.f_back
    if innermost is None:
        return None, None
    return _site(innermost.f_code.co_filename, innermost.f_lineno), None


_SHOWN_PATHS: dict[tuple[str, str], str] = {}


def _site(filename: str, line: int) -> str:
    """``file:line`` as shown to the user; the path is worked out once per file and working directory."""
    key = (filename, os.getcwd())
    shown = _SHOWN_PATHS.get(key)
    if shown is None:
        shown = _SHOWN_PATHS[key] = display_path(os.path.abspath(filename))
    return f"{shown}:{line}"


def _is_user_code(filename: str) -> bool:
    known = _USER_FILES.get(filename)
    if known is None:
        inside = os.path.abspath(filename).startswith(_PACKAGE_DIR + os.sep)
        known = not filename.startswith("<") and not inside
        _USER_FILES[filename] = known
    return known


def raising_site(traceback: TracebackType | None) -> tuple[str | None, str | None]:
    """``(site, built_at)`` of a traceback, as :func:`construction_site` picks them: the innermost
    user frame (outside kro_gen), or the line of the running graph resources function that led to it
    with the innermost user frame as ``built_at``."""
    primary: tuple[str, int] | None = None
    innermost: tuple[str, int] | None = None
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if _is_user_code(code.co_filename):
            innermost = (code.co_filename, traceback.tb_lineno)
            if code in _BUILDING:
                primary = innermost
        traceback = traceback.tb_next
    if innermost is None:
        return None, None
    if primary is None or primary == innermost:
        return _site(*innermost), None
    return _site(*primary), _site(*innermost)


def display_path(path: str) -> str:
    """``path`` relative to the working directory when below it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


class Resource:
    """A resource in a graph.

    Reading its fields builds references: ``deployment.status.readyReplicas`` is
    ``${<id>.status.readyReplicas}``. For type checkers ``metadata`` is an
    :class:`~kro_gen.graph.views.ObjectMeta` and, on this generic class, ``spec``, ``status`` and
    ``data`` are ``Any``; the builders of :mod:`kro_gen.k8s` return kind-specific subclasses
    (:mod:`kro_gen.k8s.kinds`) whose fields are typed from the Kubernetes schemas.

    Args:
        template: the Kubernetes object (dict); values may be expressions or f-strings with expressions.
        external_ref: instead of a template, an existing object to read (``{apiVersion, kind, metadata}``).
        id: the kro resource id; when omitted, the key under which the resources builder returns it.
        include_when: condition(s) under which kro creates the resource (ANDed).
        ready_when: condition(s) on the resource itself (a function gets the resource, or ``each`` for
            collections) that must hold before dependents proceed.
        for_each: iterator name → list expression; the resource becomes a collection.
        depends_on: resources this one must wait for although it references none of their fields.
    """

    #: ``apiVersion`` and ``kind`` of a kind class (:mod:`kro_gen.k8s.kinds`, CRD stubs); unset here.
    API_VERSION: ClassVar[str]
    KIND: ClassVar[str]

    def __init__(
        self,
        template: Mapping[str, Any] | None = None,
        *,
        external_ref: Mapping[str, Any] | None = None,
        id: str | None = None,
        include_when: Condition | Sequence[Condition] | None = None,
        ready_when: ReadyWhen | Sequence[ReadyWhen] | None = None,
        for_each: Mapping[str, object] | None = None,
        depends_on: Sequence[Resource] | None = None,
    ) -> None:
        if (template is None) == (external_ref is None):
            raise DefinitionError(
                "a resource needs exactly one of template and external_ref",
                hint="pass a template dict, or use k8s.external_ref(...) to read an existing object",
                rule="template-or-external-ref",
            )
        self.id: str | None = id
        #: the user's ``file:line`` (in the graph's resources function when made by a helper it calls)
        #: and, when made in a helper, the helper's line (:func:`construction_site`).
        self.site, self.built_at = construction_site()
        self.template: dict[str, Any] | None = lift_strings(dict(template)) if template is not None else None
        self.external_ref: dict[str, Any] | None = (
            lift_strings(dict(external_ref)) if external_ref is not None else None
        )
        self.for_each: dict[str, Expr] = {
            name: value if isinstance(value, Expr) else Expr(to_node(value))
            for name, value in (for_each or {}).items()
        }
        self.include_when: tuple[Expr, ...] = tuple(_conditions(include_when))
        self.depends_on: tuple[Resource, ...] = tuple(depends_on or ())
        self.ready_when: tuple[Expr, ...] = ()
        self.graph_ref: Any = None  # the ResourceGraph whose instance this is (RGD chaining)
        self.when_ready(ready_when)

    # -- what the resource is -----------------------------------------------------------------
    @property
    def body(self) -> dict[str, Any]:
        """The template, or the external reference."""
        body = self.template if self.template is not None else self.external_ref
        assert body is not None
        return body

    @property
    def api_version(self) -> str:
        """``apiVersion`` of the object (always a literal)."""
        return str(self.body.get("apiVersion", ""))

    @property
    def kind(self) -> str:
        """``kind`` of the object (always a literal)."""
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> object:
        """``metadata.name``: a string or an expression."""
        metadata = self.body.get("metadata") or {}
        return metadata.get("name")

    @property
    def is_collection(self) -> bool:
        """Whether kro sees this id as a list (forEach, or an externalRef by selector)."""
        if self.for_each:
            return True
        return bool(self.external_ref and "selector" in (self.external_ref.get("metadata") or {}))

    def location(self) -> Location:
        """Where this resource is, for error messages."""
        return Location(file=self.site, resource=self.id, built_at=self.built_at)

    # -- directives (chainable) -----------------------------------------------------------------
    def when(self, *conditions: Condition) -> Resource:
        """Add include conditions (ANDed with the existing ones) and return the resource."""
        self.include_when = (*self.include_when, *_conditions(list(conditions)))
        return self

    def when_ready(self, conditions: ReadyWhen | Sequence[ReadyWhen] | None) -> Resource:
        """Add readiness conditions; a function receives the resource (or ``each`` for collections)."""
        if conditions is None:
            return self
        items = (
            conditions
            if isinstance(conditions, Sequence) and not isinstance(conditions, str)
            else [conditions]
        )
        subject = Expr(n.Ident("each")) if self.for_each else self.ref()
        resolved = []
        for item in items:
            value = item(subject) if callable(item) and not isinstance(item, Expr) else item
            if not isinstance(value, Expr):
                raise DefinitionError(
                    f"ready_when must be an expression, got {type(value).__name__}",
                    location=self.location(),
                    hint="write a condition on the resource, e.g. lambda d: d.status.readyReplicas > 0",
                    rule="ready-when",
                )
            resolved.append(value)
        self.ready_when = (*self.ready_when, *resolved)
        return self

    def after(self, *resources: Resource) -> Resource:
        """Make this resource wait for ``resources`` (an explicit dependency edge)."""
        self.depends_on = (*self.depends_on, *resources)
        return self

    # -- references ------------------------------------------------------------------------------
    def ref(self) -> Expr:
        """The whole resource as an expression (a list for collections)."""
        return Expr(n.ResourceRoot.of(self), "list" if self.is_collection else "map", _object_resolver)

    def __kro_expr__(self) -> Expr:
        return self.ref()

    def each(self: ResourceT) -> list[ResourceT]:
        """The items of a collection (``for_each``, or an external reference by selector), typed.

        ``cel.map_(r.workers.each(), lambda w: w.status.readyReplicas)`` reads every item; at run time
        this is the collection's reference (``${workers}``).
        """
        if not self.is_collection:
            raise DefinitionError(
                f"{self.kind} {self.id or ''} is not a collection; .each() reads the items of one".replace(
                    "  ", " "
                ),
                location=self.location(),
                hint="give the resource for_each=..., or read its fields directly",
                rule="not-a-collection",
            )
        return self.ref()  # type: ignore[return-value]  # the list expression stands for the items

    @property
    def metadata(self) -> ObjectMeta:
        """``<id>.metadata`` as an expression."""
        return self.ref().metadata  # type: ignore[return-value]  # a typed view of the expression

    @property
    def spec(self) -> Any:
        """``<id>.spec`` as an expression."""
        return self.ref().spec

    @property
    def status(self) -> Any:
        """``<id>.status`` as an expression (only known in the cluster)."""
        return self.ref().status

    @property
    def data(self) -> Any:
        """``<id>.data`` (ConfigMap, Secret) as an expression."""
        return self.ref().data

    def __getitem__(self, field: str) -> Any:
        """Any top-level field as an expression: ``role["rules"]``."""
        return self.ref()[field]

    def __repr__(self) -> str:
        return f"Resource(id={self.id!r}, kind={self.kind!r}, name={self.name!r})"

    def __bool__(self) -> bool:
        return True


FieldT = TypeVar("FieldT")


class ObjectField(Generic[FieldT]):
    """A top-level field of a kind class (``role.rules``), typed for checkers, a reference at run time.

    Kind classes declare ``rules: ObjectField[list[PolicyRule]] = ObjectField()``; reading
    ``role.rules`` on a resource is ``role["rules"]``, i.e. ``${<id>.rules}``.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, resource: None, owner: type | None = None) -> ObjectField[FieldT]: ...

    @overload
    def __get__(self, resource: Resource, owner: type | None = None) -> FieldT: ...

    def __get__(self, resource: Resource | None, owner: type | None = None) -> Any:
        if resource is None:
            return self
        return resource[self.name]


def _conditions(value: Condition | Sequence[Condition] | None) -> list[Expr]:
    if value is None:
        return []
    items = value if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    result: list[Expr] = []
    for item in items:
        if isinstance(item, bool):
            raise DefinitionError(
                f"include_when={item!r} is a Python constant, decided at build time",
                hint="use a Python 'if' to leave the resource out, or pass an expression on schema.spec",
                rule="include-when",
            )
        if not isinstance(item, Expr):
            raise DefinitionError(
                f"include_when must be an expression, got {type(item).__name__}",
                hint="pass a condition such as schema.spec.ingress.enabled",
                rule="include-when",
            )
        result.append(item)
    return result
