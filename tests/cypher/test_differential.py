"""Differential testing: seeded random read queries on the real Neo4j and on the local engine.

Every generated query must give Neo4j's rows, or fail on both (a query Neo4j rejects must
not get an answer here), or be refused by name here (counted, reported, allowed). Any
difference fails the test and is written, in the format of queries.yaml, to
``$PG_CYPHER_DIFF_OUT`` (default: the pytest temporary folder) to be kept as a regression case.

CI runs a sample (``PG_CYPHER_DIFF_N``, default 300 over both datasets, a few minutes);
the benchmark run is ``PG_CYPHER_DIFF_N=5000 python -m pytest -q tests/cypher/test_differential.py``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from generator import Generator
from harness import DATASETS, Query, dataset_graph, difference

from partnergraph.graph.stores.cypher.engine import (
    CypherRuntimeError, CypherSyntaxError, EmbeddedCypher, QueryTimeout, UnsupportedQuery,
)

N = int(os.environ.get("PG_CYPHER_DIFF_N", "300"))
SEED = int(os.environ.get("PG_CYPHER_DIFF_SEED", "20261202"))


def _neo4j_rows(session, cypher, params):
    from partnergraph.graph.stores.cypher.values import neo4j_element_ids, render_neo4j

    result = session.run(cypher, params)
    rows = [list(r.values()) for r in result]
    columns = list(result.keys())
    missing = neo4j_element_ids(v for row in rows for v in row)
    ids = {}
    if missing:
        found = session.run("MATCH (n) WHERE elementId(n) IN $ids RETURN elementId(n) AS e, n.id AS i", ids=sorted(missing))
        ids = {r["e"]: r["i"] for r in found}
    return columns, [[render_neo4j(v, ids) for v in row] for row in rows]


@pytest.mark.parametrize("dataset", DATASETS)
def test_generated_queries_match_neo4j(dataset, neo4j_settings, neo4j_driver, tmp_path):
    from partnergraph.graph.stores.neo4j_store import Neo4jSettings, load

    settings = Neo4jSettings(uri=neo4j_settings.uri, username=neo4j_settings.username,
                             password=neo4j_settings.password, database=neo4j_settings.database)
    G = dataset_graph(dataset)
    load(settings, G, wipe_first=True)
    engine = EmbeddedCypher(G)
    gen = Generator(engine.graph, seed=SEED + DATASETS.index(dataset))
    out = Path(os.environ.get("PG_CYPHER_DIFF_OUT") or tmp_path / "differences.yaml")
    out_path = out.with_name(f"{out.stem}-{dataset}{out.suffix}")
    differences, tally = [], {"same": 0, "both fail": 0, "refused": 0}
    local_time = 0.0
    log = os.environ.get("PG_CYPHER_DIFF_LOG")  # progress, one line per 100 queries (long runs)
    with neo4j_driver.session(database=settings.database) as session:
        for i in range(N // len(DATASETS)):
            if log and i % 100 == 0:
                with open(log, "a", encoding="utf-8") as f:
                    f.write(f"{dataset} {i}: {tally}, {len(differences)} differences\n")
            case = gen.query()
            query = Query(name=f"gen_{dataset}_{SEED}_{i}", feature="generated", dataset=dataset,
                          cypher=case.cypher, params=case.params, ordered=case.ordered, unordered_lists=True)
            try:
                expected = _neo4j_rows(session, case.cypher, case.params)
            except Exception as exc:  # noqa: BLE001 - Neo4j rejected it: so must we
                expected = exc
            t0, float_digits = time.perf_counter(), False
            try:
                result = engine.query(case.cypher, case.params, timeout=10)
                actual = (result.columns, result.rows)
                float_digits = any(w.startswith("avg():") for w in result.warnings)
            except (UnsupportedQuery, QueryTimeout) as exc:  # refused (or too slow here): said, never wrong
                tally["refused"] += 1
                if isinstance(expected, Exception):
                    continue
                actual = exc
            except (CypherRuntimeError, CypherSyntaxError) as exc:
                actual = exc
            local_time += time.perf_counter() - t0
            if isinstance(actual, (UnsupportedQuery, QueryTimeout)):
                continue
            if isinstance(expected, Exception) or isinstance(actual, Exception):
                if isinstance(expected, Exception) and isinstance(actual, Exception):
                    tally["both fail"] += 1
                    continue
                why = (f"Neo4j failed: {str(expected).splitlines()[0][:200]}" if isinstance(expected, Exception)
                       else f"local engine failed: {str(actual).splitlines()[0][:200]}")
            else:
                why = difference(query, expected, actual, float_digits)
                if not why:
                    tally["same"] += 1
                    continue
            differences.append({"name": query.name, "feature": f"generated: {why[:160]}", "dataset": dataset,
                                "cypher": case.cypher, "params": case.params, "ordered": case.ordered,
                                "unordered_lists": True})
    if differences:
        out_path.write_text(yaml.safe_dump({"queries": differences}, allow_unicode=True, sort_keys=False), "utf-8")
    print(f"\n{dataset}: {tally}, {len(differences)} differences; local engine {local_time:.1f} s")
    assert not differences, f"{len(differences)} differences, written to {out_path}:\n" + "\n".join(
        f"{d['feature']}\n    {d['cypher']}" for d in differences[:8])
