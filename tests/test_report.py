"""The network report: coverage of the seed data, formats, figures, and `partnergraph report`."""

import json
import re

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.present.report import build_report

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
    for heading in ("## Sources covered", "## Counts", "## Actors ranked by centrality", "## Instruments by type and domain",
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
    assert {"The partnership network", "Timeline", "Centrality of the actors", "Around European Union"} <= names
    for _, rel in linked:
        assert mpimg.imread(tmp_path / rel).shape[0] > 200   # a real, readable PNG
    result = CliRunner().invoke(cli, ["report", "--format", "html", "-o", str(tmp_path / "brief.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "brief.html").read_text("utf-8")
    assert html.count("data:image/png;base64,") == len(linked)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html", "brief.md", "brief_files"]
