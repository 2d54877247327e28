"""Everything kro cannot express is a DefinitionError that names the model field and the rule."""

from __future__ import annotations

import datetime
import enum
from typing import Annotated, Any, Generic, Literal, TypeVar

import annotated_types as at
import pytest
from pydantic import BaseModel, ConfigDict, Field, computed_field

from kro_gen.errors import DefinitionError
from kro_gen.schema import SchemaMarkers, to_simple_schema


def error_of(model: type[BaseModel]) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        to_simple_schema(model)
    return caught.value


def test_comma_in_enum_value() -> None:
    class M(BaseModel):
        mode: Literal["a,b", "c"]

    error = error_of(M)
    assert error.rule == "schema-enum"
    assert error.location.path == "M.mode"
    assert "'a,b'" in error.message


def test_enum_value_with_surrounding_space() -> None:
    class M(BaseModel):
        mode: Literal[" a", "b"]

    assert "trimmed" in error_of(M).message


@pytest.mark.parametrize(
    "annotation",
    [Literal["a", 1], Literal[True, False], Literal[1.5, 2.5]],
)
def test_enum_values_must_be_all_strings_or_all_integers(annotation: Any) -> None:
    M = type("M", (BaseModel,), {"__annotations__": {"mode": annotation}})
    assert error_of(M).rule == "schema-enum"


def test_enum_class_with_float_values() -> None:
    class Ratio(enum.Enum):
        HALF = 0.5

    class M(BaseModel):
        ratio: Ratio

    error = error_of(M)
    assert error.rule == "schema-enum"
    assert "Ratio" in error.message


def test_float_multiple_of_has_no_marker() -> None:
    class M(BaseModel):
        step: float = Field(multiple_of=0.5)

    error = error_of(M)
    assert error.rule == "schema-constraint"
    assert "multiple_of" in error.message


def test_numeric_bound_on_a_string() -> None:
    class M(BaseModel):
        name: Annotated[str, at.Ge(1)]

    assert "only applies to numbers" in error_of(M).message


def test_length_on_a_map() -> None:
    class M(BaseModel):
        labels: dict[str, str] = Field(min_length=1)

    assert "strings and lists" in error_of(M).message


def test_unsatisfiable_integer_bounds() -> None:
    class M(BaseModel):
        n: int = Field(gt=5, lt=6)

    assert "no integer" in error_of(M).message


def test_predicate_constraint_cannot_be_dropped_silently() -> None:
    class M(BaseModel):
        n: Annotated[int, at.Predicate(lambda v: v % 2 == 0)]

    error = error_of(M)
    assert error.rule == "schema-constraint"
    assert "Predicate" in error.message


def test_empty_validation_rule() -> None:
    class M(BaseModel):
        n: Annotated[int, SchemaMarkers(validation=(" ",))]

    assert "empty rule" in error_of(M).message


def test_pattern_must_be_a_go_regexp() -> None:
    class M(BaseModel):
        model_config = ConfigDict(regex_engine="python-re")  # pydantic accepts lookarounds with this

        password: str = Field(pattern=r"^(?=.*\d).{8,}$")

    error = error_of(M)
    assert error.rule == "schema-pattern"
    assert error.location.path == "M.password"
    assert "lookahead" in error.message


def test_pattern_pydantic_accepts_but_go_does_not() -> None:
    class M(BaseModel):
        digits: str = Field(pattern=r"^\d{1,2000}$")  # Rust's engine allows it, RE2 caps repeats at 1000

    assert "repetition size" in error_of(M).message


@pytest.mark.parametrize("default", ['say "hi"', "C:\\path", "two\nlines"])
def test_string_defaults_kro_cannot_carry(default: str) -> None:
    M = type("M", (BaseModel,), {"__annotations__": {"text": str}, "text": default})
    error = error_of(M)
    assert error.rule == "schema-default"
    assert "quote, backslash or control" in error.message


def test_default_is_validated_against_the_field() -> None:
    class M(BaseModel):
        replicas: int = Field(0, ge=1)

    error = error_of(M)
    assert error.rule == "schema-default"
    assert "greater than or equal to 1" in error.message


def test_integers_kro_cannot_parse_as_int64() -> None:
    # kro parses integer defaults and enum values with ParseInt(v, 10, 64); the RGD would be rejected
    class Big(BaseModel):
        count: int = 2**63

    class BigItems(BaseModel):
        counts: list[int] = [1, -(2**63) - 1]

    class BigEnum(BaseModel):
        mode: Literal[1, 2**64] = 1

    for model, rule in ((Big, "schema-default"), (BigItems, "schema-default"), (BigEnum, "schema-enum")):
        error = error_of(model)
        assert error.rule == rule
        assert "64-bit" in error.message

    class Edge(BaseModel):
        count: int = 2**63 - 1
        low: list[int] = [-(2**63)]
        free: dict[str, Any] = {"big": 2**64}  # free-form: not typed as integer, the API server keeps it

    assert to_simple_schema(Edge).spec == {
        "count": "integer | default=9223372036854775807",
        "low": "[]integer | default=[-9223372036854775808]",
        "free": 'object | default={"big":18446744073709551616}',
    }


