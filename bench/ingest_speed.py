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

import argparse
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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, help="size of the English text in MB (default 2; 0.5 with --components)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the median is reported")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--article", action="store_true", help="ingest of the seed's English article after start-up")
    what.add_argument("--components", action="store_true", help="CPU of each spaCy component (one run)")
    what.add_argument("--single-line", action="store_true", help="1.3 MB on one line without punctuation")
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    args = parser.parse_args(argv)
    show = (lambda d: None) if args.json else (lambda d: print("\n".join(f"{k}: {v}" for k, v in d.items()), flush=True))
    G = load_graph()
    lex = Lexicon.build(G)
    nlp()
    if args.article:
        article = read_article(SEED_ARTICLE, "en")
        ingest_article(article, G, lex)  # the first call builds the rules' tables: start-up, not timed
        result = {"article": SEED_ARTICLE.name, "words": len(article.body.split()), "repeat": args.repeat,
                  "ingest_default_cpu_s": round(cpu(lambda: ingest_article(article, G, lex), args.repeat), 3)}
        show(result)
    elif args.components:
        result = components(parse_article(english_text(int((args.mb or 0.5) * 1_000_000)), "<bench>", "en"), show)
    elif args.single_line:
        result = measure(parse_article(single_line(), "<single line>", "en"), G, lex, args.repeat, show)
    else:
        text = english_text(int((args.mb or 2.0) * 1_000_000))
        result = measure(parse_article(text, "<bench>", "en"), G, lex, args.repeat, show)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
