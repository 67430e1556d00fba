"""Benchmark: loading synthetic partnergraphs into Neo4j (relationships per second).

Three ways, on the same data, in one run against one server:

* batched  — partnergraph's loader (``neo4j_backend.load``: ``UNWIND $rows ...
  MERGE`` in managed write transactions) for several batch / transaction
  sizes (``--configs``: ``BATCH`` or ``BATCH:TRANSACTION`` rows);
* naive    — the same statements one row per transaction, as users write by hand
  (``session.execute_write`` per source, per node with its evidence links, per
  relationship), on ``--naive-sizes`` (the smallest by default);
* import   — ``neo4j-admin database import full`` (offline, the upper bound) of
  the same graph written by ``readwrite.write_neo4j_csv`` (the ``csv`` export),
  on ``--import-sizes``. Needs a ``scripts/neo4j-local`` instance (``--instance``):
  it is stopped for the import and started again, so the imports run last.

A load's time is the whole ``load()`` call as a user waits for it: building and
checking the rows, constraints, sources, nodes with their evidence links and
relationships (the graph is wiped first, not timed). The import's time is the
``neo4j-admin`` process (JVM start included); the time to write its CSVs and
to create the constraints afterwards is recorded separately. Rates are dataset
relations per second. Each measurement is repeated (``--repeat``, ``--repeat-large``
for medium and large) and the median is reported with the machine's load
average (``os.getloadavg``) before and after. Results go to ``--out`` as JSON;
a Markdown table for the README is printed.

Run (from the repository root; about 30 minutes on 2 busy cores)::

    scripts/neo4j-local start --name bench --jvm-profile packaged --heap-max 2g --pagecache 1g
    source "$(scripts/neo4j-local env --name bench)"
    python bench/bench_neo4j.py --instance bench --start-arg=--jvm-profile=packaged \\
        --start-arg=--heap-max=2g --start-arg=--pagecache=1g
    scripts/neo4j-local stop --name bench --purge
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from partnergraph.graph.stores import neo4j_store as nb
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.readwrite.formats import ARRAY_DELIMITER, write_neo4j_csv
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "results" / "neo4j.json"


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
    return importlib.util.find_spec("neo4j._rust") is not None


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


# --- the three loaders -----------------------------------------------------------------


def batched(settings, G, batch_size: int, transaction_size: int | None) -> float:
    nb.wipe(settings)
    started = time.perf_counter()
    nb.load(settings, G, batch_size=batch_size, transaction_size=transaction_size)
    return time.perf_counter() - started


def naive(settings, G) -> float:
    """One managed transaction per row: the loader's own statements without UNWIND."""
    nb.wipe(settings)
    started = time.perf_counter()
    plan = nb.load_plan(G)
    with nb.open_driver(settings) as driver, driver.session(database=settings.database) as session:
        nb._create_constraints(session)
        for statement in plan:
            cypher = statement.cypher.replace("UNWIND $rows AS row\n", "WITH $row AS row\n")
            for row in statement.rows:
                session.execute_write(lambda tx: tx.run(cypher, row=row).consume())
    return time.perf_counter() - started


def neo4j_local(*args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "neo4j-local"), *args],
                          capture_output=True, text=True, check=not capture)


def instance_settings(instance: str, settings: nb.Neo4jSettings) -> nb.Neo4jSettings:
    """The connection of a scripts/neo4j-local instance, from its env file (a restart may change the port)."""
    path = neo4j_local("env", "--name", instance).stdout.strip()
    env = {}
    for line in Path(path).read_text("utf-8").splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    return nb.Neo4jSettings(env["NEO4J_URI"], env.get("NEO4J_USERNAME", "neo4j"), env["NEO4J_PASSWORD"],
                            env.get("NEO4J_DATABASE") or settings.database)


