"""Benchmark: loading synthetic partnergraphs into Neo4j (relationships per second).

Three ways, on the same data, in one run:

* batched  — partnergraph's loader (``UNWIND $rows ... MERGE`` in managed write
  transactions, one per batch) for several batch sizes;
* naive    — the same statements one row per transaction, as users write by hand
  (``session.execute_write`` per node, per evidence link, per relationship),
  on the sizes given by --naive-sizes (the smallest by default);
* import   — ``neo4j-admin database import full`` (offline, the upper bound) of
  the same graph written as CSVs in its header format, on --import-sizes.
  Needs the server to be a ``scripts/neo4j-local`` instance (--instance): it is
  stopped for the import and started again.

Rates are relationships (dataset relations) per second of the whole load
(constraints, sources, nodes, evidence links, relations). Each measurement is
repeated --repeat times; medians are printed and written as JSON (--out).

Run (about 5-10 minutes with the defaults)::

    scripts/neo4j-local start --name bench --jvm-profile packaged --heap-max 2g --pagecache 1g
    source "$(scripts/neo4j-local env --name bench)"
    python bench/bench_neo4j.py --instance bench --out bench/results-neo4j.json
    scripts/neo4j-local stop --name bench --purge
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from partnergraph.graph import neo4j_backend as nb
from partnergraph.graph.build import load_graph
from partnergraph.graph.propgraph import edge_properties, node_labels, node_properties, relationship_type, source_properties
from partnergraph.graph.synthetic import SIZES, generate, write_dataset

ROOT = Path(__file__).resolve().parents[1]
ARRAY_DELIMITER = "\x1f"  # never in the data; passed to neo4j-admin as U+001F


def settings_from_env() -> nb.Neo4jSettings:
    return nb.Neo4jSettings(
        uri=os.environ["NEO4J_URI"],
        username=os.environ.get("NEO4J_USERNAME", "neo4j"),
        password=os.environ["NEO4J_PASSWORD"],
        database=os.environ.get("NEO4J_DATABASE") or None,
    )


def synthetic_graph(size: str, seed: int = 1):
    with tempfile.TemporaryDirectory() as folder:
        write_dataset(generate(*SIZES[size], seed=seed), folder)
        return load_graph([folder])


def rust_extension() -> bool:
    import importlib.util

    return importlib.util.find_spec("neo4j._rust") is not None


# --- the three loaders -----------------------------------------------------------------


def batched(settings, G, batch_size: int) -> float:
    nb.wipe(settings)
    started = time.perf_counter()
    nb.load(settings, G, batch_size=batch_size)
    return time.perf_counter() - started


def naive(settings, G) -> float:
    """One managed transaction per row: the loader's own statements without UNWIND."""
    nb.wipe(settings)
    plan = nb.load_plan(G)
    started = time.perf_counter()
    with nb.open_driver(settings) as driver, driver.session(database=settings.database) as session:
        nb._create_constraints(session)
        for statement in plan:
            cypher = statement.cypher.replace("UNWIND $rows AS row\n", "WITH $row AS row\n")
            for row in statement.rows:
                session.execute_write(lambda tx: tx.run(cypher, row=row).consume())
    return time.perf_counter() - started


def _csv_type(values: list) -> str:
    sample = next(v for v in values if v is not None)
    if isinstance(sample, list):
        return "string[]"
    if isinstance(sample, bool):
        return "boolean"
    if isinstance(sample, int):
        return "long"
    if isinstance(sample, float):
        return "double"
    if isinstance(sample, date):
        return "date"
    return "string"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(map(str, value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write(path: Path, id_header: list[str], rows: list[tuple[list, dict]]) -> None:
    keys = sorted({k for _, props in rows for k in props} - {"id"} if id_header[0].startswith("id:ID") else {k for _, props in rows for k in props})
    types = {k: _csv_type([p.get(k) for _, p in rows]) for k in keys}
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(id_header + [f"{k}:{types[k]}" for k in keys])
        for head, props in rows:
            w.writerow([_cell(h) for h in head] + [_cell(props.get(k)) for k in keys])


def write_import_csvs(G, folder: Path) -> list[str]:
    """The graph the loader makes, as neo4j-admin import CSVs; returns the command's file arguments."""
    labels = ARRAY_DELIMITER.join
    sources = [([sid, labels(["Source", "PartnerGraph"])], source_properties(rec)) for sid, rec in G.graph["sources"].items()]
    nodes = [([n, labels(node_labels(a) + ["PartnerGraph"])], node_properties(n, a)) for n, a in G.nodes(data=True)]
    evidence = [
        ([n, e["source"], "EVIDENCED_BY"], {"quote": e["quote"], "position": i})
        for n, a in G.nodes(data=True) for i, e in enumerate(a["evidence"])
    ]
    rels = [([u, v, relationship_type(d)], edge_properties(k, d)) for u, v, k, d in G.edges(keys=True, data=True)]
    _write(folder / "sources.csv", ["id:ID(Source)", ":LABEL"], sources)
    _write(folder / "nodes.csv", ["id:ID(Node)", ":LABEL"], nodes)
    _write(folder / "evidence.csv", [":START_ID(Node)", ":END_ID(Source)", ":TYPE"], evidence)
    _write(folder / "relations.csv", [":START_ID(Node)", ":END_ID(Node)", ":TYPE"], rels)
    return [f"--nodes={folder / 'sources.csv'}", f"--nodes={folder / 'nodes.csv'}",
            f"--relationships={folder / 'evidence.csv'}", f"--relationships={folder / 'relations.csv'}"]


def neo4j_local(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "neo4j-local"), *args], check=True,
                   stdout=subprocess.DEVNULL)


