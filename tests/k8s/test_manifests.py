"""from_yaml: one existing manifest as a template, with kro ${} strings parsed into expressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from kro_gen import k8s
from kro_gen.errors import DefinitionError
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr, node_of

from .support import rendered

QUOTA = """\
apiVersion: v1
kind: ResourceQuota
metadata:
  name: ${schema.spec.name}-quota
  labels: {team: platform}
spec:
  hard:
    pods: "${string(schema.spec.replicas * 2)}"
    services: "5"
"""


def test_expressions_in_the_yaml_become_expression_trees() -> None:
    quota = k8s.from_yaml(QUOTA)
    assert quota.template is not None
    name = quota.template["metadata"]["name"]
    assert isinstance(name, Expr)
    assert isinstance(node_of(name), n.Template)  # text around an expression: a string template
    pods = quota.template["spec"]["hard"]["pods"]
    assert isinstance(pods, Expr)
    assert n.free_identifiers(node_of(pods)) == ["schema"]
    assert quota.template["spec"]["hard"]["services"] == "5"
    # and they render back to what the file says
    assert rendered(quota)["metadata"]["name"] == "${schema.spec.name}-quota"
    assert rendered(quota)["spec"]["hard"]["pods"] == "${string(schema.spec.replicas * 2)}"
    assert quota.kind == "ResourceQuota"


def test_a_file_path_is_read_and_directives_and_metadata_options_apply(tmp_path: Path) -> None:
    path = tmp_path / "quota.yaml"
    path.write_text(QUOTA, encoding="utf-8")
    quota = k8s.from_yaml(path, id="quota", namespace="team-a", labels={"env": "prod"})
    assert quota.id == "quota"
    metadata = rendered(quota)["metadata"]
    assert metadata["namespace"] == "team-a"
    assert metadata["labels"] == {"team": "platform", "env": "prod"}
    assert k8s.from_yaml(str(path)).kind == "ResourceQuota"  # a one-line .yaml string is a path


def test_an_option_that_contradicts_the_file_is_refused() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.from_yaml(QUOTA, labels={"team": "web"})
    assert error.value.rule == "builder-conflict"
    assert "ResourceQuota" in str(error.value)


def test_several_documents_are_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(QUOTA + "---\n" + QUOTA, encoding="utf-8")
    with pytest.raises(DefinitionError) as error:
        k8s.from_yaml(path)
    assert error.value.rule == "yaml-documents"
    assert "two.yaml" in str(error.value)
    assert "2 objects" in str(error.value)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {}}\n", "yaml"),
        ("- a\n- b\n", "yaml"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, uid: x}\n", "yaml-server-fields"),
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nstatus: {phase: Running}\n", "yaml-server-fields"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {day: 2024-01-01}\n", "yaml"),
        (
            "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nstringData: {pw: hunter2}\n",
            "plaintext-secret",
        ),
        ("apiVersion: v1\nkind: Namespace\nmetadata: {name: a, namespace: b}\n", None),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: 1, a: 2}\n", "yaml"),
        ("{", "yaml"),
    ],
)
def test_manifests_kro_or_kubernetes_would_reject_are_refused(text: str, rule: str | None) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.from_yaml(text)
    if rule:
        assert error.value.rule == rule


def test_a_missing_file_is_reported() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.from_yaml(Path("does/not/exist.yaml"))
    assert "does/not/exist.yaml" in str(error.value)


def test_a_bad_expression_in_the_file_names_its_field() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: '${schema.spec.(}'}\n"
    with pytest.raises(DefinitionError) as error:
        k8s.from_yaml(text)
    assert error.value.location.path == "data.x"
