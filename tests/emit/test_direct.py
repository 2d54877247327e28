"""render_direct: values, templates, references, includeWhen, forEach, namespaces, depths."""

from __future__ import annotations

import pytest

from kro_gen.emit.direct import render_direct
from kro_gen.errors import DefinitionError, ExpressionError, ValidationError
from tests.emit.test_direct_support import by_id, config_map, custom, instance, render, rgd

SPEC = {
    "replicas": "integer | default=3",
    "enabled": "boolean | default=true",
    "ratio": "float | default=0.5",
    "env": "string | default=development",
    "labels": "map[string]string",
    "tier": "string",
}


def spec_of(values: dict | None = None, **fields: str) -> dict:
    """Render one Pod-like object whose spec fields are the given expressions; return its spec."""
    (manifest,) = render([custom("obj", dict(fields))], SPEC, values)
    return manifest.body["spec"]


# -- values and types -----------------------------------------------------------------------------
def test_standalone_expressions_keep_native_types() -> None:
    spec = spec_of(
        {"labels": {"team": "a"}},
        replicas="${schema.spec.replicas}",
        enabled="${schema.spec.enabled}",
        ratio="${schema.spec.ratio * 2.0}",
        labels="${schema.spec.labels}",
        both="${[schema.spec.replicas, schema.spec.env]}",
    )
    assert spec == {
        "replicas": 3,
        "enabled": True,
        "ratio": 1.0,
        "labels": {"team": "a"},
        "both": [3, "development"],
    }
    assert type(spec["replicas"]) is int
    assert type(spec["enabled"]) is bool


def test_literals_in_templates_stay_untouched() -> None:
    spec = spec_of(port=8080, name="plain", flag=False, nested={"list": [1, "two"]})
    assert spec == {"port": 8080, "name": "plain", "flag": False, "nested": {"list": [1, "two"]}}


def test_string_templates_concatenate() -> None:
    spec = spec_of(
        host="${schema.metadata.name}.${schema.metadata.namespace}.svc:${string(schema.spec.replicas)}"
    )
    assert spec == {"host": "app.team-a.svc:3"}


def test_a_non_string_template_part_is_an_error_like_kros() -> None:
    with pytest.raises(ExpressionError) as caught:
        spec_of(host="replicas-${schema.spec.replicas}")
    error = caught.value
    assert error.rule == "template-part-type"
    assert "int 3" in error.message
    assert "string(schema.spec.replicas)" in (error.hint or "")
    assert error.location.path == "template.spec.host"
    assert error.location.resource == "obj"


@pytest.mark.parametrize(("env", "level"), [("production", "info"), ("development", "debug")])
def test_ternaries_pick_a_branch(env: str, level: str) -> None:
    spec = spec_of({"env": env}, level='${schema.spec.env == "production" ? "info" : "debug"}')
    assert spec == {"level": level}


def test_string_extension_functions() -> None:
    spec = spec_of(
        upper="${schema.metadata.name.upperAscii()}",
        parts='${"a,b,c".split(",")}',
        replaced='${schema.spec.env.replace("develop", "DEV")}',
        formatted='${"%s-%d".format([schema.metadata.name, schema.spec.replicas])}',
        joined='${["x", "y"].join("/")}',
    )
    assert spec == {
        "upper": "APP",
        "parts": ["a", "b", "c"],
        "replaced": "DEVment",
        "formatted": "app-3",
        "joined": "x/y",
    }


def test_integer_division_truncates_like_cel() -> None:
    spec = spec_of(
        {"replicas": 7},
        half="${schema.spec.replicas / 2}",
        negative="${-schema.spec.replicas / 2}",
        rest="${schema.spec.replicas % 4}",
        exact="${double(schema.spec.replicas) / 2.0}",
    )
    assert spec == {"half": 3, "negative": -3, "rest": 3, "exact": 3.5}


def test_optional_access_and_has_on_missing_spec_keys() -> None:
    unset = spec_of(
        tier='${schema.spec.?tier.orValue("free")}',
        has="${has(schema.spec.tier)}",
        label='${schema.spec.?labels["team"].orValue("none")}',
    )
    assert unset == {"tier": "free", "has": False, "label": "none"}
    set_ = spec_of(
        {"tier": "gold", "labels": {"team": "a"}},
        tier='${schema.spec.?tier.orValue("free")}',
        has="${has(schema.spec.tier)}",
        label='${schema.spec.?labels["team"].orValue("none")}',
    )
    assert set_ == {"tier": "gold", "has": True, "label": "a"}


