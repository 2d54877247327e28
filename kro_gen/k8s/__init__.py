"""Resource builders: ``from kro_gen import k8s``.

Every builder returns a :class:`~kro_gen.graph.resource.Resource` of its kind class
(:mod:`kro_gen.k8s.kinds`: ``k8s.Deployment(...)`` is a ``kinds.Deployment`` whose ``.status`` and
``.spec`` are typed for editors). Values may be literals, expressions
(``schema.spec.image``) or f-strings with expressions. Besides its own options every builder takes
``id``, ``include_when``, ``ready_when``, ``for_each``, ``depends_on``, ``namespace``, ``labels``,
``annotations`` and ``extra`` (see :class:`~kro_gen.k8s.base.Common`). A misspelled option, a value of the
wrong shape or a literal secret is a DefinitionError naming the builder, the resource and the option.

>>> from kro_gen import k8s
>>> config = k8s.ConfigMap("app-config", {"LOG_LEVEL": "info"})
>>> user = k8s.Deployment("user-service", image="user:1.0", ports=[3000], env_from=[config],
...                       readiness_probe=k8s.http_get("/ready", 3000))
>>> svc = k8s.Service("user-service", selector=user, ports=[3000])
"""

from kro_gen.graph.resource import Resource
from kro_gen.k8s import kinds
from kro_gen.k8s.base import Common
from kro_gen.k8s.config import ConfigMap, Secret, external_secret
from kro_gen.k8s.containers import (
    KeyRef,
    config_map_key_ref,
    exec_probe,
    http_get,
    secret_key_ref,
    tcp_socket,
)
from kro_gen.k8s.generic import Namespace, external_ref, resource, resource_of
from kro_gen.k8s.manifests import from_yaml
from kro_gen.k8s.networking import Ingress, NetworkPolicy, Service
from kro_gen.k8s.pods import PodOptions
from kro_gen.k8s.rbac import ClusterRole, ClusterRoleBinding, Role, RoleBinding, ServiceAccount, policy_rule
from kro_gen.k8s.readiness import EXISTS
from kro_gen.k8s.scaling import HorizontalPodAutoscaler, PodDisruptionBudget
from kro_gen.k8s.sidecars import Container, ContainerKeys, ContainerOptions, container
from kro_gen.k8s.storage import PersistentVolumeClaim, volume_claim_template
from kro_gen.k8s.volumes import Mount, mount
from kro_gen.k8s.workloads import CronJob, DaemonSet, Deployment, Job, JobOptions, StatefulSet

__all__ = [
    "EXISTS",
    "ClusterRole",
    "ClusterRoleBinding",
    "Common",
    "ConfigMap",
    "Container",
    "ContainerKeys",
    "ContainerOptions",
    "CronJob",
    "DaemonSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "Ingress",
    "Job",
    "JobOptions",
    "KeyRef",
    "Mount",
    "Namespace",
    "NetworkPolicy",
    "PersistentVolumeClaim",
    "PodDisruptionBudget",
    "PodOptions",
    "Resource",
    "Role",
    "RoleBinding",
    "Secret",
    "Service",
    "ServiceAccount",
    "StatefulSet",
    "config_map_key_ref",
    "container",
    "exec_probe",
    "external_ref",
    "external_secret",
    "from_yaml",
    "http_get",
    "kinds",
    "mount",
    "policy_rule",
    "resource",
    "resource_of",
    "secret_key_ref",
    "tcp_socket",
    "volume_claim_template",
]
