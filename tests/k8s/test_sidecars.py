"""Several containers through the builders: ``k8s.container()``, ``sidecars=``, ``init_containers=``,
and ``default_labels=False`` for an exact label set."""

from __future__ import annotations

from typing import Any

import celpy
import pytest
from pydantic import BaseModel

from kro_gen import ResourceGraph, k8s
from kro_gen.check import Severity, check_rgd, default_registry
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import DefinitionError, Location
from kro_gen.expr.kro_text import find_expressions
from kro_gen.expr.wrapper import Expr

from .support import named, pod_spec, rendered


def shipper(**options: Any) -> k8s.Container:
    return k8s.container("log-shipper", **{"image": "fluent-bit:3.1", **options})


def test_sidecars_follow_the_main_container_and_are_checked_like_it() -> None:
    web = k8s.Deployment(
        "web",
        image="nginx:1.27",
        ports=[80],
        sidecars=[
            k8s.container(
                "log-shipper",
                image="fluent-bit:3.1",
                args=["-c", "/etc/fluent-bit.conf"],
                env={"FLUSH": 5},
                ports=[{"containerPort": 2020, "name": "metrics"}],
                readiness_probe=k8s.http_get("/api/v1/health", 2020),
                resources={"limits": {"memory": "64Mi"}},
                image_pull_policy="IfNotPresent",
                security_context={"runAsNonRoot": True},
                container_fields={"workingDir": "/fluent-bit"},
            )
        ],
    )
    containers = pod_spec(web)["containers"]
    assert containers[0] == {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}
    assert containers[1] == {
        "name": "log-shipper",
        "image": "fluent-bit:3.1",
        "imagePullPolicy": "IfNotPresent",
        "args": ["-c", "/etc/fluent-bit.conf"],
        "ports": [{"containerPort": 2020, "name": "metrics"}],
        "env": [{"name": "FLUSH", "value": "5"}],  # made a string, as in the main container
        "resources": {"limits": {"memory": "64Mi"}},
        "readinessProbe": {"httpGet": {"path": "/api/v1/health", "port": 2020}},
        "securityContext": {"runAsNonRoot": True},
        "workingDir": "/fluent-bit",
    }
    assert "initContainers" not in pod_spec(web)


def test_init_containers_come_first_and_a_native_sidecar_keeps_restart_policy_always() -> None:
    job = k8s.Job(
        "migrate",
        image="app:1.0",
        command=["./migrate"],
        init_containers=[
            k8s.container("wait-for-db", image="busybox:1.36", command=["sh", "-c", "until nc -z db 5432"]),
            k8s.container(
                "proxy",
                image="cloud-sql-proxy:2",
                restart_policy="Always",
                startup_probe=k8s.tcp_socket(5432),
            ),
        ],
    )
    spec = pod_spec(job)
    assert list(spec) == ["restartPolicy", "initContainers", "containers"]
    assert spec["restartPolicy"] == "Never"  # the Job's own restart_policy is the pod's, not a container's
    assert [c["name"] for c in spec["initContainers"]] == ["wait-for-db", "proxy"]
    assert "restartPolicy" not in spec["initContainers"][0]
    assert spec["initContainers"][1]["restartPolicy"] == "Always"
    assert spec["initContainers"][1]["startupProbe"] == {"tcpSocket": {"port": 5432}}


def test_mounts_of_all_containers_share_one_volume_per_source() -> None:
    config = named(k8s.ConfigMap("shipper-config", {"fluent-bit.conf": "[INPUT]\n"}), "shipperConfig")
    web = k8s.Deployment(
        "web",
        image="nginx:1.27",
        config_map_mounts=[k8s.mount(config, "/etc/shipper")],
        sidecars=[shipper(config_map_mounts=[k8s.mount(config, "/fluent-bit/etc", read_only=True)])],
        init_containers=[
            k8s.container("init", image="busybox:1.36", config_map_mounts=[k8s.mount("other", "/x")])
        ],
    )
    spec = pod_spec(web)
    assert spec["volumes"] == [
        {"name": "shipper-config", "configMap": {"name": "${shipperConfig.metadata.name}"}},
        {"name": "other", "configMap": {"name": "other"}},
    ]
    assert spec["containers"][1]["volumeMounts"] == [
        {"name": "shipper-config", "mountPath": "/fluent-bit/etc", "readOnly": True}
    ]
    assert spec["initContainers"][0]["volumeMounts"] == [{"name": "other", "mountPath": "/x"}]


def test_two_containers_mounting_different_sources_under_one_volume_name_is_refused() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment(
            "web",
            image="nginx:1.27",
            config_map_mounts=[k8s.mount("a", "/a", volume_name="conf")],
            sidecars=[shipper(config_map_mounts=[k8s.mount("b", "/b", volume_name="conf")])],
        )
    assert error.value.location.path == "sidecars[0].config_map_mounts"
    assert "sidecars[0] mounts another source as volume 'conf' than the main container" in error.value.message


