"""Instance values: strict JSON validation, every bad path in one error, explicit vs effective."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from kro_gen.errors import DefinitionError, Location
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr
from kro_gen.schema import apply_defaults, validate_instance

WHERE = Location(graph="shop", environment="staging", path="spec")


class Tier(enum.StrEnum):
    FREE = "free"
    PAID = "paid"


class Port(BaseModel):
    name: str
    number: int = 80


class Service(BaseModel):
    image: str
    replicas: int = Field(1, ge=0)
    ports: list[Port] = []


class Ingress(BaseModel):
    enabled: bool = False
    host: str | None = None


class Limits(BaseModel):
    cpu: str | None = None  # no defaulted child: kro derives no default {}


class Spec(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    tier: Tier = Tier.FREE
    ratio: float = 0.5
    services: dict[str, Service] = {}
    ingress: Ingress = Field(default_factory=Ingress)
    backup: Ingress | None = None
    limits: Limits = Field(default_factory=Limits)
    extra: dict[str, Any] = {}
    zone_name: str = Field("a", alias="zoneName")


def test_explicit_is_exactly_what_was_set_and_ints_stay_ints() -> None:
    values = validate_instance(
        Spec, {"name": "shop", "services": {"web": {"image": "web:1", "replicas": 3}}}, location=WHERE
    )
    assert values.explicit == {"name": "shop", "services": {"web": {"image": "web:1", "replicas": 3}}}
    replicas = values.explicit["services"]["web"]["replicas"]
    assert type(replicas) is int


def test_effective_applies_defaults_like_kro() -> None:
    values = validate_instance(
        Spec,
        {"name": "shop", "services": {"web": {"image": "web:1", "ports": [{"name": "http"}]}}},
        location=WHERE,
    )
    assert values.effective == {
        "name": "shop",
        "tier": "free",
        "ratio": 0.5,
        "services": {"web": {"image": "web:1", "replicas": 1, "ports": [{"name": "http", "number": 80}]}},
        "ingress": {"enabled": False},  # materialised: kro's derived default {}
        # backup: Ingress | None = None is an optional object; kro still derives default {} for it
        "backup": {"enabled": False},
        # limits has no defaulted child, so kro leaves it absent
        "extra": {},
        "zoneName": "a",
    }


def test_values_keep_enum_members_and_aliases() -> None:
    values = validate_instance(Spec, {"name": "x", "tier": Tier.PAID, "zoneName": "b"}, location=WHERE)
    assert values.explicit == {"name": "x", "tier": "paid", "zoneName": "b"}


def test_python_name_of_aliased_field_is_accepted_when_the_model_allows_it() -> None:
    values = validate_instance(Spec, {"name": "x", "zone_name": "c"}, location=WHERE)
    assert values.explicit == {"name": "x", "zoneName": "c"}


def test_none_means_not_set() -> None:
    values = validate_instance(Spec, {"name": "x", "backup": None}, location=WHERE)
    assert values.explicit == {"name": "x"}


def test_free_form_values_pass_through_unchanged() -> None:
    values = validate_instance(Spec, {"name": "x", "extra": {"n": 1, "l": [1, "a"]}}, location=WHERE)
    assert values.explicit["extra"] == {"n": 1, "l": [1, "a"]}
    assert type(values.explicit["extra"]["n"]) is int


def test_model_instance_input_keeps_only_set_fields() -> None:
    spec = Spec(name="x", services={"web": Service(image="i")})
    values = validate_instance(Spec, spec, location=WHERE)
    assert values.explicit == {"name": "x", "services": {"web": {"image": "i"}}}


def test_every_bad_field_is_named_in_one_error() -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_instance(
            Spec,
            {
                "services": {"user": {"image": "u", "replicas": "3", "replcas": 2}},
                "tier": "gold",
                "ratio": True,
                "extra": "not-an-object",
                "nmae": "typo",
            },
            location=WHERE,
        )
    error = caught.value
    assert error.rule == "instance-values"
    assert error.location.graph == "shop"
    assert error.location.environment == "staging"
    message = error.message
    for expected in (
        "spec.name: Field required",
        "spec.services.user.replicas: Input should be a valid integer",  # strict: "3" is not an int
        "spec.services.user.replcas: Service has no field 'replcas' (did you mean 'replicas'?)",
        "spec.tier: Input should be 'free' or 'paid'",
        "spec.ratio: Input should be a valid number",
        "spec.extra: a kro `object` field holds a JSON object",
        "spec.nmae: Spec has no field 'nmae' (did you mean 'name'?)",
    ):
        assert expected in message
    assert "\n" not in str(error)


def test_constraint_and_list_index_paths() -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_instance(
            Spec,
            {"name": "x", "services": {"web": {"image": "i", "replicas": -1, "ports": [{"name": "a"}, {}]}}},
            location=WHERE,
        )
    message = caught.value.message
    assert "spec.services.web.replicas: Input should be greater than or equal to 0" in message
    assert "spec.services.web.ports[1].name: Field required" in message


def test_booleans_are_not_integers() -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_instance(
            Spec, {"name": "x", "services": {"w": {"image": "i", "replicas": True}}}, location=WHERE
        )
    assert "spec.services.w.replicas: Input should be a valid integer" in caught.value.message


def test_wrong_model_instance() -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_instance(Spec, Port(name="x"), location=WHERE)
    assert "a Port, not a Spec" in caught.value.message


def test_expressions_are_not_instance_values() -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_instance(Spec, {"name": Expr(n.Ident("x"))}, location=WHERE)
    assert "plain data" in caught.value.message


def test_apply_defaults_on_plain_data() -> None:
    assert apply_defaults(Service, {"image": "i", "ports": [{"name": "a", "number": 8080}]}) == {
        "image": "i",
        "replicas": 1,
        "ports": [{"name": "a", "number": 8080}],
    }
