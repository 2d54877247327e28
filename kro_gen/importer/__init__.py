"""RGD YAML → a kro-gen definition module (``kro-gen import``): models, resources and expressions as
Python. Pure text generation; :mod:`kro_gen.pipeline.importing` checks the result by round trip."""

from __future__ import annotations

from kro_gen.importer.models import ImportProblem
from kro_gen.importer.module import ImportedSource, SitePath, definition_source

__all__ = ["ImportProblem", "ImportedSource", "SitePath", "definition_source"]
