"""Where a resource is: the line in the graph's resources function that made it, with the helper's line
as context when a helper function (in the definition module or a module it imports) built it."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from kro_gen.errors import DefinitionError, Location
from kro_gen.graph.resource import display_path

HELPERS = """\
from kro_gen import k8s
from kro_gen.graph import Resource


def raw(name, replicas):
    return Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})  # raw


def worker(name, replicas):
    return k8s.Deployment(name, image="nginx", replicas=replicas)  # worker
"""

DEFINITION = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph, k8s
from kro_gen.graph import Resource
from sites_helpers import raw, worker


class Spec(BaseModel):
    image: str
    replicas: int = 1


def local(name):
    return Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})  # local


shared = local("shared")  # module level


app = ResourceGraph("sites", api_version="example.com/v1alpha1", kind="Sites", spec=Spec)


@app.resources
def resources(schema):
    direct = Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}})  # direct
    return {
        "direct": direct,
        "localOne": local("one"),  # call local one
        "localTwo": local("two"),  # call local two
        "rawOne": raw("r1", 1),  # call raw one
        "rawTwo": raw("r2", 2),  # call raw two
        "workerOne": worker("w1", schema.spec.replicas),  # call worker one
        "workerTwo": worker("w2", REPLICAS),  # call worker two
        "shared": shared,
    }
"""


def line_of(path: Path, marker: str) -> str:
    """``file:line`` (as kro-gen shows it) of the line of ``path`` that ends with ``# marker``."""
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if text.endswith(f"# {marker}"):
            return f"{display_path(str(path))}:{number}"
    raise AssertionError(f"no line marked {marker!r} in {path}")


@pytest.fixture
def modules(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "sites_helpers.py").write_text(HELPERS)
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in ("sites_helpers", "sites_definition"):
        sys.modules.pop(name, None)


def load(folder: Path, replicas: str = "schema.spec.replicas", text: str | None = None) -> ModuleType:
    """Import the definition module (``text``, else DEFINITION with the second worker's ``replicas``)."""
    path = folder / "sites_definition.py"
    path.write_text(text if text is not None else textwrap.dedent(DEFINITION).replace("REPLICAS", replicas))
    spec = importlib.util.spec_from_file_location("sites_definition", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sites_definition"] = module
    spec.loader.exec_module(module)
    return module


def test_a_resource_made_by_a_helper_is_at_its_call_in_the_resources_function(modules: Path) -> None:
    built = load(modules).app.build()
    definition, helpers = modules / "sites_definition.py", modules / "sites_helpers.py"
    sites = {rid: (r.site, r.built_at) for rid, r in built.resources.items()}
    assert sites == {
        # made in the resources function: at its line, no context (as before)
        "direct": (line_of(definition, "direct"), None),
        # made outside any resources function: at the innermost user line, as before
        "shared": (line_of(definition, "local"), None),
        # made by helpers: at each call, the helper's line as context
        "localOne": (line_of(definition, "call local one"), line_of(definition, "local")),
        "localTwo": (line_of(definition, "call local two"), line_of(definition, "local")),
        "rawOne": (line_of(definition, "call raw one"), line_of(helpers, "raw")),
        "rawTwo": (line_of(definition, "call raw two"), line_of(helpers, "raw")),
        "workerOne": (line_of(definition, "call worker one"), line_of(helpers, "worker")),
        "workerTwo": (line_of(definition, "call worker two"), line_of(helpers, "worker")),
    }
    shown = str(built.resources["rawTwo"].location())
    assert (
        shown
        == f"{line_of(definition, 'call raw two')} (built at {line_of(helpers, 'raw')}), resource 'rawTwo'"
    )
    assert str(built.resources["direct"].location()) == f"{line_of(definition, 'direct')}, resource 'direct'"


def test_a_builder_error_in_a_helper_names_the_call_and_the_helper_line(modules: Path) -> None:
    module = load(modules, replicas='"three"')  # only the second worker call is wrong
    with pytest.raises(DefinitionError) as error:
        module.app.build()
    definition, helpers = modules / "sites_definition.py", modules / "sites_helpers.py"
    assert error.value.location.file == line_of(definition, "call worker two")
    assert error.value.location.built_at == line_of(helpers, "worker")
    assert str(error.value).startswith(
        f"{line_of(definition, 'call worker two')} (built at {line_of(helpers, 'worker')}), graph 'sites'"
    )
    assert "Deployment 'w2': replicas" in str(error.value)


def test_an_error_raised_in_a_helper_without_a_location_is_at_the_call(modules: Path) -> None:
    (modules / "sites_helpers.py").write_text(
        HELPERS + "\n\ndef broken(name):\n    return Resource(None)  # broken\n"
    )
    text = DEFINITION.replace("REPLICAS", "1").replace("raw, worker", "broken, raw, worker")
    text = text.replace(
        '"shared": shared,', '"shared": shared,\n        "broken": broken("b"),  # call broken'
    )
    module = load(modules, text=text)
    with pytest.raises(DefinitionError) as error:
        module.app.build()
    assert error.value.rule == "template-or-external-ref"
    definition, helpers = modules / "sites_definition.py", modules / "sites_helpers.py"
    assert error.value.location.file == line_of(definition, "call broken")
    assert error.value.location.built_at == line_of(helpers, "broken")


def test_built_at_belongs_to_the_file_it_explains() -> None:
    made = Location(file="d.py:9", resource="x", built_at="h.py:2")
    assert str(made) == "d.py:9 (built at h.py:2), resource 'x'"
    assert Location(path="spec").merged(made) == Location(
        file="d.py:9", resource="x", path="spec", built_at="h.py:2"
    )
    # a location with its own file keeps it, without the outer file's context
    assert Location(file="other.py:1").merged(made).built_at is None
    assert Location(file="a.py:1", resource="r").at_site(made) == Location(
        file="d.py:9", resource="r", built_at="h.py:2"
    )
