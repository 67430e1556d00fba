"""The network report: coverage of the seed data, formats, figures, and `partnergraph report`."""

import json
import re

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.present.report import build_report, report_data
from hypothesis import given, settings, strategies as st

# A 1x1 PNG, written as a real image file for the figure hook.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def G():
    return load_graph()


def test_cli_report_md_covers_every_instrument_and_actor(G, tmp_path):
    target = tmp_path / "report.md"
    result = CliRunner().invoke(cli, ["report", "-o", str(target), "--no-pictures"])
    assert result.exit_code == 0, result.output
    text = target.read_text("utf-8")
    missing = [a["name"] for _, a in G.nodes(data=True) if a["name"] not in text]
    assert missing == []
    for heading in ("## Sources covered", "## Counts", "## Key findings", "## Actors ranked", "## Instruments by type and domain",
                    "## Timeline", "## Notable paths", "## Gaps the data states"):
        assert heading in text
    assert "| 1 | European Union |" in text
    assert "EU–Japan security and defence partnership | sought |" in text
    assert "**Republic of Korea → Viet Nam**" in text or "**Viet Nam → Republic of Korea**" in text


def test_html_is_one_self_contained_file_with_embedded_figures(G, tmp_path):
    image = tmp_path / "network.png"
    image.write_bytes(PNG)
    html = build_report(G, "html", {"network": image, "extra": image})
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html
    assert html.count("data:image/png;base64,") == 2
    assert not re.search(r'(src|href)="(?!data:|#)', html)   # nothing loaded from outside
    assert "<h2 id=\"figures\">Figures</h2>" in html


def test_markdown_links_figures_relative_to_the_output_folder(G, tmp_path):
    (tmp_path / "fig").mkdir()
    image = tmp_path / "fig" / "timeline.png"
    image.write_bytes(PNG)
    text = build_report(G, "md", {"timeline": image}, base=tmp_path)
    assert "![Timeline](fig/timeline.png)" in text
    with pytest.raises(FileNotFoundError, match="figure 'network'"):
        build_report(G, "md", {"network": tmp_path / "missing.svg"})


def test_json_report_is_the_data(G):
    data = json.loads(build_report(G, "json"))
    assert data["actors"][0]["name"] == "European Union"
    assert {g["kind"] for g in data["instruments"]} >= {"agreement", "partnership"}
    assert {g["status"] for g in data["gaps"]["statuses"]} >= {"sought", "not yet", "interest expressed"}


