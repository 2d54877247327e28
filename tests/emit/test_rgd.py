"""rgd_document: the RGD of a built graph — directives, annotations, chaining, externalRef, errors, order."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, cel, k8s
from kro_gen.emit.rgd import ALLOW_BREAKING, DEPENDS_ON_PREFIX, depends_on_key, rgd_document
from kro_gen.errors import DefinitionError, ExpressionError
from kro_gen.expr import nodes as n
from kro_gen.expr.kro_text import is_standalone, parse_field
from kro_gen.graph import Resource


class DbSpec(BaseModel):
    size: str = "small"
    replicas: int = Field(1, ge=1)


class ShopSpec(BaseModel):
    size: str
    workers: list[str] = Field(default_factory=list)


def database() -> ResourceGraph:
    graph = ResourceGraph("database", api_version="data.example.com/v1alpha1", kind="Database", spec=DbSpec)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        return {"settings": k8s.ConfigMap("db-settings", {"SIZE": schema.spec.size})}

    return graph


def shop(build: Any, **options: Any) -> dict[str, Any]:
    """The RGD of a graph whose resources builder is ``build``."""
    graph = ResourceGraph(
        "shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=ShopSpec, **options
    )
    graph.resources(build)
    return rgd_document(graph.build())


def entries(rgd: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in rgd["spec"]["resources"]}


# -- depends_on -----------------------------------------------------------------------------------------
def test_depends_on_becomes_an_annotation_that_references_the_dependency() -> None:
    inner = database()
    graph = ResourceGraph("shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=ShopSpec)

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        db = inner.use("shop-db", {"size": schema.spec.size})
        worker = cel.var("worker", "string")
        workers = k8s.ConfigMap(f"w-{worker}", {"W": worker}, for_each={"worker": schema.spec.workers})
        app = k8s.ConfigMap("app", {"SIZE": schema.spec.size}, depends_on=[db, workers])
        return {"db": db, "workers": workers, "app": app}

    built = graph.build()
    annotations = entries(rgd_document(built))["app"]["template"]["metadata"]["annotations"]
    # a single object by its name, a collection by its size: either way a reference, so kro has an edge
    assert annotations == {
        f"{DEPENDS_ON_PREFIX}db": "${db.metadata.name}",
        f"{DEPENDS_ON_PREFIX}workers": "${string(size(workers))}",
    }
    assert built.dependencies["app"] == ["db", "workers"]
    # the user's resource is not changed by emission
    assert "annotations" not in built.resources["app"].template["metadata"]  # type: ignore[index]


def test_depends_on_keeps_the_users_own_annotations() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        config = k8s.ConfigMap("config", {"A": "1"})
        app = k8s.ConfigMap("app", {"B": "2"}, annotations={"team": "shop"}, depends_on=[config])
        return {"config": config, "app": app}

    annotations = entries(shop(build))["app"]["template"]["metadata"]["annotations"]
    assert annotations == {"team": "shop", f"{DEPENDS_ON_PREFIX}config": "${config.metadata.name}"}


#: Kubernetes' qualified name (the part of an annotation key after the ``/``).
QUALIFIED_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")


def annotation_name(key: str) -> str:
    return key.partition("/")[2]


def test_depends_on_keys_stay_valid_kubernetes_annotation_keys_for_long_ids() -> None:
    fits = "a" * 52  # depends-on- (11) + 52 = 63: the longest name kept as it is
    assert depends_on_key(fits) == f"{DEPENDS_ON_PREFIX}{fits}"
    assert depends_on_key("db") == f"{DEPENDS_ON_PREFIX}db"
    long_a = "paymentGatewayReconciliationWorkerDeploymentForEuropeanRegionA"
    long_b = long_a[:-1] + "B"
    key_a, key_b = depends_on_key(long_a), depends_on_key(long_b)
    for key in (key_a, key_b, depends_on_key(fits + "b")):
        assert key.startswith(DEPENDS_ON_PREFIX)
        assert len(annotation_name(key)) <= 63 and QUALIFIED_NAME.match(annotation_name(key)), key
    assert key_a != key_b  # ids that share a long beginning keep distinct keys
    assert depends_on_key(long_a) == key_a  # stable across runs: no churn in GitOps diffs
    assert annotation_name(key_a).startswith("depends-on-paymentGateway")


def test_a_long_dependency_id_gets_a_valid_key_in_the_emitted_rgd() -> None:
    long_id = "primaryDatabaseConnectionSettingsConfigMapForTheCheckoutService"

    def build(schema):  # type: ignore[no-untyped-def]
        config = k8s.ConfigMap("config", {"A": "1"})
        app = k8s.ConfigMap("app", {"B": "2"}, depends_on=[config])
        return {long_id: config, "app": app}

    annotations = entries(shop(build))["app"]["template"]["metadata"]["annotations"]
    [(key, value)] = annotations.items()
    assert key == depends_on_key(long_id) and value == "${" + long_id + ".metadata.name}"
    assert len(annotation_name(key)) <= 63 and QUALIFIED_NAME.match(annotation_name(key))


# -- metadata annotations -------------------------------------------------------------------------------
def _one_config(schema):  # type: ignore[no-untyped-def]
    return {"config": k8s.ConfigMap("config", {"SIZE": schema.spec.size})}


def test_allow_breaking_changes_is_the_one_rgd_annotation() -> None:
    assert shop(_one_config, allow_breaking_changes=True)["metadata"] == {
        "name": "shop",
        "annotations": {ALLOW_BREAKING: "true"},
    }
    assert shop(_one_config)["metadata"] == {"name": "shop"}


# -- chaining -------------------------------------------------------------------------------------------
def test_a_chained_graph_gets_an_active_ready_when_and_its_typed_kind() -> None:
    inner = database()

    def build(schema):  # type: ignore[no-untyped-def]
        return {"db": inner.use("shop-db", {"size": schema.spec.size, "replicas": 2})}

    entry = entries(shop(build))["db"]
    assert entry["readyWhen"] == ['${db.status.state == "ACTIVE"}']
    assert entry["template"] == {
        "apiVersion": "data.example.com/v1alpha1",
        "kind": "Database",
        "metadata": {"name": "shop-db"},
        "spec": {"size": "${schema.spec.size}", "replicas": 2},
    }


def test_a_chained_graph_with_its_own_ready_when_gets_no_default() -> None:
    inner = database()

    def build(schema):  # type: ignore[no-untyped-def]
        db = inner.use("shop-db", {"size": "large"}, ready_when=lambda d: d.status.state != "ERROR")
        return {"db": db}

    assert entries(shop(build))["db"]["readyWhen"] == ['${db.status.state != "ERROR"}']


@pytest.mark.parametrize(
    ("spec", "rule", "says"),
    [
        ({"sise": "large"}, "chained-spec-field", "Database (graph 'database') has no spec field spec.sise"),
        ({"replicas": 0}, "instance-values", "spec.replicas: Input should be greater than or equal to 1"),
        ({"replicas": "two"}, "instance-values", "spec.replicas"),
    ],
)
def test_a_chained_graph_spec_is_checked_against_the_inner_model(
    spec: dict[str, Any], rule: str, says: str
) -> None:
    inner = database()
    frame = inspect.currentframe()
    assert frame is not None
    use_line = frame.f_lineno + 2
    with pytest.raises(DefinitionError) as caught:
        shop(lambda schema: {"db": inner.use("shop-db", spec)})
    # The mistake is in the graph that calls use(), at the user's line: not in 'database'.
    assert caught.value.location.graph == "shop"
    assert (caught.value.location.file or "").endswith(f"test_rgd.py:{use_line}")
    assert caught.value.rule == rule
    assert says in str(caught.value)
    assert "environment" not in str(caught.value)  # no instance of an environment is involved
    if rule == "chained-spec-field":
        assert "did you mean 'size'?" in str(caught.value)


def test_a_chained_graph_spec_with_expressions_is_checked_by_name_only() -> None:
    inner = database()

    def build(schema):  # type: ignore[no-untyped-def]
        return {
            "db": inner.use("shop-db", {"size": schema.spec.size, "replicas": cel.size(schema.spec.workers)})
        }

    assert entries(shop(build))["db"]["template"]["spec"] == {
        "size": "${schema.spec.size}",
        "replicas": "${size(schema.spec.workers)}",
    }


# -- directives -----------------------------------------------------------------------------------------
def test_include_when_ready_when_and_for_each_are_standalone_expressions() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        worker = cel.var("worker", "string")
        workers = k8s.ConfigMap(
            f"w-{worker}",
            {"W": worker},
            for_each={"worker": schema.spec.workers},
            include_when=[schema.spec.size != "tiny", cel.size(schema.spec.workers) > 0],
            ready_when=lambda each: cel.has(each.data.W),
        )
        return {"workers": workers}

    entry = entries(shop(build))["workers"]
    assert entry["includeWhen"] == ['${schema.spec.size != "tiny"}', "${size(schema.spec.workers) > 0}"]
    assert entry["forEach"] == [{"worker": "${schema.spec.workers}"}]
    assert entry["readyWhen"] == ["${has(each.data.W)}"]
    directives = [*entry["includeWhen"], *entry["readyWhen"], *(d["worker"] for d in entry["forEach"])]
    assert all(is_standalone(text) for text in directives)
    # a string template (not standalone) would be refused by kro; what is written parses as one tree
    assert all(not isinstance(parse_field(text), n.Template) for text in directives)


def test_an_external_ref_is_emitted_as_external_ref_without_a_template() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        platform = k8s.external_ref("v1", "ConfigMap", name="platform-config", namespace="platform")
        app = k8s.ConfigMap("app", {"LEVEL": cel.default(platform.data.logLevel, "info")})
        return {"platform": platform, "app": app}

    platform, app = shop(build)["spec"]["resources"]
    assert platform == {
        "id": "platform",
        "externalRef": {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "platform-config", "namespace": "platform"},
        },
    }
    assert app["template"]["data"] == {"LEVEL": '${platform.data.?logLevel.orValue("info")}'}


def test_an_external_ref_by_selector_is_a_collection() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        nodes = k8s.external_ref("v1", "ConfigMap", selector={"tier": "edge"})
        app = k8s.ConfigMap("app", {"EDGES": cel.string(cel.size(nodes))})
        return {"edges": nodes, "app": app}

    edges, app = shop(build)["spec"]["resources"]
    assert edges["externalRef"]["metadata"] == {"selector": {"matchLabels": {"tier": "edge"}}}
    assert app["template"]["data"] == {"EDGES": "${string(size(edges))}"}


# -- errors name the field ------------------------------------------------------------------------------
def marked_line(function: Any) -> int:
    """The line number of the line of ``function`` that carries the comment ``# <- here``."""
    lines, first = inspect.getsourcelines(function)
    (offset,) = [index for index, text in enumerate(lines) if "# <- here" in text]
    return first + offset


