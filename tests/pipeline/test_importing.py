"""``kro-gen import``: every reference RGD (kro's examples, its e2e cases, the seed's generated RGD)
becomes a definition module that loads, emits an RGD with the same meaning, is ruff-format clean, and
says its expressions in Python (``cel.raw`` only at the fields listed below, each with its reason)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kro_gen.check.cel_types import BOOL, DOUBLE, DYN, INT, STRING, TIMESTAMP, list_of, map_of, optional_of
from kro_gen.cli import cli
from kro_gen.emit.crd import crd_for_rgd
from kro_gen.errors import ConfigError
from kro_gen.pipeline import importing
from kro_gen.pipeline.importing import (
    import_rgd,
    python_type,
    rgd_and_status_model,
    status_type_errors,
)
from kro_gen.pipeline.rgd_source import read_rgd
from tests.support_canonical import canonical
from tests.support_reference import KRO_REFERENCE, REFERENCE_E2E_RGDS

REFERENCE = KRO_REFERENCE
ROOT = Path(__file__).resolve().parents[2]
KRO_EXAMPLES = ROOT / "tests" / "check" / "kro_examples"
MIRROR = Path("/work/.mirror/kubernetes-sigs+kro/repo")
SEED_RGD = ROOT / "gitops" / "platform" / "rgds" / "rgd-microservices-app.yaml"
RGDS = [*sorted([*REFERENCE.glob("example-*-rgd.yaml"), *REFERENCE_E2E_RGDS]), SEED_RGD]

#: RGDs that cannot round-trip, with why. Empty: every reference RGD comes back the same.
CANNOT_ROUND_TRIP: dict[str, str] = {}
#: Fields written as cel.raw, by RGD (every other RGD: none). Optional access is ``cel.default`` in the
#: shapes it renders (``x.?f``, every step under ``schema.spec``, ``every_step=True``); externalref's
#: ``input.?data.ECHO_VALUE`` (optional in the middle, plain after it) has no Python spelling.
RAW_FIELDS = {
    "example-externalref-rgd.yaml": {"resources.owned.template.data.ECHO_VALUE"},
}
#: The same for kro's v0.9.3 examples: eks-reused reads ``spc.version``, a name it never declares
#: (kro would refuse it when it compiles), which only cel.raw can carry.
RAW_FIELDS_OF_EXAMPLES = {
    "aws/ack-eks-cluster/eks-reused.yaml": {
        "resources.cluster1.template.spec.version",
        "resources.cluster2.template.spec.version",
    },
}


#: kro v0.9.3 examples (below examples/) that cannot round-trip: kro itself refuses them, as the
#: validate allow-list of real bugs says (tests/check/test_kro_examples.py, REAL_BUGS), and kro-gen
#: import stops at the same place (exit 2, the located line).
EXAMPLES_KRO_REFUSES: dict[str, str] = {
    # `string | default=IRSA role for ACK ... controller`: an unquoted default with spaces; kro reads
    # the words after the first as a marker key without `=` and refuses the schema.
    **{
        f"aws/ack-controller/controllers/{name}-controller.yaml": "roleDescription: marker key"
        for name in ("ec2", "ecr", "ecr-public", "eks", "s3", "sqs")
    },
    "aws/ack-controller/resourcegroup.yaml": "roleDescription: marker key",
    # A Service template with `selector:` twice: kro parses templates with UnmarshalStrict.
    "kubernetes/core-dns/core-dns.yaml": "duplicate key 'selector'",
}


def _label(path: Path) -> str:
    return path.name if path.parent == REFERENCE or path == SEED_RGD else f"{path.parent.name}/{path.name}"


def _meaning(rgd: dict[str, object]) -> dict[str, object]:
    spec = rgd["spec"]
    assert isinstance(spec, dict)
    schema = spec["schema"]
    return {
        "crd": crd_for_rgd(rgd),
        "status": canonical(schema.get("status") or {}),
        "resources": {item["id"]: canonical(item) for item in spec["resources"]},
        "name": rgd["metadata"]["name"],  # type: ignore[index]
    }


def test_every_reference_rgd_is_covered() -> None:
    assert len(RGDS) == 8  # 5 kro examples, 2 e2e cases, the seed
    assert all(path.is_file() for path in RGDS)


@pytest.mark.parametrize("path", RGDS, ids=_label)
def test_import_round_trips(path: Path) -> None:
    if path.name in CANNOT_ROUND_TRIP:
        pytest.skip(CANNOT_ROUND_TRIP[path.name])
    result = import_rgd(str(path))
    original = read_rgd(str(path)).body
    generated, status_model = rgd_and_status_model(result.text, result.name)
    assert _meaning(generated) == _meaning(original)
    assert status_type_errors(generated, status_model) == set()
    raw = {".".join(str(part) for part in site) for site in result.raw}
    assert raw == set(RAW_FIELDS.get(path.name, set()))
    assert result.text.count("cel.raw(") == len(raw)


def test_optional_access_is_cel_default() -> None:
    seed = import_rgd(str(SEED_RGD)).text
    assert "cel.default(userDeployment.status.observedGeneration, 0, every_step=True)" in seed
    assert "== cel.default(userDeployment.spec.replicas, 1)" in seed
    assert "cel.default(r.userDeployment.status.readyReplicas, 0) == r.userDeployment.spec.replicas" in seed
    assert "cel.size(cel.default(ingress.status.loadBalancer.ingress, [], every_step=True)) > 0" in seed


def test_status_models_are_typed_as_kro_infers() -> None:
    webapp = import_rgd(str(REFERENCE / "example-webapp-rgd.yaml")).text
    assert "    availableReplicas: int | None = None\n" in webapp
    assert "    url: str | None = None\n" in webapp
    assert "    deploymentConditions: list[dict[str, Any]] | None = None\n" in webapp
    seed = import_rgd(str(SEED_RGD)).text
    assert "    health: str | None = None\n" in seed
    assert "    ready: bool | None = None\n" in seed
    # ACK kinds are unknown to kro-gen's registry: kro types them dyn, the model says Any
    stack = import_rgd(str(REFERENCE / "example-foreach-network-stack-rgd.yaml")).text
    assert "    vpcId: Any = None\n" in stack
    assert "    publicSubnetIds: list[Any] | None = None\n" in stack


@pytest.mark.parametrize(
    ("cel_type", "python"),
    [
        (INT, "int"),
        (STRING, "str"),
        (TIMESTAMP, "str"),
        (DOUBLE, "float"),
        (optional_of(BOOL), "bool"),
        (list_of(map_of(STRING, INT)), "list[dict[str, int]]"),
        (map_of(STRING, list_of(DYN)), "dict[str, list[Any]]"),
        (map_of(INT, STRING), "Any"),
        (DYN, "Any"),
    ],
)
def test_python_type_of_inferred_cel_types(cel_type: object, python: str) -> None:
    assert python_type(cel_type) == python


def test_a_declared_type_kro_gen_refuses_leaves_the_status_untyped(monkeypatch: pytest.MonkeyPatch) -> None:
    # kro-gen's own type of cel.default(..., 0) is int: a str model field fails the build
    monkeypatch.setattr(importing, "status_annotations", lambda _: {("availableReplicas",): "str"})
    text = import_rgd(str(ROOT / "examples" / "webapp" / "rgd.yaml")).text
    assert "    availableReplicas: Any = None\n" in text


def test_a_declared_type_the_status_rule_refuses_stays_any(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = {("url",): "int", ("availableReplicas",): "int"}
    monkeypatch.setattr(importing, "status_annotations", lambda _: wrong)
    text = import_rgd(str(REFERENCE / "example-webapp-rgd.yaml")).text
    assert "    url: Any = None\n" in text  # kro infers string: status-type would refuse int
    assert "    availableReplicas: int | None = None\n" in text


def test_optional_access_under_schema_spec(tmp_path: Path) -> None:
    rgd = tmp_path / "rgd.yaml"
    rgd.write_text(
        """apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: opt}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Opt
    spec:
      db:
        host: string
  resources:
    - id: config
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: opt}
        data:
          host: ${schema.spec.?db.?host.orValue("localhost")}
          some: ${schema.spec.db.?host.orValue("x")}
          url: db-${schema.spec.?db.?host.orValue("localhost")}
          has: ${string(has(schema.spec.db.host))}
