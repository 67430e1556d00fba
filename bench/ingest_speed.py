"""Ingest throughput against the sentence splitter alone, side by side (issue 14's benchmark).

    python bench/ingest_speed.py --mb 20                  # the issue's size (long: see the README for figures)
    python bench/ingest_speed.py --mb 0.5 --repeat 3      # medians of 3 runs
    python bench/ingest_speed.py --single-line            # 1.3 MB on one line without punctuation
    python bench/ingest_speed.py --article                # the seed's 474-word English article (issue 17)
    python bench/ingest_speed.py --mb 0.5 --components    # CPU of each spaCy component (one run)
    python bench/ingest_speed.py --mb 2 --json

The English text is the development articles' bodies (bench/ingest_eval/*/en_*.txt) repeated to the
size asked, one paragraph per line. Three CPU times are measured in this process: splitting the text
into sentences (pysbd, as ingest does), ingest with the rules alone (--layers none) and ingest with the
default layers (the parser included; its model is loaded before timing). The ratio is ingest / split.
Each figure is the median of --repeat runs and is printed as soon as it is measured (a long run that is
stopped still reports what finished). --article times ingest of one article after start-up (the graph,
lexicon and model loaded).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path

from partnergraph.graph.model.build import load_graph
from partnergraph.graph.ingest.extract import ingest_article
from partnergraph.graph.ingest.layers import using
from partnergraph.graph.ingest.lexicon import Lexicon
from partnergraph.graph.ingest.parse import BATCH, nlp
from partnergraph.graph.ingest.text import parse_article, read_article, sentences

HERE = Path(__file__).parent / "ingest_eval"
SEED_ARTICLE = Path(__file__).parents[1] / "seed" / "texts" / "000_9f9148123f2e9ef8.txt"
SINGLE_LINE = 1_300_000  # characters: issue 14's "1.3 MB single line without punctuation"


def english_text(size: int) -> str:
    bodies = [p.read_text("utf-8").split("\n\n", 1)[-1].strip() for p in sorted(HERE.glob("*/en_*.txt"))]
    unit = "\n\n".join(bodies) + "\n\n"
    return unit * (size // len(unit) + 1)


def single_line() -> str:
    """The English text with its punctuation and line breaks removed, on one line."""
    return re.sub(r"[^\w\s]", "", english_text(SINGLE_LINE * 2)).replace("\n", " ")[:SINGLE_LINE]


def cpu(fn, repeat: int) -> float:
    """The median CPU seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def measure(article, G, lex, repeat: int, show) -> dict:
    """Split, rules-only and default-layer CPU times of one article, each shown when measured."""
    counted = []
    result = {"characters": len(article.body)}
    result["split_cpu_s"] = round(cpu(lambda: counted.append(len(sentences(article))), repeat), 2)
    result["sentences"] = counted[0]
    show(result)
    with using(set()):
        result["ingest_rules_cpu_s"] = round(cpu(lambda: ingest_article(article, G, lex), repeat), 2)
    show({"ingest_rules_cpu_s": result["ingest_rules_cpu_s"]})
    result["ingest_default_cpu_s"] = round(cpu(lambda: ingest_article(article, G, lex), repeat), 2)
    result["ratio_rules"] = round(result["ingest_rules_cpu_s"] / result["split_cpu_s"], 2)
    result["ratio_default"] = round(result["ingest_default_cpu_s"] / result["split_cpu_s"], 2)
    show({k: result[k] for k in ("ingest_default_cpu_s", "ratio_rules", "ratio_default")})
    return result


def components(article, show) -> dict:
    """CPU seconds of the tokenizer and of each pipeline component over the article's sentences, batched
    as ingest runs them (what the parser layer's time is made of); one run."""
    texts = [s.text for s in sentences(article)]
    result = {"sentences": len(texts)}
    docs = []
    result["tokenizer_cpu_s"] = round(cpu(lambda: docs.extend(nlp().tokenizer.pipe(texts)), 1), 2)
    for name, component in nlp().pipeline:
        done = []
        result[f"{name}_cpu_s"] = round(cpu(lambda: done.extend(component.pipe(docs, batch_size=BATCH)), 1), 2)
        docs = done
    show(result)
    return result


def main(argv: list[str]) -> None:
    as_json = "--json" in argv
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 1
    show = (lambda d: None) if as_json else (lambda d: print("\n".join(f"{k}: {v}" for k, v in d.items()), flush=True))
    G = load_graph()
    lex = Lexicon.build(G)
    nlp()
    if "--article" in argv:
        article = read_article(SEED_ARTICLE, "en")
        ingest_article(article, G, lex)  # the first call builds the rules' tables: start-up, not timed
        result = {"article": SEED_ARTICLE.name, "words": len(article.body.split()), "repeat": repeat,
                  "ingest_default_cpu_s": round(cpu(lambda: ingest_article(article, G, lex), repeat), 3)}
        show(result)
    elif "--components" in argv:
        mb = float(argv[argv.index("--mb") + 1]) if "--mb" in argv else 0.5
        result = components(parse_article(english_text(int(mb * 1_000_000)), "<bench>", "en"), show)
    elif "--single-line" in argv:
        result = measure(parse_article(single_line(), "<single line>", "en"), G, lex, repeat, show)
    else:
        mb = float(argv[argv.index("--mb") + 1]) if "--mb" in argv else 2.0
        result = measure(parse_article(english_text(int(mb * 1_000_000)), "<bench>", "en"), G, lex, repeat, show)
    if as_json:
        print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