def test_an_unparsable_raw_expression_names_the_users_line() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        size = cel.raw("schema.spec.size +")  # <- here
        return {"config": k8s.ConfigMap("config", {"SIZE": size})}

    line = marked_line(build)

    with pytest.raises(ExpressionError) as caught:
        shop(build)
    error = caught.value
    assert error.location.graph == "shop"
    assert error.location.file is not None and error.location.file.endswith(f"test_rgd.py:{line}")
    assert "column 19" in str(error)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("optional.unwrap([schema.spec.?size])", "lists of optional values"),
        ("schema.spec.workers.optMap(w, w)", "not optional"),
    ],
)
def test_a_raw_expression_that_cannot_be_checked_names_resource_and_field(raw: str, message: str) -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        return {
            "config": Resource(
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": "c"},
                    "data": {"SIZE": cel.raw(raw, "string")},
                }
            )
        }

    with pytest.raises(ExpressionError, match=message) as caught:
        shop(build)
    assert (caught.value.location.resource, caught.value.location.path) == ("config", "template.data.SIZE")


def test_a_map_key_expression_is_refused_at_the_users_line() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        data = {f"{schema.spec.size}-key": "x"}
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}
        config = Resource(body)  # <- here
        return {"config": config}

    line = marked_line(build)

    with pytest.raises(ExpressionError, match="a map key cannot be an expression") as caught:
        shop(build)
    assert caught.value.location.file is not None
    assert caught.value.location.file.endswith(f"test_rgd.py:{line}")
    assert "cel.map_of" in str(caught.value)