""",
        "utf-8",
    )
    result = import_rgd(str(rgd))
    assert '"host": cel.default(schema.spec.db.host, "localhost")' in result.text
    assert 'cel.template("db-%s", cel.default(schema.spec.db.host, "localhost"))' in result.text
    assert "cel.string(cel.has(schema.spec.db.host))" in result.text
    # only the last step optional under schema.spec: cel.default would make every step optional
    assert {".".join(map(str, site)) for site in result.raw} == {"resources.config.template.data.some"}


def _example_files(root: Path) -> list[Path]:
    """Every RGD file of ``root/examples`` (not ``examples/graph/``, a proposed API)."""
    return sorted(
        path
        for path in (root / "examples").rglob("*.yaml")
        if path.relative_to(root / "examples").parts[0] != "graph"
        and "kind: ResourceGraphDefinition" in path.read_text(encoding="utf-8")
    )


def _round_trip_examples(root: Path) -> tuple[list[str], dict[str, str]]:
    """(examples that round-trip, refused example -> error) for the examples under ``root``; each
    passing one has cel.raw at exactly the fields RAW_FIELDS_OF_EXAMPLES lists."""
    passed: list[str] = []
    refused: dict[str, str] = {}
    for path in _example_files(root):
        key = str(path.relative_to(root / "examples"))
        try:
            result = import_rgd(str(path))
        except ConfigError as error:
            refused[key] = str(error)
            continue
        generated, status_model = rgd_and_status_model(result.text, result.name)
        assert _meaning(generated) == _meaning(read_rgd(str(path)).body), key
        assert status_type_errors(generated, status_model) == set(), key
        raw = {".".join(str(part) for part in site) for site in result.raw}
        assert raw == RAW_FIELDS_OF_EXAMPLES.get(key, set()), key
        passed.append(key)
    return passed, refused


def _assert_refused_as_listed(refused: dict[str, str], root: Path) -> None:
    expected = {key for key in EXAMPLES_KRO_REFUSES if (root / "examples" / key).is_file()}
    assert set(refused) == expected
    for key, error in refused.items():
        assert EXAMPLES_KRO_REFUSES[key] in error, error
        assert f"{key}:" in error  # located at a line of the file


def test_the_committed_kro_examples_round_trip() -> None:
    passed, refused = _round_trip_examples(KRO_EXAMPLES)
    _assert_refused_as_listed(refused, KRO_EXAMPLES)
    assert (len(passed), len(passed) + len(refused)) == (11, 12)


@pytest.fixture(scope="module")
def kro_v0_9_3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (MIRROR / "HEAD").exists():
        pytest.skip(f"kro's git mirror is not at {MIRROR}; the committed kro_examples/ still run")
    root = tmp_path_factory.mktemp("kro-v0.9.3")
    archive = subprocess.run(
        ["git", "-C", str(MIRROR), "archive", "v0.9.3", "examples"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "x", "-C", str(root)], input=archive, check=True)
    return root


def test_all_of_kros_v0_9_3_examples_round_trip_but_those_kro_refuses(kro_v0_9_3: Path) -> None:
    passed, refused = _round_trip_examples(kro_v0_9_3)
    _assert_refused_as_listed(refused, kro_v0_9_3)
    assert (len(passed), len(passed) + len(refused)) == (51, 59)


def test_a_python_keyword_field_is_read_with_getattr(tmp_path: Path) -> None:
    rgd = tmp_path / "rgd.yaml"
    rgd.write_text(
        """apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: fn}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Fn
    spec:
      lambda:
        handler: string | required=true
  resources:
    - id: config
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: fn}
        data:
          handler: ${schema.spec.lambda.handler}
