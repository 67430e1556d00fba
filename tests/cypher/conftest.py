"""The conformance suite's shared state: Neo4j's answers (computed once per session) and the pass rate."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness import DATASETS, dataset_graph, load_suite  # noqa: E402

#: name -> "pass" | "fail" | "refused" (refused as documented) for the pass-rate line.
OUTCOMES: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def private_cypher_cache(tmp_path_factory):
    """`partnergraph query` run by these tests caches its database in a temporary folder, not in ~/.cache."""
    previous = os.environ.get("PARTNERGRAPH_CACHE")
    os.environ["PARTNERGRAPH_CACHE"] = str(tmp_path_factory.mktemp("partnergraph-cache"))
    yield
    if previous is None:
        os.environ.pop("PARTNERGRAPH_CACHE", None)
    else:
        os.environ["PARTNERGRAPH_CACHE"] = previous


def _as_backend_settings(s):
    from partnergraph.graph.stores.neo4j_store import Neo4jSettings

    return Neo4jSettings(uri=s.uri, username=s.username, password=s.password, database=s.database)


@pytest.fixture(scope="session")
def neo4j_answers(neo4j_settings):
    """Every suite query run on the real Neo4j: name -> (columns, rows) or the exception.

    One load per dataset per session; all of a dataset's queries run right after its load.
    """
    from partnergraph.graph.stores.cypher.values import neo4j_query
    from partnergraph.graph.stores.neo4j_store import load

    settings = _as_backend_settings(neo4j_settings)
    answers = {}
    suite = load_suite()
    for dataset in DATASETS:
        load(settings, dataset_graph(dataset), wipe_first=True)
        for query in (q for q in suite if q.dataset == dataset):
            try:
                answers[query.name] = neo4j_query(settings, query.cypher, query.params)
            except Exception as exc:  # noqa: BLE001 - the test asserts on it
                answers[query.name] = exc
    return answers


@pytest.fixture(scope="session")
def engines():
    """The local engine over each suite dataset."""
    from partnergraph.graph.stores.cypher.engine import EmbeddedCypher

    return {dataset: EmbeddedCypher(dataset_graph(dataset)) for dataset in DATASETS}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not OUTCOMES:
        return
    supported = [o for o in OUTCOMES.values() if o in ("pass", "fail")]
    passed = supported.count("pass")
    refused = list(OUTCOMES.values()).count("refused")
    total = len(OUTCOMES)
    terminalreporter.write_line(
        f"local Cypher conformance: {passed}/{total} suite queries give exactly Neo4j's answer (rows, or failing as Neo4j fails) "
        f"({100 * passed / total:.0f}%); {refused} refused with a clear error as documented; "
        f"{supported.count('fail')} supported queries differ"
    )