def test_literal_dollar_braces_are_kept_through_the_escape() -> None:
    spec = spec_of(script='echo ${"${HOME}"}/bin', whole='${"${PATH}"}')
    assert spec == {"script": "echo ${HOME}/bin", "whole": "${PATH}"}


def test_map_keys_are_literal() -> None:
    spec = spec_of(**{"${schema.spec.env}": "value"})
    assert spec == {"${schema.spec.env}": "value"}


def test_the_instance_metadata_is_readable() -> None:
    values = {"labels": {"a": "b"}}
    inst = instance(values)
    inst["metadata"]["labels"] = {"team": "a"}
    (manifest,) = render_direct(
        rgd([custom("obj", {"meta": "${schema.metadata}", "api": "${schema.apiVersion}"})], SPEC),
        inst,
        is_namespaced=lambda api, kind: True,
    )
    assert manifest.body["spec"] == {
        "meta": {"name": "app", "namespace": "team-a", "labels": {"team": "a"}, "annotations": {}},
        "api": "example.com/v1alpha1",
    }


# -- references between resources ----------------------------------------------------------------
def test_references_read_earlier_resources_metadata_spec_and_data() -> None:
    resources = [
        # listed first, but depends on the two below: output follows dependencies
        custom(
            "consumer",
            {
                "config": "${config.metadata.name}",
                "configNamespace": "${config.metadata.namespace}",
                "level": "${config.data.LEVEL}",
                "replicas": "${worker.spec.replicas + 1}",
            },
            name="${schema.metadata.name}-consumer",
        ),
        config_map("config", {"LEVEL": "debug"}, name="${schema.metadata.name}-config"),
        custom("worker", {"replicas": "${schema.spec.replicas}"}, name="${schema.metadata.name}-worker"),
    ]
    manifests = render(resources, SPEC)
    assert [m.id for m in manifests] == ["config", "worker", "consumer"]
    assert [m.depth for m in manifests] == [0, 0, 1]
    assert by_id(manifests)["consumer"]["spec"] == {
        "config": "app-config",
        "configNamespace": "team-a",  # the namespace the config map gets from the instance
        "level": "debug",
        "replicas": 4,
    }


def test_depth_is_one_more_than_the_deepest_dependency() -> None:
    resources = [
        config_map("a", {"x": "1"}, name="a"),
        config_map("b", {"x": "${a.data.x}"}, name="b"),
        config_map("c", {"x": "${b.data.x}", "y": "${a.data.x}"}, name="c"),
        config_map("d", {"x": "${a.data.x}"}, name="d"),
    ]
    assert {m.id: m.depth for m in render(resources)} == {"a": 0, "b": 1, "c": 2, "d": 1}


# -- includeWhen ------------------------------------------------------------------------------------
INCLUDE = [
    config_map("config", {"x": "1"}, name="optional", includeWhen=["${schema.spec.enabled}"]),
    config_map("user", {"from": "${config.metadata.name}"}, name="user"),
    config_map("userOfUser", {"from": "${user.metadata.name}"}, name="user-of-user"),
    config_map("independent", {"x": "2"}, name="independent"),
]


def test_include_when_false_leaves_out_the_resource_and_its_dependents() -> None:
    manifests = render(INCLUDE, SPEC, {"enabled": False})
    assert [m.id for m in manifests] == ["independent"]


def test_include_when_true_keeps_everything() -> None:
    manifests = render(INCLUDE, SPEC, {"enabled": True})
    assert {m.id: m.depth for m in manifests} == {"config": 0, "independent": 0, "user": 1, "userOfUser": 2}
    assert by_id(manifests)["userOfUser"]["data"] == {"from": "user"}