def test_a_status_expression_error_names_the_status_path() -> None:
    class Status(BaseModel):
        bad: str

    graph = ResourceGraph(
        "shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=ShopSpec, status=Status
    )
    graph.resources(_one_config)

    @graph.status
    def status(schema, r):  # type: ignore[no-untyped-def]
        return {"bad": cel.raw("schema.spec.workers.optMap(w, w)", "string")}

    with pytest.raises(ExpressionError) as caught:
        rgd_document(graph.build())
    assert caught.value.location.path == "spec.schema.status.bad"


# -- key order ------------------------------------------------------------------------------------------
def test_keys_come_in_kubectl_order() -> None:
    class Status(BaseModel):
        size: str

    graph = ResourceGraph(
        "shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=ShopSpec, status=Status
    )

    @graph.resources
    def resources(schema):  # type: ignore[no-untyped-def]
        worker = cel.var("worker", "string")
        return {
            "workers": k8s.ConfigMap(
                f"w-{worker}",
                {"W": worker},
                ready_when=lambda each: cel.has(each.data.W),
                for_each={"worker": schema.spec.workers},
                include_when=schema.spec.size != "tiny",
            )
        }

    @graph.status
    def status(schema, r):  # type: ignore[no-untyped-def]
        return {"size": schema.spec.size}

    rgd = rgd_document(graph.build())
    assert list(rgd) == ["apiVersion", "kind", "metadata", "spec"]
    assert list(rgd["spec"]) == ["schema", "resources"]
    assert list(rgd["spec"]["schema"]) == ["apiVersion", "kind", "group", "scope", "spec", "status"]
    (entry,) = rgd["spec"]["resources"]
    assert list(entry) == ["id", "includeWhen", "forEach", "readyWhen", "template"]
    assert list(entry["template"]) == ["apiVersion", "kind", "metadata", "data"]
    # spec fields keep the model's order; custom types come after spec, before status
    assert list(rgd["spec"]["schema"]["spec"]) == ["size", "workers"]


