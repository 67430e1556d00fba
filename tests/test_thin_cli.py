"""What the CLI used to compute itself now comes from the library (issue 11: the CLI holds options,
calls and printing only): the library answers and refuses, and the CLI prints exactly that."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from partnergraph.cli.main import cli
from partnergraph.graph.analysis.communities import communities, community_rows
from partnergraph.graph.analysis.describe import dataset_summary, info, list_answer, schema_tables
from partnergraph.graph.analysis.partners import NotAnActor, partners
from partnergraph.graph.analysis.structure import common_partners, common_rows
from partnergraph.graph.model.build import build_graph
from partnergraph.graph.model.dataset import load_dataset, seed_path
from partnergraph.graph.model.i18n import catalogue
from partnergraph.graph.model.schema import UnknownKind, get_schema


def run(*args) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_instrument_is_refused_as_an_actor_and_every_actor_is_answered(G):
    actor = next(n for n, a in G.nodes(data=True) if a["family"] == "actor")
    for node, attrs in G.nodes(data=True):
        if attrs["family"] == "actor":
            assert partners(G, node, status="all")["actor"]
            continue
        with pytest.raises(NotAnActor, match=f"is an instrument \\({attrs['kind']}\\), not an actor"):
            partners(G, node)
        with pytest.raises(NotAnActor):
            common_partners(G, actor, node)


@settings(max_examples=30, deadline=None)
@given(kind=st.text(min_size=1, max_size=12), domain=st.text(min_size=1, max_size=12))
def test_an_unknown_kind_or_domain_is_refused_never_an_empty_list(seed_graph, kind, domain):
    schema = get_schema()
    for args, wrong in (({"kind": kind}, kind not in schema.node_kinds), ({"domain": domain}, domain not in schema.domains)):
        if wrong:
            with pytest.raises(ValueError, match="unknown (kind|domain) .*; choose one of"):
                list_answer(seed_graph, **args)
        else:
            assert list_answer(seed_graph, **args)["rows"]


def test_list_in_vietnamese_names_each_node_in_vietnamese_and_keeps_the_english(G):
    english = {r["id"]: r for r in list_answer(G)["rows"]}
    vi = list_answer(G, lang="vi")["rows"]
    assert {r["id"] for r in vi} == set(english)
    for r in vi:
        en = english[r["id"]]
        assert (r["name"], r["name_vi"]) == (en["name_vi"] or en["name"], en["name"])
    shown = list(csv.DictReader(io.StringIO(run("list", "all", "--status", "all", "-f", "csv", "--lang", "vi"))))
    assert [(r["id"], r["name"]) for r in shown] == [(r["id"], r["name"]) for r in vi]


def test_validate_reports_the_library_summary():
    dataset = load_dataset([seed_path()])
    G = build_graph(dataset)
    summary = dataset_summary(dataset, G)
    by_family = info(G)["by_family"]
    assert (summary["actors"], summary["instruments"]) == (by_family["actor"], by_family["instrument"])
    assert json.loads(run("validate", "-f", "json")) == [summary]


def test_schema_tables_say_what_the_schema_says():
    schema = get_schema()
    tables = schema_tables(schema)
    assert [r["kind"] for r in tables["kinds"]] == list(schema.node_kinds)
    assert {r["group"]: set(r["kinds"].split(", ")) for r in tables["groups"]} == {
        g: set(kinds) for g, kinds in schema.kind_groups.items()}
    assert [r["type"] for r in tables["edges"]] == list(schema.edge_types)
    assert json.loads(run("schema", "-f", "json")) == tables  # every table whole, with its own columns


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_communities_prints_the_library_rows(G, lang):
    rows = community_rows(communities(G, lang=lang), lang)
    held = catalogue()["held_together_by"][lang]
    assert rows and all(set(r) == {"group", "size", "members", held} for r in rows)
    printed = json.loads(run("communities", "-f", "json", "--lang", lang))
    assert community_rows(printed, lang) == rows


def test_common_prints_the_library_rows(G):
    result = common_partners(G, "republic-of-korea", "viet-nam", status="all")
    shown = list(csv.DictReader(io.StringIO(run("common", "ROK", "VN", "--status", "all", "-f", "csv"))))
    assert [r["partner"] for r in shown] == [r["partner"] for r in common_rows(result)]
    assert shown and list(shown[0]) == list(common_rows(result)[0])


def _kind_names():
    schema = get_schema()
    known = sorted({*schema.node_kinds, *schema.kind_groups, *schema.families})
    return st.lists(st.sampled_from(known) | st.text(min_size=1, max_size=10), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(names=_kind_names())
def test_a_kind_filter_is_the_kinds_it_names_or_one_refusal_everywhere(names):
    schema = get_schema()
    known = {*schema.node_kinds, *schema.kind_groups, *schema.families}
    bad = [n for n in names if n not in known]
    if not bad:
        kinds = schema.kinds_named(names)
        assert kinds and kinds <= set(schema.node_kinds)
        assert all(kinds >= (set(schema.kind_groups.get(n, ())) or {n} if n not in schema.families
                             else set(schema.kinds_of(n))) for n in names)
        return
    with pytest.raises(UnknownKind, match="unknown kind .*; choose kinds"):
        schema.kinds_named(names)
    flags = [a for n in names for a in ("--kind", n)]
    for args in (["centrality", *flags], ["partners", "EU", *flags]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1 and f"--kind: unknown kind {bad[0]!r}" in result.output, result.output
        assert "Traceback" not in result.output
