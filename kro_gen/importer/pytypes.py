"""The Python types the importer gives spec fields, as data: where an imported expression reads a
``T | None`` value with an operator, an attribute or an index, it writes ``cel.present(...)`` so the
module passes ``mypy --strict`` (:mod:`kro_gen.importer.pyexpr`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class PyType:
    """The shape of a model field's annotation: what the importer needs to know of it.

    Attributes:
        optional: the annotation is ``T | None`` (a kro field with neither ``required`` nor ``default``).
        model: the model class of a nested map or struct type (its fields: :data:`ModelFields`).
        item: a list's or set's item, a map's value.
        keyed: a map (``dict[str, T]``): a comprehension over it binds its keys, not ``item``.
    """

    optional: bool = False
    model: str | None = None
    item: PyType | None = None
    keyed: bool = False

    def as_optional(self) -> PyType:
        """The same type with ``| None``."""
        return replace(self, optional=True)

    def as_present(self) -> PyType:
        """The same type without ``| None`` (what ``cel.present`` gives)."""
        return replace(self, optional=False)


#: class name -> kro field name -> the field's type
ModelFields = Mapping[str, Mapping[str, PyType]]

#: a type the importer knows nothing of that matters (a scalar, ``Any``)
PLAIN = PyType()
