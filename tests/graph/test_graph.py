"""ResourceGraph: identity checks, ids, references between resources, status, instances."""

from __future__ import annotations

import inspect
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, cel
from kro_gen.errors import DefinitionError, ExpressionError
from kro_gen.expr.fields import field_value
from kro_gen.expr.render import render_cel
from kro_gen.graph import Resource


class Spec(BaseModel):
    name: str
    replicas: int = Field(1, ge=0)
    env: Literal["dev", "prod"] = "dev"


class Status(BaseModel):
    ready: bool
    url: str


def config_map(name: object, **data: object) -> Resource:
    return Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data})


def graph(**kwargs: object) -> ResourceGraph:
    return ResourceGraph("demo", api_version="demo.example.com/v1alpha1", kind="Demo", spec=Spec, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [
        ({"api_version": "v1alpha1"}, None),
        ({"api_version": "nodot/v1alpha1"}, "schema-group"),
        ({"api_version": "demo.example.com/1.0"}, "schema-api-version"),
        ({"kind": "demo"}, "schema-kind"),
        ({"scope": "Global"}, "schema-scope"),
        ({"spec": dict}, "schema-spec"),
        ({"status": int}, "schema-status"),  # not only later, as an AttributeError from kro-gen
        ({"kind": None}, "graph-option"),
    ],
)
def test_graph_identity_is_checked_when_declared(kwargs: dict[str, object], rule: str | None) -> None:
    arguments: dict[str, object] = {"api_version": "demo.example.com/v1alpha1", "kind": "Demo", "spec": Spec}
    arguments.update(kwargs)
    if rule is None:
        built = ResourceGraph("demo", **arguments)  # type: ignore[arg-type]
        assert built.group == "kro.run"  # no group given: kro's default, made explicit
        assert built.api_version == "kro.run/v1alpha1"
        return
    with pytest.raises(DefinitionError) as error:
        ResourceGraph("demo", **arguments)  # type: ignore[arg-type]
    assert error.value.rule == rule
    assert "graph 'demo'" in str(error.value)


def test_ids_come_from_keys_and_references_become_edges() -> None:
    app = graph()

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        config = config_map(
            f"{schema.spec.name}-config", LEVEL=cel.cond(schema.spec.env == "prod", "info", "debug")
        )
        user = config_map("user", CONFIG=config.metadata.name)
        return {"config": config, "user": user}

    built = app.build()
    assert list(built.resources) == ["config", "user"]
    assert built.dependencies == {"config": [], "user": ["config"]}
    assert built.order == ["config", "user"]
    config_template = field_value(built.resources["config"].template)
    assert (
        config_template["metadata"]["name"] == "${string(schema.spec.name)}-config"
        or config_template["metadata"]["name"] == "${schema.spec.name}-config"
    )
    assert config_template["data"]["LEVEL"] == '${schema.spec.env == "prod" ? "info" : "debug"}'
    assert field_value(built.resources["user"].template)["data"]["CONFIG"] == "${config.metadata.name}"


def test_list_return_derives_deterministic_ids_and_dynamic_names_need_one() -> None:
    app = graph()

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        return [config_map("app-settings"), config_map("web-configmap")]

    assert list(app.build().resources) == ["appSettingsConfigMap", "webConfigmap"]

    dynamic = graph()

    @dynamic.resources
    def dynamic_resources(schema):  # type: ignore[no-untyped-def]
        return [config_map(schema.spec.name)]

    with pytest.raises(DefinitionError, match="computed name needs an explicit id"):
        dynamic.build()


@pytest.mark.parametrize("returned", [None, {"web": 3}])
def test_a_wrong_return_of_the_resources_builder_points_at_the_builder(returned: object) -> None:
    app = graph()

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        return returned

    with pytest.raises(DefinitionError, match="the resources builder returned") as error:
        app.build()
    line = inspect.getsourcelines(resources)[1]
    assert error.value.location.file == f"{(app.site or '').rsplit(':', 1)[0]}:{line}"


@pytest.mark.parametrize("as_list", [False, True])
def test_a_resource_returned_twice_names_both_keys_not_an_id_mismatch(as_list: bool) -> None:
    app = graph()

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        web = config_map("web")
        return [web, web] if as_list else {"web": web, "web2": web}

    with pytest.raises(DefinitionError) as error:
        app.build()
    assert error.value.rule == "resource-id-unique"
    assert "the same resource is returned" in error.value.message
    if not as_list:  # both keys are named, and no id= is blamed: the user passed none
        assert "'web' and 'web2'" in error.value.message
    assert "id=" not in str(error.value)
    assert error.value.location.resource == ("webConfigMap" if as_list else "web")


@pytest.mark.parametrize("bad_id", ["user_service", "User", "item", "each", "9lives"])
def test_invalid_or_reserved_ids_are_refused(bad_id: str) -> None:
    app = graph()

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        return {bad_id: config_map("x")}

    with pytest.raises(DefinitionError) as error:
        app.build()
    assert bad_id in str(error.value)
    assert error.value.location.graph == "demo"