""",
        "utf-8",
    )
    result = import_rgd(str(rgd))
    # lambda_ is `Lambda | None`: its field is read through cel.present, as for any optional parent
    assert '"handler": cel.present(getattr(schema.spec, "lambda")).handler' in result.text
    assert not result.raw
    assert 'lambda_: Lambda | None = Field(default=None, alias="lambda")' in result.text


#: Optional spec fields (neither required nor defaulted: ``T | None`` in the model) read with operators,
#: attributes, indexes, as conditions and as comprehension lists, next to reads that need no help.
OPTIONAL_READS_RGD = """apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: opt}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Opt
    spec:
      name: string | required=true
      prefix: string
      replicas: integer
      port: integer | default=80
      enabled: boolean
      zones: "[]string"
      labels: "map[string]string"
      endpoints: "[]Endpoint"
      db:
        host: string | required=true
        user: string
      cache:
        size: integer
    types:
      Endpoint:
        name: string | required=true
        path: string
  resources:
    - id: config
      includeWhen:
        - ${schema.spec.enabled}
        - ${!schema.spec.enabled || schema.spec.replicas > 2}
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: "${schema.spec.name}"}
        data:
          plus: ${schema.spec.prefix + "-x"}
          plusRight: ${"x-" + schema.spec.prefix}
          less: ${string(schema.spec.replicas < 3)}
          equal: ${string(schema.spec.replicas == 3)}
          negated: ${string(-schema.spec.replicas)}
          indexed: ${schema.spec.zones[0]}
          field: ${schema.spec.db.host}
          guarded: ${schema.spec.?db.?user.orValue("root")}
          mapped: ${schema.spec.endpoints.map(e, e.path + "/").join(",")}
          nested: ${string(schema.spec.cache.size + 1)}
          chosen: "${(schema.spec.replicas > 1 ? schema.spec.prefix : 'p') + '-y'}"
          defaulted: ${string(schema.spec.port + 1)}
          condition: "${schema.spec.enabled ? 'on' : 'off'}"
          tested: ${string(has(schema.spec.db.user))}
          item: ${string(schema.spec.endpoints[0].name)}
          keys: ${string(schema.spec.labels.exists(k, k.startsWith("a")))}
          fallback: ${schema.spec.?prefix.orValue(schema.spec.name) + "-z"}
          embedded: "${schema.spec.prefix}-${schema.spec.db.user}"
