"""The Vietnamese parser layer (pyvi), envoys' accreditation, authors of conventions and ships, as a user sees them."""

from __future__ import annotations

from importlib import metadata

from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.ingest import ingest_files
from partnergraph.graph.ingest.vi_parse import _pyvi

VI_ARTICLE = """Tiêu đề: Đoàn Bộ Quốc phòng làm việc tại Hà Lan
Ngày: 2025-12-06

Đoàn Việt Nam do Thượng tướng Khúc Văn Lâm, Thứ trưởng Bộ Quốc phòng Việt Nam, dẫn đầu đã thăm Hà Lan.
Dự lễ đón có Đại tá Lâm Quốc Trung, Phó Tư lệnh Vùng 4 Hải quân.
Đoàn cũng làm việc với Bộ Tư pháp và An ninh Hà Lan.
Đại sứ Việt Nam tại Hà Lan Đỗ Minh Châu tháp tùng đoàn.
"""

EN_ARTICLE = """Title: Port call
Date: 2025-05-02

The frigate ESPS Rayo visited Manila. Both navies discussed the United Nations Convention on the Law of the Sea.
EU Ambassador to the Philippines Marta Lindqvist attended the reception.
"""


def _names(c: dict) -> set[str]:
    return {r["name"] for r in c["actors"]}


def test_pyvi_is_the_declared_dependency_and_loads_once():
    assert metadata.version("pyvi") == "0.1.1"
    assert _pyvi() is _pyvi()


def test_vi_parser_gives_whole_names_and_drops_pieces_of_titles(G, tmp_path):
    path = tmp_path / "vi.txt"
    path.write_text(VI_ARTICLE, "utf-8")
    with_layer = _names(ingest_files([path], G))
    without = _names(ingest_files([path], G, layers={"parser", "verb_events", "surnames"}))
    # family names the rules do not list, and a body's name with a number and a joined part
    assert {"Khúc Văn Lâm", "Bộ Tư pháp và An ninh Hà Lan"} <= with_layer
    assert "Khúc Văn Lâm" not in without and "Văn Lâm" in without
    assert "Vùng" in without and "Vùng" not in with_layer  # "Phó Tư lệnh Vùng 4": a piece of a title, not a person
    assert "Đỗ Minh Châu" in with_layer  # pyvi's run-on word "Đỗ_Minh_Châu_tháp_tùng" does not lengthen the name


def test_envoy_is_accredited_to_the_place_after_the_title(G, tmp_path):
    path = tmp_path / "vi.txt"
    path.write_text(VI_ARTICLE, "utf-8")
    c = ingest_files([path], G)
    accredited = {(r["from"], r["to"]) for r in c["relations"] if r["type"] == "accredited_to"}
    envoy = next(r["id"] for r in c["actors"] if r["name"] == "Đỗ Minh Châu")
    netherlands = next(r["id"] for r in c["actors"] if r["name"] in ("Netherlands", "Hà Lan"))
    assert (envoy, netherlands) in accredited
    off = ingest_files([path], G, layers={"parser", "vi_parser", "verb_events", "surnames"})
    assert not [r for r in off["relations"] if r["type"] == "accredited_to" and r["from"] == envoy]


def test_ships_and_convention_authors_are_not_actors(G, tmp_path):
    path = tmp_path / "en.txt"
    path.write_text(EN_ARTICLE, "utf-8")
    c = ingest_files([path], G)
    names = _names(c)
    assert not any("Rayo" in n for n in names)
    assert "United Nations" not in names  # named in the convention's title: its author, not a party
    assert any(r["kind"] == "agreement" and "Convention" in r["name"] for r in c["instruments"])


def test_cli_names_the_new_layers(tmp_path):
    path = tmp_path / "vi.txt"
    path.write_text(VI_ARTICLE, "utf-8")
    ok = CliRunner().invoke(cli, ["ingest", str(path), "--layers", "vi_parser,instrument_links"])
    assert ok.exit_code == 0, ok.output
    assert "Khúc Văn Lâm" in ok.output


def test_vi_parser_needs_no_network(tmp_path, ingest_offline):
    """pyvi's models ship in its wheel: with sockets refused, the Vietnamese layer still runs."""
    (tmp_path / "vi.txt").write_text(VI_ARTICLE, "utf-8")
    code, out, err = ingest_offline(tmp_path / "vi.txt")
    assert code == 0 and "Khúc Văn Lâm" in out, err


POSTS = """Title: Workshop
Date: 2025-05-02

Pieter van Aalst of the Delegation of the European Union to Malaysia opened the workshop.
Salote Naivalu, Minister for Home Affairs and Immigration of Fiji, attended the workshop.
Chua Boon Teck of the Ministry of Defence of Singapore (MINDEF) closed the workshop.
"""

PARENTS = """Tiêu đề: Hội thảo
Ngày: 2025-10-15

Ngày 15/10/2025, Binh chủng Hóa học (Bộ Quốc phòng) tổ chức hội thảo tại Hà Nội.
"""


def test_delegations_posts_portfolios_and_parent_bodies(G, tmp_path):
    en, vi = tmp_path / "en.txt", tmp_path / "vi.txt"
    en.write_text(POSTS, "utf-8")
    vi.write_text(PARENTS, "utf-8")
    c = ingest_files([en, vi], G)
    by_name = {r["name"]: r["id"] for r in c["actors"]}
    edges = {(r["from"], r["type"], r["to"]) for r in c["relations"]}
    delegation = by_name["Delegation of the European Union to Malaysia"]
    assert (delegation, "accredited_to", by_name["Malaysia"]) in edges
    assert not any("Home Affairs" in n for n in by_name)  # a portfolio in a title, not a body
    assert "Fiji" in by_name
    assert (by_name["Binh chủng Hóa học"], "part_of", by_name["Bộ Quốc phòng"]) in edges
    acronyms = {r["name"]: r.get("short_name") for r in c["actors"]}
    assert acronyms["Ministry of Defence of Singapore"] == "MINDEF" and acronyms["Singapore"] != "MINDEF"
    assert (by_name["Ministry of Defence of Singapore"], "part_of", by_name["Singapore"]) in edges
