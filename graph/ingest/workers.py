"""The models' share of ingest in worker processes, so that a long article uses every CPU.

Most of ingest's time on a long text goes to two libraries that read one sentence at a time and
know nothing of the others: spaCy (entities, and the event verbs) and dateparser (dates). Both
are pure functions of the sentence's text, the language, the article's year and the layers on.
``analysed`` therefore splits the article into sentences in a thread of this process, hands their
texts to ``jobs`` worker processes in batches as they come, and gives back, in order, each sentence
with what they found; the rules and the reading of the article stay in this process, sentence by
sentence, exactly as without workers (tests/test_ingest_workers.py compares the two).

On Linux workers are forked: they share the English model this process loaded (as spaCy's own
``n_process`` does), and a script that calls ingest needs no ``if __name__ == "__main__"`` guard.
Elsewhere they are spawned and each loads the model, about 2 s of CPU. Either way they are used
only for articles of PARALLEL_FROM characters or more.

>>> from partnergraph.graph.ingest.text import parse_article, iter_sentences
>>> art = parse_article("The EU met Japan in May 2019.", lang="en")
>>> [(s.text, [e.label_ for e in p.ents], d) for s, p, d in analysed(iter_sentences(art), "en", None, jobs=2, size=29)]
[('The EU met Japan in May 2019.', ['ORG', 'GPE', 'DATE'], None)]
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from typing import Iterable, Iterator

from partnergraph.graph.ingest.dates import FoundDate, find_dates
from partnergraph.graph.ingest.layers import enabled
from partnergraph.graph.ingest.parse import BATCH, Parse, nlp, parse_texts, parsed
from partnergraph.graph.ingest.text import Sentence

START = "fork" if sys.platform.startswith("linux") else "spawn"
# Characters (about 2,000 English sentences): below this, starting workers costs more than they save.
PARALLEL_FROM = 300_000

Analysed = tuple[Sentence, Parse | None, list[FoundDate] | None]


def default_jobs() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def analysed(sentences: Iterable[Sentence], lang: str, year: int | None, jobs: int = 1, size: int = 0
             ) -> Iterator[Analysed]:
    """Each sentence in order with its Parse (None when the parser layer is off or the text is not
    English) and its dates (None: not looked for here, recognise finds them). ``size``: the article's
    length in characters, which decides whether workers are worth starting."""
    if jobs <= 1 or size < PARALLEL_FROM:
        for batch in _batches(sentences):
            yield from zip(batch, parsed(batch, lang), itertools.repeat(None))
        return
    yield from _in_workers(sentences, lang, year, jobs)


def _batches(sentences: Iterable[Sentence]) -> Iterator[list[Sentence]]:
    iterator = iter(sentences)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def _in_workers(sentences: Iterable[Sentence], lang: str, year: int | None, jobs: int) -> Iterator[Analysed]:
    wants = (lang == "en" and enabled("parser"), enabled("verb_events"))
    if wants[0]:
        nlp()  # loaded once here, before forking, rather than once in each worker
    split: deque[list[Sentence]] = deque()

    def tasks():  # runs in the pool's task thread: splitting overlaps the rules in this thread
        for batch in _batches(sentences):
            split.append(batch)
            yield [s.text for s in batch], lang, year, *wants

    with multiprocessing.get_context(START).Pool(jobs, initializer=_quiet_on_interrupt) as pool:
        for results in pool.imap(_analyse, tasks()):
            batch = split.popleft()  # the task of these results was made, so its batch is here
            for sentence, (parse, dates) in zip(batch, results, strict=True):
                yield sentence, parse, dates


def _quiet_on_interrupt() -> None:
    # Ctrl-C reaches the whole process group: this process stops the workers, they print nothing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _analyse(task) -> list[tuple[Parse | None, list[FoundDate]]]:
    texts, lang, year, parse_on, grammar_on = task
    parses = parse_texts(texts, grammar_on) if parse_on else itertools.repeat(None)
    return [(p, find_dates(text, lang, year)) for p, text in zip(parses, texts)]
