"""Compare embedded Cypher engines against a real Neo4j and write docs/cypher-engines.md.

    scripts/neo4j-local start --name bench && source "$(scripts/neo4j-local env --name bench)"
    pip install grand-cypher kuzu             # the other candidates (ladybug is a dependency)
    python bench/cypher_compare.py            # writes docs/cypher-engines.md, prints the tables

Every query of tests/cypher/queries.yaml runs on Neo4j (the expected rows) and on each
candidate: LadybugDB (``ladybug``, the engine behind ``partnergraph query``), Kùzu 0.11
(``kuzu``, the project LadybugDB forked) through the same translation layer, and grand-cypher
(Cypher over the networkx graph itself) on the raw query text. Each engine runs in its own
process, so import time and peak memory are its own. ``partnergraph query`` itself is timed
as a user runs it (a fresh process per run) without the cache, with an empty cache (cold:
builds the on-disk database) and with a filled one (warm), with its peak RSS from
``/usr/bin/time``. The machine is shared: figures are medians of several runs; compare
ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "cypher"))

from harness import DATASETS, dataset_graph, difference, load_suite  # noqa: E402

ENGINES = ("local", "ladybug", "kuzu", "grand-cypher")
SCALE_QUERIES = {
    "count per kind": "MATCH (i:Instrument) RETURN i.kind AS kind, count(*) AS n ORDER BY n DESC, kind",
    "co-parties (2 hops)": ("MATCH (a:State)-[:PARTY_TO]->(i:Agreement)<-[:PARTY_TO]-(b:State) WHERE a.id < b.id "
                            "RETURN a.id, b.id, count(i) AS shared ORDER BY shared DESC, a.id, b.id LIMIT 20"),
    "reach *1..3": "MATCH (a {id: 'a00005'})-[:PARTY_TO*1..3]-(b) RETURN count(DISTINCT b)",
}
QUERY_TIME_LIMIT = 20  # seconds per query for the pure-Python engine
STARTUP_QUERY = ("MATCH (a)-[:PARTY_TO]->(i)<-[:PARTY_TO]-(b) WHERE a.short_name = 'EU' "
                 "RETURN b.name, i.name ORDER BY b.name")
STARTUP_MODES = ("--no-cache", "cold cache", "warm cache")


class TimeLimit(Exception):
    pass


def _alarm(signum, frame):
    raise TimeLimit()


def grand_graph(G):
    """The graph as grand-cypher reads it: propgraph properties plus ``__labels__`` sets."""
    import networkx as nx

    from partnergraph.graph.model import propgraph

    H = nx.MultiDiGraph()
    for sid, record in G.graph.get("sources", {}).items():
        H.add_node(sid, **propgraph.source_properties(record), __labels__={"Source", "PartnerGraph"})
    for n, a in G.nodes(data=True):
        H.add_node(n, **propgraph.node_properties(n, a), __labels__={*propgraph.node_labels(a), "PartnerGraph"})
        for i, e in enumerate(a.get("evidence", [])):
            H.add_edge(n, e["source"], quote=e["quote"], position=i, __labels__={"EVIDENCED_BY"})
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **propgraph.edge_properties(k, d), __labels__={propgraph.relationship_type(d)})
    return H


class GrandEngine:
    def __init__(self, G):
        from grandcypher import GrandCypher

        self._G, self._cls = grand_graph(G), GrandCypher

    def query(self, cypher, params=None):
        if params:
            raise ValueError("grand-cypher takes no query parameters")
        from partnergraph.graph.stores.cypher.values import render

        result = self._cls(self._G).run(cypher)
        columns = [str(c) for c in result]
        values = list(result.values())
        rows = [list(r) for r in zip(*values)] if values else []
        return columns, [[render(v) for v in row] for row in rows]


def make_engine(name, G):
    if name == "grand-cypher":
        return GrandEngine(G)
    if name == "local":
        from partnergraph.graph.stores.cypher.engine import EmbeddedCypher

        engine = EmbeddedCypher(G)
    else:  # the previous text rewriter onto LadybugDB / Kùzu, kept for this comparison
        sys.path.insert(0, str(ROOT / "bench"))
        from legacy_ladybug_engine import EmbeddedCypher as Legacy

        engine = Legacy(G, module=name)

    class Adapter:
        def query(self, cypher, params=None):
            result = engine.query(cypher, params)
            return result.columns, result.rows

    return Adapter()


def _import_module(name):
    import importlib

    started = time.perf_counter()
    importlib.import_module({"grand-cypher": "grandcypher"}.get(name, name))
    return time.perf_counter() - started


def run_suite(name, queue):
    """In a child process: every suite query on one engine (answers, errors, latencies)."""
    signal.signal(signal.SIGALRM, _alarm)
    out = {"import_s": _import_module(name), "build_s": {}, "answers": {}, "latency_ms": {}}
    suite = load_suite()
    for dataset in DATASETS:
        G = dataset_graph(dataset)
        started = time.perf_counter()
        try:
            engine = make_engine(name, G)
        except Exception as exc:  # noqa: BLE001
            out["build_error"] = f"{type(exc).__name__}: {exc}"
            queue.put(out)
            return
        out["build_s"][dataset] = time.perf_counter() - started
        for q in (q for q in suite if q.dataset == dataset):
            times = []
            for _ in range(3 if dataset == "seed" else 1):
                signal.alarm(QUERY_TIME_LIMIT)
                try:
                    started = time.perf_counter()
                    answer = engine.query(q.cypher, q.params)
                    times.append(time.perf_counter() - started)
                except TimeLimit:
                    answer = {"error": f"no answer within {QUERY_TIME_LIMIT} s"}
                    break
                except Exception as exc:  # noqa: BLE001
                    answer = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
                    break
                finally:
                    signal.alarm(0)
            out["answers"][q.name] = answer
            if times:
                out["latency_ms"][q.name] = 1000 * statistics.median(times)
    queue.put(out)


def run_scale(name, size, queue):
    """In a child process: build one engine over a synthetic size; latency of SCALE_QUERIES, peak RSS."""
    from partnergraph.graph.model.build import load_graph
    from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset
    import tempfile

    signal.signal(signal.SIGALRM, _alarm)
    folder = tempfile.mkdtemp(prefix=f"pg-bench-{size}-")
    write_dataset(generate(*SIZES[size], seed=1), folder)
    G = load_graph([folder])
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    engine = make_engine(name, G)
    out = {"build_s": time.perf_counter() - started, "latency_ms": {},
           "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    for label, cypher in SCALE_QUERIES.items():
        times = []
        try:
            for _ in range(3):
                signal.alarm(QUERY_TIME_LIMIT * 3)
                started = time.perf_counter()
                engine.query(cypher)
                times.append(time.perf_counter() - started)
                signal.alarm(0)
            out["latency_ms"][label] = 1000 * statistics.median(times)
        except TimeLimit:
            out["latency_ms"][label] = None
        except Exception as exc:  # noqa: BLE001
            out["latency_ms"][label] = "error: " + (str(exc).splitlines() or [""])[0][:60].replace("|", "\\|")
        finally:
            signal.alarm(0)
    out["rss_mib"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    queue.put(out)


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("partnergraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "partnergraph.cli.main"]


def _run_cli(args: list[str], env: dict) -> tuple[float, float | None]:
    """Wall seconds and peak RSS (MiB, from /usr/bin/time when present) of one CLI process."""
    timer = shutil.which("time", path="/usr/bin")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        prefix = [timer, "-f", "%M", "-o", report.name] if timer else []
        started = time.perf_counter()
        done = subprocess.run([*prefix, *_cli(), *args], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"partnergraph {' '.join(args[:1])} failed: {done.stderr.strip()[:300]}")
        kib = report.read().strip().splitlines()[-1] if timer else ""
    return wall, (int(kib) / 1024 if kib.isdigit() else None)


def startup(size: str, runs: int) -> dict:
    """`partnergraph query` in fresh processes: no cache, cold cache, warm cache (medians)."""
    data: list[str] = []
    if size != "seed":
        from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset

        folder = tempfile.mkdtemp(prefix=f"pg-startup-{size}-")
        write_dataset(generate(*SIZES[size], seed=1), folder)
        data = ["--data", folder]
    cache = tempfile.mkdtemp(prefix="pg-startup-cache-")
    env = {**os.environ, "PARTNERGRAPH_CACHE": cache}
    out = {}
    for mode in STARTUP_MODES:
        walls, rss = [], []
        for _ in range(runs):
            if mode == "cold cache":
                shutil.rmtree(cache, ignore_errors=True)
            query = STARTUP_QUERY if size == "seed" else SCALE_QUERIES["co-parties (2 hops)"]
            args = ["query", query, "--format", "json", *data] + (["--no-cache"] if mode == "--no-cache" else [])
            wall, peak = _run_cli(args, env)
            walls.append(wall)
            if peak is not None:
                rss.append(peak)
        out[mode] = {"wall_s": statistics.median(walls), "rss_mib": statistics.median(rss) if rss else None}
    out["cache_mib"] = sum(f.stat().st_size for f in Path(cache).rglob("*") if f.is_file()) / 2**20
    shutil.rmtree(cache, ignore_errors=True)
    return out


def _synthetic(size: str):
    from partnergraph.graph.model.build import load_graph
    from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset

    folder = tempfile.mkdtemp(prefix=f"pg-bench-{size}-")
    write_dataset(generate(*SIZES[size], seed=1), folder)
    return load_graph([folder])


def table_pairs(G) -> int:
    """(relationship type, FROM table, TO table) pairs with data: LadybugDB's physical relationship tables."""
    from partnergraph.graph.model import propgraph
    sys.path.insert(0, str(ROOT / "bench"))
    from legacy_ladybug_engine import EVIDENCE_TYPE, SOURCE_LABEL, _table

    pairs = {(propgraph.relationship_type(d), _table(G.nodes[u]["kind"]), _table(G.nodes[v]["kind"]))
             for u, v, d in G.edges(data=True)}
    pairs |= {(EVIDENCE_TYPE, _table(a["kind"]), SOURCE_LABEL) for _, a in G.nodes(data=True) if a.get("evidence")}
    return len(pairs)


