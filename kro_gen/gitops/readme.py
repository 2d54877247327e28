"""The generated ``README.md`` of the tree: what runs where, the layout, how to bootstrap, the diagrams."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from kro_gen.emit.mermaid import graph_mermaid
from kro_gen.gitops import annotations as ann
from kro_gen.gitops import layout, topology
from kro_gen.gitops.argocd import (
    BOOTSTRAP_DIR,
    HEALTH_COMPONENT_DIR,
    HEALTH_VALUES_FILE,
    apps,
    needs_rgds_application,
    rgds_owner,
)
from kro_gen.gitops.flux import CLUSTERS_DIR, git_url
from kro_gen.gitops.infrastructure import SECRET_STORE_DIR, ClusterInfrastructure
from kro_gen.gitops.model import STATE_DIR, EnvironmentArtifact, GraphArtifact, TreeSettings
from kro_gen.gitops.notifications import NAME as NOTIFY_NAME
from kro_gen.gitops.rollout import Rollout
from kro_gen.gitops.rollout_text import README_PHASE_LIMIT, TOOL_NAMES, render_rollout


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows)
    return lines


def tree_lines(paths: Iterable[str], root: str) -> list[str]:
    """An ASCII tree (``├──``/``└──``) of ``paths`` under ``root``, folders before files, sorted."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for part in path.split("/"):
            node = node.setdefault(part, {})
    lines = [root + "/"]

    def walk(node: dict[str, Any], prefix: str) -> None:
        entries = sorted(node.items(), key=lambda item: (not item[1], item[0]))
        for index, (name, child) in enumerate(entries):
            last = index == len(entries) - 1
            lines.append(f"{prefix}{'└── ' if last else '├── '}{name}{'/' if child else ''}")
            walk(child, prefix + ("    " if last else "│   "))

    walk(tree, "")
    return lines


def _environments(environments: Sequence[EnvironmentArtifact]) -> list[str]:
    rows = []
    for env in sorted(environments, key=lambda e: e.target.name):
        graphs = sorted({doc.graph for doc in env.documents})
        target = env.target
        rows.append((target.name, target.cluster, target.namespace, target.mode, ", ".join(graphs) or "-"))
    return _table(("environment", "cluster", "namespace", "mode", "graphs"), rows)


def _graphs(graphs: Sequence[GraphArtifact], environments: Sequence[EnvironmentArtifact]) -> list[str]:
    max_depth = max((graph.depth for graph in graphs), default=0)
    rows = []
    deployed_in: dict[str, list[str]] = {}  # graph -> environments with a document of it (one pass)
    for env in environments:
        for name in {d.graph for d in env.documents}:
            deployed_in.setdefault(name, []).append(env.target.name)
    for graph in sorted(graphs, key=lambda g: g.name):
        envs = sorted(deployed_in.get(graph.name, ()))
        rows.append(
            (
                f"`{graph.name}`",
                f"`{graph.api_version}` {graph.kind}",
                graph.scope,
                str(graph.depth),
                str(ann.rgd_wave(graph.depth, max_depth)),
                f"`{graph.source}`",
                ", ".join(envs) or "-",
            )
        )
    return _table(("graph", "API", "scope", "depth", "RGD wave", "source", "environments"), rows)


