"""Benchmarks of kro-gen: start-up, generate, scaling, CEL, validation, the writer.

Run them with ``python benchmarks/run.py`` (see ``benchmarks/README.md``). Nothing here is imported by
kro-gen or by its tests, except one smoke test that runs ``run.py --quick --only cel``.
"""
