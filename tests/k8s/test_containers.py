"""Container parts: envFrom and key references to other resources, ports, probes, mounts, resources."""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen import k8s
from kro_gen.errors import DefinitionError
from kro_gen.expr import nodes as n
from kro_gen.expr.wrapper import Expr

from .support import container, named, pod_spec


def _config() -> Any:
    return named(k8s.ConfigMap("app-config", {"LOG_LEVEL": "info"}), "appConfig")


def test_env_from_resources_become_name_references_kro_can_order(schema: Expr) -> None:
    config = _config()
    plain = named(k8s.Secret("tokens", string_data={"TOKEN": schema.spec.name}), "tokens")
    synced = named(k8s.external_secret("db-secrets", store="vault", data={"PW": "db/pw"}), "dbSecrets")
    web = k8s.Deployment(
        "web",
        image="web:1",
        env_from=[config, plain, synced, {"configMapRef": {"name": "shared"}, "prefix": "SHARED_"}],
    )
    assert container(web)["envFrom"] == [
        {"configMapRef": {"name": "${appConfig.metadata.name}"}},
        {"secretRef": {"name": "${tokens.metadata.name}"}},
        # an ExternalSecret is read through the Secret it writes
        {"secretRef": {"name": "${dbSecrets.spec.target.name}"}},
        {"configMapRef": {"name": "shared"}, "prefix": "SHARED_"},
    ]


def test_env_from_refuses_other_kinds_collections_and_half_written_dicts() -> None:
    other = k8s.Deployment("db", image="db:1")
    with pytest.raises(DefinitionError) as kind:
        k8s.Deployment("web", image="web:1", env_from=[other])
    assert kind.value.location.path == "env_from[0]"
    many = k8s.ConfigMap("cfg", for_each={"region": ["a", "b"]})
    with pytest.raises(DefinitionError) as collection:
        k8s.Deployment("web", image="web:1", env_from=[many])
    assert collection.value.rule == "collection-reference"
    with pytest.raises(DefinitionError):
        k8s.Deployment("web", image="web:1", env_from=[{"prefix": "X_"}])


def test_key_references_read_secrets_and_config_maps_by_reference() -> None:
    config = _config()
    secret = named(k8s.external_secret("db-secrets", store="vault", data={"PW": "db/pw"}), "dbSecrets")
    web = k8s.Deployment(
        "web",
        image="web:1",
        env={
            "DB_PASSWORD": k8s.secret_key_ref(secret, "PW"),
            "LEVEL": k8s.config_map_key_ref(config, "LOG_LEVEL", optional=True),
            "TOKEN": k8s.secret_key_ref("existing-secret", "token"),
        },
    )
    env = {e["name"]: e["valueFrom"] for e in container(web)["env"]}
    assert env["DB_PASSWORD"] == {"secretKeyRef": {"name": "${dbSecrets.spec.target.name}", "key": "PW"}}
    assert env["LEVEL"] == {
        "configMapKeyRef": {"name": "${appConfig.metadata.name}", "key": "LOG_LEVEL", "optional": True}
    }
    assert env["TOKEN"] == {"secretKeyRef": {"name": "existing-secret", "key": "token"}}


def test_a_key_reference_to_the_wrong_kind_is_refused() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", env={"X": k8s.secret_key_ref(_config(), "LOG_LEVEL")})
    assert "reads a Secret key" in str(error.value)


def test_ports_accept_numbers_and_container_port_dicts() -> None:
    web = k8s.Deployment("web", image="web:1", ports=[3000, {"containerPort": 9090, "name": "metrics"}])
    assert container(web)["ports"] == [{"containerPort": 3000}, {"containerPort": 9090, "name": "metrics"}]
    for bad in ([70000], [{"port": 80}], [{"containerPort": 80, "targetPort": 80}], ["http"]):
        with pytest.raises(DefinitionError):
            k8s.Deployment("web", image="web:1", ports=bad)


def test_probes_from_helpers_and_dicts_are_checked() -> None:
    web = k8s.Deployment(
        "web",
        image="web:1",
        liveness_probe=k8s.http_get("/health", 3000, initial_delay_seconds=5),
        readiness_probe={"tcpSocket": {"port": "http"}, "periodSeconds": 10},
        startup_probe=k8s.exec_probe(["cat", "/tmp/ready"], failure_threshold=30),
    )
    assert container(web)["livenessProbe"] == {
        "httpGet": {"path": "/health", "port": 3000},
        "initialDelaySeconds": 5,
    }
    assert container(web)["readinessProbe"] == {"tcpSocket": {"port": "http"}, "periodSeconds": 10}
    assert container(web)["startupProbe"] == {
        "exec": {"command": ["cat", "/tmp/ready"]},
        "failureThreshold": 30,
    }


@pytest.mark.parametrize(
    "probe",
    [
        {"httpGet": {"path": "/"}, "tcpSocket": {"port": 80}},  # two handlers
        {"periodSeconds": 10},  # no handler
        {"httpGet": {"path": "/"}},  # no port
        {"httpGet": {"path": "/", "port": 80}, "delay": 5},  # unknown field
        {"httpGet": {"path": "/", "port": 80}, "periodSeconds": "10"},  # not an integer
    ],
)
def test_malformed_probes_are_refused(probe: dict[str, Any]) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", liveness_probe=probe)
    assert error.value.location.path is not None
    assert error.value.location.path.startswith("liveness_probe")