def in_child(target, *args, timeout=1800):
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    try:
        return queue.get(timeout=timeout)
    finally:
        proc.join(5)
        if proc.is_alive():
            proc.kill()


def neo4j_answers():
    from partnergraph.graph.stores.cypher.values import neo4j_query
    from partnergraph.graph.stores.neo4j_store import Neo4jSettings, load

    settings = Neo4jSettings(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"),
                             os.environ["NEO4J_PASSWORD"], os.environ.get("NEO4J_DATABASE"))
    answers, latency = {}, {}
    suite = load_suite()
    for dataset in DATASETS:
        load(settings, dataset_graph(dataset), wipe_first=True)
        for q in (q for q in suite if q.dataset == dataset):
            times = []
            try:
                for _ in range(3):
                    started = time.perf_counter()
                    answers[q.name] = neo4j_query(settings, q.cypher, q.params)
                    times.append(time.perf_counter() - started)
                latency[q.name] = 1000 * statistics.median(times)
            except Exception as exc:  # noqa: BLE001
                answers[q.name] = exc
    return answers, latency


def score(engine_out, expected):
    """name -> 'pass' | 'refused' | 'fail' for one engine."""
    from partnergraph.graph.stores.neo4j_store import WriteQueryRefused

    verdicts = {}
    for q in load_suite():
        got = engine_out["answers"].get(q.name, {"error": "not run"})
        exp = expected[q.name]
        if isinstance(got, dict):
            verdicts[q.name] = "refused" if ("not supported" in got["error"] or "read-only" in got["error"]) else "fail"
        elif isinstance(exp, (Exception, WriteQueryRefused)):
            verdicts[q.name] = "fail"  # Neo4j refused or failed, the engine answered
        else:
            verdicts[q.name] = "pass" if difference(q, exp, tuple(got)) == "" else "fail"
    return verdicts


