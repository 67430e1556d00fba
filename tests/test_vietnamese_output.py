"""--lang vi through the CLI: no English sentence of ours, dates in Vietnamese words at their precision.

"Ours" is the English side of the catalogue (graph/model/messages.yaml): every fragment of three
words or more between placeholders, where the Vietnamese differs. Each check is also made on the
English output, where the fragments and month names must be found: a check that cannot fail is none.
What only exists in English in the data (quotes, titles, names without name_vi) stays English,
and the report says so.
"""

import json
import re
import string
import xml.etree.ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.names import NameLookupError, resolve
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

#: The other commands with --lang; each prints at least one sentence of ours in English (checked).
SENTENCES = [
    ["path", "Republic of Korea", "Viet Nam", "--as-of", "2019-01-01"], ["path", "Japan", "Viet Nam", "--status", "all", "--all"],
    ["centrality", "--measure", "betweenness", "--projection", "actors", "--as-of", "2020-01-01"],
    ["centrality", "--measure", "betweenness", "--sample", "4"], ["centrality", "--measure", "closeness", "--top", "3"],
    ["communities"], ["communities", "--status", "all"], ["common", "Republic of Korea", "Viet Nam"],
    ["common", "European Union", "Viet Nam", "--status", "all"], ["structure"],
    ["neighbours", "Viet Nam", "--as-of", "2020-01-01", "--depth", "2"],
    ["info"], ["validate"], ["validate", "--base", "seed"],
    ["timeline", "--from", "2019-01-01", "--to", "2019-12-31"], ["list", "all"],
]


def english_sentences_in(text: str) -> list[str]:
    return [f for f in english_fragments() if f in text]


@pytest.mark.parametrize("command", COMMANDS + SENTENCES, ids=" ".join)
def test_vietnamese_output_has_no_english_sentence_of_ours(command):
    vi, en = ours(run(*command, "--lang", "vi")), run(*command)
    assert english_sentences_in(vi) == []
    if command in SENTENCES or command[0] == "report":
        assert english_sentences_in(en)  # the English output has them: the check above can fail


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


#: The words of the English reasons ('17 relations: party to ×8', 'joins 2 actors', 'bridges A and B ...').
ENGLISH_WHY = re.compile(r"\b(actors?|instruments?|relations?|shares|bridges|joins|party to|holds office in)\b")
ACTORS = sorted(n for n, a in SEED.nodes(data=True) if a["family"] == "actor")
OPTIONS = st.sampled_from([[], ["--status", "all"], ["--as-of", "2019-11-01"], ["--as-of", "2023-06-30"], ["--actors-only"],
                           ["--as-of", "2019-01-01", "--strict"], ["--max-hops", "2"], ["--directed"], ["--via", "agreement"]])


def _both(*args) -> tuple[CliRunner, CliRunner]:
    return CliRunner().invoke(cli, [*args, "--lang", "vi"]), CliRunner().invoke(cli, list(args))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=st.lists(st.sampled_from(ACTORS), min_size=2, max_size=2, unique=True), options=OPTIONS)
def test_every_path_between_seed_actors_is_said_in_vietnamese(pair, options):
    vi, en = _both("path", *pair, *options)
    assert vi.exit_code == en.exit_code  # an answer or a refusal (no path, not known then), in both languages
    said = ours(vi.stdout + vi.stderr)
    assert english_sentences_in(said) == [] and ENGLISH_DAY.findall(said) == []
    assert english_sentences_in(en.stdout + en.stderr)


@pytest.mark.parametrize("measure", ["degree", "weighted_degree", "pagerank", "betweenness", "closeness", "eigenvector"])
@pytest.mark.parametrize("projection", ["full", "actors"])
def test_every_nodes_ranking_reason_is_vietnamese(measure, projection):
    """Every node of the seed explained (--top 0 --explain 1000), in both projections, with tentative ties too."""
    args = ["centrality", "--measure", measure, "--projection", projection, "--top", "0", "--explain", "1000", "--status", "all",
            "--format", "json"]
    vi, en = json.loads(run(*args, "--lang", "vi")), json.loads(run(*args))
    whys, english = ours("\n".join(r["why"] for r in vi["rows"])), "\n".join(r["why"] for r in en["rows"])
    assert all(r["why"] for r in vi["rows"])
    assert english_sentences_in(whys) == [] and ENGLISH_WHY.findall(whys) == []
    assert ENGLISH_WHY.findall(english)  # the English reasons have these words: the check above can fail


def _bad_overlay(tmp_path, actor: str) -> str:
    """An overlay on the seed with one problem of each kind validate says in both languages, around ``actor``."""
    node = dict(SEED.nodes[actor])
    source = next(iter(SEED.graph["sources"]))
    record = {"id": actor, "kind": node["kind"], "name": node["name"] + " again",
              "evidence": [{"source": "no-such-source", "quote": "q"}]}
    text = yaml.safe_dump({
        "sources": [{**SEED.graph["sources"][source], "id": source}],
        "actors": [record],
        "relations": [{"from": actor, "to": "no-such-node", "type": "member_of", "start": "2020", "end": "2019",
                       "evidence": [{"source": source, "quote": "q"}]}],
    }, allow_unicode=True)
    (tmp_path / "bad.yaml").write_text(text, "utf-8")
    return str(tmp_path / "bad.yaml")


