"""A small tree mimicking the seed: the microservices graph plus a chained graph, three environments.

* development: direct mode on cluster ``nonprod`` (plain manifests, incl. the seed's nginx.conf);
* staging: kro mode, also on ``nonprod`` (two environments share a cluster);
* production: kro mode on ``prod``, with an instance of the chained graph too.
"""

from __future__ import annotations

from typing import Any

import pytest

from kro_gen.gitops.model import (
    Document,
    EnvironmentArtifact,
    EnvironmentTarget,
    GraphArtifact,
    TreePlan,
    TreeSettings,
)
from kro_gen.gitops.plan import plan_tree

NGINX_CONF = (
    "\nevents {\n    worker_connections 1024;\n}\n\nhttp {\n    upstream user-service {\n"
    "        server user-service:3000;\n    }\n    \n    server {\n        listen 80;\n        \n"
    '        location /health {\n            return 200 "OK";\n        }\n    }\n}\n          '
)
SOURCE = "definitions/microservices.py"


def microservices_rgd() -> dict[str, Any]:
    """A trimmed RGD in the shape of the seed's microservices graph."""
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "microservices-app"},
        "spec": {
            "schema": {
                "apiVersion": "v1alpha1",
                "kind": "MicroservicesApp",
                "group": "example.com",
                "scope": "Namespaced",
                "spec": {
                    "environment": 'string | enum="development,staging,production"',
                    "version": "string",
                    "user": {"image": "string", "replicas": "integer | default=1"},
                },
                "status": {
                    "userReady": "${userDeployment.status.readyReplicas == userDeployment.spec.replicas}"
                },
            },
            "resources": [
                {
                    "id": "appConfig",
                    "template": {
                        "apiVersion": "v1",
                        "kind": "ConfigMap",
                        "metadata": {"name": "app-config"},
                        "data": {
                            "ENVIRONMENT": "${schema.spec.environment}",
                            "LOG_LEVEL": '${schema.spec.environment == "production" ? "info" : "debug"}',
                            "nginx.conf": NGINX_CONF,
                        },
                    },
                },
                {
                    "id": "userDeployment",
                    "template": {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "metadata": {"name": "user-service"},
                        "spec": {
                            "replicas": "${schema.spec.user.replicas}",
                            "template": {
                                "spec": {
                                    "containers": [
                                        {
                                            "name": "user-service",
                                            "image": "${schema.spec.user.image}",
                                            "envFrom": [
                                                {"configMapRef": {"name": "${appConfig.metadata.name}"}}
                                            ],
                                        }
                                    ]
                                }
                            },
                        },
                    },
                },
            ],
        },
    }


def platform_rgd() -> dict[str, Any]:
    """A graph that uses the MicroservicesApp kind (RGD chaining, depth 1)."""
    return {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "shop-platform"},
        "spec": {
            "schema": {
                "apiVersion": "v1alpha1",
                "kind": "ShopPlatform",
                "group": "example.com",
                "scope": "Namespaced",
                "spec": {"version": "string"},
            },
            "resources": [
                {
                    "id": "app",
                    "template": {
                        "apiVersion": "example.com/v1alpha1",
                        "kind": "MicroservicesApp",
                        "metadata": {"name": "${schema.metadata.name}-app"},
                        "spec": {"environment": "production", "version": "${schema.spec.version}"},
                    },
                }
            ],
        },
    }


def graphs() -> list[GraphArtifact]:
    """The two graphs (fresh objects on every call)."""
    return [
        GraphArtifact(
            name="microservices-app",
            kind="MicroservicesApp",
            group="example.com",
            version="v1alpha1",
            scope="Namespaced",
            rgd=microservices_rgd(),
            depth=0,
            source=SOURCE,
            dependencies={"userDeployment": ["appConfig", "dbSecret"], "appConfig": []},
            resource_kinds={
                "appConfig": "ConfigMap",
                "userDeployment": "Deployment",
                "dbSecret": "Secret (externalRef)",
            },
        ),
        GraphArtifact(
            name="shop-platform",
            kind="ShopPlatform",
            group="example.com",
            version="v1alpha1",
            scope="Namespaced",
            rgd=platform_rgd(),
            depth=1,
            source="definitions/platform.py",
            dependencies={},
            resource_kinds={"app": "MicroservicesApp"},
        ),
    ]


