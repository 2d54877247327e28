"""pydantic model → SimpleSchema: one test per mapping rule."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

import annotated_types as at
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kro_gen.schema import SchemaMarkers, to_simple_schema
from kro_gen.schema.markers import parse_markers, split_field


def spec_of(model: type[BaseModel]) -> dict[str, Any]:
    return to_simple_schema(model).spec


def markers_of(text: str) -> dict[str, str]:
    """The markers of a field string as kro reads them (unquoted)."""
    _, block = split_field(text)
    return dict(parse_markers(block)) if block else {}


class Color(enum.StrEnum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 3


def test_scalars_map_to_kro_types_and_int_is_never_float() -> None:
    class M(BaseModel):
        name: str
        replicas: int
        ratio: float
        enabled: bool

    assert spec_of(M) == {
        "name": "string | required=true",
        "replicas": "integer | required=true",
        "ratio": "float | required=true",
        "enabled": "boolean | required=true",
    }


def test_defaults_are_typed_json_and_strings_are_quoted() -> None:
    class M(BaseModel):
        image: str = "nginx:1.27"
        replicas: int = 3
        ratio: float = 1
        enabled: bool = False
        ports: list[int] = [80, 443]
        labels: dict[str, str] = {"app": "web"}

    spec = spec_of(M)
    assert spec["image"] == 'string | default="nginx:1.27"'
    assert spec["replicas"] == "integer | default=3"
    assert spec["ratio"] == "float | default=1.0"  # validated as a float, so it stays a float
    assert spec["enabled"] == "boolean | default=false"
    assert spec["ports"] == "[]integer | default=[80,443]"
    assert spec["labels"] == 'map[string]string | default={"app":"web"}'


def test_literal_and_enums_become_enum_markers() -> None:
    class M(BaseModel):
        env: Literal["development", "staging", "production"]
        color: Color = Color.GREEN
        level: Level = Level.HIGH
        size: Literal[1, 2, 4] = 2

    spec = spec_of(M)
    assert spec["env"] == 'string | required=true enum="development,staging,production"'
    assert spec["color"] == 'string | default="green" enum="red,green"'
    assert spec["level"] == 'integer | default=3 enum="1,3"'
    assert spec["size"] == 'integer | default=2 enum="1,2,4"'


def test_integer_bounds_including_exclusive_ones() -> None:
    class M(BaseModel):
        a: int = Field(ge=1, le=10)
        b: int = Field(gt=0, lt=100)
        d: Annotated[int, at.Interval(gt=2, le=7)]

    spec = spec_of(M)
    assert markers_of(spec["a"]) == {"required": "true", "minimum": "1", "maximum": "10"}
    assert markers_of(spec["b"]) == {"required": "true", "minimum": "1", "maximum": "99"}
    assert markers_of(spec["d"]) == {"required": "true", "minimum": "3", "maximum": "7"}


def test_float_exclusive_bounds_become_validation_rules() -> None:
    class M(BaseModel):
        ratio: float = Field(gt=0, le=1)
        load: float = Field(ge=0.25, lt=2.5)

    spec = spec_of(M)
    assert spec["ratio"] == 'float | required=true maximum=1 validation="self > 0.0"'
    assert spec["load"] == 'float | required=true minimum=0.25 validation="self < 2.5"'


def test_multiple_of_on_integers_is_a_validation_rule() -> None:
    class M(BaseModel):
        cpu: int = Field(250, multiple_of=250)

    assert markers_of(spec_of(M)["cpu"]) == {"default": "250", "validation": "self % 250 == 0"}


def test_lengths_on_strings_and_lists() -> None:
    class M(BaseModel):
        name: str = Field(min_length=3, max_length=15)
        tags: list[str] = Field(min_length=1, max_length=3)

    spec = spec_of(M)
    assert spec["name"] == "string | required=true minLength=3 maxLength=15"
    assert spec["tags"] == "[]string | required=true minItems=1 maxItems=3"


def test_pattern_and_description_are_quoted_and_escaped() -> None:
    class M(BaseModel):
        email: str = Field(pattern=r"^[a-z]+@[a-z]+\.[a-z]{2,}$", description='The "owner"\n  address')

    text = spec_of(M)["email"]
    assert (
        text
        == r'string | required=true pattern="^[a-z]+@[a-z]+\.[a-z]{2,}$" description="The \"owner\" address"'
    )
    assert markers_of(text)["pattern"] == r"^[a-z]+@[a-z]+\.[a-z]{2,}$"
    assert markers_of(text)["description"] == 'The "owner" address'


def test_annotated_and_string_constraints_are_honoured() -> None:
    class M(BaseModel):
        a: Annotated[str, Field(max_length=63), at.MinLen(1)]
        b: Annotated[str, StringConstraints(pattern=r"^[a-z]+$", max_length=8, strip_whitespace=True)]
        c: Annotated[int, at.Ge(0)] | None = None

    spec = spec_of(M)
    assert markers_of(spec["a"]) == {"required": "true", "minLength": "1", "maxLength": "63"}
    assert markers_of(spec["b"]) == {"required": "true", "maxLength": "8", "pattern": "^[a-z]+$"}
    assert spec["c"] == "integer | minimum=0"


def test_optional_with_none_default_is_optional_without_default() -> None:
    class M(BaseModel):
        host: str | None = None
        port: int | None = 8080

    spec = spec_of(M)
    assert spec["host"] == "string"  # no required, no default: read it with cel.default
    assert spec["port"] == "integer | default=8080"


def test_collections() -> None:
    class Item(BaseModel):
        name: str

    class M(BaseModel):
        names: list[str]
        grid: list[list[int]] = []
        tags: set[str] = {"b", "a"}
        labels: dict[str, str] = {}
        nested: dict[str, list[int]] = {}
        items: list[Item] = []
        by_name: dict[str, Item] = {}
        frozen: tuple[int, ...] = (1, 2)

    spec = spec_of(M)
    assert spec["names"] == "[]string | required=true"
    assert spec["grid"] == "[][]integer | default=[]"
    assert spec["tags"] == '[]string | default=["a","b"] uniqueItems=true'  # sorted: deterministic
    assert spec["labels"] == "map[string]string | default={}"
    assert spec["nested"] == "map[string][]integer | default={}"
    assert spec["items"] == "[]Item | default=[]"  # a custom type, never []object
    assert spec["by_name"] == "map[string]Item | default={}"
    assert spec["frozen"] == "[]integer | default=[1,2]"
    assert to_simple_schema(M).types == {"Item": {"name": "string | required=true"}}


def test_typing_aliases_and_new_types() -> None:
    import typing
    from collections.abc import Mapping, Sequence

    UserId = typing.NewType("UserId", str)

    class M(BaseModel):
        a: typing.List[int]  # noqa: UP006
        b: Sequence[str] = ()
        c: typing.Dict[str, int] = {}  # noqa: UP006
        d: Mapping[str, bool] = {}
        e: typing.Optional[UserId] = None  # noqa: UP045

    assert spec_of(M) == {
        "a": "[]integer | required=true",
        "b": "[]string | default=[]",
        "c": "map[string]integer | default={}",
        "d": "map[string]boolean | default={}",
        "e": "string",
    }


def test_free_form_values_are_object() -> None:
    class M(BaseModel):
        a: Any = None
        b: dict = {}  # type: ignore[type-arg]
        c: dict[str, Any] = {"x": 1}
        d: list[Any] = []

    spec = spec_of(M)
    assert spec == {
        "a": "object",
        "b": "object | default={}",
        "c": 'object | default={"x":1}',
        "d": "[]object | default=[]",
    }


def test_enums_inside_lists_become_named_alias_types() -> None:
    class M(BaseModel):
        colors: list[Color] = [Color.RED]
        levels: dict[str, Level] = {}

    schema = to_simple_schema(M)
    assert schema.spec == {"colors": '[]Color | default=["red"]', "levels": "map[string]Level | default={}"}
    assert schema.types == {"Color": 'string | enum="red,green"', "Level": 'integer | enum="1,3"'}


def test_nested_model_with_default_is_an_inline_map_without_default_marker() -> None:
    class Ingress(BaseModel):
        enabled: bool = False
        host: str = "example.com"

    class M(BaseModel):
        ingress: Ingress = Field(default_factory=Ingress)

    schema = to_simple_schema(M)
    # kro derives `default: {}` itself; the generator must not write it
    assert schema.spec == {
        "ingress": {"enabled": "boolean | default=false", "host": 'string | default="example.com"'}
    }
    assert schema.types == {}


def test_required_or_described_nested_model_becomes_a_custom_type() -> None:
    class Database(BaseModel):
        host: str
        port: int = 5432

    class Cache(BaseModel):
        size: int = 64

    class M(BaseModel):
        database: Database
        cache: Cache = Field(default_factory=Cache, description="Cache settings")

    schema = to_simple_schema(M)
    assert schema.spec == {
        "database": "Database | required=true",
        "cache": 'Cache | description="Cache settings"',
    }
    assert schema.types == {
        "Cache": {"size": "integer | default=64"},
        "Database": {"host": "string | required=true", "port": "integer | default=5432"},
    }


def test_types_are_sorted_and_shared_models_written_once() -> None:
    class Zeta(BaseModel):
        z: str

    class Alpha(BaseModel):
        a: Zeta

    class M(BaseModel):
        first: list[Zeta]
        second: Alpha
        third: dict[str, Zeta]

    types = to_simple_schema(M).types
    assert list(types) == ["Alpha", "Zeta"]
    assert types["Alpha"] == {"a": "Zeta | required=true"}


def test_alias_is_the_kro_name_and_field_order_is_kept() -> None:
    class M(BaseModel):
        model_config = ConfigDict(populate_by_name=True)

        zone_count: int = Field(1, alias="zoneCount")
        b: str = "b"
        a: str = "a"

    assert list(spec_of(M)) == ["zoneCount", "b", "a"]


def test_schema_markers_add_immutable_and_validation() -> None:
    class M(BaseModel):
        cluster: Annotated[str, SchemaMarkers(immutable=True, validation=("self.startsWith('c-')",))]

    assert markers_of(spec_of(M)["cluster"]) == {
        "required": "true",
        "immutable": "true",
        "validation": "self.startsWith('c-')",
    }


def test_build_time_only_metadata_emits_nothing() -> None:
    from pydantic import AfterValidator

    class M(BaseModel):
        name: Annotated[str, AfterValidator(str.lower), Field(strict=True)] = "x"

    assert spec_of(M)["name"] == 'string | default="x"'
