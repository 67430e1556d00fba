"""--lang vi through the CLI: no English sentence of ours, dates in Vietnamese words at their precision.

"Ours" is the English side of the catalogue (graph/present/messages.yaml): every fragment of three
words or more between placeholders, where the Vietnamese differs. Each check is also made on the
English output, where the fragments and month names must be found: a check that cannot fail is none.
What only exists in English in the data (quotes, titles, names without name_vi) stays English,
and the report says so.
"""

import re
import string

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.present.i18n import catalogue

ENGLISH_DAY = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


SEED = load_graph()
#: Every text the data holds (notes, quotes, titles): English there is the data's, not ours.
DATA_TEXTS = sorted({s for s in _strings([dict(a) for _, a in SEED.nodes(data=True)] + [d for *_, d in SEED.edges(data=True)]
                                         + list(SEED.graph["sources"].values())) if len(s) > 12}, key=len, reverse=True)


def ours(text: str) -> str:
    """The output without the data's own texts."""
    for data_text in DATA_TEXTS:
        text = text.replace(data_text, "")
    return text


def run(*args) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def english_fragments(keys=None) -> set[str]:
    found = set()
    for key, entry in catalogue().items():
        if entry["en"] == entry["vi"] or (keys and not key.startswith(keys)):
            continue
        for literal, *_ in string.Formatter().parse(entry["en"]):
            for piece in re.split(r"[();:]", literal):
                if len(piece.split()) >= 3:
                    found.add(piece.strip())
    return found


COMMANDS = [
    ["report", "--no-pictures"],
    ["report", "--no-pictures", "--from", "2019-01-01", "--to", "2023-12-31", "--as-of", "2023-12-31"],
    ["show", "Viet Nam"], ["partners", "Viet Nam"], ["partners", "EU", "--status", "all"],
    ["partners", "Viet Nam", "--as-of", "2020-01-01"],
    ["timeline"], ["timeline", "--status", "all"], ["list", "all", "--status", "all"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_vietnamese_output_has_no_english_sentence_of_ours(command):
    vi, en = ours(run(*command, "--lang", "vi")), run(*command)
    fragments = english_fragments()
    assert [f for f in fragments if f in vi] == []
    if command[0] == "report":
        assert [f for f in fragments if f in en]  # the English report has them: the check above can fail


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_vietnamese_dates_have_no_english_month(command):
    vi, en = ours(run(*command, "--lang", "vi")), run(*command)
    assert ENGLISH_DAY.findall(vi) == []
    assert ENGLISH_DAY.findall(en)


def test_vietnamese_dates_keep_the_precision_of_the_data():
    vi = run("show", "Viet Nam", "--lang", "vi")
    assert "17 tháng 10 2019" in vi              # a day
    assert "tháng 8 năm 2019" in vi               # a month only: no day invented
    assert "2023 – 2024" in vi                    # years only
    naval = run("show", "eu-indonesia-naval-exercise", "--lang", "vi")
    assert "14 tháng 8 (nguồn không nêu năm)" in naval  # no year: none invented, said so


@pytest.mark.parametrize("node", sorted(SEED.nodes))
def test_every_profile_in_vietnamese_has_vietnamese_labels(node):
    labels = [entry["en"] for key, entry in catalogue().items() if key.startswith("show_") and entry["en"] != entry["vi"]]
    vi, en = ours(run("show", node, "--lang", "vi")), run("show", node)
    label = re.compile(r"^\s*(" + "|".join(map(re.escape, labels)) + r"):", re.M)
    assert label.findall(vi) == []
    assert label.findall(en)
    assert ENGLISH_DAY.findall(vi) == []


def test_the_report_says_where_only_english_exists():
    vi = run("report", "--no-pictures", "--lang", "vi")
    assert catalogue()["rep_english_only"]["vi"] in vi
    assert "EU and Viet Nam step up security and defence cooperation" in vi  # a title the data has in English only
    assert catalogue()["rep_english_only"]["vi"] not in run("report", "--no-pictures")


def test_the_html_report_in_vietnamese_links_its_contents():
    html = run("report", "--no-pictures", "--lang", "vi", "--format", "html")
    assert '<html lang="vi">' in html
    targets = re.findall(r'href="#([^"]+)"', html)
    assert len(targets) == 9 and all(f'id="{t}"' in html for t in targets)


def test_the_reports_ranking_rule_is_the_analysis_rule_in_both_languages():
    from partnergraph.graph.analysis.findings import RANKING_RULE

    assert catalogue()["rep_ranking_rule"]["en"] == RANKING_RULE  # one rule: the catalogue's English is the library's


def test_partners_flags_in_vietnamese():
    args = ["partners", "Viet Nam", "--as-of", "2020-01-01"]
    vi, en = run(*args, "--lang", "vi"), run(*args)
    assert "not attested before 1 Jan 2023" in en
    assert "not attested" not in vi and "chưa được ghi nhận trước 1 tháng 1 2023" in vi
