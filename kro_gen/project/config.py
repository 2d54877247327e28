"""The ``[tool.kro-gen]`` table of ``pyproject.toml``: where things live, environments, wiring.

Every key has a default, so a project needs no configuration at all beyond a ``definitions/``
folder; a bad value is a :class:`~kro_gen.errors.ConfigError` naming the key and the file::

    [tool.kro-gen]
    definitions = "definitions"      # folder of *.py files defining ResourceGraph objects
    output = "gitops"                # the generated GitOps tree (kro-gen owns only files it wrote)
    repo_url = "https://github.com/acme/platform.git"   # default: the git remote 'origin'
    revision = "main"                # branch/tag Argo CD and Flux read
    wiring = ["argocd", "flux"]      # which GitOps wiring to emit ([] = none)
    crds = ["crds/cert-manager.yaml"]   # extra CRDs that templates may use
    kubernetes_version = "1.33"      # schemas to validate manifests against
    definition_timeout = 60          # seconds a definition file may take to load, and its graphs to build
    lock_timeout = 300               # seconds to wait for another kro-gen run on the same tree
    jobs = 4                         # processes for large fleets (default: $KRO_GEN_JOBS, else the CPUs)

    [tool.kro-gen.infrastructure]    # phase 0: kro and the operators the graphs need
    enabled = true                   # false: the clusters already run them
    versions = {external-secrets = "0.19.1"}   # pin chart versions per component
    skip = ["secret-store"]          # components installed some other way
    [tool.kro-gen.infrastructure.charts.my-operator]   # an operator the catalog does not know
    groups = ["example.io"]
    repository = "https://charts.example.io"
    chart = "my-operator"
    version = "1.2.3"

    [tool.kro-gen.notifications]     # off by default
    enabled = true
    recipient = "deployments"        # Argo CD subscription recipient and Flux Provider channel
    argocd_service = "slack"         # a service of argocd-notifications-cm
    flux_provider = "slack"          # the Flux Provider's type
    flux_secret = "kro-gen-notifications"   # Secret in the Flux namespace (address, token)
    triggers = ["on-sync-failed", "on-health-degraded"]   # Argo CD triggers subscribed to

    [[tool.kro-gen.environments]]
    name = "production"              # DNS label, unique
    cluster = "prod"                 # Argo CD destination name / Flux cluster folder (default: name)
    namespace = "production"         # namespace of the instances (default: name)
    mode = "kro"                     # kro: instance CRs + RGDs; direct: plain manifests
    flux_service_account = "production-deployer"   # Flux: the Kustomization impersonates it
    sync_windows = [{kind = "deny", schedule = "0 22 * * *", duration = "8h", time_zone = "Europe/Berlin"}]
    resources = ["secrets/db.sealed.yaml"]   # your own files, listed in its kustomization, never owned
    sops = true                      # Flux: decryption: {provider: sops}
    sops_secret = "sops-age"         # Flux: the Secret holding the SOPS key (secretRef)

Without ``environments``, every environment a definition declares an instance for becomes one
environment with cluster and namespace equal to its name, in ``kro`` mode.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from kro_gen.errors import ConfigError, Location

PYPROJECT = "pyproject.toml"
TABLE = "tool.kro-gen"

Mode = Literal["kro", "direct"]
Wiring = Literal["argocd", "flux"]

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_K8S_VERSION = re.compile(r"^1\.[0-9]{1,2}$")


def _dns_label(value: str, what: str) -> str:
    if not _DNS_LABEL.match(value):
        raise ValueError(
            f"{what} {value!r} is not a DNS label (lowercase letters, digits and '-', at most 63 characters)"
        )
    return value


def _relative_path(value: str, what: str) -> str:
    path = PurePosixPath(value)
    if not value or path.is_absolute() or ".." in path.parts or str(path) == ".":
        raise ValueError(f"{what} {value!r} must be a folder inside the project, relative to pyproject.toml")
    return str(path)


_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,?-]+$")
_DURATION = re.compile(r"^([0-9]+(\.[0-9]+)?(h|m|s))+$")


class SyncWindow(BaseModel):
    """An Argo CD sync window of one environment's Application (``AppProject.spec.syncWindows``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["allow", "deny"]
    schedule: str
    duration: str
    manual_sync: bool = False
    time_zone: str = ""

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        fields = value.split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(field) for field in fields):
            raise ValueError(f"schedule {value!r} is not a five-field cron expression such as '0 22 * * *'")
        return value

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        if not _DURATION.match(value):
            raise ValueError(f"duration {value!r} is not a duration such as '1h', '30m' or '1h30m'")
        return value

    def argocd(self) -> dict[str, Any]:
        """The ``syncWindows`` entry of the AppProject (without ``applications``: the wiring names them)."""
        window: dict[str, Any] = {"kind": self.kind, "schedule": self.schedule, "duration": self.duration}
        if self.manual_sync:
            window["manualSync"] = True
        if self.time_zone:
            window["timeZone"] = self.time_zone
        return window