def test_include_when_is_the_and_of_its_entries_and_may_read_resources() -> None:
    resources = [
        config_map("config", {"mode": "on"}, name="c"),
        config_map(
            "gated",
            {},
            name="g",
            includeWhen=["${schema.spec.enabled}", '${config.data.mode == "on"}'],
        ),
    ]
    assert [m.id for m in render(resources, SPEC)] == ["config", "gated"]
    resources[0]["template"]["data"]["mode"] = "off"
    assert [m.id for m in render(resources, SPEC)] == ["config"]
    assert [m.id for m in render(resources, SPEC, {"enabled": False})] == ["config"]


def test_include_when_must_give_a_bool() -> None:
    with pytest.raises(ExpressionError) as caught:
        render([config_map("c", {}, includeWhen=["${schema.spec.env}"])], SPEC)
    assert caught.value.rule == "include-when-type"
    assert caught.value.location.path == "includeWhen[0]"


# -- forEach ----------------------------------------------------------------------------------------
WORKERS = {"regions": "[]string", "sizes": "[]integer | default=[1, 2]"}


def test_for_each_gives_one_manifest_per_item() -> None:
    resources = [
        config_map(
            "perRegion",
            {"region": "${region}"},
            name='${schema.metadata.name + "-" + region}',
            forEach=[{"region": "${schema.spec.regions}"}],
        )
    ]
    manifests = render(resources, WORKERS, {"regions": ["us", "eu"]})
    assert [(m.id, m.index, m.body["metadata"]["name"]) for m in manifests] == [
        ("perRegion", 0, "app-us"),
        ("perRegion", 1, "app-eu"),
    ]
    assert [m.body["data"] for m in manifests] == [{"region": "us"}, {"region": "eu"}]


def test_two_dimensions_are_a_cartesian_product_with_the_first_outermost() -> None:
    resources = [
        custom(
            "grid",
            {"region": "${region}", "size": "${size}"},
            name='${region + "-" + string(size)}',
            forEach=[{"region": "${schema.spec.regions}"}, {"size": "${schema.spec.sizes}"}],
        )
    ]
    manifests = render(resources, WORKERS, {"regions": ["us", "eu"]})
    assert [m.body["metadata"]["name"] for m in manifests] == ["us-1", "us-2", "eu-1", "eu-2"]
    assert [m.index for m in manifests] == [0, 1, 2, 3]
    assert manifests[3].body["spec"] == {"region": "eu", "size": 2}  # ints stay ints


def test_an_empty_list_gives_no_items_and_dependents_see_an_empty_collection() -> None:
    resources = [
        config_map("items", {}, name="${region}", forEach=[{"region": "${schema.spec.regions}"}]),
        config_map(
            "summary",
            {"count": "${string(size(items))}", "names": '${items.map(i, i.metadata.name).join(",")}'},
            name="summary",
        ),
    ]
    empty = render(resources, WORKERS, {"regions": []})
    assert [m.id for m in empty] == ["summary"]
    assert empty[0].body["data"] == {"count": "0", "names": ""}
    assert empty[0].depth == 1
    full = render(resources, WORKERS, {"regions": ["a", "b"]})
    assert by_id(full)["summary"]["data"] == {"count": "2", "names": "a,b"}


def test_a_collection_item_can_be_indexed_by_position() -> None:
    resources = [
        config_map("items", {}, name="${region}", forEach=[{"region": "${schema.spec.regions}"}]),
        config_map("first", {"name": "${items[0].metadata.name}"}, name="first"),
    ]
    assert by_id(render(resources, WORKERS, {"regions": ["a", "b"]}))["first"]["data"] == {"name": "a"}


def test_for_each_over_lists_range() -> None:
    resources = [
        custom("shards", {"n": "${i}"}, name='${"shard-" + string(i)}', forEach=[{"i": "${lists.range(3)}"}])
    ]
    assert [m.body["spec"]["n"] for m in render(resources)] == [0, 1, 2]


def test_for_each_must_give_a_list() -> None:
    with pytest.raises(ExpressionError) as caught:
        render([config_map("x", {}, name="${r}", forEach=[{"r": "${schema.metadata.name}"}])])
    assert caught.value.rule == "for-each-type"


def test_items_with_the_same_identity_are_an_error() -> None:
    resources = [config_map("same", {}, name="fixed", forEach=[{"region": "${schema.spec.regions}"}])]
    with pytest.raises(ValidationError) as caught:
        render(resources, WORKERS, {"regions": ["a", "b"]})
    assert caught.value.rule == "duplicate-object"
    assert "same[1] and same[0]" in caught.value.message