def admin_import(settings, G, instance: str, start_args: list[str]) -> tuple[float, float]:
    """Offline import into the instance's database; returns (import seconds, constraint seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        files = write_import_csvs(G, Path(tmp))
        neo4j_local("stop", "--name", instance)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "neo4j-local"), "admin", "--name", instance, "--",
             "database", "import", "full", *files, "--array-delimiter=U+001F", "--multiline-fields=true",
             "--overwrite-destination=true", settings.database or "neo4j"],
            capture_output=True, text=True,
        )
        seconds = time.perf_counter() - started
        neo4j_local("start", "--name", instance, *start_args)
        settings = instance_settings(instance, settings)  # a restart may choose a new port
        if proc.returncode != 0:
            raise RuntimeError(f"neo4j-admin import failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    started = time.perf_counter()
    with nb.open_driver(settings) as driver, driver.session(database=settings.database) as session:
        nb._create_constraints(session)
        session.run("CALL db.awaitIndexes(600)").consume()
    constraints = time.perf_counter() - started
    status = nb.status(settings, G)
    if not status.in_sync:
        raise RuntimeError(f"the imported graph differs from the loader's: {status}")
    return seconds, constraints, settings


def instance_settings(instance: str, settings: nb.Neo4jSettings) -> nb.Neo4jSettings:
    """The connection of a scripts/neo4j-local instance, from its env file."""
    import shlex

    path = subprocess.run([sys.executable, str(ROOT / "scripts" / "neo4j-local"), "env", "--name", instance],
                          capture_output=True, text=True, check=True).stdout.strip()
    env = {}
    for line in Path(path).read_text("utf-8").splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    return nb.Neo4jSettings(env["NEO4J_URI"], env.get("NEO4J_USERNAME", "neo4j"), env["NEO4J_PASSWORD"],
                            env.get("NEO4J_DATABASE") or settings.database)


# --- the run -----------------------------------------------------------------------------


def median_of(fn, repeat: int) -> tuple[float, list[float]]:
    times = [fn() for _ in range(repeat)]
    return statistics.median(times), times


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="tiny,small", help="synthetic sizes for the batched loader (default: tiny,small)")
    p.add_argument("--batch-sizes", default="100,500,1000,5000,20000")
    p.add_argument("--naive-sizes", default="tiny", help="sizes for the one-transaction-per-row load (default: tiny)")
    p.add_argument("--import-sizes", default="", help="sizes for neo4j-admin import (needs --instance), e.g. small,medium")
    p.add_argument("--instance", help="scripts/neo4j-local instance name serving NEO4J_URI (for the import)")
    p.add_argument("--start-arg", action="append", default=[], help="extra args for restarting the instance")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    settings = settings_from_env()
    sizes = [s for s in args.sizes.split(",") if s]
    all_sizes = list(dict.fromkeys(sizes + args.naive_sizes.split(",") + args.import_sizes.split(",")))
    results = {"server": vars(nb.server_info(settings)), "rust_extension": rust_extension(), "repeat": args.repeat, "sizes": {}}
    print(f"Neo4j {results['server']['version']} {results['server']['edition']}; neo4j-rust-ext: {results['rust_extension']}")
    for size in [s for s in all_sizes if s]:
        G = synthetic_graph(size)
        n_rel = G.number_of_edges()
        out = results["sizes"][size] = {"nodes": G.number_of_nodes(), "relationships": n_rel,
                                         "rows": nb.plan_size(G), "batched": {}}
        print(f"\n{size}: {G.number_of_nodes()} nodes, {n_rel} relationships, {out['rows']} rows in all")
        if size in sizes:
            for bs in map(int, args.batch_sizes.split(",")):
                med, times = median_of(lambda: batched(settings, G, bs), args.repeat)
                out["batched"][bs] = {"median_s": med, "times_s": times, "rel_per_s": n_rel / med}
                print(f"  batched, batch {bs:>6}: median {med:7.2f} s  {n_rel / med:9.0f} rel/s")
        if size in args.naive_sizes.split(","):
            med, times = median_of(lambda: naive(settings, G), max(1, args.repeat - 2) if size != "tiny" else args.repeat)
            out["naive"] = {"median_s": med, "times_s": times, "rel_per_s": n_rel / med}
            print(f"  naive (1 row per tx):  median {med:7.2f} s  {n_rel / med:9.0f} rel/s")
        if size in args.import_sizes.split(","):
            if not args.instance:
                p.error("--import-sizes needs --instance")
            runs = []
            for _ in range(max(1, args.repeat - 2)):
                *run, settings = admin_import(settings, G, args.instance, args.start_arg)
                runs.append(run)
            med = statistics.median(r[0] for r in runs)
            out["import"] = {"median_s": med, "times_s": [r[0] for r in runs],
                             "constraints_s": [r[1] for r in runs], "rel_per_s": n_rel / med}
            print(f"  neo4j-admin import:    median {med:7.2f} s  {n_rel / med:9.0f} rel/s (+ {runs[0][1]:.1f} s constraints)")
        best = max(out["batched"].items(), key=lambda kv: kv[1]["rel_per_s"]) if out["batched"] else None
        if best:
            out["best_batch_size"] = best[0]
            if "naive" in out:
                out["batched_over_naive"] = best[1]["rel_per_s"] / out["naive"]["rel_per_s"]
                print(f"  best batched / naive: {out['batched_over_naive']:.1f}x (batch {best[0]})")
            if "import" in out:
                out["import_over_batched"] = out["import"]["rel_per_s"] / best[1]["rel_per_s"]
                print(f"  import / best batched: {out['import_over_batched']:.2f}x")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", "utf-8")
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
