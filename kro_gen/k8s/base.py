"""What every builder shares: its options, the error site, option checking and the finished ``Resource``.

A builder is a function decorated with :func:`builder`. The decorator turns every misuse that Python
would report as a ``TypeError`` (an unknown option, a missing one, too many positional arguments) into a
:class:`~kro_gen.errors.DefinitionError` that names the builder, the resource and the option, and
suggests the option that was probably meant (``configMaps`` → ``config_map_mounts``).

Inside, a builder describes its object and calls :meth:`Site.finish`, which adds ``metadata`` (name,
namespace, labels, annotations), merges ``extra`` and hands the directives to
:class:`~kro_gen.graph.resource.Resource`.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, TypedDict, TypeVar, cast, overload

from kro_gen.errors import DefinitionError, KroGenError, Location
from kro_gen.expr.wrapper import Expr, has_expression, node_of
from kro_gen.graph.resource import Condition, ReadyWhen, Resource, construction_site
from kro_gen.k8s.values import as_string, label_map, string_map
from kro_gen.k8s.values import is_expression as is_expression  # builders import it from here


class Common(TypedDict, total=False):
    """Options every builder takes.

    Keys:
        id: the kro resource id (default: the key the resources builder returns it under).
        include_when: condition(s) under which kro creates the resource.
        ready_when: condition(s) on the resource that dependents (and the instance's Ready) wait for;
            replaces the kind's default (:mod:`kro_gen.k8s.readiness`); ``k8s.EXISTS`` (``()``)
            removes it: ready once the object exists.
        for_each: iterator name → list expression; the resource becomes a collection.
        depends_on: resources to wait for although nothing of theirs is referenced.
        namespace: ``metadata.namespace`` (refused for cluster-scoped kinds); by default kro uses
            the instance's namespace.
        labels: added to ``metadata.labels`` (and to the pod template of workloads); values become strings.
        annotations: added to ``metadata.annotations``; values become strings.
        extra: a nested dict merged into the object, for fields the builder has no option for, e.g.
            ``{"spec": {"minReadySeconds": 10}}``. Giving a field the builder already set to another
            value is an error, never a silent override.
    """

    id: str | None
    include_when: Condition | Sequence[Condition] | None
    ready_when: ReadyWhen | Sequence[ReadyWhen] | None
    for_each: Mapping[str, object] | None
    depends_on: Sequence[Resource] | None
    namespace: object
    labels: Mapping[str, object] | None
    annotations: Mapping[str, object] | None
    extra: Mapping[str, Any] | None


#: Directive keys handed to ``Resource`` unchanged.
DIRECTIVES = ("include_when", "ready_when", "for_each", "depends_on")

_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def describe_name(name: object) -> str:
    """A short, readable form of a resource name for messages (literal or expression)."""
    if isinstance(name, str):
        return repr(name)
    if isinstance(name, Expr):
        from kro_gen.expr.render import render_cel

        try:
            return "${" + render_cel(node_of(name)) + "}"
        except KroGenError:
            return "<expression>"
    return "<unnamed>"


@dataclass(frozen=True)
class Site:
    """Which builder call an error belongs to: the builder, the resource name and id, the user's
    ``file:line`` and, when the call is in a helper function, the helper's line (``built_at``)."""

    builder: str
    name: object = None
    id: str | None = None
    file: str | None = None
    built_at: str | None = None

    @classmethod
    def here(cls, builder: str, name: object = None, resource_id: object = None) -> Site:
        """The site of the builder call being made now (:func:`~kro_gen.graph.resource.construction_site`)."""
        file, built_at = construction_site()
        return cls(builder, name, resource_id if isinstance(resource_id, str) else None, file, built_at)

    @classmethod
    def of(cls, builder: str, name: object, options: Mapping[str, Any]) -> Site:
        """The site of the builder call being made now (the name is checked here, before anything else)."""
        site = cls.here(builder, name, options.get("id"))
        checked_name(site, name)
        return site

    def describe(self) -> str:
        """``Deployment 'user-service'``."""
        if self.name is None:
            return self.builder
        return f"{self.builder} {describe_name(self.name)}"

    def location(self, path: str | None = None) -> Location:
        """The location of this call, optionally at an option path such as ``env.PORT``."""
        return Location(file=self.file, resource=self.id, path=path, built_at=self.built_at)

    def error(
        self, path: str | None, message: str, *, hint: str | None = None, rule: str = "builder-option"
    ) -> DefinitionError:
        """A DefinitionError about option ``path`` of this call (raise it)."""
        return DefinitionError(
            f"{self.describe()}: {message}", location=self.location(path), hint=hint, rule=rule
        )

    def finish(
        self,
        api_version: str,
        kind: str,
        body: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        default_labels: Mapping[str, object] | None = None,
        cluster_scoped: bool = False,
        kind_class: type[Resource] | None = None,
    ) -> Resource:
        """The Resource for ``body`` (fields after ``metadata``) with metadata, ``extra`` and directives."""
        metadata: dict[str, Any] = {"name": checked_name(self, self.name)}
        namespace = options.get("namespace")
        if namespace is not None:
            if cluster_scoped:
                raise self.error(
                    "namespace",
                    f"a {kind} is cluster-scoped and cannot have a namespace",
                    hint="drop namespace=; kro rejects metadata.namespace on cluster-scoped objects",
                    rule="cluster-scoped-namespace",
                )
            metadata["namespace"] = as_string(namespace, self, "namespace")
        labels = merged_labels(self, default_labels, options)
        if labels:
            metadata["labels"] = label_map(labels, self, "labels")
        annotations = options.get("annotations")
        if annotations is not None:
            metadata["annotations"] = string_map(annotations, self, "annotations")
        template: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": metadata, **body}
        extra = options.get("extra")
        if extra is not None:
            if not isinstance(extra, Mapping):
                raise self.error("extra", f"extra must be a dict, got {type(extra).__name__}")
            merge_into(template, extra, self, "extra")
        return self.make(template, options, kind_class=kind_class)

    def make(
        self,
        template: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        external: bool = False,
        kind_class: type[Resource] | None = None,
    ) -> Resource:
        """``Resource(template)`` (or an external reference) with the directives in ``options``.

        The object is an instance of ``kind_class``, else of the kind class for its apiVersion and
        kind (:data:`kro_gen.k8s.kinds.KIND_CLASSES`), else a plain :class:`Resource`.
        """
        from kro_gen.k8s.kinds import KIND_CLASSES

        directives = {key: options[key] for key in DIRECTIVES if options.get(key) is not None}
        if not external and options.get("ready_when") is None:
            from kro_gen.k8s.readiness import default_ready_when  # readiness imports the builders' deps

            directives["ready_when"] = default_ready_when(template)
        cls = kind_class or KIND_CLASSES.get(
            (str(template.get("apiVersion")), str(template.get("kind"))), Resource
        )
        try:
            if external:
                return cls(external_ref=template, id=self.id, **directives)
            return cls(template, id=self.id, **directives)
        except KroGenError as error:
            if not error.message.startswith(self.describe()):
                error.message = f"{self.describe()}: {error.message}"
                error.args = (error.message,)
            raise error.located(self.location()) from None


def checked_name(site: Site, name: object) -> object:
    """``metadata.name``: a valid literal object name or a string expression."""
    if isinstance(name, str):
        if not name:
            raise site.error("name", "the name is empty", rule="object-name")
        if not has_expression(name) and (len(name) > 253 or not _DNS_SUBDOMAIN.match(name)):
            raise site.error(
                "name",
                f"{name!r} is not a valid Kubernetes object name",
                hint="use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
                rule="object-name",
            )
        return name
    if isinstance(name, Expr):
        return as_string(name, site, "name")
    raise site.error(
        "name",
        f"the name must be a string or an expression, got {type(name).__name__}",
        rule="object-name",
    )


def merged_labels(
    site: Site, defaults: Mapping[str, object] | None, options: Mapping[str, Any]
) -> dict[str, object]:
    """Default labels, then the user's ``labels`` (which win: they are explicit)."""
    labels: dict[str, object] = dict(defaults or {})
    user = options.get("labels")
    if user is not None:
        if not isinstance(user, Mapping):
            raise site.error("labels", f"labels must be a dict, got {type(user).__name__}")
        labels.update(user)
    return labels


def same_value(left: object, right: object) -> bool:
    """Whether two template values are the same (expressions compare by their trees)."""
    if isinstance(left, Expr) or isinstance(right, Expr):
        return isinstance(left, Expr) and isinstance(right, Expr) and node_of(left) == node_of(right)
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(same_value(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(same_value(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right


def merge_into(
    target: dict[str, Any], overlay: Mapping[str, Any], site: Site, path: str, option: str | None = None
) -> None:
    """Deep-merge ``overlay`` into ``target``; a field already set to a different value is an error.

    ``path`` is where ``overlay`` is in the call (``extra``, ``sidecars[0].container_fields``), and
    ``option`` the option that gave it (default: ``path``).
    """
    option = path if option is None else option
    for key, value in overlay.items():
        here = f"{path}.{key}"
        if key not in target:
            target[key] = _plain_copy(value)
            continue
        current = target[key]
        if isinstance(current, dict) and isinstance(value, Mapping):
            merge_into(current, value, site, here, option)
        elif not same_value(current, value):
            field = here[len(option) + 1 :]
            raise site.error(
                here,
                f"{option} sets {field}, which is already set to a different value",
                hint="use the builder's own option for this field, or build the object with k8s.resource()",
                rule="builder-conflict",
            )


def _plain_copy(value: Any) -> Any:
    if isinstance(value, Mapping) and not isinstance(value, Expr):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_copy(v) for v in value]
    return value


KindT = TypeVar("KindT", bound=Resource)


def typed_as(kind_class: type[KindT], resource: Resource) -> KindT:
    """``resource``, checked to be a ``kind_class`` (what a builder's signature promises)."""
    if not isinstance(resource, kind_class):
        raise TypeError(f"expected a {kind_class.__name__}, built a {type(resource).__name__}")
    return resource


# -- the decorator ---------------------------------------------------------------------------------
_F = TypeVar("_F", bound=Callable[..., Any])
_P = ParamSpec("_P")
_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _snake(text: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", text).lower()


@overload
def builder(options: type[Any] = Common) -> Callable[[_F], _F]: ...


@overload
def builder(
    options: type[Any] = Common, *, returns: type[KindT]
) -> Callable[[Callable[_P, Resource]], Callable[_P, KindT]]: ...


def builder(options: type[Any] = Common, *, returns: type[Resource] | None = None) -> Any:
    """Decorate a builder whose ``**options`` are the TypedDict ``options`` (``Common`` or a subclass).

    Calls with unknown options, missing required options or extra positional arguments raise a
    DefinitionError naming the builder, the resource and the option (with a suggestion).
    ``returns`` is the kind class the builder makes (:mod:`kro_gen.k8s.kinds`): the decorated
    function is typed as returning it, and checked to.
    """
    known: frozenset[str] = frozenset(options.__required_keys__ | options.__optional_keys__)
    required: frozenset[str] = frozenset(options.__required_keys__)

    def decorate(func: _F) -> _F:
        signature = inspect.signature(func)
        params = list(signature.parameters.values())
        named = [p.name for p in params if p.kind in _NAMED]
        allowed = sorted(set(named) | known)
        name_index = named.index("name") if "name" in named else None
        label = func.__name__

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            name = None
            if name_index is not None:
                name = args[name_index] if len(args) > name_index else kwargs.get("name")
            site = Site.here(label, name, kwargs.get("id"))
            for key in kwargs:
                if key not in allowed:
                    close = difflib.get_close_matches(_snake(key), allowed, n=1, cutoff=0.6)
                    raise site.error(
                        key,
                        f"there is no option {key!r}",
                        hint=f"did you mean {close[0]!r}?" if close else f"options are: {', '.join(allowed)}",
                        rule="unknown-option",
                    )
            try:
                signature.bind(*args, **kwargs)
            except TypeError as error:
                raise site.error(
                    None,
                    f"{label}(): {error}",
                    hint="pass the name positionally and every other option by keyword",
                    rule="builder-call",
                ) from None
            missing = sorted(k for k in required if k not in kwargs)
            if missing:
                raise site.error(missing[0], f"{missing[0]}= is required", rule="missing-option")
            result = func(*args, **kwargs)
            return result if returns is None else typed_as(returns, result)

        if returns is not None:
            wrapper.__annotations__ = {**func.__annotations__, "return": returns}
        return cast(_F, wrapper)

    return decorate
