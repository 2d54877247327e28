"""The seed's spec, and round trips: what we write, kro-style parsing reads back with the same facts."""

from __future__ import annotations

import enum
import io
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field
from ruamel.yaml import YAML

from kro_gen.errors import DefinitionError, Location
from kro_gen.schema import (
    MISSING,
    SchemaMarkers,
    model_facts,
    parse_simple_schema,
    to_simple_schema,
    validate_instance,
)
from kro_gen.schema.fields import field_specs


# -- the seed (microservices-architecture.md), ported from arktype to pydantic -------------------
class DatabaseRef(BaseModel):
    host: str
    name: str


class ServiceConfig(BaseModel):
    image: str
    replicas: int  # arktype 'number': TypeKro wrote float, which kro then rejects for replicas
    database: DatabaseRef


class Gateway(BaseModel):
    domain: str
    replicas: int


class Services(BaseModel):
    user: ServiceConfig
    product: ServiceConfig
    order: ServiceConfig


class MicroservicesSpec(BaseModel):
    environment: Literal["development", "staging", "production"]
    version: str
    gateway: Gateway
    services: Services


def service(image: str, replicas: int, host: str, name: str) -> dict[str, Any]:
    return {"image": image, "replicas": replicas, "database": {"host": host, "name": name}}


DEV_CONFIG = {
    "environment": "development",
    "version": "1.0.0",
    "gateway": {"domain": "microservices-dev.local", "replicas": 1},
    "services": {
        "user": service("user-service:dev", 1, "user-db.dev", "users_dev"),
        "product": service("product-service:dev", 1, "product-db.dev", "products_dev"),
        "order": service("order-service:dev", 1, "order-db.dev", "orders_dev"),
    },
}
PROD_CONFIG = {
    "environment": "production",
    "version": "1.0.0",
    "gateway": {"domain": "api.mycompany.com", "replicas": 3},
    "services": {
        "user": service("user-service:1.0.0", 3, "user-db.prod", "users"),
        "product": service("product-service:1.0.0", 5, "product-db.prod", "products"),
        "order": service("order-service:1.0.0", 3, "order-db.prod", "orders"),
    },
}


def test_seed_spec_schema() -> None:
    schema = to_simple_schema(MicroservicesSpec)
    # every arktype key is required; required nested objects need a named type to carry required=true
    assert schema.spec == {
        "environment": 'string | required=true enum="development,staging,production"',
        "version": "string | required=true",
        "gateway": "Gateway | required=true",
        "services": "Services | required=true",
    }
    assert schema.types == {
        "DatabaseRef": {"host": "string | required=true", "name": "string | required=true"},
        "Gateway": {"domain": "string | required=true", "replicas": "integer | required=true"},
        "ServiceConfig": {
            "image": "string | required=true",
            "replicas": "integer | required=true",
            "database": "DatabaseRef | required=true",
        },
        "Services": {
            "user": "ServiceConfig | required=true",
            "product": "ServiceConfig | required=true",
            "order": "ServiceConfig | required=true",
        },
    }


@pytest.mark.parametrize(
    ("environment", "config"), [("development", DEV_CONFIG), ("production", PROD_CONFIG)]
)
def test_seed_configs_validate_unchanged(environment: str, config: dict[str, Any]) -> None:
    values = validate_instance(MicroservicesSpec, config, location=Location(environment=environment))
    assert values.explicit == config  # nothing added, nothing coerced
    assert values.effective == config  # the seed spec has no defaults
    assert type(values.explicit["services"]["product"]["replicas"]) is int


def test_seed_bad_config_names_each_field() -> None:
    bad = {**PROD_CONFIG, "environment": "prod", "gateway": {"domain": "x", "replicas": "3"}}
    with pytest.raises(DefinitionError) as caught:
        validate_instance(
            MicroservicesSpec, bad, location=Location(graph="microservices-app", environment="prod")
        )
    assert (
        "spec.environment: Input should be 'development', 'staging' or 'production'" in caught.value.message
    )
    assert "spec.gateway.replicas: Input should be a valid integer" in caught.value.message
    assert str(caught.value).startswith("graph 'microservices-app', environment 'prod': ")


# -- round trips ---------------------------------------------------------------------------------
class Zone(enum.StrEnum):
    A = "eu-a"
    B = "eu-b"


class Port(BaseModel):
    name: str
    number: int = Field(80, ge=1, le=65535)


class Tls(BaseModel):
    enabled: bool = False
    secret: str | None = None


class Ingress(BaseModel):
    host: str = "example.com"
    tls: Tls = Field(default_factory=Tls)


class Everything(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9-]*$")]
    replicas: int = Field(2, ge=0, lt=50, description="How many pods")
    ratio: float = Field(0.5, gt=0, le=1)
    mode: Literal["debug", "info"] = "info"
    zones: list[Zone] = [Zone.A]
    tags: set[str] = set()
    ports: list[Port] = [Port(name="http")]
    named_ports: dict[str, Port] = Field({}, alias="namedPorts")
    labels: dict[str, str] = {}
    matrix: list[list[int]] = []
    ingress: Ingress = Field(default_factory=Ingress)
    required_ingress: Ingress = Field(alias="requiredIngress")
    free: dict[str, Any] = {}
    cluster: Annotated[str, SchemaMarkers(immutable=True)] = "main"
    optional_note: str | None = None


@pytest.mark.parametrize("model", [MicroservicesSpec, Everything, Port, Ingress])
def test_parsing_what_we_write_gives_the_models_facts(model: type[BaseModel]) -> None:
    schema = to_simple_schema(model)
    parsed = parse_simple_schema(schema.spec, schema.types)
    assert parsed.problems == ()
    assert parsed.facts() == model_facts(model)


@pytest.mark.parametrize("model", [Everything, Port, Ingress])
def test_parsed_defaults_equal_the_models(model: type[BaseModel]) -> None:
    schema = to_simple_schema(model)
    parsed = parse_simple_schema(schema.spec, schema.types)
    for spec in field_specs(model):
        field = parsed.get((spec.wire,))
        assert field is not None
        if spec.default is MISSING:
            assert field.default in (MISSING, {}), spec.wire  # {}: kro's derived object default
        else:
            assert field.default == spec.default, spec.wire


def test_schema_survives_yaml_and_reads_back_the_same() -> None:
    schema = to_simple_schema(Everything)
    yaml = YAML(typ="safe", pure=True)
    buffer = io.StringIO()
    yaml.dump({"spec": schema.spec, "types": schema.types}, buffer)
    loaded = yaml.load(buffer.getvalue())
    assert loaded == {"spec": schema.spec, "types": schema.types}
    assert parse_simple_schema(loaded["spec"], loaded["types"]).facts() == model_facts(Everything)


def test_output_is_deterministic() -> None:
    first = to_simple_schema(Everything)
    second = to_simple_schema(Everything)
    assert first == second
    assert list(first.types) == sorted(first.types)