def test_self_reference_cycle_and_foreign_resource_are_errors() -> None:
    app = graph()

    @app.resources
    def self_ref(schema):  # type: ignore[no-untyped-def]
        config = config_map("a")
        config.template["data"] = {"ME": config.metadata.name}  # type: ignore[index]
        return {"config": config}

    with pytest.raises(DefinitionError, match="refers to itself"):
        app.build()

    cyclic = graph()
    made: dict[str, Resource] = {}

    @cyclic.resources
    def cycle(schema):  # type: ignore[no-untyped-def]
        a = made["a"] = config_map("a")
        b = config_map("b", A=a.metadata.name)
        a.template["data"] = {"B": b.metadata.name}  # type: ignore[index]
        return {"a": a, "b": b}

    with pytest.raises(DefinitionError, match=r"cycle: a -> b -> a") as error:
        cyclic.build()
    # at the line that built the first resource of the cycle, not at the graph's line
    assert made["a"].site is not None and error.value.location.file == made["a"].site
    assert made["a"].site != cyclic.site

    foreign = graph()

    @foreign.resources
    def missing(schema):  # type: ignore[no-untyped-def]
        hidden = config_map("hidden")
        return {"shown": config_map("shown", H=hidden.metadata.name)}

    with pytest.raises(DefinitionError, match="not part of the graph"):
        foreign.build()


def test_unknown_spec_field_is_an_error_with_a_suggestion() -> None:
    app = graph()

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        return {"config": config_map(schema.spec.replica)}

    with pytest.raises(DefinitionError) as error:
        app.build()
    assert "replica" in str(error.value)
    assert "replicas" in str(error.value)


def test_python_truth_value_of_an_expression_raises_with_guidance() -> None:
    app = graph()

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        if schema.spec.env == "prod":
            return {}
        return {}

    with pytest.raises(ExpressionError, match=r"cel\.cond"):
        app.build()


def test_status_must_cover_the_model_and_reference_something() -> None:
    app = graph(status=Status)

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        return {"config": config_map("c")}

    @app.status
    def status(schema, r):  # type: ignore[no-untyped-def]
        return {"ready": r.config.metadata.name != "", "url": f"https://{schema.spec.name}"}

    built = app.build()
    assert field_value(built.status) == {
        "ready": '${config.metadata.name != ""}',
        "url": "https://${schema.spec.name}",
    }

    literal = graph(status=Status)
    literal.resources(resources)

    @literal.status
    def literal_status(schema, r):  # type: ignore[no-untyped-def]
        return {"ready": r.config.metadata.name != "", "url": "http://fixed"}

    with pytest.raises(DefinitionError, match="literal") as error:
        literal.build()
    assert error.value.location.path == "status.url"
    # at the status builder (its decorator line), not at the graph's line
    status_line = inspect.getsourcelines(literal_status)[1]
    assert error.value.location.file == f"{literal.site.rsplit(':', 1)[0]}:{status_line}"  # type: ignore[union-attr]
    assert literal.status_site() == error.value.location.file

    missing = graph(status=Status)
    missing.resources(resources)
    missing.status(lambda schema, r: {"ready": r.config.metadata.name != ""})
    with pytest.raises(DefinitionError, match=r"no value for status\.url") as error:
        missing.build()
    assert error.value.location.file == missing.status_site() != missing.site

    typo = graph(status=Status)
    typo.resources(resources)
    typo.status(lambda schema, r: {"ready": r.confg.metadata.name != "", "url": f"{schema.spec.name}"})
    with pytest.raises(DefinitionError, match="did you mean config"):
        typo.build()


def test_state_is_reserved_in_status() -> None:
    app = graph()
    app.resources(lambda schema: {"config": config_map("c")})
    app.status(lambda schema, r: {"state": r.config.metadata.name})
    with pytest.raises(DefinitionError, match="reserved"):
        app.build()


def test_ready_when_gets_the_resource_and_each_for_collections() -> None:
    app = graph()

    @app.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        single = config_map("one")
        single.when_ready(lambda me: me.data.ready == "yes")
        many = Resource(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": cel.raw("schema.spec.name + '-' + n")},
            },
            for_each={"n": cel.raw('["a", "b"]')},
            ready_when=lambda item: item.metadata.name != "",
        )
        return {"single": single, "many": many}

    built = app.build()
    assert render_cel(built.resources["single"].ready_when[0]._node) == 'single.data.ready == "yes"'
    assert render_cel(built.resources["many"].ready_when[0]._node) == 'each.metadata.name != ""'


def test_include_when_refuses_python_constants() -> None:
    with pytest.raises(DefinitionError, match="build time"):
        Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}, include_when=True)


def test_instances_are_declared_once_per_environment() -> None:
    app = graph()
    app.instance("dev", {"name": "a"})
    with pytest.raises(DefinitionError, match="already has an instance"):
        app.instance("dev", {"name": "b"})
    assert app.instances["dev"].name == "demo"


def test_the_status_model_declares_a_cel_type_per_leaf() -> None:
    from typing import Any

    from pydantic import BaseModel

    from kro_gen.graph.status import declared_status_types

    class Inner(BaseModel):
        ready: bool
        url: str | None = None

    class Status(BaseModel):
        available: int
        ratio: float
        names: list[str]
        labels: dict[str, str]
        anything: Any
        web: Inner
        conditions: list[Any] = []

    assert declared_status_types(Status) == {
        ("available",): "int",
        ("ratio",): "double",
        ("names",): "list",
        ("labels",): "map",
        ("web", "ready"): "bool",
        ("web", "url"): "string",
    }
    assert declared_status_types(None) == {}
