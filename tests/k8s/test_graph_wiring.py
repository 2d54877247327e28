"""Builders inside a real ResourceGraph: ids, rendered references, and the dependency edges kro sees.

The peer inlined ``appConfig.metadata.name`` as the literal ``app-config``, so kro had no edge from the
Deployments to the ConfigMap or Secret (fullseed NOTES §9). Here every such reference is an expression.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from kro_gen import ResourceGraph, cel, k8s
from kro_gen.expr.fields import field_value


class Database(BaseModel):
    host: str
    name: str


class ServiceSpec(BaseModel):
    image: str
    replicas: int = Field(1, ge=0)
    database: Database


class Gateway(BaseModel):
    domain: str
    replicas: int = 1


class Services(BaseModel):
    user: ServiceSpec


class AppSpec(BaseModel):
    environment: Literal["development", "staging", "production"]
    version: str
    gateway: Gateway
    services: Services


def _seed_graph() -> ResourceGraph:
    app = ResourceGraph(
        "microservices-app", api_version="example.com/v1alpha1", kind="MicroservicesApp", spec=AppSpec
    )

    @app.resources
    def resources(schema: Any) -> dict[str, Any]:
        spec = schema.spec
        app_config = k8s.ConfigMap(
            "app-config",
            {
                "ENVIRONMENT": spec.environment,
                "VERSION": spec.version,
                "LOG_LEVEL": cel.cond(spec.environment == "production", "info", "debug"),
            },
        )
        db_secrets = k8s.external_secret(
            "db-secrets", store="vault", data={"USER_DB_PASSWORD": f"{spec.environment}/user-db"}
        )
        user = spec.services.user
        user_deployment = k8s.Deployment(
            "user-service",
            image=user.image,
            replicas=user.replicas,
            labels={"component": "backend"},
            ports=[3000],
            env={
                "PORT": 3000,
                "DB_HOST": user.database.host,
                "DB_PASSWORD": k8s.secret_key_ref(db_secrets, "USER_DB_PASSWORD"),
            },
            env_from=[app_config],
            liveness_probe=k8s.http_get("/health", 3000),
        )
        user_service = k8s.Service("user-service", selector=user_deployment, ports=[3000])
        gateway_config = k8s.ConfigMap("gateway-config", {"nginx.conf": "events {}\n"})
        gateway = k8s.Deployment(
            "api-gateway",
            image="nginx:alpine",
            replicas=spec.gateway.replicas,
            ports=[80],
            config_map_mounts=[k8s.mount(gateway_config, "/etc/nginx/nginx.conf", sub_path="nginx.conf")],
        )
        gateway_service = k8s.Service("api-gateway", selector=gateway, ports=[80], type="LoadBalancer")
        ingress = k8s.Ingress("microservices-ingress", host=spec.gateway.domain, service=gateway_service)
        return {
            "appConfig": app_config,
            "dbSecrets": db_secrets,
            "userDeployment": user_deployment,
            "userService": user_service,
            "gatewayConfig": gateway_config,
            "gatewayDeployment": gateway,
            "gatewayService": gateway_service,
            "ingress": ingress,
        }

    return app


def test_references_become_dependency_edges_and_render_with_ids() -> None:
    built = _seed_graph().build()
    assert built.dependencies["userDeployment"] == ["dbSecrets", "appConfig"]
    assert built.dependencies["gatewayDeployment"] == ["gatewayConfig"]
    assert built.dependencies["ingress"] == ["gatewayService"]
    # a Service copies the selector labels, so it does not wait for its Deployment
    assert built.dependencies["userService"] == []
    order = built.order
    assert order.index("appConfig") < order.index("userDeployment")
    assert order.index("gatewayService") < order.index("ingress")

    user = field_value(built.resources["userDeployment"].template)
    pod = user["spec"]["template"]["spec"]
    main = pod["containers"][0]
    assert main["envFrom"] == [{"configMapRef": {"name": "${appConfig.metadata.name}"}}]
    env = {e["name"]: e for e in main["env"]}
    assert env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "${dbSecrets.spec.target.name}"
    # typed spec values: a string field goes in as is, an integer field is an integer
    assert env["DB_HOST"]["value"] == "${schema.spec.services.user.database.host}"
    assert env["PORT"]["value"] == "3000"
    assert main["image"] == "${schema.spec.services.user.image}"
    assert user["spec"]["replicas"] == "${schema.spec.services.user.replicas}"
    assert user["metadata"]["labels"] == {"app": "user-service", "component": "backend"}

    gateway = field_value(built.resources["gatewayDeployment"].template)
    assert gateway["spec"]["template"]["spec"]["volumes"] == [
        {"name": "gateway-config", "configMap": {"name": "${gatewayConfig.metadata.name}"}}
    ]
    config = field_value(built.resources["appConfig"].template)
    assert config["data"]["LOG_LEVEL"] == '${schema.spec.environment == "production" ? "info" : "debug"}'
    secret = field_value(built.resources["dbSecrets"].template)
    assert secret["spec"]["data"][0]["remoteRef"] == {"key": "${schema.spec.environment}/user-db"}


def test_from_yaml_references_to_other_resources_are_edges_too() -> None:
    app = ResourceGraph("yaml-app", api_version="example.com/v1alpha1", kind="YamlApp", spec=Gateway)

    @app.resources
    def resources(schema: Any) -> dict[str, Any]:
        config = k8s.ConfigMap("web-config", {"DOMAIN": schema.spec.domain})
        monitor = k8s.from_yaml(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: monitor}
            data:
              source: ${webConfig.metadata.name}
            """
        )
        return {"webConfig": config, "monitor": monitor}

    built = app.build()
    assert built.dependencies["monitor"] == ["webConfig"]
    assert built.order == ["webConfig", "monitor"]


def test_reads_of_dashed_and_dotted_keys_are_indexes_kro_can_parse() -> None:
    # ConfigMap data keys and label keys are rarely CEL identifiers; kro v0.9.3 has no backtick
    # field names, so these reads must be m["key"] / m[?"key"], and kro-gen's check must accept them.
    from kro_gen.check import check_rgd, errors
    from kro_gen.emit.rgd import rgd_document
    from kro_gen.errors import Location

    app = ResourceGraph("keys-app", api_version="example.com/v1alpha1", kind="KeysApp", spec=Gateway)

    @app.resources
    def resources(schema: Any) -> dict[str, Any]:
        config = k8s.ConfigMap("web-config", {"config.yaml": schema.spec.domain, "log-level": "info"})
        web = k8s.Deployment(
            "web",
            image="nginx",
            env={
                "CONFIG": config.data["config.yaml"],
                "LEVEL": cel.default(config.data["log-level"], "debug"),
                "APP": cel.default(config.metadata.labels["app.kubernetes.io/name"], "none"),
                "HAS_LEVEL": cel.has(config.data["log-level"]),
            },
        )
        return {"config": config, "web": web}

    rgd = rgd_document(app.build())
    web = next(entry for entry in rgd["spec"]["resources"] if entry["id"] == "web")
    env = {e["name"]: e["value"] for e in web["template"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env == {
        "CONFIG": '${config.data["config.yaml"]}',
        "LEVEL": '${config.data[?"log-level"].orValue("debug")}',
        "APP": '${config.metadata.labels[?"app.kubernetes.io/name"].orValue("none")}',
        "HAS_LEVEL": '${string("log-level" in config.data)}',
    }
    assert errors(check_rgd(rgd, location=Location(graph="keys-app"))) == []
