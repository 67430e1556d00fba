"""Ingest throughput against the sentence splitter alone, side by side (issue 14's benchmark).

    python bench/ingest_speed.py --mb 20        # the issue's size (long: see the README for figures)
    python bench/ingest_speed.py --mb 2 --json

The English text is the development articles' bodies (bench/ingest_eval/*/en_*.txt) repeated to the
size asked, one paragraph per line. Three CPU times are measured in this process: splitting the text
into sentences (pysbd, as ingest does), ingest with the rules alone (--layers none) and ingest with the
default layers (the parser included; its model is loaded before timing). The ratio is ingest / split.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from partnergraph.graph.model.build import load_graph
from partnergraph.graph.ingest.extract import ingest_article
from partnergraph.graph.ingest.layers import using
from partnergraph.graph.ingest.lexicon import Lexicon
from partnergraph.graph.ingest.parse import nlp
from partnergraph.graph.ingest.text import parse_article, sentences

HERE = Path(__file__).parent / "ingest_eval"


def english_text(size: int) -> str:
    bodies = [p.read_text("utf-8").split("\n\n", 1)[-1].strip() for p in sorted(HERE.glob("*/en_*.txt"))]
    unit = "\n\n".join(bodies) + "\n\n"
    return unit * (size // len(unit) + 1)


def cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main(argv: list[str]) -> None:
    mb = float(argv[argv.index("--mb") + 1]) if "--mb" in argv else 2.0
    text = english_text(int(mb * 1_000_000))
    G = load_graph()
    lex = Lexicon.build(G)
    nlp()
    article = parse_article(text, "<bench>", "en")
    split = cpu(lambda: sentences(article))
    with using(set()):
        rules = cpu(lambda: ingest_article(article, G, lex))
    default = cpu(lambda: ingest_article(article, G, lex))
    result = {"characters": len(text), "sentences": len(sentences(article)), "split_cpu_s": round(split, 1),
              "ingest_rules_cpu_s": round(rules, 1), "ingest_default_cpu_s": round(default, 1),
              "ratio_rules": round(rules / split, 1), "ratio_default": round(default / split, 1)}
    print(json.dumps(result) if "--json" in argv else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