def test_none_default_on_a_field_that_does_not_allow_none() -> None:
    class M(BaseModel):
        name: str = None  # type: ignore[assignment]

    assert "does not allow None" in error_of(M).message


def test_required_nullable_field() -> None:
    class M(BaseModel):
        host: str | None

    error = error_of(M)
    assert error.rule == "schema-nullable"
    assert "no null" in error.message


def test_whole_object_default_other_than_model_defaults() -> None:
    class Db(BaseModel):
        host: str = "localhost"

    class M(BaseModel):
        db: Db = Db(host="db.internal")

    error = error_of(M)
    assert error.rule == "schema-default"
    assert "Field(default_factory=Db)" in (error.hint or "")


def test_default_factory_reading_other_fields() -> None:
    class M(BaseModel):
        a: int = 1
        b: int = Field(default_factory=lambda data: data["a"] + 1)

    assert "reads other fields" in error_of(M).message


@pytest.mark.parametrize(
    ("annotation", "rule"),
    [
        (int | str, "schema-union"),
        (dict[int, str], "schema-map-key"),
        (tuple[int, str], "schema-type"),
        (datetime.datetime, "schema-type"),
        (list[Literal["a", "b"]], "schema-enum"),
        (list[Annotated[str, at.MaxLen(3)]], "schema-constraint"),
        (list[str | None], "schema-nullable"),
        (list[set[str]], "schema-constraint"),
    ],
)
def test_types_kro_cannot_express(annotation: Any, rule: str) -> None:
    M = type("M", (BaseModel,), {"__annotations__": {"value": annotation}})
    error = error_of(M)
    assert error.rule == rule
    assert error.location.path == "M.value"


def test_field_name_must_be_a_cel_identifier() -> None:
    class M(BaseModel):
        my_field: str = Field(alias="my-field")

    error = error_of(M)
    assert error.rule == "schema-field-name"
    assert "'my-field'" in error.message


def test_two_fields_with_one_kro_name() -> None:
    class M(BaseModel):
        model_config = ConfigDict(populate_by_name=True)

        a: str = Field(alias="x")
        b: str = Field(alias="x")

    assert "share the kro name 'x'" in error_of(M).message


def test_different_read_and_write_names() -> None:
    class M(BaseModel):
        a: str = Field(validation_alias="inName", serialization_alias="outName")

    assert "one name per field" in error_of(M).message


def test_recursive_models() -> None:
    class Node(BaseModel):
        children: list[Node] = []

    error = error_of(Node)
    assert error.rule == "schema-cycle"
    assert "Node -> Node" in error.message


def test_mutually_recursive_models() -> None:
    class A(BaseModel):
        b: B | None = None

    class B(BaseModel):
        a: A | None = None

    A.model_rebuild()

    class Root(BaseModel):
        a: A

    error = error_of(Root)
    assert "A -> B -> A" in error.message


def test_two_classes_with_one_type_name() -> None:
    def make() -> type[BaseModel]:
        class Item(BaseModel):
            name: str

        return Item

    class M(BaseModel):
        first: list[make()]  # type: ignore[valid-type]
        second: list[make()]  # type: ignore[valid-type]

    error = error_of(M)
    assert error.rule == "schema-type-name"
    assert "'Item'" in error.message


def test_generic_model_name_is_not_a_type_name() -> None:
    T = TypeVar("T")

    class Page(BaseModel, Generic[T]):
        item: T

    class M(BaseModel):
        pages: list[Page[int]]

    error = error_of(M)
    assert error.rule == "schema-type-name"
    assert "Page[int]" in error.message


def test_model_with_an_undefined_forward_reference() -> None:
    class M(BaseModel):
        later: Later  # type: ignore[name-defined]  # noqa: F821

    error = error_of(M)
    assert "not defined yet" in error.message
    assert "M.model_rebuild()" in (error.hint or "")


def test_extra_allow_would_be_pruned_by_kro() -> None:
    class M(BaseModel):
        model_config = ConfigDict(extra="allow")

        a: str

    assert error_of(M).rule == "schema-extra"


def test_computed_fields_are_not_inputs() -> None:
    class M(BaseModel):
        a: int = 1

        @computed_field  # type: ignore[prop-decorator]
        @property
        def double(self) -> int:
            return self.a * 2

    error = error_of(M)
    assert error.rule == "schema-computed"
    assert "double" in error.message


def test_error_text_is_one_line_with_location_and_fix() -> None:
    class M(BaseModel):
        host: str | None

    text = str(error_of(M))
    assert "\n" not in text
    assert text.startswith("at M.host: ")
    assert "(fix: " in text
