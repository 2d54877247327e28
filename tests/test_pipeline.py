"""The pipeline on small projects: what each environment gets, chaining depth, breaking changes against
git, environment errors, user exceptions, and that nothing is ever written."""

from __future__ import annotations

from pathlib import Path

import pytest

from kro_gen.errors import ConfigError, DefinitionError
from kro_gen.gitops import write_tree
from kro_gen.pipeline import CheckFailed, generate
from kro_gen.project.config import load_config
from tests.test_pipeline_support import edit, git, init_repo, make_project, snapshot

CHAINED = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph
from kro_gen.graph import Resource


class DbSpec(BaseModel):
    size: str = "small"


class AppSpec(BaseModel):
    size: str


db = ResourceGraph("database", api_version="data.example.com/v1alpha1", kind="Database", spec=DbSpec)


@db.resources
def db_resources(schema):
    return {"settings": Resource({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "db-settings"},
        "data": {"SIZE": schema.spec.size},
    })}


app = ResourceGraph("shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=AppSpec)


@app.resources
def app_resources(schema):
    return {"database": db.use("shop-db", {"size": schema.spec.size})}


app.instance("prod", {"size": "large"})
"""


def committed_project(root: Path) -> Path:
    """A project in a git repository whose generated tree is committed (the base of a change)."""
    project = init_repo(make_project(root))
    result = generate(load_config(project))
    assert result.plan is not None
    write_tree(result.plan, project / "gitops")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    return project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "project")


def test_each_environment_gets_its_instance_in_its_mode(project: Path) -> None:
    before = snapshot(project)
    result = generate(load_config(project))
    assert snapshot(project) == before  # the pipeline writes nothing
    (web,) = result.graphs
    assert (web.name, web.depth, web.source) == ("web-app", 0, "definitions/web.py")
    assert web.rgd["kind"] == "ResourceGraphDefinition"
    by_env = {artifact.target.name: artifact for artifact in result.artifacts}
    prod = by_env["prod"]
    assert (prod.target.cluster, prod.target.namespace, prod.target.mode) == ("prod-eu1", "prod", "kro")
    (instance,) = prod.documents
    assert instance.role == "instance"
    assert instance.body["kind"] == "WebApp"
    assert instance.body["metadata"] == {"name": "web-app", "namespace": "prod"}
    assert instance.body["spec"] == {"image": "nginx:1.27", "replicas": 3}
    dev = by_env["dev"]
    assert dev.target.mode == "direct"
    kinds = {(d.body["kind"], d.body["metadata"]["name"], d.wave) for d in dev.documents}
    assert kinds == {("ConfigMap", "web-config", 0), ("Deployment", "web", 1)}
    (deployment,) = [d.body for d in dev.documents if d.body["kind"] == "Deployment"]
    assert deployment["spec"]["replicas"] == 1  # the schema default, evaluated for direct mode
    assert result.plan is not None
    assert "platform/rgds/rgd-web-app.yaml" in result.plan.files
    assert any(path.startswith("environments/prod/") for path in result.plan.files)


def test_the_plan_is_deterministic(project: Path) -> None:
    first = generate(load_config(project)).plan
    second = generate(load_config(project)).plan
    assert first == second


def test_an_environment_without_an_instance_gets_no_documents(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[[tool.kro-gen.environments]]\nname = "qa"\n')
    result = generate(load_config(project))
    (qa,) = [a for a in result.artifacts if a.target.name == "qa"]
    assert qa.documents == ()


def test_an_instance_for_an_unconfigured_environment_names_graph_and_environment(project: Path) -> None:
    edit(project / "definitions/web.py", 'web.instance("dev"', 'web.instance("test"')
    with pytest.raises(ConfigError) as caught:
        generate(load_config(project))
    error = caught.value
    assert (error.location.graph, error.location.environment) == ("web-app", "test")
    assert error.location.file is not None and error.location.file.startswith("project/definitions/web.py:")
    assert "dev, prod" in str(error)


def test_without_configured_environments_the_instances_define_them(tmp_path: Path) -> None:
    project = make_project(tmp_path, environments="")
    result = generate(load_config(project))
    assert [(e.name, e.cluster, e.namespace, e.mode) for e in result.environments] == [
        ("dev", "dev", "dev", "kro"),
        ("prod", "prod", "prod", "kro"),
    ]


def test_chained_graphs_get_their_depth(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        environments='[[tool.kro-gen.environments]]\nname = "prod"\n',
        definitions={"shop.py": CHAINED},
    )
    result = generate(load_config(project))
    assert {g.name: g.depth for g in result.graphs} == {"database": 0, "shop": 1}
    artifact = result.graph("shop").artifact()
    assert artifact.depth == 1
    assert artifact.resource_kinds == {"database": "Database"}


def test_reads_of_a_chained_graphs_status_are_checked_against_its_inferred_status(tmp_path: Path) -> None:
    inner_status = """

class DbStatus(BaseModel):
    endpoint: str = ""


"""
    status_builder = """

@db.status
def db_status(schema, r):
    return {"endpoint": r.settings.metadata.name}
"""
    reads = """\
    database = db.use("shop-db", {"size": schema.spec.size})
    reader = Resource({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shop"},
        "data": {"DB": database.status.endpont, "STATE": database.status.state},
    })
    return {"database": database, "reader": reader}
"""
    definition = (
        CHAINED.replace("\n\nclass AppSpec", inner_status + "class AppSpec")
        .replace("spec=DbSpec)", "spec=DbSpec, status=DbStatus)")
        .replace("\n\napp = ResourceGraph", status_builder + "\n\napp = ResourceGraph")
        .replace('    return {"database": db.use("shop-db", {"size": schema.spec.size})}\n', reads)
    )
    project = make_project(
        tmp_path,
        environments='[[tool.kro-gen.environments]]\nname = "prod"\n',
        definitions={"shop.py": definition},
    )
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    [finding] = [f for f in caught.value.findings if f.severity.value == "error"]
    assert (finding.rule, finding.location.graph, finding.location.resource) == (
        "no-such-field",
        "shop",
        "reader",
    )
    assert "did you mean 'endpoint'" in finding.message
    edit(project / "definitions/shop.py", "status.endpont", "status.endpoint")
    assert generate(load_config(project)).plan is not None


def test_a_chained_graph_missing_from_the_definitions_is_an_error(tmp_path: Path) -> None:
    # The inner graph is made by a helper and never bound at module level: its RGD would be missing.
    helper = CHAINED[: CHAINED.index("app = ResourceGraph")].replace(
        "db = ResourceGraph", "DB = ResourceGraph"
    )
    helper = helper.replace("@db.resources", "@DB.resources")
    shop = CHAINED[CHAINED.index("app = ResourceGraph") :].replace("db.use(", "_lib.DB.use(")
    header = "from kro_gen import ResourceGraph\nimport _lib\nfrom _lib import AppSpec\n\n"
    project = make_project(
        tmp_path,
        environments='[[tool.kro-gen.environments]]\nname = "prod"\n',
        definitions={"_lib.py": helper, "shop.py": header + shop},
    )
    with pytest.raises(DefinitionError, match="'database', which is not defined") as caught:
        generate(load_config(project))
    assert caught.value.location.graph == "shop"
    assert caught.value.location.resource == "database"


def test_two_resources_rendering_one_object_are_an_error_at_the_users_line(project: Path) -> None:
    edit(
        project / "definitions/web.py",
        '    return {"config": config, "deployment": deployment}\n',
        '    extra = Resource({"apiVersion": "v1", "kind": "ConfigMap",'
        ' "metadata": {"name": "web-config"}})\n'
        '    return {"config": config, "deployment": deployment, "extra": extra}\n',
    )
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    [finding] = [f for f in caught.value.findings if f.severity.value == "error"]
    assert (finding.rule, finding.location.resource) == ("duplicate-object", "extra")
    assert "same object as resource config" in finding.message
    assert finding.location.file is not None and finding.location.file.endswith(
        "definitions/web.py:42"
    )  # the extra = ... line


def test_an_exception_in_a_builder_names_the_users_line(project: Path) -> None:
    edit(project / "definitions/web.py", "    spec = schema.spec\n", "    spec = schema.spec\n    1 / 0\n")
    with pytest.raises(DefinitionError) as caught:
        generate(load_config(project))
    message = str(caught.value)
    assert message.startswith("project/definitions/web.py:19")
    assert "ZeroDivisionError: division by zero" in message
    assert caught.value.location.graph == "web-app"


def test_only_graphs_checks_the_selection_and_plans_no_tree(project: Path) -> None:
    result = generate(load_config(project), only_graphs=["web-app"])
    assert [g.name for g in result.graphs] == ["web-app"]
    assert result.plan is None
    with pytest.raises(DefinitionError, match="did you mean 'web-app'"):
        generate(load_config(project), only_graphs=["web-ap"])


def test_no_graphs_is_a_definition_error(tmp_path: Path) -> None:
    project = make_project(tmp_path, definitions={"empty.py": "X = 1\n"})
    with pytest.raises(DefinitionError, match="no ResourceGraph found"):
        generate(load_config(project))


def test_the_repository_url_defaults_to_origin_and_is_required_for_wiring(tmp_path: Path) -> None:
    project = make_project(tmp_path / "repo", extra="")
    with pytest.raises(ConfigError, match="repo_url") as caught:
        generate(load_config(project))
    assert caught.value.location.path == "tool.kro-gen"
    init_repo(project)
    git(project, "remote", "add", "origin", "https://git.example.com/acme/platform.git")
    settings = generate(load_config(project)).settings
    assert settings.repo_url == "https://git.example.com/acme/platform.git"


def test_a_project_below_the_repository_top_uses_repository_paths(tmp_path: Path) -> None:
    init_repo(tmp_path)
    project = make_project(tmp_path / "platform" / "apps")
    settings = generate(load_config(project)).settings
    assert settings.output_dir == "platform/apps/gitops"
    assert settings.config_source == "platform/apps/pyproject.toml"


def test_breaking_schema_changes_against_the_committed_rgd_are_refused_unless_allowed(tmp_path: Path) -> None:
    project = committed_project(tmp_path)

    definition = project / "definitions/web.py"
    edit(definition, '    message: str = "hello"\n', "")
    edit(definition, '"data": {"MESSAGE": spec.message},', '"data": {"MESSAGE": "fixed"},')
    before = snapshot(project / "gitops")
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    rules = {f.rule for f in caught.value.findings if f.severity.value == "error"}
    assert rules and all("break" in rule or "remov" in rule for rule in rules), rules
    assert caught.value.findings[0].location.graph == "web-app"
    assert snapshot(project / "gitops") == before

    edit(definition, "spec=Spec)", "spec=Spec, allow_breaking_changes=True)")
    allowed = generate(load_config(project))
    assert allowed.graphs[0].rgd["metadata"]["annotations"] == {"kro.run/allow-breaking-changes": "true"}


def test_a_printer_column_change_alone_warns_that_kro_leaves_the_crd_as_it_is(tmp_path: Path) -> None:
    """kro v0.9.3 rewrites an existing CRD only when its schema comparison finds a change (KRO-RULES §7)."""
    project = committed_project(tmp_path)
    definition = project / "definitions/web.py"
    columns = 'printer_columns=[{"name": "Image", "type": "string", "jsonPath": ".spec.image"}]'
    edit(definition, "spec=Spec)", f"spec=Spec, {columns})")
    [warning] = [f for f in generate(load_config(project)).findings if f.rule == "crd-change-not-applied"]
    assert warning.severity.value == "warning" and "printer columns" in warning.message
    assert warning.location.graph == "web-app"
    # With a description edit (a change kro sees), kro writes the new CRD whole: no warning.
    edit(definition, "    image: str\n", '    image: str = Field(description="The image")\n')
    assert "crd-change-not-applied" not in {f.rule for f in generate(load_config(project)).findings}


def test_breaking_changes_are_measured_against_the_base_revision(tmp_path: Path) -> None:
    """In a pull request the new RGD is already committed on the branch: ``--base`` names the target."""
    project = committed_project(tmp_path)
    git(project, "branch", "target")

    definition = project / "definitions/web.py"
    edit(definition, '    message: str = "hello"\n', "")
    edit(definition, '"data": {"MESSAGE": spec.message},', '"data": {"MESSAGE": "fixed"},')
    edit(definition, "spec=Spec)", "spec=Spec, allow_breaking_changes=True)")
    branch = generate(load_config(project))
    assert branch.plan is not None
    write_tree(branch.plan, project / "gitops")
    edit(definition, "spec=Spec, allow_breaking_changes=True)", "spec=Spec)")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "drop the message field")

    generate(load_config(project))  # against HEAD: the branch's own RGD, nothing breaks
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project), base="target")
    assert any(f.rule == "breaking-change" for f in caught.value.findings)


def test_a_spec_field_read_but_neither_required_nor_defaulted_is_an_error(tmp_path: Path) -> None:
    definition = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph, cel
from kro_gen.graph import Resource


class Spec(BaseModel):
    host: str | None = None


app = ResourceGraph("opt", api_version="example.com/v1alpha1", kind="Opt", spec=Spec)


@app.resources
def resources(schema):
    return {"config": Resource({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "opt"},
        "data": {"HOST": schema.spec.host},
    })}


app.instance("prod", {"host": "db"})
"""
    project = make_project(tmp_path, definitions={"opt.py": definition})
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    [finding] = [f for f in caught.value.findings if f.severity.value == "error"]
    assert finding.rule == "spec-field-optional-read"
    assert finding.location.resource == "config"
    assert "cel.default" in finding.fix

    guarded = definition.replace(
        '"HOST": schema.spec.host', '"HOST": cel.default(schema.spec.host, "localhost")'
    )
    (project / "definitions/opt.py").write_text(guarded)
    assert generate(load_config(project)).graphs[0].rgd["spec"]["resources"][0]["template"]["data"] == {
        "HOST": '${schema.spec.?host.orValue("localhost")}'
    }


def test_check_findings_point_at_the_line_that_built_the_resource_or_the_status(project: Path) -> None:
    web = project / "definitions/web.py"
    edit(web, '"selector": {', '"selectr": {')  # a typo inside the Deployment's template
    add_status(web, "r.deployment.status.readyReplica > 0")
    lines = web.read_text().splitlines()
    deployment_line = lines.index("    deployment = Resource({") + 1
    status_line = lines.index("@web.status") + 1
    graph_line = next(i for i, line in enumerate(lines, 1) if line.startswith("web = ResourceGraph("))
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    by_rule = {f.rule: f for f in caught.value.findings}
    typo, status_typo = by_rule["manifest-unknown-field"], by_rule["no-such-field"]
    assert typo.location.resource == "deployment"
    assert typo.location.file == f"project/definitions/web.py:{deployment_line}"
    assert status_typo.location.path == "spec.schema.status.ready"
    assert status_typo.location.file == f"project/definitions/web.py:{status_line}"
    assert graph_line not in (deployment_line, status_line)


def add_status(definition: Path, ready: str, type_: str = "bool") -> None:
    """Give the WEB_APP graph in ``definition`` a status field ``ready: type_`` computed by ``ready``."""
    edit(
        definition,
        "web = ResourceGraph(",
        f"class Status(BaseModel):\n    ready: {type_}\n\n\nweb = ResourceGraph(",
    )
    edit(definition, "spec=Spec)", "spec=Spec, status=Status)")
    status = f"@web.status\ndef status(schema, r):\n    return {{'ready': {ready}}}\n"
    edit(definition, 'web.instance("dev"', f'{status}\n\nweb.instance("dev"')


def test_a_broken_status_expression_is_one_error_not_also_a_breaking_change(tmp_path: Path) -> None:
    project = init_repo(make_project(tmp_path))
    definition = project / "definitions/web.py"
    add_status(definition, "r.deployment.status.readyReplicas", "int")
    result = generate(load_config(project))
    assert result.plan is not None
    write_tree(result.plan, project / "gitops")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")

    edit(definition, "status.readyReplicas}", "status.readyReplica}")
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    errors = [(f.rule, f.location.path) for f in caught.value.findings if f.severity.value == "error"]
    assert errors == [("no-such-field", "spec.schema.status.ready")]

    # A real breaking change elsewhere in the same RGD is still reported with it.
    edit(definition, '    message: str = "hello"\n', "")
    edit(definition, '"data": {"MESSAGE": spec.message},', '"data": {"MESSAGE": "fixed"},')
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    rules = {f.rule for f in caught.value.findings if f.severity.value == "error"}
    assert rules == {"no-such-field", "breaking-change"}


def test_a_direct_mode_error_points_at_the_line_that_built_the_resource(project: Path) -> None:
    web = project / "definitions/web.py"
    edit(
        web,
        '"metadata": {"name": "web"},',
        '"metadata": {"name": "web", "annotations": {"cfg": config.metadata.uid}},',
    )
    with pytest.raises(DefinitionError, match="direct mode cannot evaluate") as caught:
        generate(load_config(project))
    deployment_line = web.read_text().splitlines().index("    deployment = Resource({") + 1
    location = caught.value.location
    assert (location.graph, location.resource, location.environment) == ("web-app", "deployment", "dev")
    assert location.file == f"project/definitions/web.py:{deployment_line}"


def test_a_chained_graph_in_a_direct_environment_is_rendered_as_its_manifests(tmp_path: Path) -> None:
    """A cluster without kro has no kind for the inner graph: its resources are written in its place."""
    project = make_project(
        tmp_path,
        environments='[[tool.kro-gen.environments]]\nname = "dev"\nmode = "direct"\n',
        definitions={"shop.py": CHAINED.replace('app.instance("prod"', 'app.instance("dev"')},
    )
    (dev,) = generate(load_config(project)).artifacts
    bodies = [(d.body["kind"], d.body["metadata"], d.wave) for d in dev.documents]
    # no Database object (nothing in a plain cluster serves that kind), but the ConfigMap of the
    # database graph, rendered from the spec the shop passed to it
    assert bodies == [("ConfigMap", {"name": "db-settings", "namespace": "dev"}, 0)]
    assert dev.documents[0].body["data"] == {"SIZE": "large"}

    # A value the inner graph cannot have without a cluster is an error at the inner graph's line.
    edit(
        project / "definitions/shop.py",
        '"data": {"SIZE": schema.spec.size}',
        '"data": {"UID": schema.metadata.uid}',
    )
    with pytest.raises(DefinitionError, match="direct mode cannot evaluate") as caught:
        generate(load_config(project))
    lines = (project / "definitions/shop.py").read_text().splitlines()
    settings_line = next(i for i, line in enumerate(lines, 1) if '"settings": Resource({' in line)
    assert (caught.value.location.graph, caught.value.location.resource) == ("database", "settings")
    assert (caught.value.location.file or "").endswith(f"definitions/shop.py:{settings_line}")


CYCLIC_GRAPHS = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph


class Spec(BaseModel):
    size: str = "small"


first = ResourceGraph("first", api_version="one.example.com/v1alpha1", kind="First", spec=Spec)
second = ResourceGraph("second", api_version="two.example.com/v1alpha1", kind="Second", spec=Spec)


@first.resources
def first_resources(schema):
    return {"other": second.use("second", {"size": schema.spec.size})}


@second.resources
def second_resources(schema):
    return {"other": first.use("first", {"size": schema.spec.size})}


first.instance("prod", {})
"""


@pytest.mark.parametrize(
    ("definition", "cycle"),
    [
        (CYCLIC_GRAPHS, "first -> second -> first"),
        (
            CYCLIC_GRAPHS.replace('second.use("second"', 'first.use("again"'),
            "first -> first",
        ),
    ],
)
def test_graphs_that_use_each_other_in_a_cycle_are_refused(
    tmp_path: Path, definition: str, cycle: str
) -> None:
    project = make_project(tmp_path, definitions={"cyclic.py": definition})
    with pytest.raises(DefinitionError) as caught:
        generate(load_config(project))
    assert caught.value.rule == "chained-graph-cycle"
    assert cycle in str(caught.value)


HAND_WRITTEN_RGD = """\
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata:
  name: caches.platform.example.com
spec:
  schema:
    apiVersion: v1alpha1
    kind: Cache
    group: platform.example.com
    spec:
      size: integer | default=1 minimum=1
      tier: string | enum="small,large" default=small
    status:
      endpoint: ${svc.metadata.name}
      replicas: ${db.status.?readyReplicas.orValue(0)}
  resources:
    - id: db
      template:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: "${schema.metadata.name}"}
        spec:
          replicas: ${schema.spec.size}
          selector: {matchLabels: {app: cache}}
          template:
            metadata: {labels: {app: cache}}
            spec: {containers: [{name: redis, image: "redis:7"}]}
    - id: svc
      template:
        apiVersion: v1
        kind: Service
        metadata: {name: "${schema.metadata.name}"}
        spec: {selector: {app: cache}, ports: [{port: 6379}]}