def _infrastructure(settings: TreeSettings, infrastructure: Sequence[ClusterInfrastructure]) -> list[str]:
    lines = ["## Infrastructure (phase 0)", ""]
    if not settings.infrastructure.enabled:
        return [
            *lines,
            "Disabled (`[tool.kro-gen.infrastructure] enabled = false`): install kro on every cluster that "
            "runs a kro environment, and the operator of every API group below, before syncing the tree.",
            "",
            *_hand_written(infrastructure),
            *_unknown(infrastructure),
        ]
    rows = [
        (
            f"`{infra.cluster}`",
            f"`{c.name}`",
            f"`{c.version}`",
            f"`{c.repository}` `{c.chart}`",
            f"`{c.namespace}`",
        )
        for infra in infrastructure
        for c in infra.components
    ]
    lines += [
        "Installed before the RGDs (Argo CD: `kro-infra-<component>-<cluster>` Applications of the upstream "
        "Helm charts, wave -2, so the root waits for them to be Healthy; Flux: `kro-infra-<component>` "
        "Kustomizations of a HelmRepository and a HelmRelease, which `kro-rgds` and the environments "
        '`dependsOn`). Pin versions with `[tool.kro-gen.infrastructure] versions = {<component> = "..."}`, '
        "skip what you install some other way with `skip = [...]`, or turn the layer off with "
        "`enabled = false`.",
        "",
    ]
    lines += _table(("cluster", "component", "version", "chart", "namespace"), rows) if rows else ["(none)"]
    stores = [(infra.cluster, store) for infra in infrastructure for store in infra.secret_stores]
    if stores:
        lines += [
            "",
            "ClusterSecretStore placeholders (ESO's `fake` provider with placeholder values, in "
            f"`{settings.repo_path(SECRET_STORE_DIR)}/<cluster>/`): replace them with your provider "
            '(or `skip = ["secret-store"]` when the stores are managed elsewhere): '
            + ", ".join(f"`{store.name}` on `{cluster}`" for cluster, store in stores)
            + ".",
        ]
    return [*lines, "", *_hand_written(infrastructure), *_unknown(infrastructure)]


def _hand_written(infrastructure: Sequence[ClusterInfrastructure]) -> list[str]:
    used = sorted({(g, f, i.cluster) for i in infrastructure for g, f in i.hand_written})
    if not used:
        return []
    return [
        "### Hand-written RGDs this tree uses",
        "",
        "These API groups are kinds of hand-written kro RGDs (listed in `crds`), which kro-gen checks "
        "against but does not copy into the tree: apply each RGD to the cluster before this tree's RGDs "
        "(kro retries a graph whose kinds are missing, so a late RGD delays convergence, no more):",
        "",
        *(f"- `{group}` from `{file}` on `{cluster}`" for group, file, cluster in used),
        "",
    ]


def _unknown(infrastructure: Sequence[ClusterInfrastructure]) -> list[str]:
    unknown = sorted({(g, i.cluster) for i in infrastructure for g in i.unknown_groups})
    if not unknown:
        return []
    return [
        "### Operators kro-gen does not know",
        "",
        "These API groups are used but no known chart serves them: install their operators before the "
        "RGDs, or name a chart in `[tool.kro-gen.infrastructure.charts.<name>]`:",
        "",
        *(f"- `{group}` on `{cluster}`" for group, cluster in unknown),
        "",
    ]


