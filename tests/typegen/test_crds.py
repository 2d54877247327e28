"""kro-gen stubs: typed kind classes for CRDs given as files, used with k8s.resource_of."""

from __future__ import annotations

import importlib.util
import sys
import typing
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from kro_gen import Resource, k8s
from kro_gen.cli import cli
from kro_gen.errors import ConfigError, DefinitionError
from kro_gen.typegen.crds import stub_source

CRD = (
    Path(__file__).resolve().parents[2] / "definitions" / "crds" / "external-secrets.io_externalsecrets.yaml"
)


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"stubs_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def eso(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    path = tmp_path_factory.mktemp("stubs") / "_eso.py"
    path.write_text(stub_source([CRD]), "utf-8")
    return _load(path)


def test_a_crd_becomes_a_kind_class_with_typed_views(eso: ModuleType) -> None:
    kind = eso.ExternalSecret
    assert issubclass(kind, Resource)
    assert (kind.API_VERSION, kind.KIND) == (
        "external-secrets.io/v1",
        "ExternalSecret",
    )  # the storage version
    spec = typing.get_type_hints(eso.ExternalSecretSpec)
    assert spec["refreshInterval"] is str
    assert spec["secretStoreRef"] is eso.ExternalSecretSpecSecretStoreRef
    assert typing.get_type_hints(eso.ExternalSecretStatus)["refreshTime"] is str


def test_resource_of_builds_the_kind_and_reads_like_any_resource(eso: ModuleType) -> None:
    secret = k8s.resource_of(eso.ExternalSecret, "db", spec={"refreshInterval": "1h"})
    assert type(secret) is eso.ExternalSecret
    assert secret.body == {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": "db"},
        "spec": {"refreshInterval": "1h"},
    }
    with pytest.raises(DefinitionError, match="takes a kind class") as caught:
        k8s.resource_of(dict, "db")  # type: ignore[type-var]
    assert caught.value.rule == "kind-class"


def test_the_command_writes_checks_and_refuses_what_is_no_crd(tmp_path: Path) -> None:
    out = tmp_path / "definitions" / "_crds.py"
    runner = CliRunner()
    written = runner.invoke(cli, ["stubs", str(CRD), "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text("utf-8") == stub_source([CRD])
    fresh = runner.invoke(cli, ["stubs", str(CRD), "-o", str(out), "--check"])
    assert (fresh.exit_code, fresh.output.strip()) == (0, f"{out} is up to date")
    out.write_text(out.read_text("utf-8") + "# edited\n", "utf-8")
    stale = runner.invoke(cli, ["stubs", str(CRD), "-o", str(out), "--check"])
    assert stale.exit_code == 1 and "is not what 'kro-gen stubs' writes" in stale.output
    not_crd = tmp_path / "cm.yaml"
    not_crd.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "utf-8")
    with pytest.raises(ConfigError, match="is not a CustomResourceDefinition"):
        stub_source([not_crd])
