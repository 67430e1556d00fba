"""Time and peak memory of partnergraph's graph queries on synthetic datasets.

Not part of the test suite. Run from the repository root:

    python bench/bench_graph.py --sizes small,medium,large

For each size (see ``partnergraph.graph.model.synthetic.SIZES``) it generates the
seeded synthetic dataset once (JSON files under ``--data-dir``; not timed as
part of any query), then measures every task in a *fresh* Python process, so
one task's memory never counts for another:

==================  ================================================================
build               ``load_dataset([folder])`` + ``build_graph`` (read, validate, build)
projection          ``projection.actor_projection(G)`` (the sparse engine, shared-instrument lists)
projection-nx       the same through networkx ``bipartite.weighted_projected_graph`` (reference)
degree              ``centrality.centrality(G, "degree")`` on the full graph
pagerank            ``centrality.centrality(G, "pagerank")`` on the full graph
betweenness         ``centrality.centrality(G, "betweenness", sample=256, seed=0)`` (igraph engine)
betweenness-nx      the same with ``engine="networkx"`` (``nx.betweenness_centrality(k=256, seed=0)``)
paths               ``paths.find_paths`` between 100 seeded random pairs of actors
==================  ================================================================

Every query task loads the graph first (not timed) and reports the query's wall
time, its CPU time (user + system of the process, less sensitive than wall time
to other programs competing for the cores), and the process's peak resident
memory (``ru_maxrss``), which includes the loaded graph: what a user running
that one command needs.
Small sizes are repeated (``--repeat``) and the median is reported. Results go
to ``bench/results/graph.json``; a Markdown table is printed for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TASKS = ("build", "projection", "projection-nx", "degree", "pagerank", "betweenness", "betweenness-nx", "paths")
DEFAULT_REPEAT = {"tiny": 5, "small": 5, "medium": 3, "large": 1}
PATH_QUERIES = 100
SAMPLE = 256


# --- the worker: one task in one fresh process -----------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _PeakSampler(threading.Thread):
    """The highest resident memory seen while a task runs (sampled every 10 ms)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = _rss_mb()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            self.peak = max(self.peak, _rss_mb())


def _load(folder: str):
    from partnergraph.graph.model.build import build_graph
    from partnergraph.graph.model.dataset import load_dataset

    return build_graph(load_dataset([folder]))


def _task(name: str, G) -> dict:
    """Run one query on G; return what it did (engine, counts)."""
    if name in ("projection", "projection-nx"):
        from partnergraph.graph.analysis.projection import actor_projection

        P = actor_projection(G, method="networkx" if name == "projection-nx" else "auto")
        return {"engine": "networkx bipartite" if name == "projection-nx" else "scipy sparse",
                "actors": P.number_of_nodes(), "links": P.number_of_edges()}
    if name in ("degree", "pagerank", "betweenness"):  # as `partnergraph centrality` runs them
        from partnergraph.graph.analysis.centrality import centrality

        result = centrality(G, name, top=10, sample=SAMPLE if name == "betweenness" else None, seed=0)
        return {"engine": result["engine"], "method": result["method"], "top": result["rows"][0]["id"]}
    if name == "betweenness-nx":  # the reference: networkx's own function on a networkx graph
        from partnergraph.graph.analysis.centrality import analysis_graph, centrality

        start = time.perf_counter()
        U = analysis_graph(G)
        prepared = time.perf_counter() - start
        result = centrality(G, "betweenness", graph=U, top=10, sample=SAMPLE, seed=0, engine="networkx")
        return {"engine": result["engine"], "method": result["method"], "analysis_graph_s": round(prepared, 3),
                "top": result["rows"][0]["id"]}
    if name == "paths":
        import random

        from partnergraph.graph.analysis.paths import NoPath, find_paths

        actors = sorted(n for n, family in G.nodes(data="family") if family == "actor")
        rng = random.Random(0)
        found = hops = 0
        for _ in range(PATH_QUERIES):
            a, b = rng.sample(actors, 2)
            try:
                [path] = find_paths(G, a, b)
            except NoPath:
                continue
            found += 1
            hops += len(path)
        return {"queries": PATH_QUERIES, "found": found, "mean_hops": round(hops / max(found, 1), 2)}
    raise ValueError(f"unknown task {name!r}")


def _warm_imports() -> None:
    """Import what the tasks use before timing them (start-up time is measured separately)."""
    import importlib

    for module in ("partnergraph.graph.model.build", "partnergraph.graph.model.dataset", "partnergraph.graph.analysis.projection",
                   "partnergraph.graph.analysis.centrality", "partnergraph.graph.analysis.paths", "networkx.algorithms.bipartite",
                   "scipy.sparse", "numpy", "igraph", "fastjsonschema", "jsonschema"):
        try:
            importlib.import_module(module)
        except ImportError:
            pass