def _argocd(settings: TreeSettings, clusters: Sequence[topology.Cluster]) -> list[str]:
    first = (
        "1. Register each cluster in Argo CD under the name in the table above (kro and the operators are "
        "installed by the tree, see Infrastructure)."
        if settings.infrastructure.enabled
        else "1. Install kro on every cluster that runs a kro environment, and register each cluster in "
        "Argo CD under the name in the table above."
    )
    lines = [
        "### Argo CD",
        "",
        first,
        "2. Add the health checks to `argocd-cm` with the Argo CD installation, declaratively: where "
        "Argo CD is installed with kustomize, add the Component to its kustomization.yaml "
        f"(`components: [{settings.repo_path(HEALTH_COMPONENT_DIR)}]`, as a relative path or a remote URL); "
        "where it is installed with the argo-cd Helm chart, pass "
        f"`-f {settings.repo_path(HEALTH_VALUES_FILE)}` (it sets `configs.cm`). Argo CD 3.6 and later "
        "ship checks for group `kro.run` (RGDs and instances in that group), but not for instances of "
        "your own API group, so keep these: they name every generated kind.",
        f"3. Apply the root Application and its AppProject once: `kubectl apply -k "
        f"{settings.repo_path(BOOTSTRAP_DIR)}` (from a checkout of this repository; for a private "
        "repository first give Argo CD its credentials, e.g. `argocd repo add "
        f"{settings.repo_url} --username <user> --password <token>`). The root Application is in its own "
        f"AppProject `{apps.root_project_name(settings)}`, which may only create Applications and "
        f"AppProjects in `{settings.argocd_namespace}`. It syncs `{settings.repo_path('argocd/apps')}`: "
        f"the AppProjects `{settings.argocd_project}` and `{apps.infra_project(settings)}` (wave -3), the "
        "infrastructure Applications (wave -2) and one `kro-env-<environment>` Application per "
        "environment (wave 1, the same for every environment: environments never wait for each other).",
        "",
    ]
    windowed = sorted(
        {env.target.name for c in clusters for env in c.environments if env.target.sync_windows}
    )
    if windowed:
        lines += [
            f"Sync windows (in the AppProject `{settings.argocd_project}`, from `sync_windows` in the "
            "configuration) limit when "
            + ", ".join(f"`{apps.env_app_name(env)}`" for env in windowed)
            + " may sync.",
            "",
        ]
    owners = [(c.name, owner.target.name) for c in clusters if (owner := rgds_owner(c)) is not None]
    shared = [c for c in clusters if needs_rgds_application(c)]
    if not owners and not shared:
        return lines
    if owners:
        lines += [
            "Where a cluster has one kro environment, that environment's Application syncs two sources, "
            f"`{settings.repo_path(layout.RGD_DIR)}` and its own folder, so every sync applies the RGDs "
            "(negative waves), waits until kro reports them Ready, and only then applies the instances "
            "(wave 1 and later): "
            + ", ".join(f"`{apps.env_app_name(env)}` on `{cluster}`" for cluster, env in owners)
            + ".",
            "",
        ]
    if shared:
        lines += [
            "Where kro environments share a cluster, the RGDs (cluster-scoped, so they need one owner) "
            "have an Application of their own (wave -1): "
            + ", ".join(f"`{apps.rgds_app_name(c.name)}`" for c in shared)
            + ". Waves between Applications order only the root's sync: on later commits an instance may "
            "be applied before kro has regenerated its CRD, and then relies on "
            "`SkipDryRunOnMissingResource`, retry with backoff, self-heal (the API server dropped the new "
            "fields, so the instance is OutOfSync and is applied again) and kro's re-reconcile. Merge a "
            "schema change before the instance changes that use it.",
            "",
        ]
    lines += [
        "When a kro environment joins or leaves a cluster, the RGDs move to another Application, and "
        "`FailOnSharedResource` stops the new owner until the live RGDs lose the old owner's tracking "
        "annotation: once the old owner no longer lists them, run `kubectl annotate "
        "resourcegraphdefinitions.kro.run --all argocd.argoproj.io/tracking-id-` on that cluster (and "
        "never confirm the old owner's prune of the RGDs).",
        "",
    ]
    return lines


def _flux(settings: TreeSettings, clusters: Sequence[topology.Cluster]) -> list[str]:
    lines = [
        "### Flux",
        "",
        "Bootstrap Flux with each cluster's folder, with kubectl's current context on that cluster (or "
        "`--context=<context>`); the tree installs kro and the operators first (see Infrastructure):"
        if settings.infrastructure.enabled
        else "Install kro on every cluster that runs a kro environment, then bootstrap Flux with its folder:",
        "",
    ]
    lines += _flux_bootstrap(settings, clusters)
    lines += [
        "",
        "`kro-rgds` applies the RGDs and waits until kro reports them Ready; the `kro-env-<environment>` "
        "Kustomizations of kro environments depend on it. Every Kustomization reads the "
        f"`{settings.flux_source_name}` GitRepository that `flux bootstrap` creates (with the repository's "
        "credentials). `flux-system/` is written by `flux bootstrap` and is never touched by kro-gen.",
        "",
    ]
    tenants = [
        (env.target.name, env.target.flux_service_account)
        for cluster in clusters
        for env in cluster.environments
        if env.target.flux_service_account
    ]
    if tenants:
        lines += [
            "Environments whose Kustomization impersonates a ServiceAccount (`serviceAccountName`; create it "
            f"in `{settings.flux_namespace}` with RBAC for what the environment applies, before it syncs): "
            + ", ".join(f"`{apps.env_app_name(env)}` as `{account}`" for env, account in tenants)
            + ".",
            "",
        ]
    return lines


def _repo_parts(url: str) -> tuple[str, str] | None:
    """``(host, path)`` of an https or ssh repository URL (path without a leading slash), else ``None``."""
    match = re.fullmatch(r"(?:https?|ssh)://(?:[^@/]+@)?([^/:]+)(?::\d+)?/(.+)", git_url(url))
    return None if match is None else (match[1], match[2])