def test_custom_types_sit_between_spec_and_status() -> None:
    class Item(BaseModel):
        name: str

    class Spec(BaseModel):
        items: list[Item]

    graph = ResourceGraph("list", api_version="list.example.com/v1alpha1", kind="List", spec=Spec)
    graph.resources(lambda schema: {"c": k8s.ConfigMap("c", {"N": cel.string(cel.size(schema.spec.items))})})
    schema = rgd_document(graph.build())["spec"]["schema"]
    assert list(schema) == ["apiVersion", "kind", "group", "scope", "spec", "types"]
    assert schema["spec"] == {"items": "[]Item | required=true"}
    assert schema["types"] == {"Item": {"name": "string | required=true"}}


def test_resources_keep_declaration_order_not_dependency_order() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        config = k8s.ConfigMap("config", {"A": "1"})
        app = k8s.ConfigMap("app", {"FROM": config.metadata.name})
        return {"app": app, "config": config}

    assert [entry["id"] for entry in shop(build)["spec"]["resources"]] == ["app", "config"]


def test_a_definition_error_is_not_turned_into_an_rgd() -> None:
    def build(schema):  # type: ignore[no-untyped-def]
        return {"config": k8s.ConfigMap("config", {"SIZE": schema.spec.sise})}

    with pytest.raises(DefinitionError, match="did you mean 'size'"):
        shop(build)