def worker(task: str, folder: str) -> dict:
    """Measure one task in this (fresh) process and return the figures."""
    _warm_imports()
    start, cpu0 = time.perf_counter(), time.process_time()
    if task == "build":
        from partnergraph.graph.model.build import build_graph
        from partnergraph.graph.model.dataset import load_dataset

        dataset = load_dataset([folder])
        loaded = time.perf_counter()
        G = build_graph(dataset)
        wall = time.perf_counter() - start
        return {"seconds": wall, "cpu_seconds": time.process_time() - cpu0, "load_dataset_s": loaded - start,
                "build_graph_s": wall - (loaded - start), "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    G = _load(folder)
    loaded_mb = _rss_mb()
    sampler = _PeakSampler()
    sampler.start()
    start, cpu0 = time.perf_counter(), time.process_time()
    info = _task(task, G)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    sampler.done.set()
    sampler.join()
    return {"seconds": wall, "cpu_seconds": cpu, "graph_mb": loaded_mb, "task_peak_mb": sampler.peak,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **info}


# --- the driver ------------------------------------------------------------------------


def dataset_folder(size: str, seed: int, data_dir: Path) -> tuple[Path, float | None]:
    """The folder of the synthetic dataset, generated and written when missing (and how long that took)."""
    from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset

    folder = data_dir / f"{size}-seed{seed}"
    if (folder / "relations.json").exists():
        return folder, None
    start = time.perf_counter()
    write_dataset(generate(*SIZES[size], seed=seed), folder)
    return folder, time.perf_counter() - start


def run_one(task: str, folder: Path, timeout: float) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", task, "--data", str(folder)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> dict:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[-1]["error"], "runs": len(runs)}
    summary = {key: statistics.median(r[key] for r in ok) for key in ok[0] if isinstance(ok[0][key], (int, float))}
    summary.update({key: value for key, value in ok[-1].items() if not isinstance(value, (int, float))})
    summary["runs"] = len(ok)
    return summary


def _fmt_time(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s" if s < 10 else f"{s:.1f} s"


def _fmt_mb(mb: float) -> str:
    return f"{mb:.0f} MB" if mb < 1024 else f"{mb / 1024:.1f} GB"


def markdown(results: dict) -> str:
    sizes = list(results["sizes"])
    head = ["task"] + [f"{s} ({results['sizes'][s]['actors']:,} actors / {results['sizes'][s]['instruments']:,} "
                       f"instruments / {results['sizes'][s].get('relations', 0):,} relations)" for s in sizes]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for task in results["tasks"]:
        cells = [task]
        for size in sizes:
            r = results["sizes"][size]["tasks"].get(task)
            if r is None:
                cells.append("–")
            elif "error" in r:
                cells.append(r["error"])
            else:
                cpu = f" ({_fmt_time(r['cpu_seconds'])} CPU)" if "cpu_seconds" in r else ""
                cells.append(f"{_fmt_time(r['seconds'])}{cpu} · {_fmt_mb(r['peak_mb'])}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def environment() -> dict:
    import importlib.metadata as md

    versions = {}
    for package in ("networkx", "scipy", "numpy", "igraph", "jsonschema", "fastjsonschema", "PyYAML"):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = None
    return {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "load_average_at_start": os.getloadavg(), "packages": versions,
            "date": time.strftime("%Y-%m-%d %H:%M")}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,medium,large", help="comma-separated presets (tiny, small, medium, large)")
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, from: {', '.join(TASKS)}")
    parser.add_argument("--repeat", type=int, help="runs per task (default: small 5, medium 3, large 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a task is reported as timed out")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "partnergraph-bench")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "graph.json")
    parser.add_argument("--table", type=Path, metavar="JSON", help="only print the Markdown table of a results file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data)))
        return
    if args.table:
        print(markdown(json.loads(args.table.read_text())))
        return

    from partnergraph.graph.model.synthetic import SIZES

    tasks = args.tasks.split(",")
    unknown = [t for t in tasks if t not in TASKS] + [s for s in args.sizes.split(",") if s not in SIZES]
    if unknown:
        parser.error(f"unknown task or size: {', '.join(unknown)}")
    results = {"command": "python bench/bench_graph.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "environment": environment(), "tasks": tasks, "sizes": {}}
    for size in args.sizes.split(","):
        folder, generated = dataset_folder(size, args.seed, args.data_dir)
        actors, instruments = SIZES[size]
        entry = {"actors": actors, "instruments": instruments, "folder": str(folder),
                 "generate_and_write_s": generated, "tasks": {}}
        results["sizes"][size] = entry
        for task in tasks:
            runs = [run_one(task, folder, args.timeout) for _ in range(args.repeat or DEFAULT_REPEAT.get(size, 1))]
            entry["tasks"][task] = summary = summarise(runs)
            entry["tasks"][task]["all_seconds"] = [round(r["seconds"], 3) for r in runs if "error" not in r]
            if task == "build" and "edges" in summary:
                entry["relations"] = int(summary["edges"])
            shown = summary.get("error") or (f"{_fmt_time(summary['seconds'])} ({_fmt_time(summary['cpu_seconds'])} CPU), "
                                             f"peak {_fmt_mb(summary['peak_mb'])}")
            print(f"{size:>6} {task:<15} {shown}", file=sys.stderr, flush=True)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=2))  # after every task: a long run can be stopped
    print(markdown(results))


if __name__ == "__main__":
    main()
