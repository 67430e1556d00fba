"""The local Cypher engine (a Python evaluator over the property graph) against the previous one
(a text rewriter onto LadybugDB, kept in bench/legacy_ladybug_engine.py): build time, per-query
latency and refusals on the conformance suite, on the seed and on synthetic graphs.

    python bench/cypher_engines.py [--sizes tiny small]

Exactness against Neo4j is measured by the conformance suite and the differential generator
(python -m pytest tests/cypher), not here; this compares cost.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "cypher"))
sys.path.insert(0, str(ROOT / "bench"))

from harness import load_suite  # noqa: E402


def graph(name: str):
    from partnergraph.graph.model.build import load_graph
    from partnergraph.graph.model.synthetic import SIZES, generate

    if name == "seed":
        return load_graph()
    from partnergraph.graph.model.build import build_graph  # noqa: F401 - generate() gives a dataset
    import tempfile

    from partnergraph.graph.model.synthetic import write_dataset

    folder = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    write_dataset(generate(*SIZES[name], seed=1), folder)
    return load_graph([folder])


def measure(make, G, queries, runs: int = 3):
    started = time.perf_counter()
    engine = make(G)
    build = time.perf_counter() - started
    times, refused, failed = [], 0, 0
    for q in queries:
        best = None
        for _ in range(runs):
            t0 = time.perf_counter()
            try:
                engine.query(q.cypher, q.params, timeout=20)
            except Exception as exc:  # noqa: BLE001 - counted
                name = type(exc).__name__
                refused += name in ("UnsupportedQuery", "ReadOnlyQuery")
                failed += name not in ("UnsupportedQuery", "ReadOnlyQuery")
                best = None
                break
            elapsed = time.perf_counter() - t0
            best = elapsed if best is None else min(best, elapsed)
        if best is not None:
            times.append(best)
    return build, times, refused, failed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="*", default=["tiny", "small"])
    args = parser.parse_args()
    from legacy_ladybug_engine import EmbeddedCypher as Ladybug

    from partnergraph.graph.stores.cypher.engine import EmbeddedCypher as Local

    suite = [q for q in load_suite() if not q.write]
    print("| graph | engine | build | answered | refused | failed | median / query | max / query |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ["seed", *args.sizes]:
        G = graph(name)
        queries = [q for q in suite if q.dataset == ("seed" if name == "seed" else "synthetic")] if name in ("seed", "tiny") else suite
        for label, make in (("local (Python evaluator)", Local), ("LadybugDB rewriter (before)", Ladybug)):
            build, times, refused, failed = measure(make, G, queries)
            med = statistics.median(times) * 1000 if times else float("nan")
            print(f"| {name} ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges) | {label} | {build:.2f} s | "
                  f"{len(times)}/{len(queries)} | {refused} | {failed} | {med:.1f} ms | {max(times) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
