"""4. CEL: finding ``${…}`` in the seed RGD's strings, parsing (kro-gen's parser, cel-python's compiler,
cold and cached), reading expressions back as emit does, and evaluating them with cel-python.

The expressions are every distinct ``${…}`` of the seed's RGD; the activation is the development
instance (defaults applied) and its direct-mode manifests, Deployments given a ready status, so every
expression has data to read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from benchmarks.measure import Table, probe_stats, time_calls, timing_row, timing_table
from benchmarks.projects import seed_result
from benchmarks.settings import Settings
from kro_gen.check.rules_base import walk_values


def _strings(value: object) -> Iterator[str]:
    """Every string leaf of a YAML document."""
    return (leaf for _, leaf in walk_values(value, ()) if isinstance(leaf, str))


def seed_strings() -> list[str]:
    """Every string value of the seed RGD, in document order."""
    return list(_strings(seed_result().graphs[0].rgd))


def seed_expressions() -> list[str]:
    """The distinct CEL texts of every ``${…}`` in the seed RGD, in order of first appearance."""
    from kro_gen.expr import extract_expressions

    return list(dict.fromkeys(cel for text in seed_strings() for cel in extract_expressions(text)))


def seed_activation() -> dict[str, Any]:
    """Variables for the seed's expressions: ``schema`` (the development instance) and every resource id
    (its direct-mode manifest at generation 1; Deployments rolled out, every replica ready)."""
    from kro_gen.emit.direct import render_direct
    from kro_gen.emit.instance import instance_document

    result = seed_result()
    output = result.graphs[0]
    emitted = instance_document(output.graph, output.graph.instances["development"], "development")
    activation: dict[str, Any] = {"schema": {**emitted.document, "spec": emitted.effective_spec}}
    manifests = render_direct(
        output.rgd, emitted.document, environment="development", is_namespaced=result.registry.is_namespaced
    )
    for manifest in manifests:
        body = {**manifest.body, "metadata": {**manifest.body["metadata"], "generation": 1}}
        if body["kind"] == "Deployment":
            replicas = body["spec"]["replicas"]
            counts = ("readyReplicas", "updatedReplicas", "availableReplicas", "replicas")
            body["status"] = {"observedGeneration": 1, **dict.fromkeys(counts, replicas)}
        activation[manifest.id] = body
    return activation


def probe_first_use() -> dict[str, float]:
    """Run in a new process: seconds to import ``kro_gen.expr`` and to compile the first expression
    (which imports cel-python and builds its Lark grammar)."""
    start = time.perf_counter()
    from kro_gen.expr import compile_cel

    imported = time.perf_counter()
    compile_cel("schema.spec.replicas + 1 > 2")
    compiled = time.perf_counter()
    return {"import": imported - start, "first_compile": compiled - imported}


def run(settings: Settings) -> list[Table]:
    """The CEL table."""
    import celpy

    from kro_gen.expr import check_parses, compile_cel, evaluate, find_expressions, parse_cel, render_celpy
    from kro_gen.expr.functions import celpy_functions
    from kro_gen.expr.nodes import free_identifiers

    strings, texts, activation = seed_strings(), seed_expressions(), seed_activation()
    count, repeats = len(texts), settings.repeats
    nodes = [parse_cel(text) for text in texts]
    celpy_texts = [render_celpy(node) for node in nodes]
    environment, functions = celpy.Environment(), celpy_functions()
    compiled = [compile_cel(text) for text in texts]
    context = {name: celpy.json_to_cel(value) for name, value in activation.items()}
    used = [(node, {name: activation[name] for name in free_identifiers(node)}) for node in nodes]
    for text in texts:
        evaluate(text, activation)  # every expression must evaluate: a failure here is a broken input

    def each(function: Callable[[Any], object], items: Sequence[Any]) -> Callable[[], object]:
        return lambda: [function(item) for item in items]

    first_use = probe_stats("cel-first-use", settings.process_repeats)
    per = f"per expression ({count} expressions)"
    rows = [
        timing_row(
            "find `${…}` in every string of the RGD, as kro scans them",
            time_calls(each(find_expressions, strings), repeats, per=len(strings)),
            f"per string ({len(strings)} strings, {count} distinct expressions)",
        ),
        timing_row(
            "`parse_cel` (kro-gen's parser, no cache)",
            time_calls(each(parse_cel, texts), repeats, per=count),
            per,
        ),
        timing_row(
            "`render_celpy` (tree → cel-python text)",
            time_calls(each(render_celpy, nodes), repeats, per=count),
            per,
        ),
        timing_row(
            "cel-python compile + program (Lark parse), cold",
            time_calls(
                each(
                    lambda text: environment.program(environment.compile(text), functions=functions),
                    celpy_texts,
                ),
                repeats,
                per=count,
            ),
            per + "; what `compile_cel` adds on a cache miss",
        ),
        timing_row(
            "`compile_cel`, cached",
            time_calls(each(compile_cel, texts), repeats, per=count),
            per + "; lru_cache hit",
        ),
        timing_row(
            "`check_parses` (emit's read-back of every expression)",
            time_calls(each(check_parses, nodes), repeats, per=count),
            per + "; cel-python program cached",
        ),
        timing_row(
            "`evaluate(tree, variables it uses)`",
            time_calls(each(lambda item: evaluate(*item), used), repeats, per=count),
            per + "; as direct mode calls it (renders the tree, cached program)",
        ),
        timing_row(
            "`evaluate(text, whole activation)`",
            time_calls(each(lambda text: evaluate(text, activation), texts), repeats, per=count),
            per + f"; converts all {len(activation)} variables to CEL values on every call",
        ),
        timing_row(
            "cel-python `program.evaluate` alone",
            time_calls(each(lambda item: item.program.evaluate(context), compiled), repeats, per=count),
            per + "; activation converted once",
        ),
        timing_row(
            "first CEL compile in a new process",
            first_use["first_compile"],
            "imports cel-python and builds its grammar (once per process)",
        ),
        timing_row(
            "import `kro_gen.expr` in a new process", first_use["import"], "cel-python not imported yet"
        ),
    ]
    return [timing_table("CEL (expressions of the seed RGD)", rows)]