def test_cli_report_errors_are_clean(tmp_path):
    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "no" / "such" / "r.md")])
    assert result.exit_code == 1 and "does not exist" in result.output
    result = CliRunner().invoke(cli, ["report", "--figure", "network"])
    assert result.exit_code == 1 and "write SLOT=FILE" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_report_draws_its_pictures_beside_markdown_and_inside_html(tmp_path):
    from matplotlib import image as mpimg

    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "brief.md")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "brief.md").read_text("utf-8")
    linked = re.findall(r"!\[([^\]]+)\]\((brief_files/[^)]+\.png)\)", text)
    names = {alt for alt, _ in linked}
    assert {"The partnership network", "Timeline", "Actors ranked by number of partners", "Around European Union"} <= names
    for _, rel in linked:
        assert mpimg.imread(tmp_path / rel).shape[0] > 200   # a real, readable PNG
    result = CliRunner().invoke(cli, ["report", "--format", "html", "-o", str(tmp_path / "brief.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "brief.html").read_text("utf-8")
    assert html.count("data:image/png;base64,") == len(linked)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html", "brief.md", "brief_files"]


# --- key findings, one ranking, what is counted ------------------------------------------------


def _section(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_key_findings_open_the_report(G):
    text = build_report(G, "md")
    assert text.index("## Key findings") < text.index("## Contents")
    findings = _section(text, "Key findings")
    assert "1. **European Union**" in findings and "partner(s)" in findings
    assert "ties broken by the number of evidence sources behind their counted ties, then by name" in findings
    sought = next(line for line in findings.splitlines() if line.startswith("- **Only sought"))
    assert "EU–Japan security and defence partnership (sought)" in sought
    not_yet = next(line for line in findings.splitlines() if line.startswith("- **Not yet in place"))
    assert "EU CSDP missions and operations (not yet)" in not_yet and "(interest expressed)" in not_yet
    assert "no period was chosen" in findings


def _ranked_by_the_rule(rows) -> bool:
    from partnergraph.graph.model.names import fold

    keys = [(-r["partners"], -r["sources"], fold(r["name"])) for r in rows]
    return keys == sorted(keys) and [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_one_ranking_in_the_table_and_the_chart(G):
    from partnergraph.graph.present.report_figures import ranking_figure

    data = json.loads(build_report(G, "json"))
    rows = data["actors"]
    assert _ranked_by_the_rule(rows)
    assert rows[0]["name"] == "European Union"
    # an actor with no partner never ranks above one with partners (ASEAN/EU Delegation by the alphabet, before)
    partners = [r["partners"] for r in rows]
    assert partners == sorted(partners, reverse=True)
    fig = ranking_figure(rows, "Counted: ties in place.")
    bars = [p.get_width() for p in fig.axes[0].patches]
    assert bars == partners[:15]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [r["name"] for r in rows[:15]]
    text = build_report(G, "md")
    table = [line for line in _section(text, "Actors ranked").splitlines() if re.match(r"\| \d+ \|", line)]
    assert [int(line.split("|")[4]) for line in table] == partners      # the table's Partners column


@settings(max_examples=12, deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.integers(6, 14), st.integers(4, 20))
def test_generated_datasets_are_ranked_by_the_rule(seed, n_actors, n_instruments):
    from partnergraph.graph.model.synthetic import generate, write_dataset
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        write_dataset(generate(n_actors, n_instruments, seed), folder)
        H = load_graph([folder])
    data = report_data(H)
    assert _ranked_by_the_rule(data["actors"])
    assert data["findings"]["most_central"] == data["actors"][:3]


def test_status_decides_what_counts_and_gaps_keep_the_tentative(G):
    default, everything = report_data(G), report_data(G, status="all")
    def instruments(data):
        return {i["name"] for g in data["instruments"] for d in g["domains"] for i in d["items"]}
    assert "EU–Japan security and defence partnership" not in instruments(default)
    assert "EU–Japan security and defence partnership" in instruments(everything)
    assert default["counted"]["counted"].startswith("ties in place")
    assert everything["counted"]["counted"] == "every tie, tentative ones included"
    japan = {r["name"]: r["partners"] for r in default["actors"]}["Japan"], \
        {r["name"]: r["partners"] for r in everything["actors"]}["Japan"]
    assert japan == (0, 1)
    for data in (default, everything):   # the gaps list the tentative items whatever is counted
        assert "EU–Japan security and defence partnership" in {g["what"] for g in data["gaps"]["statuses"]}
    text = build_report(G, "md", status="all")
    for heading in ("Counts", "Actors ranked", "Instruments by type and domain", "Timeline", "Notable paths",
                    "Structure: components and brokers"):
        assert "Counted: every tie, tentative ones included." in _section(text, heading), heading


def test_as_of_and_a_period(G):
    early = report_data(G, as_of="2019-01-01")
    names = {i["name"] for g in early["instruments"] for d in g["domains"] for i in d["items"]}
    assert "EU–Viet Nam Framework Participation Agreement" not in names
    assert early["counted"]["as_of"] == "2019-01-01"
    assert "; as of 1 Jan 2019" in build_report(G, "md", as_of="2019-01-01")
    window = report_data(G, start="2023-01-01", end="2023-12-31")
    events = [e["what"] for e in window["timeline"]]
    assert any("International Conference on the East Sea" in e for e in events)
    assert not [e for e in window["timeline"] if "2019" in e["date"]]
    assert [t["what"] for t in window["findings"]["new_ties"]] == events
    text = build_report(G, "md", start="2023-01-01", end="2023-12-31")
    assert "- **New in the period** 2023-01-01 to 2023-12-31" in text


def test_cli_report_options(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["report", "-f", "json", "--status", "all", "--as-of", "2024-12-31",
                                 "--from", "2023-01-01", "--to", "2023-12-31"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["counted"]["status"] == "all" and data["counted"]["as_of"] == "2024-12-31"
    assert data["findings"]["window"] == {"from": "2023-01-01", "to": "2023-12-31"}
    result = runner.invoke(cli, ["report", "--status", "soughtt"])
    assert result.exit_code == 2 and "unknown status 'soughtt'" in result.output
    result = runner.invoke(cli, ["report", "--from", "2024-01-01", "--to", "2023-01-01"])
    assert result.exit_code == 1 and "--from/--to: the window starts (2024-01-01) after it ends (2023-01-01)" in result.output
    result = runner.invoke(cli, ["report", "--as-of", "2019-13-01"])
    assert result.exit_code == 2 and "--as-of" in result.output and "Traceback" not in result.output


def test_communities_section_groups_every_actor_once(G):
    data = report_data(G)
    answer = data["communities"]
    assert answer["method"].startswith("Louvain") and "seed 0" in answer["method"]
    grouped = [m for g in answer["groups"] for m in g["members"]] + answer["isolated"]
    assert sorted(grouped) == sorted(r["name"] for r in data["actors"])   # each actor once
    viet_nam = next(g for g in answer["groups"] if "Viet Nam" in g["members"])
    assert viet_nam["instruments"] and all(i["members"] >= 2 for i in viet_nam["instruments"])
    assert report_data(G)["communities"] == answer                          # seeded: the same groups
    section = _section(build_report(G, "md"), "Communities")
    assert section.strip().startswith("Counted: ties in place") and "**Group 1**" in section and "Held together by:" in section