def test_expressions_work_inside_sidecars_and_init_containers(schema: Expr) -> None:
    secret = k8s.external_secret("db", store="vault", data={"PASSWORD": "db/password"})
    secret.id = "dbSecret"
    web = k8s.Deployment(
        "web",
        image=schema.spec.image,
        sidecars=[
            shipper(
                image=f"fluent-bit:{schema.spec.name}",
                env={"DEBUG": schema.spec.debug, "PASSWORD": k8s.secret_key_ref(secret, "PASSWORD")},
                ports=[schema.spec.port],
            )
        ],
        init_containers=[k8s.container(f"{schema.spec.name}-init", image=schema.spec.image)],
    )
    spec = pod_spec(web)
    side = spec["containers"][1]
    assert side["image"] == "fluent-bit:${schema.spec.name}"
    assert side["env"] == [
        {"name": "DEBUG", "value": "${string(schema.spec.debug)}"},
        {
            "name": "PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": "${dbSecret.spec.target.name}", "key": "PASSWORD"}},
        },
    ]
    assert side["ports"] == [{"containerPort": "${schema.spec.port}"}]
    assert spec["initContainers"][0] == {"name": "${schema.spec.name}-init", "image": "${schema.spec.image}"}


class ShopSpec(BaseModel):
    image: str
    logLevel: str
    port: int