"""

USES_CACHE = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph, k8s


class Spec(BaseModel):
    size: int = 2


shop = ResourceGraph("shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=Spec)


@shop.resources
def resources(schema):
    cache = k8s.resource(
        "platform.example.com/v1alpha1",
        "Cache",
        "shop-cache",
        spec={"size": schema.spec.size, "tier": "small"},
    )
    mirror = k8s.resource(
        "platform.example.com/v1alpha1", "Cache", "shop-mirror", spec={"size": cache.status.replicas}
    )
    config = k8s.ConfigMap("shop", {"CACHE": cache.status.endpoint})
    return {"cache": cache, "mirror": mirror, "config": config}


shop.instance("prod", {})
"""


def test_a_hand_written_rgd_listed_in_crds_gives_the_crd_kro_generates_for_it(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        definitions={"shop.py": USES_CACHE},
        extra='repo_url = "https://github.com/acme/platform.git"\ncrds = ["platform/cache-rgd.yaml"]\n',
    )
    (project / "platform").mkdir()
    (project / "platform/cache-rgd.yaml").write_text(HAND_WRITTEN_RGD)
    definition = project / "definitions/shop.py"

    result = generate(load_config(project))
    assert not [f for f in result.findings if f.rule == "unknown-kind"]

    # The instance's spec is checked against the RGD's SimpleSchema...
    edit(definition, '"tier": "small"', '"tier": "small", "colour": "red"')
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    [unknown] = [f for f in caught.value.findings if f.severity.value == "error"]
    assert unknown.location.resource == "cache" and "colour" in unknown.message

    # ...and reads of its status against the status kro infers (endpoint: string, replicas: int).
    edit(definition, ', "colour": "red"', "")
    edit(definition, '"size": cache.status.replicas', '"size": cache.status.endpoint')
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    [mistyped] = [f for f in caught.value.findings if f.severity.value == "error"]
    assert mistyped.location.resource == "mirror" and "string" in mistyped.message
    edit(definition, '"size": cache.status.endpoint', '"size": cache.status.replicas')
    edit(definition, '"CACHE": cache.status.endpoint', '"CACHE": cache.status.endpont')
    with pytest.raises(CheckFailed) as caught:
        generate(load_config(project))
    [typo] = [f for f in caught.value.findings if f.severity.value == "error"]
    assert typo.rule == "no-such-field" and "endpoint" in typo.fix


def test_a_crds_file_with_neither_a_crd_nor_an_rgd_is_a_config_error(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, extra='repo_url = "https://github.com/acme/platform.git"\ncrds = ["cm.yaml"]\n'
    )
    (project / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    with pytest.raises(ConfigError, match="holds no CustomResourceDefinition or ResourceGraphDefinition"):
        generate(load_config(project))