class Environment(BaseModel):
    """One environment: where its instances go and how they are rendered.

    ``flux_service_account`` (Flux): the ServiceAccount, in the Flux namespace, that the environment's
    Kustomization impersonates (tenant isolation). ``sync_windows`` (Argo CD): when its Application may
    sync. ``resources``: user-owned files in the environment's folder (paths relative to it, such as
    ``secrets/db.sealed.yaml``: a SealedSecret or a SOPS-encrypted Secret) that its
    ``kustomization.yaml`` lists; kro-gen never writes, owns or deletes them. ``sops`` (Flux): the
    environment's Kustomization decrypts SOPS files (``decryption: {provider: sops}``), with the key in
    the Secret ``sops_secret`` of the Flux namespace when set.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    cluster: str = ""
    namespace: str = ""
    mode: Mode = "kro"
    flux_service_account: str = ""
    sync_windows: tuple[SyncWindow, ...] = ()
    resources: tuple[str, ...] = ()
    sops: bool = False
    sops_secret: str = ""

    @field_validator("resources")
    @classmethod
    def _resources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for path in value:
            parts = path.split("/")
            if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
                raise ValueError(
                    f"resources entry {path!r} must be a relative path inside the environment folder "
                    "(no leading '/', no '.' or '..' parts), such as 'secrets/db.sealed.yaml'"
                )
            if not path.endswith((".yaml", ".yml")):
                raise ValueError(f"resources entry {path!r} must be a .yaml or .yml file")
        if len(set(value)) != len(value):
            raise ValueError("resources lists a file twice")
        return value

    @field_validator("sops_secret")
    @classmethod
    def _sops_secret(cls, value: str) -> str:
        return _dns_label(value, "sops_secret") if value else value

    @field_validator("flux_service_account")
    @classmethod
    def _service_account(cls, value: str) -> str:
        return _dns_label(value, "flux_service_account") if value else value

    @field_validator("name", "cluster", "namespace")
    @classmethod
    def _labels(cls, value: str, info: ValidationInfo) -> str:
        what = "environment name" if info.field_name == "name" else str(info.field_name)
        return _dns_label(value, what)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        # cluster and namespace default to the environment's name.
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            data = {"cluster": data["name"], "namespace": data["name"], **data}
        return data


class Chart(BaseModel):
    """A Helm chart the project adds to the infrastructure layer (an operator the catalog lacks)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    groups: tuple[str, ...]
    repository: str
    chart: str
    version: str
    namespace: str = ""

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str) -> str:
        if not re.match(r"^(https?|oci)://", value):
            raise ValueError(f"repository {value!r} is not an https:// Helm repository or an oci:// registry")
        return value