def admin_import(settings, folder: Path, instance: str, start_args: list[str]) -> tuple[float, float, nb.Neo4jSettings]:
    """Offline import of the CSVs in ``folder``; returns (import seconds, constraint seconds, new settings)."""
    files = [f"--nodes={folder / 'sources.csv'}", f"--nodes={folder / 'nodes.csv'}",
             f"--relationships={folder / 'evidence.csv'}", f"--relationships={folder / 'relationships.csv'}"]
    neo4j_local("stop", "--name", instance)
    started = time.perf_counter()
    proc = neo4j_local("admin", "--name", instance, "--", "database", "import", "full", *files,
                       f"--array-delimiter={ARRAY_DELIMITER}", "--multiline-fields=true",
                       "--overwrite-destination=true", settings.database or "neo4j", capture=True)
    seconds = time.perf_counter() - started
    neo4j_local("start", "--name", instance, *start_args)
    settings = instance_settings(instance, settings)
    if proc.returncode != 0:
        raise RuntimeError(f"neo4j-admin import failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    started = time.perf_counter()
    with nb.open_driver(settings) as driver, driver.session(database=settings.database) as session:
        nb._create_constraints(session)
        session.run("CALL db.awaitIndexes(600)").consume()
    return seconds, time.perf_counter() - started, settings


# --- the run -----------------------------------------------------------------------------


def measure(fn, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        before = load_average()
        seconds = fn()
        runs.append({"seconds": round(seconds, 3), "load_before": before, "load_after": load_average()})
    median = statistics.median(r["seconds"] for r in runs)
    return {"median_s": round(median, 3), "runs": runs}


def interleaved(loads: dict, repeat: int) -> dict:
    """Measure several loads round-robin (A B C A B C ...), so a server warming up or a busier
    machine does not favour whichever configuration happens to run last."""
    runs = {name: [] for name in loads}
    for _ in range(repeat):
        for name, fn in loads.items():
            runs[name] += measure(fn, 1)["runs"]
    return {name: {"median_s": round(statistics.median(r["seconds"] for r in rs), 3), "runs": rs}
            for name, rs in runs.items()}


def config_name(batch_size: int, transaction_size: int | None) -> str:
    return f"{batch_size}" if transaction_size in (None, batch_size) else f"{batch_size}:{transaction_size}"


def parse_configs(text: str) -> list[tuple[int, int | None]]:
    configs = []
    for item in filter(None, text.split(",")):
        batch, _, tx = item.partition(":")
        configs.append((int(batch), int(tx) if tx else None))
    return configs


def markdown(results: dict) -> str:
    """The README table: one row per size and method, medians, rates and the ratios of the targets."""
    lines = ["| size (nodes / relations) | method | median s (runs) | relations/s |",
             "|---|---|---|---|"]
    for size, out in results["sizes"].items():
        label = f"{size} ({out['nodes']:,} / {out['relationships']:,})"
        n = out["relationships"]
        best = out.get("best_config")
        for name, m in out["batched"].items():
            mark = " **(best)**" if name == best else ""
            lines.append(f"| {label} | batched, batch:transaction {name}{mark} | {m['median_s']:.2f} ({len(m['runs'])}) "
                         f"| {n / m['median_s']:,.0f} |")
        if "naive" in out:
            m = out["naive"]
            lines.append(f"| {label} | naive, 1 row per transaction | {m['median_s']:.2f} ({len(m['runs'])}) | {n / m['median_s']:,.0f} |")
        if "import" in out:
            m = out["import"]
            lines.append(f"| {label} | neo4j-admin database import (offline) | {m['median_s']:.2f} ({len(m['runs'])}) "
                         f"| {n / m['median_s']:,.0f} |")
    lines.append("")
    for key, text in (("batched_over_naive", "best batched / naive (same size)"),
                      ("batched_over_naive_smallest", "best batched / naive on the smallest size"),
                      ("batched_over_import", "best batched time / offline import time (target: at most 5)")):
        for size, out in results["sizes"].items():
            if key in out:
                lines.append(f"- {size}: {text}: **{out[key]:.1f}×**")
    lines.append(f"\nNeo4j {results['server']['version']} {results['server']['edition']}, driver {results['driver']}"
                 f" (neo4j-rust-ext: {'yes' if results['rust_extension'] else 'no'}), Python {results['python']},"
                 f" {results['cpus']} CPUs; load average at start {results['load_average_at_start'][0]:.1f},"
                 f" at end {results['load_average_at_end'][0]:.1f}. Command: `{results['command']}`")
    return "\n".join(lines)


def maintenance(settings, size: str, out_path: Path) -> None:
    """Issue 14 at size: load --wipe, status (counts, ids, checksums), the old wipe (10,000 nodes in one
    managed transaction) and the batched wipe, on the server NEO4J_URI names; writes ``out_path``."""
    from partnergraph.graph.stores.neo4j.connection import connect
    from partnergraph.graph.stores.neo4j.load import load, wipe
    from partnergraph.graph.stores.neo4j.status import status

    started = time.perf_counter()
    G = synthetic_graph(size)
    result = {"command": "python bench/bench_neo4j.py --maintenance " + size, "size": size,
              "nodes": G.number_of_nodes(), "relationships": G.number_of_edges(),
              "graph_s": round(time.perf_counter() - started, 1), "load_average_at_start": os.getloadavg()}
    with connect(settings) as conn:
        result["server"] = vars(nb.server_info(conn))
        started = time.perf_counter()
        report = load(conn, G, wipe_first=True)
        result["load_wipe"] = {"seconds": round(time.perf_counter() - started, 1), "pruned_nodes": report.wiped_nodes}
        started = time.perf_counter()
        st = status(conn, G)
        result["status"] = {"seconds": round(time.perf_counter() - started, 1), "in_sync": st.in_sync}
        started = time.perf_counter()
        try:
            with conn.session(write=True) as session:
                n = session.execute_write(lambda tx: tx.run(
                    "MATCH (n:PartnerGraph) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS d").single()["d"])
            result["old_wipe_batch_10000"] = {"deleted": n, "seconds": round(time.perf_counter() - started, 1)}
        except Exception as exc:  # noqa: BLE001 - the failure is the measurement
            result["old_wipe_batch_10000"] = {"failed": f"{type(exc).__name__}: {getattr(exc, 'code', '')}",
                                              "seconds": round(time.perf_counter() - started, 1)}
        started = time.perf_counter()
        result["wipe"] = {"deleted": wipe(conn), "seconds": round(time.perf_counter() - started, 1)}
    result["load_average_at_end"] = os.getloadavg()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, indent=2, default=str) + "\n", "utf-8")
    print(json.dumps(result, indent=2, default=str))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="small,medium", help="synthetic sizes for the batched loader (default: small,medium)")
    p.add_argument("--configs", default="2000,5000,5000:20000,20000",
                   help="batch sizes, or BATCH:TRANSACTION rows, for the batched loader")
    p.add_argument("--naive-sizes", default="small", help="sizes for the one-transaction-per-row load (default: small)")
    p.add_argument("--import-sizes", default="medium", help="sizes for neo4j-admin import (needs --instance); '' for none")
    p.add_argument("--instance", help="scripts/neo4j-local instance name serving NEO4J_URI (for the import)")
    p.add_argument("--start-arg", action="append", default=[], help="argument for restarting the instance (repeatable)")
    p.add_argument("--repeat", type=int, default=3, help="repeats for tiny and small (default 3)")
    p.add_argument("--repeat-large", type=int, default=3, help="repeats for medium and large (default 3)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--maintenance", metavar="SIZE", help="instead: load --wipe, status, old and batched wipe at SIZE "
                                                           "(writes bench/results/neo4j-maintenance.json)")
    args = p.parse_args(argv)
    settings = settings_from_env()
    if args.maintenance:
        out = args.out if args.out != DEFAULT_OUT else DEFAULT_OUT.with_name("neo4j-maintenance.json")
        maintenance(settings, args.maintenance, out)
        return
    split = lambda text: [s for s in text.split(",") if s]  # noqa: E731
    sizes, naive_sizes, import_sizes = split(args.sizes), split(args.naive_sizes), split(args.import_sizes)
    if import_sizes and not args.instance:
        p.error("--import-sizes needs --instance (or pass --import-sizes '')")
    configs = parse_configs(args.configs)
    repeats = lambda size: args.repeat if size in ("tiny", "small") else args.repeat_large  # noqa: E731
    results = {
        "command": "python bench/bench_neo4j.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])),
        "server": vars(nb.server_info(settings)),
        "driver": importlib.metadata.version("neo4j"),
        "rust_extension": rust_extension(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "sizes": {},
    }
    print(f"Neo4j {results['server']['version']} {results['server']['edition']}; driver {results['driver']}, "
          f"neo4j-rust-ext: {results['rust_extension']}; load average {results['load_average_at_start']}")
    graphs = {}
    for size in dict.fromkeys(sizes + naive_sizes + import_sizes):
        G = graphs[size] = synthetic_graph(size)
        results["sizes"][size] = {"nodes": G.number_of_nodes(), "relationships": G.number_of_edges(),
                                  "rows": nb.plan_size(G), "batched": {}}
    warm = min(graphs, key=lambda s: graphs[s].number_of_edges())
    for batch_size, tx_size in configs:  # not timed: the server's JIT and plan cache warm up
        nb.wipe(settings)
        nb.load(settings, graphs[warm], batch_size=batch_size, transaction_size=tx_size)
    for size, G in graphs.items():
        out, n = results["sizes"][size], G.number_of_edges()
        print(f"\n{size}: {G.number_of_nodes()} nodes, {n} relationships, {out['rows']} rows")
        if size in sizes:
            measured = interleaved({config_name(b, t): (lambda b=b, t=t: batched(settings, G, b, t)) for b, t in configs},
                                   repeats(size))
            for name, m in measured.items():
                out["batched"][name] = m
                print(f"  batched {name:>12}: median {m['median_s']:7.2f} s {n / m['median_s']:8.0f} rel/s")
            best = min(out["batched"], key=lambda k: out["batched"][k]["median_s"])
            out["best_config"] = best
        if size in naive_sizes:
            m = out["naive"] = measure(lambda: naive(settings, G), repeats(size))
            print(f"  naive (1 row per tx): median {m['median_s']:7.2f} s {n / m['median_s']:8.0f} rel/s")
    for size in import_sizes:  # last: each import restarts the server (a cold JIT)
        G, out, n = graphs[size], results["sizes"][size], graphs[size].number_of_edges()
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            write_neo4j_csv(G, tmp)
            out["csv_write_s"] = round(time.perf_counter() - started, 3)
            runs, constraints = [], []
            for _ in range(repeats(size)):
                before = load_average()
                seconds, constraint_s, settings = admin_import(settings, Path(tmp), args.instance, args.start_arg)
                runs.append({"seconds": round(seconds, 3), "load_before": before, "load_after": load_average()})
                constraints.append(round(constraint_s, 3))
        if not nb.status(settings, G).in_sync:
            raise RuntimeError("the imported graph differs from what the loader makes")
        m = out["import"] = {"median_s": statistics.median(r["seconds"] for r in runs), "runs": runs,
                             "constraints_s": constraints}
        print(f"  neo4j-admin import: median {m['median_s']:7.2f} s {n / m['median_s']:8.0f} rel/s "
              f"(+ {statistics.median(constraints):.1f} s constraints; CSVs written in {out['csv_write_s']:.1f} s)")
    smallest_naive = min(naive_sizes, key=lambda s: graphs[s].number_of_edges()) if naive_sizes else None
    for size, out in results["sizes"].items():
        if "best_config" not in out:
            continue
        best_s = out["batched"][out["best_config"]]["median_s"]
        rate = out["relationships"] / best_s
        if "naive" in out:
            out["batched_over_naive"] = rate / (out["relationships"] / out["naive"]["median_s"])
        if smallest_naive and smallest_naive != size:
            naive_out = results["sizes"][smallest_naive]
            out["batched_over_naive_smallest"] = rate / (naive_out["relationships"] / naive_out["naive"]["median_s"])
        if "import" in out:
            out["batched_over_import"] = best_s / out["import"]["median_s"]
    results["load_average_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", "utf-8")
    print(f"\nwrote {args.out}\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
