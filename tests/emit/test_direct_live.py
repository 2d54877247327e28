"""render_direct refuses what only the cluster knows, and names where and why; other graph errors."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.emit.direct_eval import LIVE_HINT
from kro_gen.errors import DefinitionError, ExpressionError, KroGenError
from tests.emit.test_direct_support import by_id, config_map, custom, render

EXTERNAL_BY_NAME = {
    "id": "platform",
    "externalRef": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "platform-config"}},
}
EXTERNAL_BY_SELECTOR = {
    "id": "peers",
    "externalRef": {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"selector": {"matchLabels": {"team": "a"}}},
    },
}
DEPLOYMENT = {
    "id": "deployment",
    "template": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}},
    },
}


def refused(resources: list[dict[str, Any]], spec: dict[str, Any] | None = None) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        render(resources, spec)
    return caught.value


def assert_live_error(error: KroGenError, *, resource: str, path: str, mentions: str) -> None:
    assert error.rule == "direct-live-reference"
    assert error.hint == LIVE_HINT
    assert error.location.environment == "development"
    assert error.location.graph == "demo"
    assert error.location.resource == resource
    assert error.location.path == path
    assert mentions in error.message
    text = str(error)  # one line naming every part
    assert "\n" not in text
    for part in ("'development'", "'demo'", repr(resource), path, LIVE_HINT):
        assert part in text


# -- externalRef -------------------------------------------------------------------------------------
def test_an_external_ref_name_and_namespace_are_known() -> None:
    user = config_map(
        "user",
        {"name": "${platform.metadata.name}", "namespace": "${platform.metadata.namespace}"},
        name="user",
    )
    manifests = render([EXTERNAL_BY_NAME, user])
    assert [m.id for m in manifests] == ["user"]  # the externalRef itself is never emitted
    assert manifests[0].body["data"] == {"name": "platform-config", "namespace": "team-a"}
    assert manifests[0].depth == 1


def test_an_external_ref_name_may_be_an_expression() -> None:
    ref = {
        "id": "platform",
        "externalRef": {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "${schema.metadata.name}-base", "namespace": "shared"},
        },
    }
    user = config_map("user", {"ref": "${platform.metadata.namespace}/${platform.metadata.name}"}, name="u")
    assert by_id(render([ref, user]))["user"]["data"] == {"ref": "shared/app-base"}


def test_an_external_ref_of_an_unknown_kind_defaults_to_the_instance_namespace() -> None:
    ref = {
        "id": "db",
        "externalRef": {"apiVersion": "db.io/v1", "kind": "Database", "metadata": {"name": "main"}},
    }
    user = config_map("user", {"ns": "${db.metadata.namespace}"}, name="u")
    assert by_id(render([ref, user]))["user"]["data"] == {"ns": "team-a"}


def test_a_cluster_scoped_external_ref_has_no_namespace_to_read() -> None:
    ref = {
        "id": "ns",
        "externalRef": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shared"}},
    }
    present = config_map("user", {"has": '${has(ns.metadata.namespace) ? "yes" : "no"}'}, name="u")
    assert by_id(render([ref, present]))["user"]["data"] == {"has": "no"}
    error = refused([ref, config_map("user", {"ns": "${ns.metadata.namespace}"}, name="u")])
    assert_live_error(error, resource="user", path="template.data.ns", mentions="does not declare it")


@pytest.mark.parametrize(
    "expression",
    [
        "${platform.data.LEVEL}",
        '${platform.?data.LEVEL.orValue("info")}',  # an optional read would silently give the fallback
        '${has(platform.data) ? "yes" : "no"}',
        "${platform.metadata.uid}",
        "${string(platform)}",
    ],
)
def test_an_external_ref_content_is_refused(expression: str) -> None:
    error = refused([EXTERNAL_BY_NAME, config_map("user", {"level": expression}, name="u")])
    assert_live_error(error, resource="user", path="template.data.level", mentions="externalRef 'platform'")
    assert repr(expression) in error.message


def test_a_selector_external_ref_is_refused_even_for_its_size() -> None:
    error = refused([EXTERNAL_BY_SELECTOR, config_map("user", {"n": "${string(size(peers))}"}, name="u")])
    assert_live_error(error, resource="user", path="template.data.n", mentions="a selector over live objects")


# -- status and other server-side fields ------------------------------------------------------------
@pytest.mark.parametrize(
    "expression",
    [
        "${string(deployment.status.readyReplicas)}",
        "${string(deployment.?status.readyReplicas.orValue(0))}",
        '${has(deployment.status.readyReplicas) ? "ready" : "waiting"}',
    ],
)
def test_status_reads_are_refused(expression: str) -> None:
    error = refused([DEPLOYMENT, config_map("user", {"ready": expression}, name="u")])
    assert_live_error(error, resource="user", path="template.data.ready", mentions="status of 'deployment'")


def test_status_reads_through_a_comprehension_are_refused() -> None:
    items = config_map("items", {}, name="${r}", forEach=[{"r": '${["a", "b"]}'}])
    user = config_map("user", {"s": '${items.map(i, i.status.phase).join(",")}'}, name="u")
    error = refused([items, user])
    assert_live_error(error, resource="user", path="template.data.s", mentions="items[*].status.phase")


def test_a_status_read_in_include_when_is_refused() -> None:
    gated = config_map("gated", {}, name="g", includeWhen=["${deployment.status.readyReplicas > 0}"])
    error = refused([DEPLOYMENT, gated])
    assert_live_error(error, resource="gated", path="includeWhen[0]", mentions="status of 'deployment'")


def test_fields_the_template_does_not_set_are_refused() -> None:
    # uid and server defaults (e.g. a Deployment's strategy) exist only in the cluster
    for expression, missing in [
        ("${deployment.metadata.uid}", "deployment.metadata.uid"),
        ("${string(deployment.spec.revisionHistoryLimit)}", "deployment.spec.revisionHistoryLimit"),
    ]:
        error = refused([DEPLOYMENT, config_map("user", {"v": expression}, name="u")])
        assert_live_error(error, resource="user", path="template.data.v", mentions=missing)


def test_reading_a_whole_resource_is_refused() -> None:
    error = refused([DEPLOYMENT, custom("user", {"copy": "${deployment}"}, name="u")])
    assert_live_error(error, resource="user", path="template.spec.copy", mentions="whole object 'deployment'")


def test_set_fields_and_sub_objects_of_a_resource_are_fine() -> None:
    user = custom(
        "user",
        {"selector": "${deployment.spec.selector.matchLabels}", "more": "${deployment.spec.replicas + 1}"},
        name="u",
    )
    assert by_id(render([DEPLOYMENT, user]))["user"]["spec"] == {"selector": {"app": "web"}, "more": 3}


def test_optional_reads_of_unset_fields_of_a_managed_resource_use_the_fallback() -> None:
    # a ConfigMap's data is exactly what its template sets: absence is real, not a cluster value
    config = config_map("config", {"a": "1"}, name="c")
    user = config_map("user", {"b": '${config.data.?b.orValue("none")}'}, name="u")
    assert by_id(render([config, user]))["user"]["data"] == {"b": "none"}


def test_instance_fields_set_by_the_api_server_are_refused() -> None:
    error = refused([custom("owner", {"uid": "${schema.metadata.uid}"}, name="o")])
    assert_live_error(error, resource="owner", path="template.spec.uid", mentions="schema.metadata.uid")


def test_an_unset_spec_field_without_default_is_an_error_not_an_empty_value() -> None:
    error = refused([config_map("c", {"tier": "${schema.spec.tier}"}, name="c")], {"tier": "string"})
    assert error.rule == "direct-missing-spec-value"
    assert "schema.spec.tier" in error.message
    assert ".?field.orValue" in (error.hint or "")
    assert error.location.path == "template.data.tier"


# -- errors from the graph and the engine -----------------------------------------------------------
def test_an_unknown_function_is_named() -> None:
    with pytest.raises(ExpressionError) as caught:
        render([config_map("c", {"v": "${frobnicate(schema.metadata.name)}"}, name="c")])
    assert "frobnicate" in caught.value.message
    assert caught.value.location.resource == "c"
    assert caught.value.location.path == "template.data.v"


def test_a_disabled_extension_is_named() -> None:
    with pytest.raises(ExpressionError) as caught:
        render([custom("c", {"v": "${math.greatest([1, 2])}"}, name="c")])
    assert "math.greatest" in caught.value.message


def test_an_unknown_identifier_is_an_error() -> None:
    error = refused([config_map("c", {"v": "${deploymnet.metadata.name}"}, name="c")])
    assert error.rule == "unknown-identifier"
    assert "'deploymnet'" in error.message


def test_iterators_are_only_known_in_their_own_template() -> None:
    items = config_map("items", {}, name="${r}", forEach=[{"r": '${["a"]}'}])
    error = refused([items, config_map("user", {"v": "${r}"}, name="u")])
    assert error.rule == "unknown-identifier"
    assert error.location.resource == "user"


def test_a_self_reference_is_an_error() -> None:
    error = refused([config_map("c", {"v": "${c.metadata.name}"}, name="c")])
    assert error.rule == "self-reference"


def test_a_cycle_is_reported_with_its_path() -> None:
    error = refused(
        [
            config_map("a", {"v": "${b.metadata.name}"}, name="a"),
            config_map("b", {"v": "${a.metadata.name}"}, name="b"),
        ]
    )
    assert error.rule == "cycle"
    assert "a -> b -> a" in error.message


def test_a_reference_inside_cel_bind_is_followed() -> None:
    user = custom("user", {"v": "${cel.bind(d, deployment.spec, d.replicas * 10)}"}, name="u")
    assert by_id(render([DEPLOYMENT, user]))["user"]["spec"] == {"v": 20}
    bad = custom("user", {"v": "${cel.bind(d, deployment, d.status.x)}"}, name="u")
    assert_live_error(refused([DEPLOYMENT, bad]), resource="user", path="template.spec.v", mentions="status")


def test_an_iterator_over_another_collection_is_checked_like_a_direct_read() -> None:
    items = config_map("items", {"k": "v"}, name="${r}", forEach=[{"r": '${["a", "b"]}'}])
    mirror = config_map(
        "mirror", {"k": "${item.data.k}"}, name='${"m-" + item.metadata.name}', forEach=[{"item": "${items}"}]
    )
    manifests = render([items, mirror])
    assert [m.body["metadata"]["name"] for m in manifests if m.id == "mirror"] == ["m-a", "m-b"]
    bad = config_map(
        "mirror", {"k": "${item.status.x}"}, name="${item.metadata.name}", forEach=[{"item": "${items}"}]
    )
    assert_live_error(
        refused([items, bad]), resource="mirror", path="template.data.k", mentions="items[*].status.x"
    )
