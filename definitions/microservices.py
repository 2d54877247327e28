"""The seed: TypeKro's microservices example, ported to kro-gen.

An API gateway (nginx) in front of user, product and order services, a shared ConfigMap, database
passwords, an Ingress and a CEL status — deployed to development as plain manifests (direct mode)
and to staging and production as instances of one RGD (kro mode); the mode per environment is set in
``[tool.kro-gen.environments]`` of pyproject.toml.

Differences from the TypeScript seed, on purpose:
- The seed's base64 Secret literal is not committed anywhere. ``db-secrets`` is an External Secrets
  Operator ``ExternalSecret`` built by the RGD from spec values (store and key prefix); the operator
  writes the real Secret in the cluster. Deployments read it through ``secretKeyRef`` as in the seed.
- Every reference the seed makes (``appConfig.metadata.name``, ``dbSecrets.metadata.name``) stays a
  reference, so kro orders the ConfigMap and the secret before the Deployments.
- Status reads ``readyReplicas`` with a fallback of 0 (Kubernetes omits the field when no replica is
  ready, which would leave kro's status pending), and the service URLs are built from the Services'
  names (kro rejects literal status fields).
- Typed throughout (``mypy --strict`` and pyright pass): ``Schema[MicroservicesSpec]`` gives the
  builders a typed spec, the resources builder returns a ``Resources`` NamedTuple (ids are its field
  names; a backend's ``deployment`` under ``user`` is ``userDeployment``), and the status builder
  receives that same object, so ``r.user.deployment.status.readyReplicas`` is checked.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import BaseModel, Field

from kro_gen import Resource, ResourceGraph, Schema, cel, k8s
from kro_gen.k8s import kinds

# ---------------------------------------------------------------------------------------------------
# The API: spec and status
# ---------------------------------------------------------------------------------------------------


class Database(BaseModel):
    host: str = Field(description="Database host name")
    name: str = Field(description="Database name")


class ServiceSpec(BaseModel):
    image: str = Field(description="Container image")
    replicas: int = Field(default=1, ge=0, le=50, description="Number of pods")
    database: Database


class Services(BaseModel):
    user: ServiceSpec
    product: ServiceSpec
    order: ServiceSpec


class Gateway(BaseModel):
    domain: str = Field(description="Public host name of the Ingress")
    replicas: int = Field(default=1, ge=1, le=20)


class Secrets(BaseModel):
    store: str = Field(
        default="platform-secrets", description="ClusterSecretStore that holds the DB passwords"
    )
    prefix: str = Field(default="microservices", description="Key prefix of the passwords in the store")


class MicroservicesSpec(BaseModel):
    environment: Literal["development", "staging", "production"]
    version: str
    gateway: Gateway
    services: Services
    secrets: Secrets = Field(default_factory=Secrets)


class ServiceStatus(BaseModel):
    url: str
    ready: bool


class ServicesStatus(BaseModel):
    user: ServiceStatus
    product: ServiceStatus
    order: ServiceStatus


class MicroservicesStatus(BaseModel):
    gatewayUrl: str
    services: ServicesStatus
    health: Literal["healthy", "degraded", "unhealthy"]


app = ResourceGraph(
    "microservices-app",
    api_version="example.com/v1alpha1",
    kind="MicroservicesApp",
    spec=MicroservicesSpec,
    status=MicroservicesStatus,
)


def backends(services: Services) -> dict[str, ServiceSpec]:
    """The three backend services by name (the spec reads them as fields)."""
    return {"user": services.user, "product": services.product, "order": services.order}


BACKENDS = ("user", "product", "order")

NGINX_CONF = """
events {
    worker_connections 1024;
}

http {
    upstream user-service {
        server user-service:3000;
    }
    
    upstream product-service {
        server product-service:3000;
    }
    
    upstream order-service {
        server order-service:3000;
    }
    
    server {
        listen 80;
        
        location /api/users/ {
            proxy_pass http://user-service/;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
        }
        
        location /api/products/ {
            proxy_pass http://product-service/;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
        }
        
        location /api/orders/ {
            proxy_pass http://order-service/;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
        }
        
        location /health {
            return 200 "OK";
            add_header Content-Type text/plain;
        }
    }
}
          """  # noqa: W293 - the seed's template literal, byte for byte


# ---------------------------------------------------------------------------------------------------
# The resources
# ---------------------------------------------------------------------------------------------------


class Backend(NamedTuple):
    """One backend: ids ``<name>Deployment`` and ``<name>Service`` (field names join in camelCase)."""

    deployment: kinds.Deployment
    service: kinds.Service


class Resources(NamedTuple):
    """The graph's resources; each field name is a kro resource id (in this order)."""

    appConfig: kinds.ConfigMap
    dbSecrets: Resource  # an ExternalSecret (a CRD: untyped)
    user: Backend
    product: Backend
    order: Backend
    gatewayDeployment: kinds.Deployment
    gatewayService: kinds.Service
    gatewayConfig: kinds.ConfigMap
    ingress: kinds.Ingress


