"""The differential generator itself: seeded, valid Cypher, covering the constructs it promises."""

from __future__ import annotations

from generator import Generator
from harness import dataset_graph

from partnergraph.graph.stores.cypher.engine import EmbeddedCypher, UnsupportedQuery


def test_generator_is_seeded_and_produces_valid_queries():
    engine = EmbeddedCypher(dataset_graph("seed"))
    first = [Generator(engine.graph, seed=7).query().cypher for _ in range(1)]
    again = [Generator(engine.graph, seed=7).query().cypher for _ in range(1)]
    assert first == again
    gen = Generator(engine.graph, seed=11)
    cases = [gen.query() for _ in range(150)]
    refused = 0
    for case in cases:
        try:
            engine.prepare(case.cypher)  # parses, passes the allow-list and the scope check
        except UnsupportedQuery:
            refused += 1
    assert refused <= 10
    text = "\n".join(c.cypher for c in cases)
    for construct in ("OPTIONAL MATCH", "UNWIND", "UNION", "ORDER BY", "LIMIT", "DISTINCT", "shortestPath",
                      "EXISTS {", "COUNT {", "collect(", "=~", "IN [", "date(", "*1..", "WITH "):
        assert construct in text, construct
