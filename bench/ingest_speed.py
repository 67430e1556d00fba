"""Ingest throughput against the sentence splitter alone, side by side (issue 14's benchmark).

    python bench/ingest_speed.py --mb 20                  # the issue's size (long: see the README for figures)
    python bench/ingest_speed.py --mb 0.5 --repeat 3      # medians of 3 runs
    python bench/ingest_speed.py --single-line            # 1.3 MB on one line without punctuation
    python bench/ingest_speed.py --article                # the seed's 474-word English article (issue 17)
    python bench/ingest_speed.py --mb 0.5 --components    # CPU of each spaCy component (one run)
    python bench/ingest_speed.py --mb 2 --json

The English text is the development articles' bodies (bench/ingest_eval/*/en_*.txt) repeated to the
size asked, one paragraph per line. Three things are timed in this process, one after the other, on the
same text: splitting it into sentences (pysbd, as ingest does), ingest with the rules alone (--layers
none) and ingest with the default layers (the parser included; its model is loaded before timing), both
with --jobs worker processes (default: every CPU, as the CLI; ingest's workers.py). Each is given as wall
seconds (the throughput the issue asks about) and as CPU seconds of this process and its workers
together (the work done); the ratios are ingest / split. Each figure is the median of --repeat runs and
is printed as soon as it is measured (a long run that is stopped still reports what finished).
--article times ingest of one article after start-up (the graph, lexicon and model loaded).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
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
from partnergraph.graph.ingest.workers import default_jobs

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
    return timed(fn, repeat)[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers are counted once they have ended
    return usage.ru_utime + usage.ru_stime


def timed(fn, repeat: int) -> tuple[float, float]:
    """The median wall seconds and median CPU seconds (this process and its workers) of ``repeat`` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, own, children = time.perf_counter(), time.process_time(), _children_cpu()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - own + _children_cpu() - children)
    return statistics.median(walls), statistics.median(cpus)


def _two(seconds: float) -> float:
    return round(seconds, 2)


def measure(article, G, lex, repeat: int, jobs: int, show) -> dict:
    """Split, rules-only and default-layer times of one article, wall and CPU, each shown when measured."""
    counted = []
    result = {"characters": len(article.body), "jobs": jobs}
    result["split_wall_s"], result["split_cpu_s"] = map(_two, timed(lambda: counted.append(len(sentences(article))), repeat))
    result["sentences"] = counted[0]
    show(result)
    for name, layers in (("rules", set()), ("default", None)):
        with using(layers):
            wall, work = timed(lambda: ingest_article(article, G, lex, jobs=jobs), repeat)
        result[f"ingest_{name}_wall_s"], result[f"ingest_{name}_cpu_s"] = _two(wall), _two(work)
        result[f"ratio_{name}"] = round(wall / result["split_wall_s"], 2)
        result[f"ratio_{name}_cpu"] = round(work / result["split_cpu_s"], 2)
        show({k: result[k] for k in result if name in k})
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
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="ingest's worker processes (default: every CPU)")
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
        result = measure(parse_article(single_line(), "<single line>", "en"), G, lex, args.repeat, args.jobs, show)
    else:
        text = english_text(int((args.mb or 2.0) * 1_000_000))
        result = measure(parse_article(text, "<bench>", "en"), G, lex, args.repeat, args.jobs, show)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
