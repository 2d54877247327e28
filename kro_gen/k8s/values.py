"""Checking and converting option values into the shapes Kubernetes fields need.

Kubernetes is strict about scalar types and kro checks templates against the OpenAPI schemas: a number
in a ConfigMap's ``data`` or in an env ``value`` is rejected. So values bound for string fields are made
strings here (``3000`` → ``"3000"``, ``True`` → ``"true"``, an integer expression → ``string(expr)``), and
values bound for integer fields must be integers (literal or an expression that is not known to be
something else). Every failure is an error naming the builder, resource and option path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from kro_gen.errors import DefinitionError
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr, has_expression, type_of


class Site(Protocol):
    """Where a value was given, for its errors: a builder call (:class:`kro_gen.k8s.base.Site`)."""

    def error(
        self, path: str | None, message: str, *, hint: str | None = None, rule: str = "builder-option"
    ) -> DefinitionError:
        """A DefinitionError about option ``path`` (raise it)."""
        ...


def is_expression(value: object) -> bool:
    """Whether ``value`` is an expression (``Expr``, a node, or an f-string embedding one)."""
    if isinstance(value, Expr | n.Node):
        return True
    return isinstance(value, str) and has_expression(value)


_PORT_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")
_INT_TYPES = (None, "int", "dyn")


def _kind(value: object) -> str:
    if isinstance(value, Expr):
        return f"a {type_of(value)} expression"
    return type(value).__name__


def as_string(value: object, site: Site, path: str) -> object:
    """``value`` for a string field: literals become ``str``, non-string expressions get ``string()``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Expr):
        if type_of(value) == "string":
            return value
        from kro_gen import cel

        return cel.string(value)
    hint = "use resource.metadata.name to refer to a resource" if hasattr(value, "__kro_expr__") else None
    raise site.error(path, f"{path} must be a string, got {_kind(value)}", hint=hint, rule="option-type")


