"""The contract between the emit stage and the GitOps stage, and the plan the GitOps stage produces.

The emit stage hands over plain dicts wrapped in these frozen dataclasses; nothing here knows how they
were built. The GitOps stage adds every GitOps annotation itself, so the dicts arrive without them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from kro_gen.errors import Location, ValidationError

Mode = Literal["kro", "direct"]
Role = Literal["instance", "manifest", "support"]

#: Folder (inside the output dir) that holds the ownership index and the writer's journal; never synced.
STATE_DIR = ".kro-gen"


@dataclass(frozen=True)
class GraphArtifact:
    """One generated graph: its RGD and what the README and the health checks need to know about it.

    Attributes:
        name: the RGD's ``metadata.name``.
        kind: kind of the generated API (e.g. ``MicroservicesApp``).
        group: API group of the generated API (e.g. ``example.com``).
        version: API version of the generated API (e.g. ``v1alpha1``); instances use ``group/version``.
        scope: ``Namespaced`` or ``Cluster``.
        rgd: the RGD document, without GitOps annotations.
        depth: 0 when the graph uses no other generated graph's kind; +1 per level of RGD chaining.
        source: the definition file, e.g. ``definitions/microservices.py`` (goes into file headers).
        dependencies: resource id -> ids it references (for the README diagram).
        resource_kinds: resource id -> label such as ``Deployment`` or ``Secret (externalRef)``.
        rgd_file: ``(max_depth, text)`` when the text of its ``platform/rgds/`` file for that deepest chain
            depth is already made (:func:`kro_gen.gitops.platform.rgd_file` returns it instead of
            dumping the RGD again); not part of equality.
    """

    name: str
    kind: str
    group: str
    version: str
    scope: str
    rgd: dict[str, Any]
    depth: int
    source: str
    dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    resource_kinds: Mapping[str, str] = field(default_factory=dict)
    rgd_file: tuple[int, str] | None = field(default=None, compare=False, repr=False)

    @property
    def api_version(self) -> str:
        """``group/version`` of the generated API, as written in instances."""
        return f"{self.group}/{self.version}"


@dataclass(frozen=True)
class EnvironmentTarget:
    """Where an environment runs and how.

    Attributes:
        name: environment name (a DNS label; names the ``environments/<name>`` folder).
        cluster: the cluster's name as registered in Argo CD / used for ``flux/clusters/<cluster>``.
        namespace: the environment's namespace.
        mode: ``kro`` (instances of the RGDs) or ``direct`` (plain manifests, no kro needed).
        flux_service_account: the ServiceAccount the environment's Flux Kustomization impersonates
            (``serviceAccountName``); empty: kustomize-controller's own.
        sync_windows: Argo CD ``syncWindows`` entries of the environment's Application (its
            ``applications`` filled in by the wiring).
        resources: user-owned files (paths relative to the environment folder) its kustomization
            lists; never written, owned or deleted.
        sops: the Flux Kustomization decrypts SOPS files; ``sops_secret`` names the key's Secret.
    """

    name: str
    cluster: str
    namespace: str
    mode: Mode
    flux_service_account: str = ""
    sync_windows: tuple[Mapping[str, Any], ...] = field(default=(), hash=False)
    resources: tuple[str, ...] = ()
    sops: bool = False
    sops_secret: str = ""


@dataclass(frozen=True)
class Document:
    """One Kubernetes object for one environment.

    Attributes:
        body: the object (instance CR or plain manifest), without GitOps annotations.
        graph: the graph that produced it.
        role: ``instance`` (a kro CR), ``manifest`` (direct mode) or ``support`` (Namespace, secret carriers).
        wave: manifests and support objects: dependency depth inside the graph (0, 1, 2...; the tree
            orders them by kind instead, see annotations.manifest_wave);
            instances: the graph's depth.
        source: the definition file that produced it.
        site: the user's ``file:line`` that declared it (the instance), named by errors about it.
    """

    body: dict[str, Any]
    graph: str
    role: Role
    wave: int
    source: str
    site: str | None = None


@dataclass(frozen=True)
class EnvironmentArtifact:
    """Everything one environment gets: its target and its documents."""

    target: EnvironmentTarget
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class InfraSettings:
    """The infrastructure layer (phase 0): kro and the operators the graphs need.

    Attributes:
        enabled: emit the layer at all (``False``: the clusters already run kro and the operators).
        versions: component name -> chart version, overriding the catalog's pins.
        skip: component names installed some other way (``secret-store`` skips the placeholders).
        charts: the project's own components: name -> ``{groups, repository, chart, version, namespace}``.
        rgd_groups: API groups served by hand-written kro RGDs listed in ``crds`` -> the file (kro serves
            them once that RGD is applied; no operator to install, but kro is needed where they are used).
    """

    enabled: bool = True
    versions: Mapping[str, str] = field(default_factory=dict)
    skip: tuple[str, ...] = ()
    charts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    rgd_groups: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NotifySettings:
    """Notifications (off unless configured): see ``[tool.kro-gen.notifications]``.

    Attributes:
        recipient: Argo CD subscription recipient; Flux Provider channel.
        argocd_service: the argocd-notifications service (``slack``, ``teams``, ``webhook.<name>``...).
        flux_provider: the Flux Provider's ``type``.
        flux_secret: Secret in the Flux namespace the Provider reads (address, token).
        triggers: Argo CD triggers every generated Application subscribes to.
    """

    recipient: str
    argocd_service: str = "slack"
    flux_provider: str = "slack"
    flux_secret: str = "kro-gen-notifications"
    triggers: tuple[str, ...] = ("on-sync-failed", "on-health-degraded")


@dataclass(frozen=True)
class TreeSettings:
    """How the tree is laid out and wired.

    Attributes:
        repo_url: the Git repository Argo CD reads (Flux reads the one it was bootstrapped from).
        revision: branch, tag or commit Argo CD tracks; the branch the README bootstraps Flux with.
        output_dir: path of the tree inside the repository.
        wiring: which GitOps tools get wiring: any of ``argocd`` and ``flux``.
        argocd_namespace: namespace Argo CD runs in (Applications and the AppProject live there).
        argocd_project: name of the generated AppProject.
        flux_namespace: namespace of the Flux controllers (the Kustomizations live there).
        tool_version: kro-gen's version, recorded in the ownership index only.
        create_namespaces: emit a Namespace object per environment namespace.
        kro_namespace: namespace kro runs in; the destination namespace of the Argo CD RGD Applications,
            which only apply cluster-scoped RGDs but need a permitted destination.
        flux_source_name: the Flux GitRepository every Kustomization reads: by default the one
            ``flux bootstrap`` creates, which carries the repository's credentials.
        config_source: what the wiring files were generated from (named in their header).
        infrastructure: the phase-0 layer (kro, operators, secret-store placeholders).
        notifications: Argo CD subscriptions and a Flux Provider and Alert; ``None``: none.
    """

    repo_url: str
    revision: str
    output_dir: str = "gitops"
    wiring: tuple[str, ...] = ("argocd", "flux")
    argocd_namespace: str = "argocd"
    argocd_project: str = "kro-gen"
    flux_namespace: str = "flux-system"
    tool_version: str = "0.1.0"
    create_namespaces: bool = True
    kro_namespace: str = "kro-system"
    flux_source_name: str = "flux-system"
    config_source: str = "pyproject.toml"
    infrastructure: InfraSettings = field(default_factory=InfraSettings)
    notifications: NotifySettings | None = None

    @property
    def repo_dir(self) -> str:
        """``output_dir`` normalised: no leading ``./``, no trailing slash (``.`` for the repo root)."""
        return posixpath.normpath(self.output_dir.strip() or ".")

    def repo_path(self, relative: str) -> str:
        """The repository path of ``relative`` (a path inside the output dir)."""
        return relative if self.repo_dir == "." else f"{self.repo_dir}/{relative}"


def check_relative_path(path: str) -> None:
    """Raise unless ``path`` is a normalised, relative POSIX path that stays inside the output dir."""
    normal = posixpath.normpath(path)
    bad = (
        not path
        or path != normal
        or path.startswith("/")
        or "\\" in path
        or normal == "."
        or normal.split("/")[0] in ("..", STATE_DIR)
    )
    if bad:
        raise ValidationError(
            f"tree path {path!r} is not a normalised relative path inside the output dir",
            location=Location(file=path),
            hint=f"use forward slashes, no '..', and nothing under {STATE_DIR}/",
            rule="tree-path",
        )


@dataclass(frozen=True)
class TreePlan:
    """The desired tree: path (relative to the output dir) -> file text, sorted by path.

    Attributes:
        files: read-only mapping, sorted by path.
        tool_version: kro-gen's version, written into the ownership index.
        warnings: what the tree cannot provide (e.g. the operator of an API group kro-gen does not know),
            one line each, for ``generate`` to print.
    """

    files: Mapping[str, str]
    tool_version: str = "0.1.0"
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for path in self.files:
            check_relative_path(path)
        object.__setattr__(self, "files", MappingProxyType(dict(sorted(self.files.items()))))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TreePlan):
            return NotImplemented
        return dict(self.files) == dict(other.files) and self.tool_version == other.tool_version

    def __hash__(self) -> int:
        return hash((tuple(self.files.items()), self.tool_version))