@app.resources
def resources(schema: Schema[MicroservicesSpec]) -> Resources:
    spec = schema.spec
    app_config = k8s.ConfigMap(
        "app-config",
        data={
            "ENVIRONMENT": spec.environment,
            "VERSION": spec.version,
            "LOG_LEVEL": cel.cond(spec.environment == "production", "info", "debug"),
            # service discovery endpoints
            "USER_SERVICE_URL": "http://user-service:3000",
            "PRODUCT_SERVICE_URL": "http://product-service:3000",
            "ORDER_SERVICE_URL": "http://order-service:3000",
        },
    )
    db_secrets = k8s.external_secret(
        "db-secrets",
        store=spec.secrets.store,
        data={
            f"{name.upper()}_DB_PASSWORD": f"{spec.secrets.prefix}/{name}-db-password" for name in BACKENDS
        },
    )

    def backend(name: str, service_spec: ServiceSpec) -> Backend:
        service_name = f"{name}-service"
        deployment = k8s.Deployment(
            service_name,
            image=service_spec.image,
            replicas=service_spec.replicas,
            labels={"component": "backend"},
            ports=[3000],
            env={
                "PORT": "3000",
                "DB_HOST": service_spec.database.host,
                "DB_NAME": service_spec.database.name,
                "DB_PASSWORD": k8s.secret_key_ref(db_secrets, f"{name.upper()}_DB_PASSWORD"),
            },
            env_from=[app_config],
            liveness_probe=k8s.http_get("/health", 3000),
            readiness_probe=k8s.http_get("/ready", 3000),
        )
        service = k8s.Service(
            service_name,
            selector={"app": service_name},
            ports=[{"port": 3000, "targetPort": 3000}],
        )
        return Backend(deployment, service)

    built = {name: backend(name, service_spec) for name, service_spec in backends(spec.services).items()}

    gateway_config = k8s.ConfigMap("gateway-config", data={"nginx.conf": NGINX_CONF})
    gateway = k8s.Deployment(
        "api-gateway",
        image="nginx:alpine",
        replicas=spec.gateway.replicas,
        ports=[80],
        config_map_mounts=[k8s.mount(gateway_config, "/etc/nginx/nginx.conf", sub_path="nginx.conf")],
    )
    gateway_service = k8s.Service(
        "api-gateway",
        selector={"app": "api-gateway"},
        ports=[{"port": 80, "targetPort": 80}],
        type="LoadBalancer",
    )
    ingress = k8s.Ingress(
        "microservices-ingress",
        host=spec.gateway.domain,
        service=gateway_service,
        port=80,
    )
    return Resources(
        appConfig=app_config,
        dbSecrets=db_secrets,
        user=built["user"],
        product=built["product"],
        order=built["order"],
        gatewayDeployment=gateway,
        gatewayService=gateway_service,
        gatewayConfig=gateway_config,
        ingress=ingress,
    )


# ---------------------------------------------------------------------------------------------------
# The status: every field is CEL, including the one that depends only on the spec
# ---------------------------------------------------------------------------------------------------


@app.status
def status(schema: Schema[MicroservicesSpec], r: Resources) -> dict[str, object]:
    backend = {"user": r.user, "product": r.product, "order": r.order}

    def ready_replicas(b: Backend) -> int:
        return cel.default(b.deployment.status.readyReplicas, 0)

    def ready(b: Backend) -> bool:
        return ready_replicas(b) == b.deployment.spec.replicas

    return {
        "gatewayUrl": f"https://{schema.spec.gateway.domain}",
        "services": {
            name: {"url": f"http://{b.service.metadata.name}:3000", "ready": ready(b)}
            for name, b in backend.items()
        },
        "health": cel.cond(
            cel.and_(*(ready(b) for b in backend.values())),
            "healthy",
            cel.cond((ready_replicas(r.user) > 0) | (ready_replicas(r.product) > 0), "degraded", "unhealthy"),
        ),
    }


# ---------------------------------------------------------------------------------------------------
# The environments (seed values; staging follows the seed's scaling table)
# ---------------------------------------------------------------------------------------------------


def _services(tag: str, replicas: dict[str, int], db_suffix: str, db_names: dict[str, str]) -> Services:
    def service(name: str) -> ServiceSpec:
        return ServiceSpec(
            image=f"{name}-service:{tag}",
            replicas=replicas[name],
            database=Database(host=f"{name}-db.{db_suffix}", name=db_names[name]),
        )

    return Services(user=service("user"), product=service("product"), order=service("order"))


app.instance(
    "development",
    MicroservicesSpec(
        environment="development",
        version="1.0.0",
        gateway=Gateway(domain="microservices-dev.local", replicas=1),
        services=_services(
            "dev",
            {"user": 1, "product": 1, "order": 1},
            "dev",
            {"user": "users_dev", "product": "products_dev", "order": "orders_dev"},
        ),
        secrets=Secrets(prefix="microservices/development"),
    ),
)

app.instance(
    "staging",
    MicroservicesSpec(
        environment="staging",
        version="1.0.0",
        gateway=Gateway(domain="microservices-staging.local", replicas=2),
        services=_services(
            "staging",
            {"user": 2, "product": 2, "order": 2},
            "staging",
            {"user": "users_staging", "product": "products_staging", "order": "orders_staging"},
        ),
        secrets=Secrets(prefix="microservices/staging"),
    ),
)

app.instance(
    "production",
    MicroservicesSpec(
        environment="production",
        version="1.0.0",
        gateway=Gateway(domain="api.mycompany.com", replicas=3),
        services=_services(
            "1.0.0",
            {"user": 3, "product": 5, "order": 3},
            "prod",
            {"user": "users", "product": "products", "order": "orders"},
        ),
        secrets=Secrets(prefix="microservices/production"),
    ),
)
