"""Workload builders: labels and selectors, value types, the shared pod builder, and misuse errors."""

from __future__ import annotations

import pytest

from kro_gen import k8s
from kro_gen.errors import DefinitionError
from kro_gen.expr.wrapper import Expr

from .support import container, pod_spec, rendered


def test_deployment_selector_matches_pod_labels_and_user_labels_stay_out_of_the_selector() -> None:
    web = k8s.Deployment(
        "user-service", image="user:1.0", labels={"component": "backend", "app": "user-service"}
    )
    body = rendered(web)
    selector = body["spec"]["selector"]["matchLabels"]
    pod_labels = body["spec"]["template"]["metadata"]["labels"]
    assert selector == {"app": "user-service"}
    assert selector.items() <= pod_labels.items()  # Kubernetes rejects a selector the pods do not match
    assert pod_labels == {"app": "user-service", "component": "backend"}
    assert body["metadata"]["labels"] == pod_labels
    assert body["spec"]["replicas"] == 1
    assert container(web) == {"name": "user-service", "image": "user:1.0"}


def test_a_computed_name_becomes_the_app_label_and_the_container_name(schema: Expr) -> None:
    web = k8s.Deployment(f"{schema.spec.name}-web", image=schema.spec.image, replicas=schema.spec.replicas)
    body = rendered(web)
    assert body["metadata"]["name"] == "${schema.spec.name}-web"
    assert body["spec"]["selector"]["matchLabels"] == {"app": "${schema.spec.name}-web"}
    assert body["spec"]["template"]["metadata"]["labels"] == {"app": "${schema.spec.name}-web"}
    assert container(web)["name"] == "${schema.spec.name}-web"
    # typed spec references go in as they are: string to string, integer to integer
    assert container(web)["image"] == "${schema.spec.image}"
    assert body["spec"]["replicas"] == "${schema.spec.replicas}"


