"""Notifications (an option, off by default): sync failures and degraded health reach a channel.

* Argo CD: every generated Application carries
  ``notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>`` for each configured trigger
  (default ``on-sync-failed`` and ``on-health-degraded``, from the argocd-notifications catalog). The
  triggers, their templates and the service live in ``argocd-notifications-cm``, which belongs to the
  Argo CD installation, so the tree only subscribes.
* Flux: per cluster, ``kro-notifications-provider.yaml`` (a Provider of the configured type, the
  channel, and the Secret holding its address or token) and ``kro-notifications-alert.yaml`` (an Alert
  on every Kustomization and HelmRelease in the Flux namespace at severity error: failed applies, failed
  health checks, failed Helm installs). Both sit in the cluster folder ``flux bootstrap`` syncs.
"""

from __future__ import annotations

from typing import Any

from kro_gen.gitops.model import NotifySettings

NOTIFICATION_API = "notification.toolkit.fluxcd.io/v1beta3"
NAME = "kro-gen"
PROVIDER_FILE = "kro-notifications-provider.yaml"
ALERT_FILE = "kro-notifications-alert.yaml"
SUBSCRIBE = "notifications.argoproj.io/subscribe"


def subscriptions(notify: NotifySettings | None) -> dict[str, str]:
    """The Argo CD subscription annotations of every generated Application (empty when off)."""
    if notify is None:
        return {}
    return {f"{SUBSCRIBE}.{trigger}.{notify.argocd_service}": notify.recipient for trigger in notify.triggers}


def flux_objects(notify: NotifySettings, namespace: str) -> dict[str, dict[str, Any]]:
    """File name -> the Provider and the Alert of one cluster."""
    provider = {
        "apiVersion": NOTIFICATION_API,
        "kind": "Provider",
        "metadata": {"name": NAME, "namespace": namespace},
        "spec": {
            "type": notify.flux_provider,
            "channel": notify.recipient,
            "secretRef": {"name": notify.flux_secret},
        },
    }
    alert = {
        "apiVersion": NOTIFICATION_API,
        "kind": "Alert",
        "metadata": {"name": NAME, "namespace": namespace},
        "spec": {
            "providerRef": {"name": NAME},
            "eventSeverity": "error",
            "eventSources": [{"kind": "Kustomization", "name": "*"}, {"kind": "HelmRelease", "name": "*"}],
        },
    }
    return {PROVIDER_FILE: provider, ALERT_FILE: alert}