def test_an_unknown_probe_timing_option_is_refused() -> None:
    with pytest.raises(DefinitionError):
        k8s.http_get("/", 80, delay_seconds=3)  # type: ignore[call-arg]


def test_mounts_of_one_config_map_share_a_volume_named_after_it() -> None:
    gateway = named(
        k8s.ConfigMap("gateway-config", {"nginx.conf": "events {}", "mime.types": ""}), "gatewayConfig"
    )
    web = k8s.Deployment(
        "api-gateway",
        image="nginx:alpine",
        config_map_mounts=[
            k8s.mount(gateway, "/etc/nginx/nginx.conf", sub_path="nginx.conf"),
            k8s.mount(gateway, "/etc/nginx/mime.types", sub_path="mime.types", read_only=True),
        ],
    )
    assert pod_spec(web)["volumes"] == [
        {"name": "gateway-config", "configMap": {"name": "${gatewayConfig.metadata.name}"}}
    ]
    assert container(web)["volumeMounts"] == [
        {"name": "gateway-config", "mountPath": "/etc/nginx/nginx.conf", "subPath": "nginx.conf"},
        {
            "name": "gateway-config",
            "mountPath": "/etc/nginx/mime.types",
            "subPath": "mime.types",
            "readOnly": True,
        },
    ]


def test_mounts_of_secrets_claims_and_names_use_the_matching_volume_source(schema: Expr) -> None:
    claim = named(k8s.PersistentVolumeClaim("data", size="1Gi"), "dataClaim")
    synced = named(k8s.external_secret("tls", store="vault", data={"tls.crt": "web/crt"}), "tls")
    computed = named(k8s.ConfigMap(f"{schema.spec.name}-cfg", {"a": "b"}), "cfg")
    web = k8s.Deployment(
        "web",
        image="web:1",
        volumes=[{"name": "scratch", "emptyDir": {}}],
        volume_mounts=[{"name": "scratch", "mountPath": "/tmp"}],
        config_map_mounts=[
            k8s.mount(claim, "/data"),
            k8s.mount(synced, "/etc/tls", read_only=True),
            k8s.mount("legacy-secret", "/etc/legacy", kind="secret"),
            k8s.mount(computed, "/etc/app/config"),
        ],
    )
    volumes = {v["name"]: v for v in pod_spec(web)["volumes"]}
    assert volumes["scratch"] == {"name": "scratch", "emptyDir": {}}
    assert volumes["data"]["persistentVolumeClaim"] == {"claimName": "${dataClaim.metadata.name}"}
    assert volumes["tls"]["secret"] == {"secretName": "${tls.spec.target.name}"}
    assert volumes["legacy-secret"]["secret"] == {"secretName": "legacy-secret"}
    # a computed name cannot name a volume; the mount path does, deterministically
    assert volumes["etc-app-config"]["configMap"] == {"name": "${cfg.metadata.name}"}
    assert [m["name"] for m in container(web)["volumeMounts"]] == [
        "scratch",
        "data",
        "tls",
        "legacy-secret",
        "etc-app-config",
    ]


def test_mount_conflicts_and_unmountable_sources_are_refused() -> None:
    with pytest.raises(DefinitionError) as clash:
        k8s.Deployment(
            "web",
            image="web:1",
            volumes=[{"name": "app-config", "emptyDir": {}}],
            config_map_mounts=[k8s.mount(_config(), "/etc/app")],
        )
    assert clash.value.rule == "mount"
    with pytest.raises(DefinitionError) as same_name:
        k8s.Deployment(
            "web",
            image="web:1",
            config_map_mounts=[k8s.mount("a", "/a", volume_name="v"), k8s.mount("b", "/b", volume_name="v")],
        )
    assert "different sources" in str(same_name.value)
    with pytest.raises(DefinitionError):
        k8s.Deployment(
            "web",
            image="web:1",
            config_map_mounts=[k8s.mount(k8s.Service("s", selector={}, ports=[1]), "/x")],
        )
    with pytest.raises(DefinitionError) as raw:
        k8s.Deployment("web", image="web:1", config_map_mounts=[{"name": "x", "mountPath": "/x"}])
    assert "k8s.mount" in str(raw.value)


def test_resource_quantities_are_checked_and_floats_become_strings() -> None:
    web = k8s.Deployment(
        "web", image="web:1", resources={"requests": {"cpu": 0.5, "memory": "128Mi"}, "limits": {"cpu": 1}}
    )
    assert container(web)["resources"] == {
        "requests": {"cpu": "0.5", "memory": "128Mi"},
        "limits": {"cpu": 1},
    }
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", resources={"requests": {"memory": "128 MB"}})
    assert error.value.location.path == "resources.requests.memory"
    with pytest.raises(DefinitionError):
        k8s.Deployment("web", image="web:1", resources={"request": {"cpu": 1}})


def test_whole_lists_and_dicts_may_be_expressions_but_generated_items_cannot_join_them() -> None:
    spec = Expr(n.Ident("schema")).spec
    web = k8s.Deployment("web", image="web:1", env=spec.env, security_context=spec.securityContext)
    assert container(web)["env"] == "${schema.spec.env}"
    assert container(web)["securityContext"] == "${schema.spec.securityContext}"
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment(
            "web", image="web:1", volume_mounts=spec.mounts, config_map_mounts=[k8s.mount("cfg", "/etc/cfg")]
        )
    assert error.value.location.path == "volume_mounts"