def as_int(value: object, site: Site, path: str, *, minimum: int | None = 0) -> object:
    """``value`` for an integer field: an ``int`` (at least ``minimum``) or an integer expression."""
    if isinstance(value, Expr):
        if type_of(value) in _INT_TYPES:
            return value
        hint = "convert it with cel.int_(...)" if type_of(value) in ("double", "string") else None
        raise site.error(
            path, f"{path} must be an integer, got {_kind(value)}", hint=hint, rule="option-type"
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise site.error(
            path, f"{path} must be an integer, got {_kind(value)}", hint=_unquoted(value), rule="option-type"
        )
    if minimum is not None and value < minimum:
        raise site.error(path, f"{path} must be at least {minimum}, got {value}", rule="option-range")
    return value


def _unquoted(value: object) -> str | None:
    """The hint for a number written as a string (``"3"``), else None."""
    if isinstance(value, str) and value.strip().isdigit():
        return f"write {value.strip()} without quotes"
    return None


def as_bool(value: object, site: Site, path: str) -> object:
    """``value`` for a boolean field: a ``bool`` or a boolean expression."""
    if isinstance(value, bool) or (isinstance(value, Expr) and type_of(value) in (None, "bool", "dyn")):
        return value
    raise site.error(path, f"{path} must be true or false, got {_kind(value)}", rule="option-type")


def as_port(value: object, site: Site, path: str, *, named: bool = True) -> object:
    """A port: 1..65535, a port name (when ``named``), or an expression."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, str) and named:
        if len(value) > 15 or not _PORT_NAME.match(value) or not re.search("[a-z]", value):
            raise site.error(
                path,
                f"{value!r} is not a valid port name",
                hint=_unquoted(value)
                or "port names are at most 15 lowercase letters, digits and '-', with at least one letter",
                rule="port",
            )
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        expected = "a port number (1-65535) or a port name" if named else "a port number (1-65535)"
        raise site.error(
            path, f"{path} must be {expected}, got {value!r}", hint=_unquoted(value), rule="port"
        )
    return value


def as_quantity(value: object, site: Site, path: str) -> object:
    """A resource quantity (``"10Gi"``, ``"500m"``, ``2``); floats become strings."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _QUANTITY.match(value):
        return value
    raise site.error(
        path,
        f"{path} is not a Kubernetes quantity: {value!r}",
        hint="write e.g. '10Gi', '512Mi', '500m' or 2",
        rule="quantity",
    )


def as_dict(value: object, site: Site, path: str) -> Mapping[str, Any]:
    """``value`` if it is a dict, else an error."""
    if isinstance(value, Mapping):
        return value
    raise site.error(path, f"{path} must be a dict, got {_kind(value)}", rule="option-shape")


def as_items(value: object, site: Site, path: str) -> list[Any]:
    """``value`` if it is a list or tuple (as a list), else an error (a string is not a list)."""
    if isinstance(value, list | tuple):
        return list(value)
    raise site.error(path, f"{path} must be a list, got {_kind(value)}", rule="option-shape")


def choice(value: object, choices: Iterable[str], site: Site, path: str) -> object:
    """A literal that must be one of ``choices`` (expressions pass)."""
    options = list(choices)
    if isinstance(value, Expr) or value in options:
        return value
    raise site.error(path, f"{path} must be one of {', '.join(options)}, got {value!r}", rule="option-value")


def check_keys(
    value: Mapping[str, Any], allowed: Iterable[str], site: Site, path: str, *, required: Iterable[str] = ()
) -> None:
    """Refuse unknown keys and missing required keys in a Kubernetes-shaped dict."""
    allowed_keys = set(allowed)
    for key in value:
        if key not in allowed_keys:
            raise site.error(
                f"{path}.{key}",
                f"{path} has an unknown field {key!r}",
                hint=f"fields are: {', '.join(sorted(allowed_keys))}",
                rule="option-shape",
            )
    for key in required:
        if key not in value:
            raise site.error(path, f"{path} needs the field {key!r}", rule="option-shape")


def string_map(value: object, site: Site, path: str) -> dict[str, object]:
    """A ``map[string]string``: literal string keys, values made strings."""
    mapping = as_dict(value, site, path)
    result: dict[str, object] = {}
    for key, item in mapping.items():
        if not isinstance(key, str) or is_expression(key):
            raise site.error(
                path,
                f"{path} keys must be literal strings, got {_kind(key)}",
                hint="kro does not evaluate ${} in map keys; make the whole map one expression (cel.map_of)",
                rule="option-shape",
            )
        result[key] = as_string(item, site, f"{path}.{key}")
    return result


def label_map(value: object, site: Site, path: str) -> dict[str, object]:
    """Labels: a string map whose literal keys and values follow the Kubernetes label syntax."""
    from kro_gen.graph.settings import label_key_ok, label_value_ok

    labels = string_map(value, site, path)
    for key, item in labels.items():
        if not label_key_ok(key):
            raise site.error(f"{path}.{key}", f"{key!r} is not a valid label key", rule="label")
        if isinstance(item, str) and not is_expression(item) and not label_value_ok(item):
            raise site.error(
                f"{path}.{key}",
                f"{item!r} is not a valid label value",
                hint="label values: at most 63 letters, digits, '-', '_', '.', alphanumeric at both ends",
                rule="label",
            )
    return labels


def string_list(value: object, site: Site, path: str) -> object:
    """A list of strings (``command``, ``args``); an expression for the whole list passes."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, str):
        raise site.error(
            path,
            f"{path} must be a list of strings, got one string",
            hint=f"split it: {path}=[{', '.join(repr(part) for part in value.split())}]",
            rule="option-shape",
        )
    return [as_string(item, site, where) for where, item in items_of(value, site, path)]


def items_of(value: object, site: Site, path: str) -> Iterator[tuple[str, Any]]:
    """``(path[i], item)`` for each item of a list option."""
    for index, item in enumerate(as_items(value, site, path)):
        yield f"{path}[{index}]", item


def dicts_of(
    value: object,
    site: Site,
    path: str,
    *,
    allowed: Iterable[str] | None = None,
    required: Iterable[str] = (),
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(path[i], dict)`` for each item of a list of Kubernetes dicts, their keys checked."""
    for where, item in items_of(value, site, path):
        entry = as_dict(item, site, where)
        if allowed is not None:
            check_keys(entry, allowed, site, where, required=required)
        else:
            missing = [key for key in required if key not in entry]
            if missing:
                raise site.error(where, f"{where} needs the field {missing[0]!r}", rule="option-shape")
        yield where, dict(entry)


def dict_list(value: object, site: Site, path: str, *, required: tuple[str, ...] = ()) -> object:
    """A list of Kubernetes dicts that each need the ``required`` fields; an expression passes."""
    if isinstance(value, Expr):
        return value
    return [entry for _, entry in dicts_of(value, site, path, required=required)]


def compact(**fields: object) -> dict[str, Any]:
    """The keyword arguments that are not None, in order (Kubernetes field names as keys)."""
    return {key: value for key, value in fields.items() if value is not None}


def dns_label(text: str) -> str:
    """``text`` made a DNS-1123 label (lowercase, '-' for anything else, at most 63 characters)."""
    label = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].rstrip("-")
    return label or "volume"
