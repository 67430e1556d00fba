"""Ingest with worker processes gives exactly the candidates of ingest in one process, and the parser's
shortcuts (entities from the NER alone, the grammar only where an event verb can be) change nothing.

Generated articles: random choices of sentences from the English evaluation texts, with event-verb forms
put into some of them; the workers' threshold is lowered so that short articles use them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnergraph.cli.main import cli
from partnergraph.graph.ingest import extract, workers
from partnergraph.graph.ingest.layers import using
from partnergraph.graph.ingest.parse import _event_verb_test, _event_verbs, may_name, nlp, parse_texts
from partnergraph.graph.ingest.text import parse_article, read_article, sentences, tokenize

pytestmark = pytest.mark.timeout(600)
EVAL = Path(__file__).parents[1] / "bench" / "ingest_eval"
SENTENCES = sorted({s.text for p in sorted(EVAL.glob("*/en_*.txt")) for s in sentences(read_article(p, "en"))})
FORMS = ["met", "meets", "meeting", "Meet", "visited", "visits", "VISITING", "visit", "meetings", "metal", "revisited"]
SUBJECTS = ["The ministers", "Officials of the EU and Japan", "She", "A delegation from Viet Nam"]
QUICK = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])


def _generated(chosen: list[str], verbs: list[tuple[str, str]]) -> str:
    made = [f"{subject} {form} in Hanoi on 5 May." for subject, form in verbs]
    return "Date: 2024-05-06\n\n" + "\n".join(" ".join(chosen[k::3]) for k in range(3)) + "\n" + " ".join(made)


@settings(max_examples=5, **QUICK)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=40),
       st.lists(st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(FORMS)), max_size=4),
       st.sampled_from([None, set(), {"parser"}]))
def test_workers_give_the_candidates_of_one_process(seed_graph, monkeypatch, chosen, verbs, layers):
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)
    article = parse_article(_generated(chosen, verbs), "generated.txt", "en")
    with using(layers):
        alone = extract.ingest_article(article, seed_graph, jobs=1)
        shared = extract.ingest_article(article, seed_graph, jobs=2)
    assert shared == alone


@settings(max_examples=60, **QUICK)
@given(st.sampled_from(SENTENCES), st.sampled_from(SUBJECTS), st.sampled_from(FORMS), st.booleans())
def test_the_event_verb_test_lets_through_every_sentence_with_an_event_verb(sentence, subject, form, before):
    text = f"{subject} {form} the delegation. {sentence}" if before else f"{sentence} {subject} {form} there."
    for candidate in (text, sentence):
        full = nlp()(candidate)  # every component, as verb_events needs
        if _event_verbs(full):
            assert _event_verb_test()(candidate), candidate


def test_the_event_verb_test_skips_sentences_without_a_form():
    test = _event_verb_test()
    assert not test("The European Union signed a framework agreement with Viet Nam.")
    assert test("Ministers met in Seoul.") and test("The visiting delegation") and test("metal")


def _ner_alone(model, texts):
    off = [name for name in ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer") if name in model.pipe_names]
    return [tuple((e.label_, e.start_char, e.end_char) for e in doc.ents) for doc in model.pipe(texts, disable=off)]


def test_entities_do_not_depend_on_the_grammar_layer():
    texts = SENTENCES[:200]
    with_grammar = [p.ents for p in parse_texts(texts, True)]
    without = [p.ents for p in parse_texts(texts, False)]
    assert with_grammar == without
    full = [tuple((e.label_, e.start_char, e.end_char) for e in doc.ents) for doc in nlp().pipe(texts)]
    named = [k for k, text in enumerate(texts) if may_name(text)]
    assert 0 < len(named) < len(texts)
    assert [tuple(with_grammar[k]) for k in named] == [full[k] for k in named]  # the NER after the parser, as before
    assert all(with_grammar[k] == () for k in range(len(texts)) if k not in named)


@settings(max_examples=200, **QUICK)
@given(st.text(alphabet=st.sampled_from(list("abcTHE hanoi Đà, .-'\n")), max_size=40))
def test_sentences_left_out_of_the_ner_hold_no_name_refine_actors_reads(text):
    # refine_actors skips an entity unless, after leading "the"s, it starts and ends with capitalised rule tokens
    tokens = tokenize(text)
    readable = any(tokens[i].is_upper_initial and tokens[i].lower != "the" and tokens[j].is_upper_initial
                   for i in range(len(tokens)) for j in range(i + 1, len(tokens)))
    assert may_name(text) == readable


def test_numpy_matrices_give_the_entities_of_thincs_default():
    import spacy

    from partnergraph.graph.ingest.parse import MODEL

    default = spacy.load(MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    assert _ner_alone(default, SENTENCES) == _ner_alone(nlp(), SENTENCES)


def test_cli_jobs_gives_the_same_file(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "PARALLEL_FROM", 0)  # CliRunner runs in this process
    article = tmp_path / "long.txt"
    article.write_text("Date: 2024-05-06\n\n" + "\n".join(SENTENCES[:150]), "utf-8")
    runner = CliRunner()
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"candidates-{jobs}.yaml"
        result = runner.invoke(cli, ["ingest", str(article), "--jobs", jobs, "-o", str(out)])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text("utf-8"))
    assert outputs[0] == outputs[1] and "relations:" in outputs[0]


def test_cli_refuses_jobs_below_one(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("The EU met Japan.", "utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(article), "--jobs", "0"])
    assert result.exit_code == 2 and "--jobs" in result.output and "Traceback" not in result.output


@pytest.mark.timeout(120)
def test_ctrl_c_stops_the_workers_quietly(tmp_path):
    article = tmp_path / "long.txt"
    article.write_text("\n".join(SENTENCES * 40), "utf-8")  # about 1.7 MB: a minute's work or more
    assert article.stat().st_size >= workers.PARALLEL_FROM  # long enough for workers
    proc = subprocess.Popen([sys.executable, "-m", "partnergraph.cli.main", "ingest", str(article), "--jobs", "2",
                             "-o", str(tmp_path / "c.yaml")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and time.monotonic() < deadline:  # wait for the workers to start
        time.sleep(0.2)
    time.sleep(1)
    assert proc.poll() is None and _children(proc.pid), "the workers never started"
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    started = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - started < 5
    assert proc.returncode != 0 and "Traceback" not in err and not (tmp_path / "c.yaml").exists()
    leftover = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert leftover == []


def _children(pid: int) -> list[str]:
    return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
