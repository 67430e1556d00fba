"""Ingest on large or odd text (issue 14): NFD normalised once, work bounded per line and sentence."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.ingest import text as text_module
from partnergraph.graph.ingest.text import MAX_SENTENCE, parse_article, sentences

ROOT = Path(__file__).parents[1]
VN_TEXT = next((ROOT / "seed" / "texts").glob("002_*.txt"))


def test_nfd_vietnamese_gives_candidates_that_validate_against_their_source(tmp_path):
    nfd = tmp_path / "vi_nfd.txt"
    nfd.write_text(unicodedata.normalize("NFD", VN_TEXT.read_text("utf-8")), "utf-8")
    out = tmp_path / "cand.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(nfd), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert "Liên minh châu Âu" in text and unicodedata.is_normalized("NFC", text)
    checked = runner.invoke(cli, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_long_lines_without_punctuation_are_cut_into_bounded_sentences(seed):
    rng = random.Random(seed)
    words = "the european union and viet nam agreed to cooperate on maritime security in hanoi".split()
    line = " ".join(rng.choice(words) for _ in range(rng.randint(2_000, 6_000)))
    article = parse_article(line, lang="en")
    found = sentences(article)
    assert found and all(len(s.text) <= max(MAX_SENTENCE, text_module.MAX_LINE) for s in found)
    assert article.warnings and "line 1 has" in article.warnings[0]
    # nothing lost: every word is in one sentence, in order
    assert " ".join(s.text for s in found).split() == line.split()


def test_a_long_paragraph_with_sentences_is_split_as_usual_without_warning():
    line = " ".join("The EU met Japan again in Hanoi." for _ in range(400))
    article = parse_article(line, lang="en")
    found = sentences(article)
    assert len(found) == 400 and not article.warnings


def test_an_overlong_sentence_is_cut_with_a_warning(monkeypatch):
    monkeypatch.setattr(text_module, "MAX_LINE", 10_000)
    line = "word " * 1_500 + "end."
    article = parse_article(line, lang="en")
    found = sentences(article)
    assert all(len(s.text) <= MAX_SENTENCE for s in found)
    assert any("over 2,000 characters were cut" in w for w in article.warnings)


def test_cli_prints_the_warning_and_finishes(tmp_path):
    path = tmp_path / "line.txt"
    path.write_text(" ".join(["security"] * 3_000) + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(path), "--layers", "none"])
    assert result.exit_code == 0
    assert "warning:" in result.output and "line 1 has" in result.output