def _fmt(x, digits=1):
    if x is None:
        return f"> {QUERY_TIME_LIMIT * 3} s"
    if isinstance(x, str):
        return x
    return f"{x:.{digits}f}"


def write_docs(results, verdicts, neo4j_latency, scale, sizes, starts, runs, path):
    suite = load_suite()
    total = len(suite)
    lines = ["# Cypher without a server", "",
             "Generated by `python bench/cypher_compare.py` (do not edit by hand) from the conformance suite",
             f"`tests/cypher/queries.yaml` ({total} queries over the seed and a small synthetic graph), "
             "each run on a real Neo4j 5.26 (the expected rows) and on every candidate engine.",
             "", "## Engines compared", "",
             "| engine | exact (rows identical to Neo4j) | refused with a clear error | wrong or failed "
             "| import | build (seed) | median query latency, seed |",
             "|---|---|---|---|---|---|---|"]
    for name in ENGINES:
        out, v = results[name], verdicts[name]
        if "build_error" in out:
            lines.append(f"| {name} | - | - | - | {out['import_s']:.2f} s | failed: {out['build_error']} | - |")
            continue
        passed = list(v.values()).count("pass")
        lat = [out["latency_ms"][n] for n, x in v.items() if x == "pass" and n in out["latency_ms"]]
        lines.append(f"| {name} | {passed}/{total} ({100 * passed / total:.0f}%) | {list(v.values()).count('refused')} "
                     f"| {list(v.values()).count('fail')} | {out['import_s']:.2f} s | {out['build_s'].get('seed', 0):.2f} s "
                     f"| {statistics.median(lat) if lat else float('nan'):.1f} ms |")
    nl = list(neo4j_latency.values())
    lines += [f"| Neo4j 5.26 (server, over Bolt; for reference) | {total - 2}/{total} | - | - | - | load: see `partnergraph neo4j load` "
              f"| {statistics.median(nl):.1f} ms |", "",
              "“exact” counts a query only when its columns and rows are identical to Neo4j's (as a multiset unless the "
              "query orders its rows). The two write queries are refused by Neo4j too without `--write`.", "",
              "## Synthetic sizes", "",
              "| engine | size (nodes / edges) | build | " + " | ".join(SCALE_QUERIES) + " | peak memory added |",
              "|---|---|---|" + "---|" * len(SCALE_QUERIES) + "---|"]
    for name in ENGINES:
        for size in sizes:
            s = scale.get((name, size))
            if not s:
                continue
            lat = " | ".join(_fmt(s["latency_ms"].get(k)) + (" ms" if isinstance(s["latency_ms"].get(k), float) else "")
                             for k in SCALE_QUERIES)
            lines.append(f"| {name} | {size} ({s['nodes']} / {s['edges']}) | {s['build_s']:.2f} s | {lat} | {s['rss_mib']:.0f} MiB |")
    lines += ["", "“peak memory added” is the growth of the process's peak resident set (ru_maxrss) while the "
              "engine is built in memory and the three queries run; it is resident memory, not the virtual "
              "address space LadybugDB reserves (see Memory below).", "",
              "## Start-up of `partnergraph query`", "",
              f"Each figure is the median of {runs} runs of `partnergraph query \"{STARTUP_QUERY}\" -f json` "
              "(on synthetic sizes: the co-parties query above, with `--data`) "
              "in a fresh process (Python start, imports, loading and validating the dataset, the embedded "
              "database, the query, printing); peak RSS of that process from `/usr/bin/time -f %M`. "
              "*cold cache*: an empty `$PARTNERGRAPH_CACHE`, so the database is built on disk and then opened; "
              "*warm cache*: the database built before is verified (SHA-256) and opened read-only; "
              "`--no-cache`: built in memory every time.", "",
              "| dataset | " + " | ".join(f"{m}: wall | {m}: peak RSS" for m in STARTUP_MODES) + " | cache entry on disk |",
              "|---|" + "---|---|" * len(STARTUP_MODES) + "---|"]
    for size, st in starts.items():
        cells = []
        for m in STARTUP_MODES:
            rss = st[m]["rss_mib"]
            cells.append(f"{st[m]['wall_s']:.2f} s | {rss:.0f} MiB" if rss is not None else f"{st[m]['wall_s']:.2f} s | -")
        lines.append(f"| {size} | " + " | ".join(cells) + f" | {st['cache_mib']:.1f} MiB |")
    lines += ["", "## Memory", "",
              "LadybugDB reserves a large *virtual* address space at start-up (VmSize ≈ 8 TiB: the default "
              "`max_db_size` mapping, plus a buffer pool capped at ~80% of RAM); that is a reservation, not memory "
              "in use, and only resident memory (RSS) is reported here.", "",
              "The previous build inserted relationships with `UNWIND $rows ... CREATE`. LadybugDB stores each "
              "(FROM, TO) table pair of a relationship table as its own CSR table, and a relationship inserted by "
              "CREATE lands in an in-memory chunk allocated for a whole node group, per pair and direction: "
              "~9.5 MiB of resident memory per pair that has data, whatever the number of rows or columns "
              "(measured statement by statement with /proc/self/status). The seed has "
              f"{table_pairs(dataset_graph('seed'))} such pairs, the synthetic *small* graph "
              f"{table_pairs(_synthetic('small'))}. Neither the buffer pool size (the seed does not even fit in "
              "128 MiB), the number of threads, `max_db_size` nor compression changed the resident figure. "
              "Relationships are now bulk-loaded with `COPY <type> FROM (UNWIND $rows AS r RETURN ...) "
              "(from=..., to=...)`, which writes groups sized to the data; nodes stay with CREATE, because a node "
              "COPY allocates every column for a whole node group (~32 MiB per kind table, measured).", "",
              "Before/after, measured once by hand on this machine (growth of VmHWM while loading the graph "
              "into an in-memory engine and running one query, in a fresh process): seed 614 MiB → 160 MiB; "
              "synthetic *small* 2926 MiB → 387 MiB; in-memory build of *small* 25 s → 8 s. The tables above "
              "are the current figures.", ""]
    chosen = verdicts["ladybug"]
    features: dict[str, list[str]] = {}
    for q in suite:
        features.setdefault(q.feature, []).append(chosen[q.name] if q.supported or q.write else
                                                  ("refused" if chosen[q.name] == "refused" else "fail"))
    supported = [f for f, v in features.items() if all(x == "pass" for x in v)]
    refused = [f for f, v in features.items() if all(x == "refused" for x in v)]
    mixed = [f for f in features if f not in supported and f not in refused]
    passed = list(chosen.values()).count("pass")
    lines += ["", "## The embedded engine of `partnergraph query`", "",
              f"LadybugDB, with a thin translation (`graph/cypher_embedded.py`): **{passed} of {total} suite queries "
              f"({100 * passed / total:.0f}%) return exactly Neo4j's rows; the other {total - passed} are refused with an "
              "error naming the construct and suggesting `--backend neo4j`.** The pass rate is printed by "
              "`python -m pytest tests/cypher` (needs Neo4j, started by the test fixture) and recomputed here.", "",
              "### Supported (every suite query using it returns Neo4j's rows)", ""]
    lines += [f"- {f}" for f in supported]
    lines += ["", "### Refused (the embedded engine says so; use `--backend neo4j`)", ""]
    lines += [f"- {f}" for f in refused]
    if mixed:
        lines += ["", "### Partly", ""] + [f"- {f}: {features[f]}" for f in mixed]
    lines += ["", "## Per query", "", "| query | feature | " + " | ".join(ENGINES) + " |", "|---|---|" + "---|" * len(ENGINES)]
    for q in suite:
        lines.append(f"| {q.name} | {q.feature} | " + " | ".join(verdicts[e][q.name] for e in ENGINES) + " |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["tiny", "small"])
    parser.add_argument("--out", default=str(ROOT / "docs" / "cypher-engines.md"))
    parser.add_argument("--startup-sizes", nargs="*", default=["seed", "small"])
    parser.add_argument("--runs", type=int, default=5, help="runs per start-up figure (median)")
    args = parser.parse_args(argv)
    starts = {size: startup(size, args.runs) for size in args.startup_sizes}
    expected, neo4j_latency = neo4j_answers()
    results = {name: in_child(run_suite, name) for name in ENGINES}
    verdicts = {name: score(results[name], expected) for name in ENGINES}
    scale = {}
    for name in ENGINES:
        for size in args.sizes:
            if name == "grand-cypher" and size not in ("tiny", "small"):
                continue
            scale[(name, size)] = in_child(run_scale, name, size)
    print(write_docs(results, verdicts, neo4j_latency, scale, args.sizes, starts, args.runs, Path(args.out)))


if __name__ == "__main__":
    main()