class Infrastructure(BaseModel):
    """``[tool.kro-gen.infrastructure]``: the phase-0 layer (kro and operators, before the RGDs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    versions: dict[str, str] = Field(default_factory=dict)
    skip: tuple[str, ...] = ()
    charts: dict[str, Chart] = Field(default_factory=dict)

    @field_validator("charts")
    @classmethod
    def _chart_names(cls, value: dict[str, Chart]) -> dict[str, Chart]:
        for name in value:
            _dns_label(name, "chart name")
        return value


#: ``Provider.spec.type`` values of Flux notification-controller v1.9 (v1beta3).
FLUX_PROVIDERS = (
    "alertmanager azuredevops azureeventhub bitbucket bitbucketserver datadog discord generic generic-hmac "
    "gitea giteapullrequestcomment github githubdispatch githubpullrequestcomment gitlab "
    "gitlabmergerequestcomment googlechat googlepubsub grafana lark matrix msteams nats opsgenie otel "
    "pagerduty rocket sentry slack telegram webex zulip"
).split()
_TRIGGER = re.compile(r"^on-[a-z0-9-]+$")
_SERVICE = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


class Notifications(BaseModel):
    """``[tool.kro-gen.notifications]``: sync failures and degraded health, to a chat or a webhook.

    Argo CD: each generated Application subscribes ``recipient`` to ``triggers`` on ``argocd_service``
    (the triggers and the service are configured in ``argocd-notifications-cm``). Flux: per cluster a
    Provider of type ``flux_provider`` (channel ``recipient``, Secret ``flux_secret``) and an Alert on
    every Kustomization and HelmRelease at severity error.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    recipient: str = ""
    argocd_service: str = "slack"
    flux_provider: str = "slack"
    flux_secret: str = "kro-gen-notifications"
    triggers: tuple[str, ...] = ("on-sync-failed", "on-health-degraded")

    @field_validator("flux_provider")
    @classmethod
    def _provider(cls, value: str) -> str:
        if value not in FLUX_PROVIDERS:
            close = difflib.get_close_matches(value, FLUX_PROVIDERS, 1)
            more = f"did you mean {close[0]!r}?" if close else f"one of {', '.join(FLUX_PROVIDERS)}"
            raise ValueError(f"flux_provider {value!r} is not a Flux Provider type ({more})")
        return value

    @field_validator("flux_secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        return _dns_label(value, "flux_secret")

    @field_validator("argocd_service")
    @classmethod
    def _service(cls, value: str) -> str:
        if not _SERVICE.match(value):
            raise ValueError(
                f"argocd_service {value!r} is not a service name such as 'slack' or 'webhook.ops'"
            )
        return value

    @field_validator("triggers")
    @classmethod
    def _triggers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("triggers is empty; list at least one, e.g. 'on-sync-failed'")
        for trigger in value:
            if not _TRIGGER.match(trigger):
                raise ValueError(
                    f"trigger {trigger!r} is not an Argo CD trigger name such as 'on-sync-failed'"
                )
        return value

    @model_validator(mode="after")
    def _recipient(self) -> Notifications:
        if self.enabled and not self.recipient.strip():
            raise ValueError(
                "recipient is required when notifications are enabled (a channel, e.g. 'deployments')"
            )
        return self


class ProjectConfig(BaseModel):
    """The resolved project configuration (paths are relative to :attr:`root`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    root: Path = Field(exclude=True)
    pyproject: Path | None = Field(default=None, exclude=True)
    definitions: str = "definitions"
    output: str = "gitops"
    repo_url: str | None = None
    revision: str = "main"
    wiring: tuple[Wiring, ...] = ("argocd", "flux")
    environments: tuple[Environment, ...] | None = None
    crds: tuple[str, ...] = ()
    kubernetes_version: str | None = None
    definition_timeout: float = Field(60.0, gt=0)
    lock_timeout: float = Field(300.0, ge=0)
    jobs: int | None = Field(None, ge=1)
    infrastructure: Infrastructure = Field(default_factory=Infrastructure)
    notifications: Notifications = Field(default_factory=Notifications)

    @field_validator("definitions", "output")
    @classmethod
    def _folders(cls, value: str, info: ValidationInfo) -> str:
        return _relative_path(value, str(info.field_name))

    @field_validator("revision")
    @classmethod
    def _revision(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("revision must name a branch, tag or commit")
        return value

    @field_validator("repo_url")
    @classmethod
    def _repo_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(https?|ssh|git)://|^[\w.-]+@[\w.-]+:", value):
            raise ValueError(f"repo_url {value!r} is not an http(s), ssh or git URL")
        return value

    @field_validator("wiring")
    @classmethod
    def _wiring(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("wiring lists the same tool twice")
        return tuple(sorted(value))

    @field_validator("kubernetes_version")
    @classmethod
    def _kubernetes_version(cls, value: str | None) -> str | None:
        if value is not None and not _K8S_VERSION.match(value):
            raise ValueError(f"kubernetes_version {value!r} is not a minor version such as '1.33'")
        return value

    @field_validator("environments")
    @classmethod
    def _unique_environments(cls, value: tuple[Environment, ...] | None) -> tuple[Environment, ...] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("environments is empty; remove the key to infer environments from the instances")
        seen: set[str] = set()
        for environment in value:
            if environment.name in seen:
                raise ValueError(f"environment {environment.name!r} is listed twice")
            seen.add(environment.name)
        return value

    @model_validator(mode="after")
    def _distinct_folders(self) -> ProjectConfig:
        definitions, output = PurePosixPath(self.definitions), PurePosixPath(self.output)
        if definitions == output or output in definitions.parents or definitions in output.parents:
            raise ValueError(
                f"definitions {self.definitions!r} and output {self.output!r} must be separate folders"
            )
        return self

    # -- derived paths -------------------------------------------------------------------------
    @property
    def definitions_dir(self) -> Path:
        """Absolute path of the definitions folder."""
        return self.root / self.definitions

    @property
    def output_dir(self) -> Path:
        """Absolute path of the generated GitOps tree."""
        return self.root / self.output

    @property
    def crd_paths(self) -> list[Path]:
        """Absolute paths of the extra CRD files."""
        return [self.root / crd for crd in self.crds]

    def location(self) -> Location:
        """The config file, for error messages."""
        return Location(file=str(self.pyproject) if self.pyproject else None, path=TABLE)

    def resolve_environments(self, declared: list[str]) -> tuple[Environment, ...]:
        """The configured environments, or (when none are configured) one per ``declared`` name."""
        if self.environments is not None:
            return self.environments
        try:
            return tuple(Environment(name=name) for name in sorted(set(declared)))
        except ValueError as error:
            raise ConfigError(
                f"an instance declares an environment that is not a DNS label: {error}",
                location=self.location(),
                hint="rename the environment in the .instance(...) call",
                rule="config-environment",
            ) from None

    def environment(self, name: str) -> Environment | None:
        """The configured environment called ``name``, if any."""
        return next((env for env in self.environments or () if env.name == name), None)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / PYPROJECT
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path) -> ProjectConfig:
    """Read ``[tool.kro-gen]`` from the nearest ``pyproject.toml`` at or above ``start``.

    A pyproject without the table gives the defaults. Raises :class:`ConfigError` naming the key
    and the file when a value is wrong, and when no pyproject.toml exists.
    """
    import tomllib

    pyproject = find_pyproject(start)
    if pyproject is None:
        raise ConfigError(
            f"no {PYPROJECT} in {start} or any folder above it",
            hint="run 'kro-gen init' to create a project, or pass --project DIR",
            rule="config-missing",
        )
    shown = _display(pyproject)
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read {PYPROJECT}: {error}", location=Location(file=shown), rule="config-syntax"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(error, shown) from None
    table = document.get("tool", {}).get("kro-gen", {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"[{TABLE}] must be a table", location=Location(file=shown, path=TABLE), rule="config-type"
        )
    config = _validate(table, pyproject.parent, shown)
    _check_folders(config, shown)
    for index, crd in enumerate(config.crds):
        if not (config.root / crd).is_file():
            raise ConfigError(
                f"CRD file {crd!r} does not exist",
                location=Location(file=shown, path=f"{TABLE}.crds[{index}]"),
                hint="give a path relative to pyproject.toml",
                rule="config-crds",
            )
    return config


def _check_folders(config: ProjectConfig, shown: str) -> None:
    """Refuse an output or definitions folder that is (or lies below) a file, before any work is done."""
    for key in ("output", "definitions"):
        folder = PurePosixPath(getattr(config, key))
        for part in [folder, *folder.parents][:-1]:
            if (config.root / part).exists() and not (config.root / part).is_dir():
                raise ConfigError(
                    f"{key} {str(folder)!r} cannot be a folder: {part} is a file",
                    location=Location(file=shown, path=f"{TABLE}.{key}"),
                    hint=f"move {part} away, or set {key} to another folder",
                    rule="config-value",
                )


def _toml_error(error: ValueError, shown: str) -> ConfigError:
    """A TOML syntax error at ``pyproject.toml:<line>`` (tomllib puts the place in its message)."""
    text = str(error)
    place = re.search(r" \(at line (\d+), column (\d+)\)$", text)
    if place is not None:
        text = f"{text[: place.start()]} at column {place.group(2)}"
        shown = f"{shown}:{place.group(1)}"
    return ConfigError(
        f"cannot read {PYPROJECT}: it is not valid TOML: {text}",
        location=Location(file=shown),
        hint='fix the TOML at that line (strings need quotes: revision = "main")',
        rule="config-syntax",
    )


def _validate(table: dict[str, Any], root: Path, shown: str) -> ProjectConfig:
    from pydantic import ValidationError

    try:
        return ProjectConfig(root=root, pyproject=Path(shown), **table)
    except ValidationError as error:
        first = error.errors()[0]
        raise _config_error(first, table, shown, len(error.errors()) - 1) from None
    except TypeError as error:  # a key that collides with a constructor argument (root, pyproject)
        raise ConfigError(str(error), location=Location(file=shown, path=TABLE), rule="config-key") from None


def _config_error(detail: Any, table: dict[str, Any], shown: str, more: int) -> ConfigError:
    loc = [part for part in detail["loc"] if part not in ("function-after", "tagged-union")]
    key = TABLE + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    if detail["type"] == "extra_forbidden":
        tables: dict[str, type[BaseModel]] = {
            "environments": Environment,
            "sync_windows": SyncWindow,
            "infrastructure": Infrastructure,
            "charts": Chart,
            "notifications": Notifications,
        }
        parent = next((tables[str(p)] for p in reversed(loc[:-1]) if str(p) in tables), ProjectConfig)
        known = parent.model_fields
        keys = [k for k in known if k not in ("root", "pyproject")]
        close = difflib.get_close_matches(str(loc[-1]), keys, 1)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys are {', '.join(keys)}"
        return ConfigError(
            f"unknown key {loc[-1]!r}{suffix}",
            location=Location(file=shown, path=key),
            hint=hint,
            rule="config-key",
        )
    message = str(detail["msg"]).removeprefix("Value error, ")
    value_hint = next((_HINTS[str(part)] for part in reversed(loc) if str(part) in _HINTS), None)
    if "listed twice" in message:
        value_hint = "give each environment its own name, or remove the second table"
    return ConfigError(
        f"{message}{suffix}", location=Location(file=shown, path=key), hint=value_hint, rule="config-value"
    )


_LABEL_HINT = (
    "use lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. 'team-a'"
)
_HINTS = {
    "wiring": 'use a list of "argocd" and "flux", e.g. wiring = ["argocd"]',
    "environments": "write [[tool.kro-gen.environments]] tables with name, cluster, namespace and mode",
    "mode": 'use "kro" or "direct"',
    "name": _LABEL_HINT,
    "cluster": _LABEL_HINT,
    "namespace": _LABEL_HINT,
    "output": 'a folder below the folder of pyproject.toml, e.g. output = "gitops"',
    "definitions": 'a folder below the folder of pyproject.toml, e.g. definitions = "definitions"',
    "definition_timeout": "a number of seconds, e.g. definition_timeout = 120",
    "lock_timeout": "a number of seconds, e.g. lock_timeout = 600 (0: fail at once when the tree is locked)",
    "jobs": "a number of processes, at least 1, e.g. jobs = 4",
}


def _display(path: Path) -> str:
    from kro_gen.graph.resource import display_path

    return display_path(str(path))
