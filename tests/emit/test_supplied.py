"""``--set`` values for a preview: parsing, laying them over what direct mode knows, and what they allow."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.emit.direct import render_direct
from kro_gen.emit.supplied import overlay, parse_set
from kro_gen.errors import ConfigError, DefinitionError


@pytest.mark.parametrize(
    ("text", "root", "steps", "value"),
    [
        ("deployment.status.readyReplicas=2", "deployment", ("status", "readyReplicas"), 2),
        ("cm.data.level='2'", "cm", ("data", "level"), "2"),
        ("svc[0].status.ingress[0].ip=10.0.0.1", "svc", (0, "status", "ingress", 0, "ip"), "10.0.0.1"),
        ('cm.data["a.b"]=x', "cm", ("data", "a.b"), "x"),
        ("pods=[{name: a}]", "pods", (), [{"name": "a"}]),
        ("schema.metadata.uid=", "schema", ("metadata", "uid"), ""),
    ],
)  # fmt: skip
def test_parse_set(text: str, root: str, steps: tuple[Any, ...], value: Any) -> None:
    parsed = parse_set(text)
    assert (parsed.root, parsed.steps, parsed.value) == (root, steps, value)


@pytest.mark.parametrize("text", ["noequals", "=1", "a..b=1", "a.b[x]=1", "a.b={unclosed"])
def test_bad_set_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_set(text)


def test_overlay_copies_and_creates_maps() -> None:
    original = {"a": {"b": 1}, "l": [{"x": 1}]}
    assert overlay(original, ("a", "c", "d"), 2, "t") == {"a": {"b": 1, "c": {"d": 2}}, "l": [{"x": 1}]}
    assert overlay(original, ("l", 0, "x"), 5, "t")["l"] == [{"x": 5}]
    assert original == {"a": {"b": 1}, "l": [{"x": 1}]}
    with pytest.raises(ConfigError, match="outside the list"):
        overlay(original, ("l", 3), 1, "t")
    with pytest.raises(ConfigError, match="not a map"):
        overlay(original, ("a", "b", "c"), 1, "t")


def rgd(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "demo"},
        "spec": {"schema": {"apiVersion": "v1alpha1", "kind": "Demo", "spec": {}}, "resources": resources},
    }


def config_map(rid: str, data: dict[str, str]) -> dict[str, Any]:
    return {
        "id": rid,
        "template": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": rid}, "data": data},
    }


INSTANCE = {
    "apiVersion": "kro.run/v1alpha1",
    "kind": "Demo",
    "metadata": {"name": "d", "namespace": "n"},
    "spec": {},
}
DEPLOYMENT = {
    "id": "deployment",
    "template": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": 1},
    },
}


def test_a_status_read_needs_set_and_uses_it() -> None:
    document = rgd(
        [DEPLOYMENT, config_map("report", {"ready": "${string(deployment.status.readyReplicas)}"})]
    )
    with pytest.raises(DefinitionError, match=r"--set deployment\.status\.readyReplicas=VALUE"):
        render_direct(document, INSTANCE, preview=True)
    manifests = render_direct(document, INSTANCE, supplied=[parse_set("deployment.status.readyReplicas=3")])
    assert manifests[1].body["data"] == {"ready": "3"}
    assert "status" not in manifests[0].body  # the supplied value is not part of the rendered object


def test_a_supplied_path_that_does_not_hold_the_read_is_still_an_error() -> None:
    document = rgd(
        [DEPLOYMENT, config_map("report", {"ready": "${string(deployment.status.readyReplicas)}"})]
    )
    with pytest.raises(DefinitionError, match="reads the status of 'deployment'"):
        render_direct(document, INSTANCE, supplied=[parse_set("deployment.status.replicas=3")])
    with pytest.raises(
        DefinitionError, match=r"deployment\.status\.readyReplicas is not in the values given"
    ):
        render_direct(document, INSTANCE, supplied=[parse_set("deployment.status={}")])


def test_set_schema_metadata_uid_for_seeded_random_names() -> None:
    document = rgd(
        [
            config_map(
                "cm",
                {"uid": "${schema.metadata.uid}", "name": "${random.seededString(10, schema.metadata.uid)}"},
            )
        ]
    )
    with pytest.raises(DefinitionError, match="set by the API server"):
        render_direct(document, INSTANCE)
    first = render_direct(document, INSTANCE, supplied=[parse_set("schema.metadata.uid=6f1c-42")])
    again = render_direct(document, INSTANCE, supplied=[parse_set("schema.metadata.uid=6f1c-42")])
    assert first[0].body["data"]["uid"] == "6f1c-42"
    assert len(first[0].body["data"]["name"]) == 10
    assert first[0].body == again[0].body


def test_without_preview_the_hint_stays_direct_modes() -> None:
    document = rgd(
        [DEPLOYMENT, config_map("report", {"ready": "${string(deployment.status.readyReplicas)}"})]
    )
    with pytest.raises(DefinitionError) as raised:
        render_direct(document, INSTANCE, environment="dev")
    assert "--set" not in (raised.value.hint or "")