# -- namespaces -------------------------------------------------------------------------------------
def test_namespaced_kinds_get_the_instance_namespace_right_after_the_name() -> None:
    (manifest,) = render([config_map("c", {"k": "v"}, name="n")])
    assert list(manifest.body["metadata"].items()) == [("name", "n"), ("namespace", "team-a")]


def test_a_namespace_set_by_the_template_is_kept() -> None:
    entry = config_map("c", {}, name="n")
    entry["template"]["metadata"]["namespace"] = "${schema.spec.env}"
    (manifest,) = render([entry], SPEC)
    assert manifest.body["metadata"]["namespace"] == "development"


def test_cluster_scoped_kinds_never_get_a_namespace() -> None:
    entry = {"id": "ns", "template": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}}
    (manifest,) = render([entry])
    assert manifest.body["metadata"] == {"name": "x"}


def test_a_cluster_scoped_kind_with_a_namespace_is_an_error() -> None:
    template = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "r"},
    }
    template["metadata"]["namespace"] = "team-a"
    with pytest.raises(ValidationError) as caught:
        render([{"id": "role", "template": template}])
    assert caught.value.rule == "cluster-scoped-namespace"


def test_an_unknown_kind_without_a_namespace_is_an_error_with_a_way_out() -> None:
    template = {"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w"}}
    with pytest.raises(ValidationError) as caught:
        render([{"id": "widget", "template": template}])
    assert caught.value.rule == "unknown-scope"
    assert "crds" in (caught.value.hint or "")
    template["metadata"]["namespace"] = "elsewhere"
    (manifest,) = render([{"id": "widget", "template": template}])
    assert manifest.body["metadata"]["namespace"] == "elsewhere"


def test_cluster_scoped_graphs_need_namespaces_in_namespaced_templates() -> None:
    resources = [config_map("c", {}, name="n")]
    with pytest.raises(ValidationError) as caught:
        render(resources, scope="Cluster", namespace=None)
    assert caught.value.rule == "namespace-required"
    resources[0]["template"]["metadata"]["namespace"] = "ops"
    (manifest,) = render(resources, scope="Cluster", namespace=None)
    assert manifest.body["metadata"] == {"name": "n", "namespace": "ops"}


def test_the_bundled_kubernetes_schemas_tell_the_scope_by_default() -> None:
    resources = [
        {
            "id": "deploy",
            "template": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}},
        },
        {
            "id": "role",
            "template": {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": "r"},
            },
        },
    ]
    manifests = render_direct(rgd(resources), instance())
    assert by_id(manifests)["deploy"]["metadata"] == {"name": "d", "namespace": "team-a"}
    assert by_id(manifests)["role"]["metadata"] == {"name": "r"}


# -- what ends up in the document -------------------------------------------------------------------
def test_ready_when_and_status_are_ignored() -> None:
    document = rgd(
        [config_map("c", {"k": "v"}, name="n", readyWhen=["${c.status.ready}"])],
    )
    document["spec"]["schema"]["status"] = {"ready": "${c.status.ready}"}
    (manifest,) = render_direct(document, instance(), is_namespaced=lambda api, kind: True)
    assert manifest.body == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "n", "namespace": "team-a"},
        "data": {"k": "v"},
    }


def test_the_rgd_document_is_not_modified() -> None:
    import copy

    document = rgd([config_map("c", {"k": "${schema.spec.env}"}, name="n")], SPEC)
    before = copy.deepcopy(document)
    render_direct(document, instance(), is_namespaced=lambda api, kind: True)
    assert document == before


def test_no_resources_give_no_manifests() -> None:
    assert render([]) == []


def test_the_instance_must_be_of_the_rgds_kind() -> None:
    other = instance()
    other["kind"] = "Other"
    with pytest.raises(DefinitionError) as caught:
        render_direct(rgd([]), other, environment="staging")
    assert caught.value.rule == "direct-instance-kind"
    assert caught.value.location.environment == "staging"
    assert "example.com/v1alpha1/Demo" in caught.value.message
