"""Every suite query on the real Neo4j and on the embedded engine: the same rows, or a clear refusal."""

from __future__ import annotations

import pytest
from conftest import OUTCOMES
from harness import difference, load_suite

from partnergraph.graph.stores.cypher.engine import (
    CypherRuntimeError, CypherSyntaxError, ReadOnlyQuery, UnsupportedQuery,
)

SUITE = load_suite()


@pytest.mark.parametrize("query", SUITE, ids=[q.name for q in SUITE])
def test_embedded_matches_neo4j(query, neo4j_answers, engines):
    expected = neo4j_answers[query.name]
    engine = engines[query.dataset]
    if query.write:
        from partnergraph.graph.stores.neo4j_store import WriteQueryRefused

        assert isinstance(expected, WriteQueryRefused), "Neo4j must refuse a write without --write"
        with pytest.raises(ReadOnlyQuery, match=query.construct):
            engine.query(query.cypher, query.params)
        OUTCOMES[query.name] = "refused"
        return
    if query.fails:
        assert isinstance(expected, Exception), "Neo4j was expected to reject this query"
        with pytest.raises((CypherRuntimeError, CypherSyntaxError)) as failure:
            engine.query(query.cypher, query.params)
        assert "codec" not in str(failure.value) and "_r" not in str(failure.value)
        OUTCOMES[query.name] = "pass"
        return
    assert not isinstance(expected, Exception), f"Neo4j itself failed: {expected}"
    if not query.supported:
        with pytest.raises(UnsupportedQuery) as refusal:
            engine.query(query.cypher, query.params)
        message = str(refusal.value)
        assert query.construct.lower() in message.lower() and "Neo4j server" in message
        assert "\n" not in message and "_r" not in message and "codec" not in message
        OUTCOMES[query.name] = "refused"
        return
    OUTCOMES[query.name] = "fail"
    result = engine.query(query.cypher, query.params)
    float_digits = any(w.startswith("avg():") for w in result.warnings)
    assert difference(query, expected, (result.columns, result.rows), float_digits) == ""
    if query.warning:
        assert any(query.warning in w for w in result.warnings), result.warnings
    OUTCOMES[query.name] = "pass"


def test_suite_is_large_enough():
    assert len(SUITE) >= 40
    assert len({q.name for q in SUITE}) == len(SUITE)
    assert {q.dataset for q in SUITE} == {"seed", "synthetic"}