def _flux_bootstrap(settings: TreeSettings, clusters: Sequence[topology.Cluster]) -> list[str]:
    """``flux bootstrap`` per cluster, with a token over HTTPS (GitHub: ``bootstrap github``) and with SSH."""
    url = git_url(settings.repo_url)
    parts = _repo_parts(url)
    paths = [settings.repo_path(f"{CLUSTERS_DIR}/{cluster.name}") for cluster in clusters]
    branch = f"--branch={settings.revision}"
    lines: list[str] = []
    if parts is not None and parts[0] == "github.com" and parts[1].count("/") == 1:
        owner, repository = parts[1].removesuffix(".git").split("/")
        lines += [
            "With a GitHub token (HTTPS; add `--personal` when the owner is a user, not an organisation):",
            "",
            "```sh",
            "export GITHUB_TOKEN=<token with repository read/write>",
            *(
                f"flux bootstrap github --token-auth --owner={owner} --repository={repository} {branch} "
                f"--path={path}"
                for path in paths
            ),
            "```",
            "",
        ]
    elif parts is not None:
        https = f"https://{parts[0]}/{parts[1]}"
        lines += [
            "With a token over HTTPS:",
            "",
            "```sh",
            *(
                f'flux bootstrap git --url={https} {branch} --username=git --password="$GIT_TOKEN" '
                f"--token-auth=true --path={path}"
                for path in paths
            ),
            "```",
            "",
        ]
    ssh = url if parts is None else f"ssh://git@{parts[0]}/{parts[1]}"
    lines += [
        "With an SSH deploy key (the URL must be `ssh://`):",
        "",
        "```sh",
        *(
            f"flux bootstrap git --url={ssh} {branch} --private-key-file=<path/to/private.key> --path={path}"
            for path in paths
        ),
        "```",
    ]
    return lines


def _notifications(settings: TreeSettings) -> list[str]:
    notify = settings.notifications
    if notify is None or not settings.wiring:
        return []
    lines = ["## Notifications", ""]
    if "argocd" in settings.wiring:
        lines.append(
            f"- Argo CD: every generated Application subscribes `{notify.recipient}` on service "
            f"`{notify.argocd_service}` to " + ", ".join(f"`{t}`" for t in notify.triggers) + ". Define the "
            "service, and the triggers and templates (the argocd-notifications catalog has these), in "
            "`argocd-notifications-cm` of the Argo CD installation."
        )
    if "flux" in settings.wiring:
        lines.append(
            f"- Flux: each cluster folder has a Provider `{NOTIFY_NAME}` (type `{notify.flux_provider}`, "
            f"channel `{notify.recipient}`) and an Alert on every Kustomization and HelmRelease at severity "
            f"error. Create the Secret `{notify.flux_secret}` in `{settings.flux_namespace}` with the "
            "Provider's `address` (and `token` where the type needs one) before bootstrapping."
        )
    return [*lines, ""]


def _no_wiring() -> list[str]:
    return [
        "No Argo CD or Flux wiring is generated (`wiring = []`). Sync `platform/rgds/` to every cluster "
        "that runs a kro environment and wait until each RGD is Ready before syncing "
        "`environments/<environment>/`; the annotations on every object (waves, sync options) serve "
        "Argo CD and Flux alike.",
        "",
    ]


def _rollouts(rollouts: Sequence[Rollout]) -> list[str]:
    """How a fresh cluster converges, per environment and tool (the rollout model, as `kro-gen rollout`)."""
    if not rollouts:
        return []
    lines = [
        "## How a fresh cluster converges",
        "",
        "Read back from the files above (the same model `kro-gen rollout [ENV] [--tool argocd|flux]` "
        "prints and the tests check): operators first, then the RGDs (kro accepts each graph once the CRDs "
        "of its kinds are served), then the instances, which are Ready only once every resource's "
        "`readyWhen` holds. Environments never wait for each other.",
        "",
    ]
    for rollout in rollouts:
        lines += [
            "<details>",
            f"<summary>{rollout.environment} with {TOOL_NAMES[rollout.tool]}</summary>",
            "",
            "```text",
            render_rollout(rollout, limit=README_PHASE_LIMIT).rstrip("\n"),
            "```",
            "",
            "</details>",
            "",
        ]
    return lines