@pytest.mark.parametrize("actor", ACTORS)
def test_validate_says_the_common_problems_in_vietnamese(tmp_path, actor):
    path = _bad_overlay(tmp_path, actor)
    vi, en = _both("validate", path)
    assert vi.exit_code == en.exit_code == 1
    assert len(vi.stderr.splitlines()) == len(en.stderr.splitlines()) >= 4
    problems = [f for f in english_fragments("problem_") if f in en.stderr]
    assert len(problems) >= 4  # duplicate id and source, dangling reference, end before start: each in English...
    assert [f for f in english_fragments() if f in vi.stderr] == []  # ...and none of them, nor the frame, in Vietnamese
    listed = CliRunner().invoke(cli, ["list", "all", "--data", path, "--base", "seed", "--lang", "vi"])
    assert listed.exit_code == 1 and english_sentences_in(listed.output) == []


@pytest.mark.parametrize("view", ["overview", "projection", "bipartite", "timeline", "centrality", "ego", "path", "snapshots"])
def test_rendered_picture_texts_are_vietnamese(tmp_path, view):
    extra = {"ego": ["--ego", "Viet Nam"], "path": ["--path", "Republic of Korea", "Viet Nam"],
             "snapshots": ["--as-of", "2019-12-31", "--as-of", "2024-12-31"]}.get(view, ["--view", view])

    def texts(lang: str) -> str:
        target = tmp_path / f"{lang}.svg"
        result = CliRunner().invoke(cli, ["render", "-o", str(target), *extra, "--lang", lang])
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith("Wrote ") == (lang == "en")  # 'Wrote FILE (overview, SVG, ...)' in English only
        return "\n".join(t.text or "" for t in ET.parse(target).getroot().iter("{http://www.w3.org/2000/svg}text"))

    vi, en = texts("vi"), texts("en")
    picture_words = [entry["en"] for entry in catalogue().values() if entry["en"] and entry["en"] != entry["vi"]
                     and "{" not in entry["en"] and len(entry["en"].split()) >= 2]
    assert [w for w in picture_words if w in ours(vi)] == []
    assert [w for w in picture_words if w in en] or english_sentences_in(en)


def test_a_refusal_of_neighbours_is_vietnamese():
    vi, en = _both("neighbours", "Japan", "--as-of", "2019-01-01")
    assert vi.exit_code == en.exit_code == 1
    assert english_sentences_in(en.stderr) and english_sentences_in(vi.stderr) == []
    assert ENGLISH_DAY.findall(vi.stderr) == [] and ENGLISH_DAY.findall(en.stderr)


def test_the_report_says_what_it_draws_in_vietnamese(tmp_path):
    for lang in ("vi", "en"):
        result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / f"{lang}.md"), "--lang", lang])
        assert result.exit_code == 0, result.output
        assert (english_sentences_in(result.stderr) == []) == (lang == "vi")  # "Drawing the report's pictures…"
        assert ("Wrote " in result.stderr) == (lang == "en")


NAME_COMMANDS = [["show"], ["partners"], ["neighbours"], ["path", "Viet Nam"], ["common", "EU"], ["timeline"]]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(NAME_COMMANDS), name=st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]),
                                                              min_size=1, max_size=12).filter(str.strip))
def test_a_name_that_finds_no_node_or_several_is_refused_in_vietnamese(command, name):
    assume(not finds_one_node(name))
    vi, en = _both(*command, name)
    assert vi.exit_code == en.exit_code == 1, vi.output
    assert english_sentences_in(en.stderr) and english_sentences_in(vi.stderr) == [], vi.stderr


def finds_one_node(name: str) -> bool:
    try:
        return bool(resolve(SEED, name))
    except NameLookupError:
        return False


def test_schema_in_vietnamese_keeps_the_kind_codes_a_dataset_is_written_with():
    from partnergraph.graph.model.schema import get_schema

    for lang in ("vi", "en"):
        table = run("schema", "--lang", lang, "--width", "0")
        first_words = {line.split()[0] for line in table.splitlines() if line.strip()}
        assert set(get_schema().node_kinds) <= first_words, table


INSTRUMENTS = sorted(n for n, a in SEED.nodes(data=True) if a["family"] == "instrument")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(node=st.sampled_from(INSTRUMENTS), command=st.sampled_from(["partners", "common", "path"]))
def test_refusals_of_an_instrument_or_one_node_twice_are_vietnamese(node, command):
    args = {"partners": [node], "common": ["EU", node], "path": [node, node]}[command]  # path: the same node twice
    vi, en = _both(command, *args)
    assert vi.exit_code == en.exit_code == 1, vi.output
    assert english_sentences_in(en.stderr) and english_sentences_in(vi.stderr) == [], vi.stderr


@settings(max_examples=10, deadline=None)
@given(actor=st.sampled_from(sorted(n for n, a in SEED.nodes(data=True) if a["family"] == "actor" and n != "eu")))
def test_an_actor_not_known_on_the_day_is_refused_in_the_readers_language(actor):
    from partnergraph.graph.analysis.partners import partners
    from partnergraph.graph.analysis.structure import common_partners

    G = SEED.copy()
    G.nodes[actor]["start"] = "2099-01-01"  # begun after the day asked about
    for ask in (lambda lang: partners(G, actor, as_of="2020-01-01", strict=True, lang=lang),
                lambda lang: common_partners(G, "eu", actor, as_of="2020-01-01", lang=lang)):
        said = {}
        for lang in ("vi", "en"):
            with pytest.raises(LookupError) as refused:
                ask(lang)
            said[lang] = str(refused.value)
        assert english_sentences_in(said["en"]) and english_sentences_in(said["vi"]) == [], said
        assert ENGLISH_DAY.findall(said["en"]) and ENGLISH_DAY.findall(said["vi"]) == []
