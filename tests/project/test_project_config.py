"""``[tool.kro-gen]``: defaults, the example project's table, and errors that name the key and file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kro_gen.errors import ConfigError
from kro_gen.project.config import Environment, load_config

REPO = Path(__file__).resolve().parents[2]


def write_pyproject(folder: Path, table: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(f'[project]\nname = "demo"\n\n{table}', encoding="utf-8")
    return path


def test_a_pyproject_without_the_table_gets_the_defaults(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "")
    config = load_config(tmp_path)
    assert config.root == tmp_path.resolve()
    assert (config.definitions, config.output, config.revision) == ("definitions", "gitops", "main")
    assert config.wiring == ("argocd", "flux")
    assert config.environments is None
    assert config.repo_url is None
    assert config.definitions_dir == tmp_path.resolve() / "definitions"
    assert config.output_dir == tmp_path.resolve() / "gitops"


def test_the_nearest_pyproject_above_the_start_folder_is_used(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.kro-gen]\noutput = "deploy"\n')
    nested = tmp_path / "definitions" / "sub"
    nested.mkdir(parents=True)
    config = load_config(nested)
    assert config.root == tmp_path.resolve()
    assert config.output == "deploy"


def test_the_repository_example_configures_three_environments_in_both_modes() -> None:
    config = load_config(REPO)
    modes = {env.name: (env.cluster, env.namespace, env.mode) for env in config.environments or ()}
    assert modes == {
        "development": ("dev", "development", "direct"),
        "staging": ("staging", "staging", "kro"),
        "production": ("prod", "production", "kro"),
    }
    assert config.repo_url and config.repo_url.startswith("https://")


def test_environment_cluster_and_namespace_default_to_its_name(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[[tool.kro-gen.environments]]\nname = "qa"\n')
    (env,) = load_config(tmp_path).environments or ()
    assert env == Environment(name="qa", cluster="qa", namespace="qa", mode="kro")


def test_without_environments_they_are_inferred_from_the_instances(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "")
    config = load_config(tmp_path)
    inferred = config.resolve_environments(["prod", "dev", "prod"])
    assert [(e.name, e.cluster, e.namespace, e.mode) for e in inferred] == [
        ("dev", "dev", "dev", "kro"),
        ("prod", "prod", "prod", "kro"),
    ]


def test_an_inferred_environment_that_is_no_dns_label_is_a_config_error(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "")
    with pytest.raises(ConfigError, match="Prod_1"):
        load_config(tmp_path).resolve_environments(["Prod_1"])


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        ('[tool.kro-gen]\noutptu = "x"\n', "tool.kro-gen.outptu", "did you mean 'output'"),
        ('[tool.kro-gen]\nwiring = ["argo"]\n', "tool.kro-gen.wiring[0]", "argocd"),
        ('[tool.kro-gen]\nwiring = ["flux", "flux"]\n', "tool.kro-gen.wiring", "twice"),
        ('[tool.kro-gen]\noutput = "../elsewhere"\n', "tool.kro-gen.output", "inside the project"),
        ('[tool.kro-gen]\noutput = "/abs"\n', "tool.kro-gen.output", "inside the project"),
        ('[tool.kro-gen]\ndefinitions = "gitops"\n', "tool.kro-gen", "separate folders"),
        ('[tool.kro-gen]\nrepo_url = "not a url"\n', "tool.kro-gen.repo_url", "not an http"),
        ('[tool.kro-gen]\nkubernetes_version = "v1.30.2"\n', "tool.kro-gen.kubernetes_version", "1.33"),
        ("[tool.kro-gen]\nenvironments = []\n", "tool.kro-gen.environments", "infer"),
        (
            '[[tool.kro-gen.environments]]\nname = "Prod"\n',
            "tool.kro-gen.environments[0].name",
            "not a DNS label",
        ),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\nmode = "helm"\n',
            "tool.kro-gen.environments[0].mode",
            '"kro" or "direct"',
        ),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\nclustre = "x"\n',
            "tool.kro-gen.environments[0].clustre",
            "did you mean 'cluster'",
        ),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\n[[tool.kro-gen.environments]]\nname = "a"\n',
            "tool.kro-gen.environments",
            "listed twice",
        ),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\n'
            'sync_windows = [{kind = "block", schedule = "0 22 * * *", duration = "1h"}]\n',
            "tool.kro-gen.environments[0].sync_windows[0].kind",
            "allow",
        ),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\n'
            'sync_windows = [{kind = "deny", schedule = "22:00", duration = "1h"}]\n',
            "tool.kro-gen.environments[0].sync_windows[0].schedule",
            "five-field cron",
        ),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\n'
            'sync_windows = [{kind = "deny", schedule = "0 22 * * *", duration = "8 hours"}]\n',
            "tool.kro-gen.environments[0].sync_windows[0].duration",
            "'1h30m'",
        ),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\n'
            'sync_windows = [{kind = "deny", schedule = "0 22 * * *", duration = "1h", timezone = "UTC"}]\n',
            "tool.kro-gen.environments[0].sync_windows[0].timezone",
            "did you mean 'time_zone'",
        ),
        (
            "[tool.kro-gen.notifications]\nenabled = true\n",
            "tool.kro-gen.notifications",
            "recipient is required",
        ),
        (
            '[tool.kro-gen.notifications]\nenabled = true\nrecipient = "ops"\nflux_provider = "teams"\n',
            "tool.kro-gen.notifications.flux_provider",
            "did you mean 'msteams'",
        ),
        (
            '[tool.kro-gen.notifications]\nenabled = true\nrecipient = "ops"\ntriggers = ["sync-failed"]\n',
            "tool.kro-gen.notifications.triggers",
            "on-sync-failed",
        ),
        (
            '[tool.kro-gen.notifications]\nrecipent = "ops"\n',
            "tool.kro-gen.notifications.recipent",
            "did you mean 'recipient'",
        ),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\nflux_service_account = "Deployer"\n',
            "tool.kro-gen.environments[0].flux_service_account",
            "not a DNS label",
        ),
    ],
)
def test_bad_values_name_the_key_and_the_file(tmp_path: Path, table: str, key: str, message: str) -> None:
    write_pyproject(tmp_path, table)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    error = caught.value
    assert error.location.path == key
    assert error.location.file is not None and error.location.file.endswith("pyproject.toml")
    assert message in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("table", "hint"),
    [
        ('[[tool.kro-gen.environments]]\nname = "a"\nnamespace = "Team_A"\n', "e.g. 'team-a'"),
        ('[[tool.kro-gen.environments]]\nname = "Prod"\n', "e.g. 'team-a'"),
        ('[tool.kro-gen]\noutput = "../deploy"\n', 'output = "gitops"'),
        (
            '[[tool.kro-gen.environments]]\nname = "a"\n[[tool.kro-gen.environments]]\nname = "a"\n',
            "give each environment its own name",
        ),
    ],
)
def test_bad_values_say_what_to_write_instead(tmp_path: Path, table: str, hint: str) -> None:
    write_pyproject(tmp_path, table)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert hint in (caught.value.hint or "")


def test_a_missing_crd_file_is_named_by_index(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.kro-gen]\ncrds = ["crds/a.yaml"]\n')
    with pytest.raises(ConfigError, match=r"crds/a\.yaml") as caught:
        load_config(tmp_path)
    assert caught.value.location.path == "tool.kro-gen.crds[0]"


def test_toml_syntax_errors_name_the_file(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.kro-gen\n")
    with pytest.raises(ConfigError, match=r"cannot read pyproject\.toml") as caught:
        load_config(tmp_path)
    assert caught.value.rule == "config-syntax"


def test_toml_syntax_errors_name_the_line_and_what_to_do(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.kro-gen]\noutput = "gitops"\nrevision = main\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    error = caught.value
    assert (error.location.file or "").endswith("pyproject.toml:6")  # after the [project] lines
    assert "column 12" in error.message and "(at line" not in error.message
    assert error.hint is not None and "quote" in error.hint


def test_no_pyproject_anywhere_suggests_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kro_gen.project.config.find_pyproject", lambda start: None)
    with pytest.raises(ConfigError, match="kro-gen init"):
        load_config(tmp_path)


def test_sync_windows_and_the_flux_service_account_reach_the_environment(tmp_path: Path) -> None:
    write_pyproject(
        tmp_path,
        '[[tool.kro-gen.environments]]\nname = "prod"\nflux_service_account = "prod-deployer"\n'
        'sync_windows = [{kind = "deny", schedule = "0 22 * * *", duration = "8h", manual_sync = true,'
        ' time_zone = "Europe/Berlin"}]\n',
    )
    (env,) = load_config(tmp_path).environments or ()
    assert env.flux_service_account == "prod-deployer"
    assert [w.argocd() for w in env.sync_windows] == [
        {
            "kind": "deny",
            "schedule": "0 22 * * *",
            "duration": "8h",
            "manualSync": True,
            "timeZone": "Europe/Berlin",
        }
    ]