def _removal(settings: TreeSettings) -> list[str]:
    """What happens in the clusters when a graph or an environment leaves the definitions."""
    argocd, flux = "argocd" in settings.wiring, "flux" in settings.wiring
    lines = [
        "## Removing a graph or an environment",
        "",
        "Removing a graph deletes its RGD file and its instances' files in one commit. That is safe because "
        "no RGD is ever deleted automatically: an RGD deleted before its instances would leave them with a "
        "kro finalizer that no controller removes.",
        "",
    ]
    if argocd:
        lines.append(
            "- Argo CD: the environment Applications prune the instances; the Application that holds the "
            "RGDs (`kro-env-<environment>`, or `kro-rgds-<cluster>` on a shared cluster) then waits for "
            'you to confirm the RGD\'s prune (`Prune=confirm`, "Confirm Pruning"): confirm once the '
            "instances are gone (`kro-env-<environment>` prunes its own instances first and waits until "
            "they are deleted; until you confirm, the later waves of its sync wait too)."
        )
    if flux:
        lines.append(
            "- Flux: the `kro-env-<environment>` Kustomizations prune the instances; RGDs carry "
            "`kustomize.toolkit.fluxcd.io/prune: disabled`, so once the instances are gone delete each "
            "with `kubectl delete resourcegraphdefinition <name>`."
        )
    if not settings.wiring:
        lines.append("- Delete the instances first, then the RGD.")
    lines += [
        "",
        "kro keeps the CRD of a deleted RGD (its default `allowCRDDeletion: false`).",
        "",
        "Removing an environment deletes its folder and its wiring; the Namespace is never pruned.",
        "",
    ]
    if argocd:
        lines.append(
            "- Argo CD: the root Application waits for you to confirm deleting `kro-env-<environment>` "
            "(`Prune=confirm`). That Application has no resources finalizer, so what it deployed stays "
            "in the cluster; to remove it too, run `argocd app delete kro-env-<environment> --cascade` "
            "after the commit."
        )
    if flux:
        lines.append(
            "- Flux: `flux-system` prunes the `kro-env-<environment>` Kustomization, and a deleted "
            "Kustomization with `prune: true` deletes everything it applied."
        )
    if not settings.wiring:
        lines.append("- Delete what it deployed yourself.")
    return [*lines, ""]


def render_readme(
    graphs: Sequence[GraphArtifact],
    environments: Sequence[EnvironmentArtifact],
    settings: TreeSettings,
    paths: Iterable[str],
    infrastructure: Sequence[ClusterInfrastructure] = (),
    rollouts: Sequence[Rollout] = (),
) -> str:
    """The README text; ``paths`` are the tree's files (the README itself included)."""
    clusters = topology.clusters(environments)
    lines = [
        f"<!-- {layout.header([settings.config_source])} -->",
        "# GitOps tree generated by kro-gen",
        "",
        "Do not edit these files: change the definitions and run `kro-gen generate` (CI runs "
        f"`kro-gen generate --check`). `{STATE_DIR}/manifest.json` lists the files kro-gen owns; "
        "any other file here is never modified or deleted.",
        "",
        "## Environments",
        "",
        *_environments(environments),
        "",
        "## Graphs",
        "",
        *_graphs(graphs, environments),
        "",
        "## Layout",
        "",
        "```text",
        *tree_lines([*paths, f"{STATE_DIR}/manifest.json"], settings.repo_dir),
        "```",
        "",
        *(_infrastructure(settings, infrastructure) if settings.wiring else []),
        "## Bootstrap",
        "",
    ]
    if "argocd" in settings.wiring:
        lines += _argocd(settings, clusters)
    if "flux" in settings.wiring:
        lines += _flux(settings, clusters)
    if not settings.wiring:
        lines += _no_wiring()
    lines += _notifications(settings)
    lines += _rollouts(rollouts)
    lines += _removal(settings)
    if graphs:
        lines += ["## Resource graphs", ""]
    for graph in sorted(graphs, key=lambda g: g.name):
        diagram = graph_mermaid(graph.name, graph.dependencies, graph.resource_kinds)
        lines += [
            f"### {graph.name} (`{graph.api_version}` {graph.kind})",
            "",
            "```mermaid",
            diagram.rstrip("\n"),
            "```",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"
