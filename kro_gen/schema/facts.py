"""What a schema says about one field: required, defaulted, and its CEL type.

Both sides of kro-gen describe fields with :class:`FieldFacts`: the pydantic side
(:func:`kro_gen.schema.resolver.field_facts`) and the SimpleSchema side
(:func:`kro_gen.schema.parse.parse_simple_schema`), so a check can ask the same question of a
model and of a hand-written RGD, and a test can compare the two.

Paths are tuples of kro field names (wire names, i.e. aliases). A list's items are the segment
:data:`LIST_ITEM` (``"[]"``) and a map's values the segment :data:`MAP_VALUE` (``"{}"``), so
``("endpoints", "[]", "url")`` is the ``url`` of every item of ``endpoints``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kro_gen.expr.wrapper import CelType

#: Path segment standing for "every item" of a list.
LIST_ITEM = "[]"
#: Path segment standing for "every value" of a map (field_facts also accepts any key here).
MAP_VALUE = "{}"

#: SimpleSchema kinds after custom types are resolved. ``struct`` is a nested map or a struct type.
KINDS = ("string", "integer", "float", "boolean", "object", "list", "map", "struct")

_CEL_TYPES: dict[str, CelType | None] = {
    "string": "string",
    "integer": "int",
    "float": "double",
    "boolean": "bool",
    "list": "list",
    "map": "map",
    "struct": "map",
    "object": None,
}


def cel_type_of_kind(kind: str) -> CelType | None:
    """The CEL type hint for a resolved SimpleSchema kind (None for ``object``, which CEL sees as dyn)."""
    return _CEL_TYPES[kind]


@dataclass(frozen=True)
class FieldFacts:
    """What a reader of a field needs to know.

    Attributes:
        required: the field carries ``required=true`` (the instance must set it).
        has_default: kro fills the field when it is omitted: an explicit ``default=`` or, for an object,
            the ``default: {}`` kro derives when none of its children is required and one is defaulted.
        cel_type: "string", "int", "double", "bool", "list", "map", or None when unknown (``object``).
    """

    required: bool
    has_default: bool
    cel_type: CelType | None

    @property
    def always_present(self) -> bool:
        """Whether a template can read the field without ``.?`` (it is required or defaulted)."""
        return self.required or self.has_default


def path_text(path: tuple[str, ...], root: str = "spec") -> str:
    """A path as text for messages: ``spec.endpoints[].url``, ``spec.labels{}``."""
    text = root
    for segment in path:
        if segment in (LIST_ITEM, MAP_VALUE):
            text += segment
        else:
            text += f".{segment}" if text else segment
    return text