def test_an_explicit_selector_is_added_to_the_pod_labels() -> None:
    web = k8s.Deployment("web", image="web:1", selector={"app": "web", "tier": "front"})
    body = rendered(web)
    assert body["spec"]["selector"]["matchLabels"] == {"app": "web", "tier": "front"}
    assert body["spec"]["template"]["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert "tier" not in body["metadata"]["labels"]


def test_a_selector_that_contradicts_the_pod_labels_is_refused() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", labels={"tier": "back"}, selector={"tier": "front"})
    assert error.value.rule == "selector"
    assert error.value.location.path == "selector.tier"


def test_env_values_become_strings_and_typed_expressions_are_converted(schema: Expr) -> None:
    web = k8s.Deployment(
        "web",
        image="web:1",
        env={
            "PORT": 3000,
            "DEBUG": True,
            "RATIO": 0.5,
            "NAME": schema.spec.name,
            "LISTEN": schema.spec.port,
            "VERBOSE": schema.spec.debug,
            "URL": f"https://{schema.spec.domain}:{schema.spec.port}",
        },
    )
    env = {e["name"]: e["value"] for e in container(web)["env"]}
    assert env == {
        "PORT": "3000",
        "DEBUG": "true",
        "RATIO": "0.5",
        "NAME": "${schema.spec.name}",
        "LISTEN": "${string(schema.spec.port)}",
        "VERBOSE": "${string(schema.spec.debug)}",
        "URL": "https://${schema.spec.domain}:${string(schema.spec.port)}",
    }
    assert all(isinstance(value, str) for value in env.values())


def test_env_as_a_list_of_kubernetes_dicts_is_checked_and_converted() -> None:
    web = k8s.Deployment(
        "web",
        image="web:1",
        env=[
            {"name": "PORT", "value": 3000},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        ],
    )
    assert container(web)["env"] == [
        {"name": "PORT", "value": "3000"},
        {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    ]


@pytest.mark.parametrize(
    ("env", "path"),
    [
        ({"PORT": None}, "env.PORT"),
        ({"CONFIG": {"a": 1}}, "env.CONFIG"),
        ([{"name": "A"}], "env[0]"),
        ([{"name": "A", "value": "1", "valueFrom": {}}], "env[0]"),
        ([{"name": "A", "value": "1", "secret": True}], "env[0].secret"),
    ],
)
def test_env_of_the_wrong_shape_is_refused(env: object, path: str) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", env=env)
    assert error.value.location.path == path
    assert "Deployment 'web'" in str(error.value)


@pytest.mark.parametrize(
    ("replicas", "rule"),
    [(-1, "option-range"), (True, "option-type"), ("3", "option-type"), (2.5, "option-type")],
)
def test_replicas_must_be_a_non_negative_integer(replicas: object, rule: str) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", replicas=replicas)
    assert error.value.rule == rule
    assert error.value.location.path == "replicas"


@pytest.mark.parametrize(
    ("options", "path"), [({"replicas": "3"}, "replicas"), ({"ports": ["8080"]}, "ports[0]")]
)
def test_a_quoted_number_is_refused_with_the_unquoted_form(options: dict[str, object], path: str) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", **options)  # type: ignore[arg-type]
    assert error.value.location.path == path
    number = "3" if path == "replicas" else "8080"
    assert error.value.hint == f"write {number} without quotes"
    # where a port may also be a name, a quoted number is still told to lose its quotes
    with pytest.raises(DefinitionError) as named:
        k8s.Service("web", selector={"app": "web"}, ports=[{"port": 80, "targetPort": "8080"}])
    assert named.value.hint == "write 8080 without quotes"


def test_a_string_expression_for_replicas_is_refused_with_a_conversion_hint(schema: Expr) -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", replicas=schema.spec.name)
    assert "cel.int_" in str(error.value)


def test_replicas_none_leaves_the_field_out_for_an_autoscaler() -> None:
    assert "replicas" not in rendered(k8s.Deployment("web", image="web:1", replicas=None))["spec"]


def test_an_unknown_option_names_builder_resource_option_and_the_likely_one() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("api-gateway", image="nginx:alpine", configMaps=[{"name": "gateway-config"}])  # type: ignore[call-arg]
    message = str(error.value)
    assert error.value.rule == "unknown-option"
    assert "Deployment 'api-gateway'" in message
    assert "'configMaps'" in message
    assert "config_map_mounts" in message  # the peer dropped this option silently


def test_a_missing_image_and_extra_positional_arguments_are_definition_errors() -> None:
    with pytest.raises(DefinitionError) as missing:
        k8s.Deployment("web")  # type: ignore[call-arg]
    assert missing.value.rule == "missing-option"
    assert "image" in str(missing.value)
    with pytest.raises(DefinitionError) as positional:
        k8s.Deployment("web", "web:1")  # type: ignore[call-arg]
    assert positional.value.rule == "builder-call"


def test_a_command_given_as_one_string_is_refused_with_the_split_form() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="nginx", command="nginx -g daemon-off")
    assert "['nginx', '-g', 'daemon-off']" in str(error.value)


def test_command_args_pull_policy_and_security_context_reach_the_container() -> None:
    web = k8s.Deployment(
        "web",
        image="web:1",
        command=["serve"],
        args=["--port", 8080],
        image_pull_policy="IfNotPresent",
        security_context={"runAsNonRoot": True},
        service_account="web-sa",
        pod_annotations={"prometheus.io/port": 8080},
    )
    assert container(web)["command"] == ["serve"]
    assert container(web)["args"] == ["--port", "8080"]
    assert container(web)["imagePullPolicy"] == "IfNotPresent"
    assert container(web)["securityContext"] == {"runAsNonRoot": True}
    assert pod_spec(web)["serviceAccountName"] == "web-sa"
    assert rendered(web)["spec"]["template"]["metadata"]["annotations"] == {"prometheus.io/port": "8080"}
    with pytest.raises(DefinitionError):
        k8s.Deployment("web", image="web:1", image_pull_policy="Sometimes")


def test_extra_and_pod_fields_add_fields_but_never_override_silently() -> None:
    web = k8s.Deployment(
        "web",
        image="web:1",
        extra={"spec": {"minReadySeconds": 5}},
        pod_fields={"nodeSelector": {"disk": "ssd"}},
        container_fields={"workingDir": "/srv"},
    )
    assert rendered(web)["spec"]["minReadySeconds"] == 5
    assert pod_spec(web)["nodeSelector"] == {"disk": "ssd"}
    assert container(web)["workingDir"] == "/srv"
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web", image="web:1", replicas=2, extra={"spec": {"replicas": 3}})
    assert error.value.rule == "builder-conflict"
    assert error.value.location.path == "extra.spec.replicas"
    # the same value is not a conflict
    k8s.Deployment("web", image="web:1", replicas=2, extra={"spec": {"replicas": 2}})


def test_a_name_that_is_not_a_container_name_asks_for_container_name() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("web.example", image="web:1")
    assert "container_name" in str(error.value)
    web = k8s.Deployment("web.example", image="web:1", container_name="web")
    assert container(web)["name"] == "web"


def test_an_invalid_object_name_is_refused() -> None:
    with pytest.raises(DefinitionError) as error:
        k8s.Deployment("User_Service", image="web:1")
    assert error.value.rule == "object-name"


def test_statefulset_references_its_service_and_carries_claim_templates() -> None:
    headless = k8s.Service("db", selector={"app": "db"}, ports=[5432], cluster_ip="None")
    headless.id = "dbService"
    db = k8s.StatefulSet(
        "db",
        image="postgres:16",
        service_name=headless,
        volume_claim_templates=[k8s.volume_claim_template("data", size="10Gi")],
        volume_mounts=[{"name": "data", "mountPath": "/var/lib/postgresql/data"}],
        strategy="OnDelete",
    )
    spec = rendered(db)["spec"]
    assert spec["serviceName"] == "${dbService.metadata.name}"
    assert spec["volumeClaimTemplates"][0]["metadata"] == {"name": "data"}
    assert spec["volumeClaimTemplates"][0]["spec"]["resources"] == {"requests": {"storage": "10Gi"}}
    assert spec["updateStrategy"] == {"type": "OnDelete"}
    assert spec["selector"]["matchLabels"] == {"app": "db"}
    with pytest.raises(DefinitionError):
        k8s.StatefulSet("db", image="postgres:16", service_name=k8s.ConfigMap("x"))


def test_daemonset_has_no_replicas_and_an_update_strategy() -> None:
    agent = k8s.DaemonSet("agent", image="agent:1", strategy={"type": "RollingUpdate"})
    spec = rendered(agent)["spec"]
    assert "replicas" not in spec
    assert spec["updateStrategy"] == {"type": "RollingUpdate"}
    assert spec["selector"]["matchLabels"] == spec["template"]["metadata"]["labels"]
    with pytest.raises(DefinitionError):
        k8s.DaemonSet("agent", image="agent:1", strategy="Recreate")
    with pytest.raises(DefinitionError) as error:
        k8s.DaemonSet("agent", image="agent:1", replicas=2)  # type: ignore[call-arg]
    assert error.value.rule == "unknown-option"


def test_job_runs_to_completion_with_its_options() -> None:
    job = k8s.Job(
        "migrate", image="app:1", command=["./migrate"], backoff_limit=2, ttl_seconds_after_finished=600
    )
    spec = rendered(job)["spec"]
    assert spec["backoffLimit"] == 2
    assert spec["ttlSecondsAfterFinished"] == 600
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    assert "selector" not in spec  # the Job controller generates it
    assert (
        rendered(k8s.Job("m", image="a", restart_policy="OnFailure"))["spec"]["template"]["spec"][
            "restartPolicy"
        ]
        == "OnFailure"
    )
    with pytest.raises(DefinitionError):
        k8s.Job("migrate", image="app:1", restart_policy="Always")
    with pytest.raises(DefinitionError):
        k8s.Job("migrate", image="app:1", backoff_limit=-1)


def test_cronjob_wraps_the_same_job_spec_in_a_schedule() -> None:
    cron = k8s.CronJob(
        "report", image="report:1", schedule="0 3 * * *", concurrency_policy="Forbid", backoff_limit=1
    )
    spec = rendered(cron)["spec"]
    assert spec["schedule"] == "0 3 * * *"
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["jobTemplate"]["spec"]["backoffLimit"] == 1
    assert spec["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["image"] == "report:1"
    assert rendered(k8s.CronJob("r", image="r", schedule="@hourly"))["spec"]["schedule"] == "@hourly"
    with pytest.raises(DefinitionError) as error:
        k8s.CronJob("report", image="report:1", schedule="every day")
    assert error.value.rule == "cron-schedule"
