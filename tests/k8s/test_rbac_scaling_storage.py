"""RBAC, autoscaling, disruption budgets and storage: shapes and the references between them."""

from __future__ import annotations

import pytest

from kro_gen import k8s
from kro_gen.errors import DefinitionError

from .support import named, rendered


def test_role_binding_grants_a_role_to_a_service_account_by_reference() -> None:
    account = named(k8s.ServiceAccount("reader", image_pull_secrets=["registry"]), "readerAccount")
    role = named(
        k8s.Role("reader", rules=[k8s.policy_rule(resources=["configmaps"], verbs=["get", "list"])]),
        "readerRole",
    )
    binding = k8s.RoleBinding("reader", role=role, subjects=[account, {"kind": "User", "name": "alice"}])
    body = rendered(binding)
    assert body["apiVersion"] == "rbac.authorization.k8s.io/v1"
    assert body["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "${readerRole.metadata.name}",
    }
    # the account's real namespace, read from the cluster object: right for any instance namespace
    assert body["subjects"][0] == {
        "kind": "ServiceAccount",
        "name": "${readerAccount.metadata.name}",
        "namespace": "${readerAccount.metadata.namespace}",
    }
    assert body["subjects"][1] == {"kind": "User", "name": "alice"}
    assert rendered(role)["rules"] == [
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}
    ]
    assert rendered(account)["imagePullSecrets"] == [{"name": "registry"}]


def test_cluster_scoped_rbac_refuses_namespaces_and_namespaced_roles() -> None:
    viewer = named(
        k8s.ClusterRole("viewer", rules=[{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}]),
        "viewer",
    )
    assert "namespace" not in rendered(viewer)["metadata"]
    with pytest.raises(DefinitionError) as namespaced:
        k8s.ClusterRole("viewer", rules=[], namespace="team-a")
    assert namespaced.value.rule == "cluster-scoped-namespace"
    binding = k8s.ClusterRoleBinding(
        "viewers", role=viewer, subjects=[{"kind": "ServiceAccount", "name": "ci", "namespace": "ci"}]
    )
    assert rendered(binding)["roleRef"]["kind"] == "ClusterRole"
    with pytest.raises(DefinitionError):
        k8s.ClusterRoleBinding(
            "viewers", role=k8s.Role("r", rules=[]), subjects=[{"kind": "Group", "name": "g"}]
        )
    with pytest.raises(DefinitionError) as no_namespace:
        k8s.ClusterRoleBinding("viewers", role=viewer, subjects=[{"kind": "ServiceAccount", "name": "ci"}])
    assert no_namespace.value.location.path == "subjects[0]"


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: k8s.Role("r", rules=[{"resources": ["pods"]}]), "rules[0]"),
        (lambda: k8s.Role("r", rules=[{"verbs": ["get"], "resource": ["pods"]}]), "rules[0].resource"),
        (lambda: k8s.RoleBinding("b", role={"kind": "Role", "name": "r"}, subjects=[]), "subjects"),
        (
            lambda: k8s.RoleBinding(
                "b", role={"kind": "Admin", "name": "r"}, subjects=[{"kind": "User", "name": "u"}]
            ),
            "role.kind",
        ),
        (
            lambda: k8s.RoleBinding("b", role={"kind": "Role", "name": "r"}, subjects=[k8s.ConfigMap("c")]),
            "subjects[0]",
        ),
    ],
)
def test_rbac_misuse_is_refused(build: object, path: str) -> None:
    with pytest.raises(DefinitionError) as error:
        build()  # type: ignore[operator]
    assert error.value.location.path == path


def test_autoscaler_targets_a_deployment_by_reference_with_cpu_and_extra_metrics() -> None:
    web = named(k8s.Deployment("web", image="web:1", replicas=None), "web")
    hpa = k8s.HorizontalPodAutoscaler(
        "web",
        target=web,
        min_replicas=2,
        max_replicas=10,
        cpu_utilization=70,
        metrics=[
            {
                "type": "Pods",
                "pods": {
                    "metric": {"name": "rps"},
                    "target": {"type": "AverageValue", "averageValue": "100"},
                },
            }
        ],
    )
    body = rendered(hpa)
    assert body["apiVersion"] == "autoscaling/v2"
    spec = body["spec"]
    assert spec["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "${web.metadata.name}",
    }
    assert (spec["minReplicas"], spec["maxReplicas"]) == (2, 10)
    assert spec["metrics"][0] == {
        "type": "Resource",
        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
    }
    assert spec["metrics"][1]["type"] == "Pods"


def test_autoscaler_refuses_targets_whose_replicas_kro_would_reset_or_that_cannot_scale() -> None:
    with pytest.raises(DefinitionError) as fights:
        k8s.HorizontalPodAutoscaler(
            "web", target=k8s.Deployment("web", image="w"), min_replicas=1, max_replicas=3
        )
    assert fights.value.rule == "hpa-replicas"
    assert "replicas=None" in str(fights.value)
    with pytest.raises(DefinitionError) as daemon:
        k8s.HorizontalPodAutoscaler("a", target=k8s.DaemonSet("a", image="a"), min_replicas=1, max_replicas=3)
    assert daemon.value.rule == "hpa-target"
    with pytest.raises(DefinitionError) as bounds:
        k8s.HorizontalPodAutoscaler(
            "w",
            target={"apiVersion": "apps/v1", "kind": "Deployment", "name": "w"},
            min_replicas=5,
            max_replicas=3,
        )
    assert bounds.value.location.path == "max_replicas"
    custom = k8s.HorizontalPodAutoscaler(
        "w",
        target={"apiVersion": "example.com/v1", "kind": "Worker", "name": "w"},
        min_replicas=1,
        max_replicas=2,
    )
    assert "metrics" not in rendered(custom)["spec"]  # Kubernetes' default (80% CPU) applies


def test_pod_disruption_budget_needs_exactly_one_bound() -> None:
    web = k8s.Deployment("web", image="web:1")
    pdb = k8s.PodDisruptionBudget("web", selector=web, min_available="50%")
    assert rendered(pdb)["spec"] == {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}}
    assert rendered(pdb)["apiVersion"] == "policy/v1"
    assert (
        rendered(k8s.PodDisruptionBudget("w", selector={"app": "w"}, max_unavailable=1))["spec"][
            "maxUnavailable"
        ]
        == 1
    )
    with pytest.raises(DefinitionError):
        k8s.PodDisruptionBudget("web", selector=web)
    with pytest.raises(DefinitionError):
        k8s.PodDisruptionBudget("web", selector=web, min_available=1, max_unavailable=1)
    with pytest.raises(DefinitionError):
        k8s.PodDisruptionBudget("web", selector=web, min_available="half")


def test_persistent_volume_claim_shape_and_size_checks() -> None:
    claim = k8s.PersistentVolumeClaim(
        "data", size="20Gi", storage_class="fast", access_modes=["ReadWriteMany"]
    )
    assert rendered(claim)["spec"] == {
        "accessModes": ["ReadWriteMany"],
        "storageClassName": "fast",
        "resources": {"requests": {"storage": "20Gi"}},
    }
    with pytest.raises(DefinitionError) as raw_bytes:
        k8s.PersistentVolumeClaim("data", size=10)
    assert "10Gi" in str(raw_bytes.value)
    with pytest.raises(DefinitionError):
        k8s.PersistentVolumeClaim("data", size="ten gigs")
    with pytest.raises(DefinitionError):
        k8s.PersistentVolumeClaim("data", size="1Gi", access_modes=["ReadWriteAlways"])
