"""Expression rules: syntax, standalone-only places, scopes, schema reads."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.check.findings import Severity
from kro_gen.check.rules_expressions import check_expressions

from .rgd_samples import build_rgd, config_map, sites_of, where


def expressions(entries: list[dict[str, Any]], **kwargs: Any) -> list[Any]:
    view, sites = sites_of(build_rgd(entries, **kwargs))
    return check_expressions(view, sites)


def test_valid_expressions_everywhere() -> None:
    web = config_map("web", image="${schema.spec.image}")
    web["readyWhen"] = ["${web.data.image != ''}"]
    web["includeWhen"] = ["${schema.spec.name != ''}"]
    pods = config_map("pods", copy="${web.data.image}")
    pods["forEach"] = [{"w": "${schema.spec.ws}"}]
    pods["template"]["metadata"]["name"] = "${schema.spec.name}-${w}"
    pods["readyWhen"] = ["${each.data != null}"]
    status = {
        "image": "${web.data.image}",
        "conditions": ['${runtime.newCondition({type: "Up", status: "True", reason: "r", message: ""})}'],
    }
    assert expressions([web, pods], status=status) == []


def test_syntax_errors_name_the_expression() -> None:
    [found] = expressions([config_map(size="${string(schema.spec.replicas +)}")])
    assert found.rule == "expression-syntax" and "string(schema.spec.replicas +)" in found.message
    assert found.location.path == "spec.resources[0].template.data.size"


def test_backtick_field_names_are_syntax_errors_as_in_kro() -> None:
    # kro v0.9.3 does not enable cel-go's identifier escapes: "unsupported syntax: '`'"
    web = config_map("web")
    [found] = expressions([web, config_map("copy", key="${web.data.`my-key`}")])
    assert found.rule == "expression-syntax" and "unsupported syntax" in found.message
    assert 'x["my-key"]' in found.fix  # the parser's hint
    assert expressions([web, config_map("copy", key='${web.data["my-key"]}')]) == []


@pytest.mark.parametrize(
    "value,rule",
    [
        ("${web.data != null}\n", "expression-trailing-newline"),
        ("ready: ${web.data != null}", "expression-not-standalone"),
        ("web.data != null", "expression-not-standalone"),
        ("${a} && ${b}", "expression-not-standalone"),
    ],
)
def test_ready_when_must_be_standalone(value: str, rule: str) -> None:
    web = config_map("web")
    web["readyWhen"] = [value]
    assert rule in [f.rule for f in expressions([web])]


def test_standalone_is_only_required_in_condition_places() -> None:
    assert expressions([config_map(a="prefix-${schema.spec.name}\n")]) == []


def test_ready_when_sees_only_itself_or_each() -> None:
    web = config_map("web")
    web["readyWhen"] = ["${schema.spec.name != ''}", "${each.data != null}", "${db.data != null}"]
    db = config_map("db")
    pods = config_map("pods")
    pods["forEach"] = [{"w": "${schema.spec.ws}"}]
    pods["template"]["metadata"]["name"] = "${w}"
    pods["readyWhen"] = ["${pods.data != null}"]
    found = where(expressions([web, db, pods]))
    assert found == {
        ("readywhen-scope", "web", "spec.resources[0].readyWhen[0]"),
        ("readywhen-scope", "web", "spec.resources[0].readyWhen[1]"),
        ("readywhen-scope", "web", "spec.resources[0].readyWhen[2]"),
        ("readywhen-scope", "pods", "spec.resources[2].readyWhen[0]"),
    }


def test_include_when_scope() -> None:
    web = config_map("web")
    web["includeWhen"] = ["${db.data.on == 'true'}", "${web.data != null}", "${runtime.x}"]
    db = config_map("db")
    found = {(f.rule, f.severity, f.location.path) for f in expressions([web, db])}
    assert found == {
        ("includewhen-resource-reference", Severity.WARNING, "spec.resources[0].includeWhen[0]"),
        ("includewhen-scope", Severity.ERROR, "spec.resources[0].includeWhen[1]"),
        ("runtime-outside-conditions", Severity.ERROR, "spec.resources[0].includeWhen[2]"),
    }


def test_unknown_identifiers_with_suggestions() -> None:
    [found] = expressions([config_map(a="${schem.spec.name}")])
    assert found.rule == "unknown-identifier" and "did you mean 'schema'" in found.message


def test_unquoted_words_are_unknown_identifiers_with_a_quote_fix() -> None:
    found = expressions([config_map()], status={"phase": "${config.data != null ? running : pending}"})
    assert [f.message.split("'")[1] for f in found] == ["running", "pending"]
    assert '"running"' in found[0].fix


def test_self_reference_each_and_other_iterators_in_templates() -> None:
    pods = config_map("pods", own="${pods.data.x}", each="${each.data}")
    pods["forEach"] = [{"w": "${schema.spec.ws}"}]
    pods["template"]["metadata"]["name"] = "${w}"
    other = config_map("other", it="${w}")
    found = where(expressions([pods, other]))
    assert found == {
        ("self-reference", "pods", "spec.resources[0].template.data.own"),
        ("readywhen-scope", "pods", "spec.resources[0].template.data.each"),
        ("unknown-identifier", "other", "spec.resources[1].template.data.it"),
    }


def test_for_each_values_cannot_use_iterators() -> None:
    pods = config_map("pods")
    pods["forEach"] = [{"a": "${schema.spec.as}"}, {"b": "${a.items}"}]
    assert where(expressions([pods])) == {
        ("foreach-iterator-reference", "pods", "spec.resources[0].forEach[1].b")
    }


def test_schema_status_and_cluster_namespace_reads() -> None:
    entry = config_map(s="${schema.status.x}", ns="${schema.metadata.namespace}")
    assert where(expressions([entry], scope="Cluster")) == {
        ("schema-status-read", "config", "spec.resources[0].template.data.s"),
        ("schema-namespace-cluster", "config", "spec.resources[0].template.data.ns"),
    }
    assert where(expressions([entry])) == {
        ("schema-status-read", "config", "spec.resources[0].template.data.s")
    }
