"""ConfigMap, Secret (no plaintext in git) and ExternalSecret."""

from __future__ import annotations

import pytest

from kro_gen import cel, k8s
from kro_gen.errors import DefinitionError
from kro_gen.expr.wrapper import Expr

from .support import named, rendered


def test_config_map_data_values_are_strings_as_kubernetes_requires(schema: Expr) -> None:
    config = k8s.ConfigMap(
        "app-config",
        {
            "ENVIRONMENT": schema.spec.environment,
            "LOG_LEVEL": cel.cond(schema.spec.environment == "production", "info", "debug"),
            "REPLICAS": schema.spec.replicas,
            "PORT": 3000,
            "DEBUG": False,
            "URL": "http://user-service:3000",
        },
    )
    data = rendered(config)["data"]
    assert data == {
        "ENVIRONMENT": "${schema.spec.environment}",
        "LOG_LEVEL": '${schema.spec.environment == "production" ? "info" : "debug"}',
        "REPLICAS": "${string(schema.spec.replicas)}",
        "PORT": "3000",
        "DEBUG": "false",
        "URL": "http://user-service:3000",
    }
    assert rendered(config)["metadata"] == {"name": "app-config"}


def test_config_map_binary_data_immutable_and_a_whole_map_expression(schema: Expr) -> None:
    config = k8s.ConfigMap("bin", binary_data={"logo.png": "iVBORw0KGgo="}, immutable=True)
    assert rendered(config)["binaryData"] == {"logo.png": "iVBORw0KGgo="}
    assert rendered(config)["immutable"] is True
    with pytest.raises(DefinitionError) as error:
        k8s.ConfigMap("bin", binary_data={"logo.png": "not base64!"})
    assert error.value.rule == "base64"
    whole = k8s.ConfigMap("whole", cel.map_of({"a": schema.spec.name}))
    assert rendered(whole)["data"] == '${{"a": schema.spec.name}}'


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"nested": {"a": 1}}, "data.nested"),
        ({"list": [1, 2]}, "data.list"),
        ({"empty": None}, "data.empty"),
        ({"bad key!": "x"}, "data.bad key!"),
    ],
)
def test_config_map_data_of_the_wrong_shape_is_refused(data: dict[str, object], path: str) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.ConfigMap("app-config", data)
    assert error.value.location.path == path
    assert "ConfigMap 'app-config'" in str(error.value)


@pytest.mark.parametrize("option", ["string_data", "data"])
def test_literal_secret_values_are_refused_because_they_would_be_committed(option: str) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Secret("db-secrets", **{option: {"USER_DB_PASSWORD": "dXNlcl9wYXNzd29yZA=="}})  # type: ignore[arg-type]
    message = str(error.value)
    assert error.value.rule == "plaintext-secret"
    assert error.value.location.path == f"{option}.USER_DB_PASSWORD"
    assert "git" in message
    assert "external_secret" in message


def test_secrets_from_expressions_pass_and_plaintext_needs_an_explicit_opt_in(schema: Expr) -> None:
    secret = k8s.Secret(
        "app", string_data={"DSN": f"postgres://app@{schema.spec.domain}/db", "NAME": schema.spec.name}
    )
    assert rendered(secret)["stringData"] == {
        "DSN": "postgres://app@${schema.spec.domain}/db",
        "NAME": "${schema.spec.name}",
    }
    assert rendered(secret)["type"] == "Opaque"
    test_only = k8s.Secret("fixture", data={"K": "dmFsdWU="}, allow_plaintext=True, type="kubernetes.io/tls")
    assert rendered(test_only)["data"] == {"K": "dmFsdWU="}
    assert rendered(test_only)["type"] == "kubernetes.io/tls"
    # the opt-in is visible in the committed object
    assert rendered(test_only)["metadata"]["annotations"] == {"kro-gen/plaintext-secret": "allowed"}
    assert "annotations" not in rendered(secret)["metadata"]
    with pytest.raises(DefinitionError) as error:
        k8s.Secret("fixture", data={"K": "plain text"}, allow_plaintext=True)
    assert error.value.rule == "base64"


def test_a_generic_secret_is_held_to_the_same_rule() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.resource("v1", "Secret", "db", fields={"stringData": {"password": "hunter2"}})
    assert error.value.rule == "plaintext-secret"
    assert "hunter2" not in str(error.value)
    # the same explicit opt-in as allow_plaintext=True
    allowed = k8s.resource(
        "v1",
        "Secret",
        "db",
        fields={"stringData": {"password": "test-only"}},
        annotations={"kro-gen/plaintext-secret": "allowed"},
    )
    assert rendered(allowed)["stringData"] == {"password": "test-only"}


def test_external_secret_has_the_external_secrets_operator_shape() -> None:
    db = k8s.external_secret(
        "db-secrets",
        store="vault-backend",
        data={
            "USER_DB_PASSWORD": "prod/user-db",
            "ORDER_DB_PASSWORD": {"key": "prod/order-db", "property": "pw"},
        },
    )
    body = rendered(db)
    assert body["apiVersion"] == "external-secrets.io/v1"
    assert body["kind"] == "ExternalSecret"
    assert body["spec"] == {
        "refreshInterval": "1h",
        "secretStoreRef": {"name": "vault-backend", "kind": "ClusterSecretStore"},
        "target": {"name": "db-secrets"},
        "data": [
            {"secretKey": "USER_DB_PASSWORD", "remoteRef": {"key": "prod/user-db"}},
            {"secretKey": "ORDER_DB_PASSWORD", "remoteRef": {"key": "prod/order-db", "property": "pw"}},
        ],
    }


def test_external_secret_target_store_resource_and_options(schema: Expr) -> None:
    store = named(
        k8s.resource("external-secrets.io/v1", "SecretStore", "team-store", spec={"provider": {}}),
        "teamStore",
    )
    synced = k8s.external_secret(
        "creds",
        store=store,
        data={"TOKEN": f"{schema.spec.environment}/token"},
        target_name="app-creds",
        refresh_interval="15m",
        creation_policy="Owner",
    )
    spec = rendered(synced)["spec"]
    assert spec["secretStoreRef"] == {"name": "${teamStore.metadata.name}", "kind": "SecretStore"}
    assert spec["target"] == {"name": "app-creds", "creationPolicy": "Owner"}
    assert spec["refreshInterval"] == "15m"
    assert spec["data"][0]["remoteRef"] == {"key": "${schema.spec.environment}/token"}


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"data": {}}, "data"),
        ({"data": {"K": "k"}, "store_kind": "Vault"}, "store_kind"),
        ({"data": {"K": "k"}, "refresh_interval": "hourly"}, "refresh_interval"),
        ({"data": {"K": {"property": "p"}}}, "data.K"),
        ({"data": {"K": 3}}, "data.K"),
    ],
)
def test_external_secret_misuse_is_refused(options: dict[str, object], path: str) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.external_secret("creds", store="vault", **options)  # type: ignore[arg-type]
    assert error.value.location.path == path
