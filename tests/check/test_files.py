"""``kro-gen validate``: YAML reading (lines, YAML 1.1, duplicates, syntax) and dispatch by object."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kro_gen.check import check_files
from kro_gen.check.files import load_stream, yaml_files

RGD = textwrap.dedent(
    """\
    apiVersion: kro.run/v1alpha1
    kind: ResourceGraphDefinition
    metadata:
      name: webapps.example.com
    spec:
      schema:
        apiVersion: v1alpha1
        kind: WebApp
        group: example.com
        scope: Namespaced
        spec:
          name: string | required=true
          replicas: integer | default=1
      resources:
        - id: config
          template:
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ${schema.spec.name}
    """
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_load_stream_reads_yaml_1_1_like_kubernetes() -> None:
    [document], problems = load_stream("a: yes\nb: 0777\nc: 2026-01-01\nd: '1'\n")
    assert problems == []
    assert document.body == {"a": True, "b": 511, "c": "2026-01-01", "d": "1"}


def test_load_stream_records_lines_and_skips_empty_documents() -> None:
    documents, _ = load_stream("---\n---\na:\n  b:\n    - x\n    - y: 1\n")
    [document] = documents
    assert document.line == 3
    assert document.line_of(("a", "b", 1, "y")) == 6
    assert document.line_of(("a", "b", 1, "missing", "deeper")) == 6
    assert document.line_of(("nothing",)) == 3


def test_duplicate_keys_are_problems_with_both_lines() -> None:
    [document], [problem] = load_stream("a:\n  x: 1\n  x: 2\nb: 3\n")
    assert (problem.rule, problem.line, problem.path) == ("yaml-duplicate-key", 3, "a.x")
    assert "first on line 2" in problem.message
    assert document.body == {"a": {"x": 1}, "b": 3}


def test_syntax_errors_keep_earlier_documents() -> None:
    documents, [problem] = load_stream("a: 1\n---\nb: [1, 2\nc: 3\n")
    assert [d.body for d in documents] == [{"a": 1}]
    assert problem.rule == "yaml-syntax" and problem.line >= 3


def test_merge_keys_and_anchors() -> None:
    [document], _ = load_stream("base: &b {x: 1, z: 2}\nother:\n  <<: *b\n  z: 3\n")
    assert document.body["other"] == {"z": 3, "x": 1}


def test_keys_become_strings_as_in_kubernetes_json() -> None:
    [document], _ = load_stream("on: 1\n3: 2\n~: 3\n")
    assert document.body == {"true": 1, "3": 2, "null": 3}


def test_yaml_files_recurse_skip_hidden_and_report_missing(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", "a: 1")
    write(tmp_path, "sub/a.yml", "a: 1")
    write(tmp_path, ".git/x.yaml", "a: 1")
    write(tmp_path, "notes.txt", "a: 1")
    files, problems = yaml_files([tmp_path, tmp_path / "b.yaml", tmp_path / "nope.yaml"])
    assert files == [str(tmp_path / "b.yaml"), str(tmp_path / "sub/a.yml")]
    assert [p.rule for p in problems] == ["file-not-found"]


def test_findings_carry_file_and_line(tmp_path: Path) -> None:
    text = RGD.replace("- id: config", "- id: web-config")
    path = write(tmp_path, "rgd.yaml", text)
    [found] = [f for f in check_files([path]) if f.rule == "resource-id-format"]
    assert found.location.file == f"{path}:15"
    assert found.location.resource == "web-config"


def test_instances_are_checked_against_rgds_from_any_given_file(tmp_path: Path) -> None:
    write(tmp_path, "rgds/webapp.yaml", RGD)
    write(
        tmp_path,
        "instances/shop.yaml",
        """\
        apiVersion: example.com/v1alpha1
        kind: WebApp
        metadata: {name: shop, namespace: team-a}
        spec:
          replicas: "2"
        """,
    )
    found = {(f.rule, f.location.file, f.location.path) for f in check_files([tmp_path])}
    shop = str(tmp_path / "instances/shop.yaml")
    assert ("instance-required", f"{shop}:4", "spec.name") in found
    assert ("instance-type", f"{shop}:5", "spec.replicas") in found


def test_instance_with_only_the_version_is_matched_by_kind(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "all.yaml",
        RGD + "---\napiVersion: v1alpha1\nkind: WebApp\nmetadata: {name: a}\nspec: {name: a}\n",
    )
    assert "instance-api-version" in {f.rule for f in check_files([path])}


def test_list_objects_are_expanded(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "list.yaml",
        """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: ok}
            data: {a: "1"}
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: bad}
            data: {a: 1}
        """,
    )
    [found] = check_files([path])
    assert found.location.path == "items[1].data.a"
    assert found.location.file == f"{path}:11"


def test_crds_in_the_files_are_registered_for_templates(tmp_path: Path) -> None:
    crd = """\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        size: {type: integer}
        """
    widget = RGD.replace(
        "apiVersion: v1\n        kind: ConfigMap", "apiVersion: example.com/v1\n        kind: Widget"
    )
    widget += "        spec:\n          size: big\n"
    write(tmp_path, "crd.yaml", crd)
    write(tmp_path, "rgd.yaml", widget)
    rules = {f.rule for f in check_files([tmp_path])}
    assert "unknown-kind" not in rules
    assert any("size" in (f.location.path or "") for f in check_files([tmp_path]))


def test_chained_rgds_see_the_inner_status_whatever_the_file_order(tmp_path: Path) -> None:
    replicas = "      replicas: integer | default=1\n"
    inner = RGD.replace(replicas, replicas + "    status:\n      configName: ${config.metadata.name}\n")
    outer = """\
        apiVersion: kro.run/v1alpha1
        kind: ResourceGraphDefinition
        metadata: {name: shops.example.com}
        spec:
          schema: {apiVersion: v1alpha1, kind: Shop, group: example.com, scope: Namespaced, spec: {}}
          resources:
            - id: web
              template:
                apiVersion: example.com/v1alpha1
                kind: WebApp
                metadata: {name: web}
                spec: {name: web}
            - id: settings
              template:
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data:
                  STATE: ${web.status.state}
                  CONFIG: ${web.status.configNme}
        """
    write(tmp_path, "a-shop.yaml", outer)  # read before the RGD it chains
    write(tmp_path, "b-webapp.yaml", inner)
    [found] = check_files([tmp_path])
    assert found.rule == "no-such-field" and "did you mean 'configName'" in found.message
    assert found.location.file == f"{tmp_path / 'a-shop.yaml'}:20"
    assert found.location.path == "spec.resources[1].template.data.CONFIG"


def test_two_rgds_generating_one_crd_conflict_only_where_they_reach_one_cluster(tmp_path: Path) -> None:
    other = RGD.replace("name: webapps.example.com", "name: other")
    write(tmp_path, "a.yaml", RGD)
    write(tmp_path, "b.yaml", other)

    def conflicts(*paths: Path, **options: bool) -> list[tuple[str | None, str]]:
        return [
            (f.location.file, f.message)
            for f in check_files(list(paths), **options)
            if f.rule == "rgd-kind-conflict"
        ]

    # One folder is not one cluster: kro's examples hold alternative versions side by side.
    assert conflicts(tmp_path) == []
    # The caller says the files are one cluster.
    [(where, message)] = conflicts(tmp_path, one_cluster=True)
    assert where == f"{tmp_path / 'b.yaml'}:8" and f"{tmp_path / 'a.yaml'}:8" in message
    # One file is applied as one.
    write(tmp_path, "both/c.yaml", RGD + "---\n" + other)
    [(where, _)] = conflicts(tmp_path / "both")
    assert where == f"{tmp_path / 'both/c.yaml'}:29"
    # One kustomization build, through a listed folder with its own kustomization.
    write(tmp_path, "cluster/kustomization.yaml", "resources: [../a.yaml, apps]\n")
    write(tmp_path, "cluster/apps/kustomization.yaml", "resources: [../../b.yaml, https://x.io/y.yaml]\n")
    [(where, _)] = conflicts(tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "cluster")
    assert where == f"{tmp_path / 'b.yaml'}:8"


def test_documents_that_are_not_objects(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "- a\n- b\n")
    assert [f.rule for f in check_files([path])] == ["yaml-not-object"]


def test_kustomize_build_files_are_not_objects(tmp_path: Path) -> None:
    path = write(
        tmp_path, "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    )
    assert check_files([path]) == []


def test_a_file_that_is_not_utf8_is_one_finding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("data: caf\xe9\n".encode("latin-1"))
    [found] = check_files([path])
    assert (found.rule, found.location.file) == ("file-unreadable", str(path))


def test_yaml_that_is_no_kubernetes_object_is_skipped_but_a_broken_object_is_not(tmp_path: Path) -> None:
    """Helm values (``gitops/argocd/config/helm-values.*.yaml``) have no apiVersion, kind or metadata;
    a manifest that has metadata but lost its kind is still reported."""
    values = write(tmp_path, "values.yaml", "configs:\n  cm:\n    key: value\n")
    broken = write(tmp_path, "broken.yaml", "apiVersion: v1\nmetadata:\n  name: x\n")
    assert check_files([values]) == []
    assert [f.rule for f in check_files([broken])] == ["manifest-type-meta"]


def test_an_instance_finds_its_rgd_by_kind_then_version() -> None:
    from kro_gen.check.files import _by_instance_kind, _rgd_for

    def rgd(group: str, version: str, kind: str) -> dict[str, object]:
        return {"spec": {"schema": {"group": group, "apiVersion": version, "kind": kind}}}

    app_v1, app_v2 = rgd("example.com", "v1", "App"), rgd("example.com", "v2", "App")
    web, other = rgd("example.com", "v1alpha1", "Web"), rgd("other.org", "v1", "Db")
    index = _by_instance_kind([app_v1, web, app_v2, other, {"spec": {}}])
    assert _rgd_for({"apiVersion": "example.com/v2", "kind": "App"}, index) is app_v2
    assert _rgd_for({"apiVersion": "example.com/v1", "kind": "App"}, index) is app_v1
    assert _rgd_for({"apiVersion": "example.com/v3", "kind": "App"}, index) is None  # two candidates
    assert _rgd_for({"apiVersion": "example.com/v9", "kind": "Web"}, index) is web  # wrong version: reported
    assert _rgd_for({"apiVersion": "v1", "kind": "Web"}, index) is web  # no group
    assert _rgd_for({"apiVersion": "elsewhere.io/v1alpha1", "kind": "Web"}, index) is None
    assert _rgd_for({"apiVersion": "other.org/v1", "kind": "Nope"}, index) is None