def test_sidecar_expressions_reach_the_rgd_parse_as_cel_and_make_edges() -> None:
    graph = ResourceGraph("shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=ShopSpec)

    @graph.resources
    def resources(schema: Any) -> dict[str, Any]:
        config = k8s.ConfigMap("shipper-config", {"LOG_LEVEL": schema.spec.logLevel})
        web = k8s.Deployment(
            "web",
            image=schema.spec.image,
            sidecars=[
                shipper(
                    env={"PORT": schema.spec.port},
                    env_from=[config],
                    liveness_probe=k8s.http_get("/health", schema.spec.port),
                )
            ],
            init_containers=[
                k8s.container("warm", image=schema.spec.image, args=[f"--level={schema.spec.logLevel}"])
            ],
        )
        return {"shipperConfig": config, "web": web}

    built = graph.build()
    assert built.dependencies["web"] == ["shipperConfig"]  # reached through the sidecar's env_from
    rgd = rgd_document(built)
    web = next(r for r in rgd["spec"]["resources"] if r["id"] == "web")["template"]
    pod = web["spec"]["template"]["spec"]
    side, init = pod["containers"][1], pod["initContainers"][0]
    assert side["envFrom"] == [{"configMapRef": {"name": "${shipperConfig.metadata.name}"}}]
    assert side["env"] == [{"name": "PORT", "value": "${string(schema.spec.port)}"}]
    assert side["livenessProbe"]["httpGet"]["port"] == "${schema.spec.port}"
    assert init["args"] == ["--level=${schema.spec.logLevel}"]
    texts = [span.cel for value in _strings(pod) for span in find_expressions(value)]
    assert len(texts) == 6
    for text in texts:
        assert celpy.Environment().compile(text) is not None, text
    findings = check_rgd(rgd, location=Location(graph="shop"), registry=default_registry())
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


@pytest.mark.parametrize(
    ("options", "path", "message"),
    [
        ({"sidecars": [shipper(image="")]}, "sidecars[0].image", "sidecars[0].image is empty"),
        (
            {
                "init_containers": [
                    k8s.container("ok", image="a"),
                    k8s.container("x", image="b", env={"A": None}),
                ]
            },
            "init_containers[1].env.A",
            "env 'A' has no value",
        ),
        (
            {"sidecars": [k8s.container("Bad_Name", image="a")]},
            "sidecars[0].name",
            "'Bad_Name' is not a valid container name",
        ),
        (
            {"sidecars": [shipper(readiness_probe={"httpGet": {"path": "/"}})]},
            "sidecars[0].readiness_probe.httpGet",
            "sidecars[0].readiness_probe.httpGet needs a port",
        ),
        (
            {"sidecars": [shipper(restart_policy="Always")]},
            "sidecars[0].restart_policy",
            "only init containers take restart_policy",
        ),
        (
            {"init_containers": [shipper(restart_policy="OnFailure")]},
            "init_containers[0].restart_policy",
            "must be one of Always, got 'OnFailure'",
        ),
        (
            {"init_containers": [shipper(readiness_probe=k8s.tcp_socket(2020))]},
            "init_containers[0].readiness_probe",
            "an init container that runs to completion cannot have probes",
        ),
        (
            {"sidecars": [{"name": "raw", "image": "a"}]},
            "sidecars[0]",
            "sidecars[0] must be made with k8s.container(name, image=..., ...), got dict",
        ),
        (
            {"sidecars": [shipper(container_fields={"image": "other"})]},
            "sidecars[0].container_fields.image",
            "sidecars[0].container_fields sets image, which is already set to a different value",
        ),
    ],
)
def test_an_error_in_another_container_names_its_place(
    options: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="nginx:1.27", **options)
    assert error.value.location.path == path
    assert message in error.value.message
    assert error.value.message.startswith("Deployment 'web': ")


@pytest.mark.parametrize(
    ("options", "path", "message"),
    [
        (
            {"sidecars": [k8s.container("web", image="a")]},
            "sidecars[0].name",
            "sidecars[0] is named 'web', like the main container",
        ),
        (
            {"sidecars": [shipper()], "init_containers": [shipper()]},
            "init_containers[0].name",
            "init_containers[0] is named 'log-shipper', like sidecars[0]",
        ),
        (
            {"container_name": "app", "init_containers": [k8s.container("app", image="a")]},
            "init_containers[0].name",
            "like the main container",
        ),
    ],
)
def test_duplicate_container_names_are_refused_where_the_second_is(
    options: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="nginx:1.27", **options)
    assert error.value.location.path == path
    assert message in error.value.message
    assert error.value.rule == "container-name"


def test_the_same_computed_name_twice_is_a_duplicate_too(schema: Expr) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment(
            "web",
            image="a",
            sidecars=[
                k8s.container(f"{schema.spec.name}-x", image="b"),
                k8s.container(f"{schema.spec.name}-x", image="c"),
            ],
        )
    assert error.value.location.path == "sidecars[1].name"


def test_init_containers_and_pod_fields_init_containers_do_not_mix() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment(
            "web",
            image="nginx:1.27",
            init_containers=[k8s.container("init", image="busybox:1.36")],
            pod_fields={"initContainers": [{"name": "other", "image": "busybox:1.36"}]},
        )
    assert error.value.location.path == "pod_fields.initContainers"
    assert (
        "pod_fields.initContainers and init_containers= both give the init containers" in error.value.message
    )
    # alone, pod_fields still passes init containers through, as before
    web = k8s.Deployment("web", image="a", pod_fields={"initContainers": [{"name": "i", "image": "b"}]})
    assert pod_spec(web)["initContainers"] == [{"name": "i", "image": "b"}]


def test_an_unknown_container_option_is_refused_at_the_container_call() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.container("log-shipper", image="a", configMaps=[])  # type: ignore[call-arg]
    assert error.value.location.path == "configMaps"
    assert "container 'log-shipper': there is no option 'configMaps'" in error.value.message
    assert "config_map_mounts" in str(error.value)
    with pytest.raises(DefinitionError) as missing:
        k8s.container("log-shipper")  # type: ignore[call-arg]
    assert missing.value.location.path == "image"


# -- labels ---------------------------------------------------------------------------------------
def test_default_labels_false_gives_exactly_the_labels_and_selector_written() -> None:
    web = k8s.Deployment(
        "web",
        image="nginx:1.27",
        default_labels=False,
        labels={"app.kubernetes.io/part-of": "shop"},
        selector={"app.kubernetes.io/name": "web"},
    )
    body = rendered(web)
    assert body["metadata"]["labels"] == {"app.kubernetes.io/part-of": "shop"}
    assert body["spec"]["selector"] == {"matchLabels": {"app.kubernetes.io/name": "web"}}
    assert body["spec"]["template"]["metadata"]["labels"] == {
        "app.kubernetes.io/part-of": "shop",
        "app.kubernetes.io/name": "web",
    }
    service = k8s.Service("web", selector=web, ports=[80])  # copies the workload's selector
    assert rendered(service)["spec"]["selector"] == {"app.kubernetes.io/name": "web"}
    assert "labels" not in rendered(service)["metadata"]  # a Service never added an app label


def test_default_labels_false_without_labels_leaves_labels_out() -> None:
    body = rendered(k8s.StatefulSet("db", image="postgres:16", default_labels=False, selector={"role": "db"}))
    assert "labels" not in body["metadata"]
    assert body["spec"]["template"]["metadata"] == {"labels": {"role": "db"}}
    job = rendered(k8s.Job("once", image="a", default_labels=False))  # a Job's selector is the API server's
    assert "labels" not in job["metadata"]
    assert "metadata" not in job["spec"]["template"]
    cron = rendered(k8s.CronJob("tick", image="a", schedule="@hourly", default_labels=False))
    assert "labels" not in cron["metadata"]


@pytest.mark.parametrize("builder", [k8s.Deployment, k8s.StatefulSet, k8s.DaemonSet])
def test_a_controller_without_default_labels_needs_a_selector(builder: Any) -> None:
    with pytest.raises(DefinitionError) as error:
        builder("web", image="a", default_labels=False, labels={"tier": "web"})
    assert error.value.location.path == "selector"
    assert "with default_labels=False there is no app label to select the pods by" in error.value.message
    assert error.value.rule == "selector"


def test_default_labels_must_be_a_literal_bool(schema: Expr) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="a", default_labels=schema.spec.debug)  # type: ignore[typeddict-item]
    assert error.value.location.path == "default_labels"
