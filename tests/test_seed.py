"""The seed dataset holds what the two source documents state, each fact with its evidence."""

import re
from pathlib import Path

import pytest

from partnergraph.graph.model.dataset import seed_path

SEED_TEXTS = {p.name: p.read_text("utf-8") for p in (seed_path() / "texts").glob("*.txt")}


def squash(text):
    return re.sub(r"\s+", " ", text)


def edge(G, u, type_, v):
    found = [d for d in G.get_edge_data(u, v, default={}).values() if d["type"] == type_]
    assert found, f"missing edge {u} —{type_}→ {v}"
    return found[0]


def test_every_node_and_edge_has_evidence_quoted_verbatim_from_its_source(G):
    sources = G.graph["sources"]
    items = [a for _, a in G.nodes(data=True)] + [d for *_, d in G.edges(data=True)]
    assert len(items) == G.number_of_nodes() + G.number_of_edges()
    for attrs in items:
        assert attrs["evidence"], attrs
        for ev in attrs["evidence"]:
            text = SEED_TEXTS[Path(sources[ev["source"]]["file"]).name]
            assert squash(ev["quote"]) in squash(text), ev["quote"]


def test_sources_are_registered_with_publisher_date_and_language(G):
    langs = {s["id"]: (s["language"], s["published"]) for s in G.graph["sources"].values()}
    assert langs == {"eu-press-2019-10-17": ("en", "2019-10-17"), "vn-news-2023-2024": ("vi", "2023/2024")}


def test_eu_viet_nam_fpa_signed_on_17_october_2019(G):
    fpa = G.nodes["eu-viet-nam-fpa"]
    assert (fpa["kind"], fpa["status"], fpa["start"]) == ("agreement", "signed", "2019-10-17")
    assert edge(G, "viet-nam", "party_to", "eu-viet-nam-fpa")["start"] == "2019-10-17"
    edge(G, "eu", "party_to", "eu-viet-nam-fpa")
    edge(G, "eu-viet-nam-fpa", "enables", "csdp-missions")


def test_republic_of_korea_fpa_is_its_own_node(G):
    assert G.nodes["eu-rok-fpa"]["kind"] == "agreement"
    edge(G, "republic-of-korea", "party_to", "eu-rok-fpa")
    edge(G, "eu", "party_to", "eu-rok-fpa")


def test_esiwa_funded_by_the_eu_with_india_and_three_domains(G):
    esiwa = G.nodes["esiwa"]
    assert esiwa["short_name"] == "ESIWA"
    assert set(esiwa["domains"]) == {"cybersecurity", "counter_terrorism", "maritime_security"}
    edge(G, "eu", "funds", "esiwa")
    edge(G, "india", "participates_in", "esiwa")


def test_first_eu_indonesia_exercise_in_the_arabian_sea_year_not_stated(G):
    ex = G.nodes["eu-indonesia-naval-exercise"]
    assert ex["places"] == ["Arabian Sea"]
    assert (ex["start"], ex["end"]) == ("XXXX-08-14", "XXXX-08-15")
    edge(G, "eu", "participates_in", "eu-indonesia-naval-exercise")
    edge(G, "indonesia", "participates_in", "eu-indonesia-naval-exercise")


def test_east_sea_conference_in_ho_chi_minh_city_26_october_2023(G):
    conf = G.nodes["east-sea-conference-2023"]
    assert conf["places"] == ["Ho Chi Minh City"]
    assert conf["mentioned"] == "2023-10-26"
    edge(G, "east-sea-conference-2023", "held_in", "viet-nam")


def test_eu_ministry_of_public_security_cybersecurity_cooperation(G):
    coop = G.nodes["mps-eu-cybersecurity-cooperation"]
    assert "cybersecurity" in coop["domains"]
    edge(G, "vn-ministry-of-public-security", "party_to", "mps-eu-cybersecurity-cooperation")
    edge(G, "eu", "party_to", "mps-eu-cybersecurity-cooperation")
    edge(G, "to-lam", "holds_office_in", "vn-ministry-of-public-security")


def test_tentative_and_negative_facts_are_kept_with_their_status(G):
    assert edge(G, "viet-nam", "participates_in", "csdp-missions")["status"] == "not_yet"
    assert edge(G, "viet-nam", "participates_in", "eu-training-missions-africa")["status"] == "interested"
    for partner in ("japan", "republic-of-korea"):
        target = "eu-japan-security-defence-partnership" if partner == "japan" else "eu-rok-security-defence-partnership"
        assert edge(G, partner, "party_to", target)["status"] == "sought"
        assert G.nodes[target]["status"] == "sought"


def test_counts_stated_by_the_sources(G):
    counts = {c["what"]: c["value"] for c in G.nodes["csdp-missions"]["counts"]}
    assert counts == {"missions and operations": 16, "civilian missions": 10, "military operations": 6}
    assert G.nodes["csdp"]["counts"][0]["value"] == 19


def test_people_hold_offices(G):
    assert edge(G, "federica-mogherini", "holds_office_in", "eu")["role"].startswith("High Representative")
    assert "Ambassador" in edge(G, "julien-guerrier", "holds_office_in", "eu-delegation-to-viet-nam")["role"]
    edge(G, "richard-tibbels", "holds_office_in", "eu")
