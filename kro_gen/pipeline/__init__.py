"""The pipeline: definitions -> graphs -> checks -> RGDs, instances, manifests -> the planned GitOps tree.

Nothing here writes files; :mod:`kro_gen.cli` writes the plan with :func:`kro_gen.gitops.write_tree`.
"""

from kro_gen.pipeline.findings import CheckFailed
from kro_gen.pipeline.graphs import GraphOutput
from kro_gen.pipeline.run import GenerationResult, generate, tree_settings

__all__ = ["CheckFailed", "GenerationResult", "GraphOutput", "generate", "tree_settings"]