"""


def test_optional_fields_are_cel_present_only_where_python_needs_a_value(tmp_path: Path) -> None:
    rgd = tmp_path / "rgd.yaml"
    rgd.write_text(OPTIONAL_READS_RGD, "utf-8")
    result = import_rgd(str(rgd))  # round trip: the same RGD (cel.present is the value itself)
    assert not result.raw
    text = result.text
    for line in [
        '"plus": cel.present(schema.spec.prefix) + "-x",',
        '"plusRight": cel.lit("x-") + cel.present(schema.spec.prefix),',
        '"less": cel.string(cel.present(schema.spec.replicas) < 3),',
        '"negated": cel.string(-cel.present(schema.spec.replicas)),',
        '"indexed": cel.present(schema.spec.zones)[0],',
        '"field": cel.present(schema.spec.db).host,',
        '"nested": cel.string(cel.present(schema.spec.cache.size) + 1),',
        '"condition": cel.cond(cel.present(schema.spec.enabled), "on", "off"),',
        '"tested": cel.string(cel.has(cel.present(schema.spec.db).user)),',
        '"item": cel.string(cel.present(schema.spec.endpoints)[0].name),',
        'cel.exists(cel.present(schema.spec.labels), lambda k: cel.starts_with(k, "a"))',
        'cel.map_(cel.present(schema.spec.endpoints), lambda e: cel.present(e.path) + "/")',
        '"chosen": cel.present(\n',
        '    cel.cond(cel.present(schema.spec.replicas) > 1, schema.spec.prefix, "p")\n                )\n',
        "cel.present(schema.spec.enabled),",
        "cel.or_(cel.not_(cel.present(schema.spec.enabled)), cel.present(schema.spec.replicas) > 2),",
        # not needed: == takes None, a required or defaulted field, a cel.default, an f-string part
        '"equal": cel.string(schema.spec.replicas == 3),',
        '"name": schema.spec.name,',
        '"defaulted": cel.string(schema.spec.port + 1),',
        '"fallback": cel.default(schema.spec.prefix, schema.spec.name) + "-z",',
        '"embedded": f"{schema.spec.prefix}-{cel.present(schema.spec.db).user}",',
        # a parent read under cel.default: the type needs it, cel.default keeps every step optional
        '"guarded": cel.default(cel.present(schema.spec.db).user, "root"),',
    ]:
        assert line in text, line


def test_imported_modules_are_ruff_clean_and_typed(tmp_path: Path) -> None:
    for index, path in enumerate(RGDS):
        (tmp_path / f"imported_{index}.py").write_text(import_rgd(str(path)).text, "utf-8")
    (tmp_path / "optional.yaml").write_text(OPTIONAL_READS_RGD, "utf-8")
    (tmp_path / "imported_optional.py").write_text(import_rgd(str(tmp_path / "optional.yaml")).text, "utf-8")
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--line-length", "110", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    # kro's optional fields (no required=, no default=) are `T | None`: where Python needs a value
    # (an operator, an attribute, an index, a condition), the importer writes cel.present(...)
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    assert "Success: no issues found in 9 source files" in mypy.stdout, mypy.stdout


def test_expressions_are_python() -> None:
    text = import_rgd(str(REFERENCE / "example-webapp-rgd.yaml")).text
    assert "cel.raw" not in text
    assert '"name": schema.spec.name' in text
    assert "lambda deployment: deployment.spec.replicas == deployment.status.availableReplicas" in text
    assert "include_when=[schema.spec.service.enabled]" in text
    assert '"name": service.metadata.name' in text  # a reference to another resource
    stack = import_rgd(str(REFERENCE / "example-foreach-network-stack-rgd.yaml")).text
    assert 'idx = cel.var("idx", "int")' in stack
    assert 'cel.call("lists.range", cel.size(schema.spec.availabilityZones))' in stack
    assert "cel.map_(r.publicSubnets.each(), lambda s: s.status.subnetID)" in stack
    assert 'f"{schema.spec.vpcName}-igw"' in stack
    markers = import_rgd(str(REFERENCE / "example-simpleschema-types-markers-rgd.yaml")).text
    assert 'environment: Literal["development", "staging", "production"] = "development"' in markers
    assert "Field(default=8080, ge=1, le=65535)" in markers
    assert 'SchemaMarkers(validation=("self <= 10 || self % 2 == 0",))' in markers


def test_cli_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "definitions" / "webapp.py"
    rgd = str(REFERENCE / "example-webapp-rgd.yaml")
    runner = CliRunner()
    first = runner.invoke(cli, ["import", rgd, "-o", str(out)])
    assert first.exit_code == 0, first.output
    written = out.read_text("utf-8")
    out.write_text("# mine\n", "utf-8")
    again = runner.invoke(cli, ["import", rgd, "-o", str(out)])
    assert again.exit_code == 2
    assert "exists" in again.output and "--force" in again.output
    assert out.read_text("utf-8") == "# mine\n"
    forced = runner.invoke(cli, ["import", rgd, "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert out.read_text("utf-8") == written


def test_cli_refuses_files_that_are_not_rgds(tmp_path: Path) -> None:
    runner = CliRunner()
    instance = runner.invoke(cli, ["import", str(REFERENCE / "example-webapp-instance.yaml")])
    assert instance.exit_code == 2
    assert "holds no ResourceGraphDefinition" in instance.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: kro.run/v1alpha1\nkind: [\n", "utf-8")
    out = tmp_path / "out.py"
    result = runner.invoke(cli, ["import", str(broken), "-o", str(out)])
    assert result.exit_code == 2
    assert f"{broken}:2" in result.output or f"{broken}:3" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