def instance(name: str, namespace: str, environment: str, replicas: int) -> dict[str, Any]:
    """A MicroservicesApp instance."""
    return {
        "apiVersion": "example.com/v1alpha1",
        "kind": "MicroservicesApp",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "environment": environment,
            "version": "1.10",
            "user": {"image": "user-service:1.0.0", "replicas": replicas},
        },
    }


def development() -> EnvironmentArtifact:
    """Direct mode: plain manifests, with the nginx.conf ConfigMap and a secret carrier."""
    ns = "shop-dev"
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "app-config", "namespace": ns},
        "data": {
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "debug",
            "nginx.conf": NGINX_CONF,
            "ENABLED": "yes",
        },
    }
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "user-service", "namespace": ns, "labels": {"app": "user-service"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "user-service"}},
            "template": {
                "metadata": {"labels": {"app": "user-service"}},
                "spec": {
                    "containers": [
                        {
                            "name": "user-service",
                            "image": "user-service:1.0.0",
                            "envFrom": [{"configMapRef": {"name": "app-config"}}],
                        }
                    ]
                },
            },
        },
    }
    external_secret = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": "db-secrets", "namespace": ns},
        "spec": {
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": "vault"},
            "target": {"name": "db-secrets"},
            "data": [{"secretKey": "USER_DB_PASSWORD", "remoteRef": {"key": "shop/user-db"}}],
        },
    }
    docs = (
        Document(body=config, graph="microservices-app", role="manifest", wave=0, source=SOURCE),
        Document(body=deployment, graph="microservices-app", role="manifest", wave=1, source=SOURCE),
        Document(body=external_secret, graph="microservices-app", role="support", wave=0, source=SOURCE),
    )
    return EnvironmentArtifact(EnvironmentTarget("development", "nonprod", ns, "direct"), docs)


def staging() -> EnvironmentArtifact:
    """kro mode on the cluster development also uses."""
    doc = Document(
        body=instance("shop", "shop-staging", "staging", 2),
        graph="microservices-app",
        role="instance",
        wave=0,
        source=SOURCE,
    )
    return EnvironmentArtifact(EnvironmentTarget("staging", "nonprod", "shop-staging", "kro"), (doc,))


def production() -> EnvironmentArtifact:
    """kro mode on its own cluster, with an instance of the chained graph."""
    shop = Document(
        body=instance("shop", "shop-prod", "production", 3),
        graph="microservices-app",
        role="instance",
        wave=0,
        source=SOURCE,
    )
    platform = Document(
        body={
            "apiVersion": "example.com/v1alpha1",
            "kind": "ShopPlatform",
            "metadata": {"name": "platform", "namespace": "shop-prod"},
            "spec": {"version": "2.0"},
        },
        graph="shop-platform",
        role="instance",
        wave=1,
        source="definitions/platform.py",
    )
    return EnvironmentArtifact(EnvironmentTarget("production", "prod", "shop-prod", "kro"), (shop, platform))


def environments() -> list[EnvironmentArtifact]:
    """All three environments."""
    return [development(), staging(), production()]


SETTINGS = TreeSettings(repo_url="https://github.com/acme/shop.git", revision="main")


@pytest.fixture
def settings() -> TreeSettings:
    """Default settings: Argo CD and Flux wiring, output dir ``gitops``."""
    return SETTINGS


@pytest.fixture
def plan() -> TreePlan:
    """The planned tree of the sample."""
    return plan_tree(graphs(), environments(), SETTINGS)


@pytest.fixture(scope="session")
def seed_plan() -> TreePlan:
    """The planned tree of this repository's own project (the seed: three clusters)."""
    from pathlib import Path

    from kro_gen.pipeline import generate
    from kro_gen.project.config import load_config

    result = generate(load_config(Path(__file__).resolve().parents[2]))
    assert result.plan is not None
    return result.plan
