"""Shortcuts of the serial stages give what the long way gives.

* ``rgd_document`` renders every expression once (:func:`kro_gen.expr.render.remembering`): the text it
  parses back is the text it writes;
* the planner writes the ``platform/rgds/`` text each unit made (for the same chain depth) instead of
  dumping the RGD again.

Each is compared with the long way on the seed and the examples (whole plans and findings), on the
graphs of the direct-mode equivalence tests, and on the cases where the shortcut must step aside.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from pathlib import Path
from typing import Any

import pytest

from kro_gen.emit import yamlio
from kro_gen.emit.rgd import rgd_document
from kro_gen.errors import ExpressionError, ValidationError
from kro_gen.expr import nodes as n
from kro_gen.expr import render
from kro_gen.expr.render import remembering, render_cel
from kro_gen.gitops import platform
from kro_gen.gitops.model import GraphArtifact
from kro_gen.pipeline.incremental import plan_project
from kro_gen.project.config import load_config
from tests.emit.test_direct_equivalence import CASES

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = [ROOT, ROOT / "examples" / "storefront", ROOT / "examples" / "webpage"]


def _long_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "remembering", contextlib.nullcontext)
    monkeypatch.setattr(platform, "_made", lambda graph, max_depth: None)


def _plan(root: Path) -> tuple[dict[str, str], list[Any]]:
    planned = plan_project(load_config(root), cache=None, jobs=1)
    return dict(planned.plan.files), list(planned.findings)


@pytest.mark.parametrize("root", PROJECTS, ids=[p.name for p in PROJECTS])
def test_plans_and_findings_are_the_same_the_long_way(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    short = _plan(root)
    _long_way(monkeypatch)
    long = _plan(root)
    assert short == long
    assert any(path.startswith("platform/rgds/") for path in short[0])


def test_rgds_are_the_same_without_the_render_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    made = {label: make for label, make, _ in CASES}
    short = {label: rgd_document(make().build()) for label, make in made.items()}
    monkeypatch.setattr(render, "remembering", contextlib.nullcontext)
    long = {label: rgd_document(make().build()) for label, make in made.items()}
    assert short == long and len(short) >= 3


class _Named:
    def __init__(self, rid: str | None) -> None:
        self.id = rid


def test_the_memo_lives_only_within_the_block() -> None:
    resource = _Named("web")
    tree = n.Select(n.ResourceRoot.of(resource), "spec")
    with remembering():
        assert render_cel(tree) == "web.spec"
        assert render_cel(tree) == "web.spec"
    resource.id = "api"  # a tree may change between blocks: nothing is remembered across them
    with remembering():
        assert render_cel(tree) == "api.spec"
    assert render_cel(tree) == "api.spec"
    assert not render._MEMOS.stack


def test_the_memo_is_per_thread() -> None:
    resource = _Named("web")
    tree = n.Select(n.ResourceRoot.of(resource), "spec")
    seen: list[str] = []
    with remembering():
        assert render_cel(tree) == "web.spec"
        resource.id = "api"

        def other() -> None:  # no block in this thread: nothing remembered here
            seen.append(render_cel(tree))

        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
    assert seen == ["api.spec"]


def test_a_resource_root_is_never_remembered() -> None:
    resource = _Named("web")
    root = n.ResourceRoot.of(resource)
    with remembering():
        assert render_cel(root) == "web"
        resource.id = "api"
        assert render_cel(root) == "api"


def test_equal_nodes_of_different_types_keep_their_own_texts() -> None:
    # dataclass equality says 1 == 1.0 == True: the memo is keyed by the object, not by equality
    items = [n.Literal(1), n.Literal(1.0), n.Literal(True), n.ListLit((n.Literal(1), n.Literal(1.0)))]
    with remembering():
        texts = [render_cel(item) for item in items] + [render_cel(item) for item in items]
    assert texts == ["1", "1.0", "true", "[1, 1.0]"] * 2


def test_an_error_is_raised_again_not_remembered() -> None:
    bad = n.Call("has", (n.Select(n.Ident("x"), "my-key"),))
    with remembering():
        for _ in range(2):
            with pytest.raises(ExpressionError, match="has\\(\\) only takes a field"):
                render_cel(bad)
        nameless = n.ResourceRoot.of(_Named(None))
        for _ in range(2):
            with pytest.raises(ExpressionError, match="not part of the graph"):
                render_cel(n.Select(nameless, "spec"))


def _artifact() -> GraphArtifact:
    rgd = {
        "apiVersion": "kro.run/v1alpha1",
        "kind": "ResourceGraphDefinition",
        "metadata": {"name": "web"},
        "spec": {"schema": {"apiVersion": "v1alpha1", "kind": "Web", "spec": {}}, "resources": []},
    }
    return GraphArtifact("web", "Web", "example.com", "v1alpha1", "Namespaced", rgd, 0, "definitions/web.py")


def test_a_made_rgd_file_is_used_for_its_depth_only() -> None:
    plain = _artifact()
    fresh = platform.rgd_file(plain, 0)
    made = dataclasses.replace(plain, rgd_file=(0, fresh))
    assert made == plain  # not part of equality
    assert platform.rgd_file(made, 0) is fresh
    stale = dataclasses.replace(plain, rgd_file=(2, "not this text\n"))
    assert platform.rgd_file(stale, 0) == fresh
    assert platform.rgd_file(stale, 2) == "not this text\n"


def test_a_made_rgd_file_is_recorded_like_a_dump() -> None:
    plain = _artifact()
    with yamlio.recording_dumps() as dumped:
        fresh = platform.rgd_file(plain, 1)
    with yamlio.recording_dumps() as noted:
        again = platform.rgd_file(dataclasses.replace(plain, rgd_file=(1, fresh)), 1)
    assert again == fresh
    assert noted == dumped and fresh in noted


def test_a_made_rgd_file_does_not_hide_a_bad_rgd_at_another_depth() -> None:
    plain = _artifact()
    bad = dataclasses.replace(plain, rgd={**plain.rgd, "kind": "Other"}, rgd_file=(3, "text\n"))
    with pytest.raises(ValidationError, match=r"not a kro\.run/v1alpha1 RGD"):
        platform.rgd_file(bad, 0)
