"""Time and peak memory of every centrality query and the actor projection, one per fresh process.

Complements ``bench_graph.py`` (which times build, projection, degree, PageRank,
sampled betweenness and paths on the full graph) with the steps it does not
cover: eigenvector, closeness, and every measure on the actor projection, each
through the public call a command makes (``centrality.centrality(G, ...)``,
which includes preparing the analysis graph and explaining the top 5 rows).
Not part of the test suite. Run from the repository root:

    python bench/bench_centrality.py --data /tmp/partnergraph-bench/medium-seed0 --repeat 3
    python bench/bench_centrality.py --data /tmp/partnergraph-bench/large-seed0 \\
        --pickle /tmp/pg-large.pickle --steps projection,eigenvector,actors-betweenness

``--data`` is a dataset folder (``python -m partnergraph.graph.model.synthetic --size
large --out DIR`` or the folders ``bench_graph.py`` generates). Loading is not
timed; ``--pickle FILE`` caches the loaded graph so that each fresh process
skips the JSON validation (minutes at the large size). Each step runs in its own
process and reports wall time, CPU time (user + system, including worker
processes: steadier than wall time when other programs compete for the cores) and
the peak resident memory of the process (``ru_maxrss``, including the loaded graph;
``workers_peak_mb`` in the JSON for the largest worker). The median of ``--repeat``
runs is printed as a Markdown table, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SAMPLE = 256
STEPS = {
    "projection": "actor_projection(G): weighted links with shared-instrument lists",
    "projection-weights": "actor_projection(G, with_instruments=False)",
    "degree": "centrality(G, 'degree')",
    "pagerank": "centrality(G, 'pagerank')",
    "eigenvector": "centrality(G, 'eigenvector')",
    "betweenness": f"centrality(G, 'betweenness', sample={SAMPLE}, seed=0)",
    "closeness": "centrality(G, 'closeness')",
    "actors-degree": "centrality(G, 'degree', projection='actors')",
    "actors-pagerank": "centrality(G, 'pagerank', projection='actors')",
    "actors-eigenvector": "centrality(G, 'eigenvector', projection='actors')",
    "actors-betweenness": f"centrality(G, 'betweenness', projection='actors', sample={SAMPLE}, seed=0)",
    "actors-betweenness-exact": "centrality(G, 'betweenness', projection='actors'): every actor a source",
    "actors-closeness": "centrality(G, 'closeness', projection='actors')",
}
DEFAULT_STEPS = [s for s in STEPS if not s.endswith(("closeness", "-exact"))]  # one search per node: slow


def load(data: str, cache: str | None):
    if cache and Path(cache).exists():
        with open(cache, "rb") as fh:
            return pickle.load(fh)
    from partnergraph.graph.model.build import load_graph

    G = load_graph([data])
    if cache:
        with open(cache, "wb") as fh:
            pickle.dump(G, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return G


def run_step(step: str, G) -> dict:
    from partnergraph.graph.analysis import centrality, projection

    if step.startswith("projection"):
        P = projection.actor_projection(G, with_instruments=step == "projection")
        return {"actors": P.number_of_nodes(), "links": P.number_of_edges()}
    on_actors = step.startswith("actors-")
    measure = step.removeprefix("actors-").removesuffix("-exact")
    sampled = measure == "betweenness" and not step.endswith("-exact")
    result = centrality.centrality(G, measure, projection="actors" if on_actors else None, top=10,
                                   sample=SAMPLE if sampled else None, seed=0)
    return {"engine": result["engine"], "method": result["method"], "nodes": result["nodes"],
            "edges": result["edges"], "top": result["rows"][0]["id"]}


def worker(step: str, data: str, cache: str | None) -> dict:
    import networkx  # noqa: F401  (imports are not part of the figure)
    import numpy  # noqa: F401
    import scipy.sparse  # noqa: F401

    G = load(data, cache)
    start, cpu, workers_cpu = time.perf_counter(), time.process_time(), _children_cpu()
    info = run_step(step, G)
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu + _children_cpu() - workers_cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, **info}


def _children_cpu() -> float:
    """CPU seconds of finished worker processes (betweenness/closeness split over CPUs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(step: str, args) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", step, "--data", args.data]
    if args.pickle:
        command += ["--pickle", args.pickle]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"> {args.timeout:.0f} s (timed out)"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="dataset folder")
    parser.add_argument("--pickle", help="cache of the loaded graph (written on first use)")
    parser.add_argument("--steps", default=",".join(DEFAULT_STEPS), help=f"comma-separated, from: {', '.join(STEPS)}")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--out", type=Path, help="write every run as JSON here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.pickle)))
        return
    steps = args.steps.split(",")
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        parser.error(f"unknown step(s): {', '.join(unknown)}")
    if args.pickle and not Path(args.pickle).exists():
        load(args.data, args.pickle)
    results = {"data": args.data, "load_average_at_start": os.getloadavg(), "steps": {}}
    print(f"load average {os.getloadavg()[0]:.1f}; {args.data}", file=sys.stderr)
    print("| step | call | wall (median) | CPU | peak RSS | runs |\n|---|---|---:|---:|---:|---|")
    for step in steps:
        runs = [measure(step, args) for _ in range(args.repeat)]
        results["steps"][step] = runs
        ok = [r for r in runs if "error" not in r]
        if ok:
            cells = [f"{statistics.median(r['seconds'] for r in ok):.2f} s",
                     f"{statistics.median(r['cpu_seconds'] for r in ok):.2f} s",
                     f"{max(r['peak_mb'] for r in ok) / 1024:.2f} GB", ", ".join(f"{r['seconds']:.1f}" for r in ok)]
        else:
            cells = [runs[-1]["error"], "", "", ""]
        print(f"| {step} | `{STEPS[step]}` | " + " | ".join(cells) + " |", flush=True)
        if args.out:
            args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
