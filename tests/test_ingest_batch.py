"""Parsing English sentences in batches (nlp.pipe) gives exactly the candidates of parsing them one by one.

Generated articles: random choices of sentences from the English evaluation texts, in random order, ingested
with each default-layer configuration both ways.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnergraph.graph.ingest import extract, workers
from partnergraph.graph.ingest.layers import using
from partnergraph.graph.ingest.text import parse_article, read_article, sentences

pytestmark = pytest.mark.timeout(600)
EVAL = Path(__file__).parents[1] / "bench" / "ingest_eval"
SENTENCES = sorted({s.text for p in sorted(EVAL.glob("*/en_*.txt")) for s in sentences(read_article(p, "en"))})


def _one_by_one(sents, lang):
    return itertools.repeat(None)  # recognise() then parses each sentence itself, as before batching


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=30), st.sampled_from([None, {"parser"}]))
def test_batched_parse_gives_the_same_candidates(seed_graph, monkeypatch, chosen, layers):
    article = parse_article("Date: 2024-05-06\n\n" + " ".join(chosen), "generated.txt", "en")
    with using(layers):
        batched = extract.ingest_article(article, seed_graph)
        with monkeypatch.context() as patch:
            patch.setattr(workers, "parsed", _one_by_one)
            single = extract.ingest_article(article, seed_graph)
    assert batched == single
