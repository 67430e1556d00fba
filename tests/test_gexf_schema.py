"""GEXF read back by an independent reader: the official GEXF 1.2draft XML Schema (gexf.net), with xmlschema.

The schema files are vendored in tests/data/gexf-1.2draft (from github.com/gephi/gexf, specs/1.2draft,
CC BY 4.0; checksums in SHA256SUMS). xmlschema validates the export and decodes it by the schema's
types; what it decodes is checked against the data: node labels are names, the timeline's start/end
are ISO dates (xs:date, as timeformat="date" requires) that bound the data's dates, a date without a
year is off the timeline and kept as text, every attribute value belongs to a declared attribute.
Dates are generated (day, month, year, ranges, no year) as well as the seed's.
"""

import calendar
import datetime
import hashlib
from pathlib import Path

import networkx as nx
import pytest
import xmlschema
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from partnergraph.cli.main import cli
from partnergraph.graph.model.dates import parse_date
from partnergraph.graph.readwrite.formats import to_string

SPECS = Path(__file__).parent / "data" / "gexf-1.2draft"


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(SPECS / "gexf.xsd"))


def test_the_vendored_schema_is_the_published_one():
    for line in (SPECS / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((SPECS / name).read_bytes()).hexdigest() == digest, name


def decoded(schema, text: str) -> dict:
    """The file as the schema reads it, after checking it is valid (every error named)."""
    errors = [str(e).splitlines()[0] for e in schema.iter_errors(text)]
    assert errors == []
    return schema.to_dict(text)["graph"]


def as_list(value) -> list:
    """xmlschema gives a repeatable element as a list, a single one as itself."""
    return value if isinstance(value, list) else [] if value is None else [value]


def elements(graph: dict, what: str) -> dict:
    """id -> {label, start, end, attributes by title} of every node or edge."""
    titles = {a["@id"]: a["@title"] for block in graph["attributes"] if block["@class"] == what[:-1]
              for a in block["attribute"]}
    out = {}
    for e in (e for block in as_list(graph[what]) for e in block[what[:-1]]):
        values = [v for block in as_list(e.get("attvalues")) for v in block.get("attvalue", [])]
        assert all(v["@for"] in titles for v in values)  # every value belongs to a declared attribute
        out[e["@id"]] = {"label": e.get("@label"), "start": e.get("@start"), "end": e.get("@end"),
                         **{titles[v["@for"]]: v["@value"] for v in values}}
    return out


def assert_timeline(element: dict, attrs: dict):
    """Gephi's start/end bound the data's dates; a date with no year is off the timeline, its text kept."""
    start, end = attrs.get("start"), attrs.get("end")
    for field in ("start", "end"):
        if attrs.get(field):
            assert element[f"edtf_{field}"] == attrs[field]
    first = parse_date(start) if start else None
    if first is None or not first.year_known:
        assert element["start"] is None and element["end"] is None
        return
    assert datetime.date.fromisoformat(element["start"]) == first.lower
    last = parse_date(end) if end else (first if first.is_range else None)
    if last is not None and last.year_known:
        assert datetime.date.fromisoformat(element["end"]) == last.upper
        assert element["start"] <= element["end"]  # Gephi: an interval ends after it starts
    else:
        assert element["end"] is None


def test_the_seed_export_is_valid_gexf_with_names_dates_and_attributes(G, schema, tmp_path):
    out = tmp_path / "seed.gexf"
    result = CliRunner().invoke(cli, ["export", "-f", "gexf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    graph = decoded(schema, out.read_text("utf-8"))
    assert graph["@mode"] == "dynamic" and graph["@timeformat"] == "date"
    nodes = elements(graph, "nodes")
    assert set(nodes) == set(G.nodes)
    for n, attrs in G.nodes(data=True):
        assert nodes[n]["label"] == attrs["name"]
        assert nodes[n].get("name_vi") == attrs.get("name_vi")
        assert nodes[n]["kind"] == attrs["kind"]
        assert_timeline(nodes[n], attrs)
    edges = {e["networkx_key"]: e for e in elements(graph, "edges").values()}
    assert len(edges) == G.number_of_edges()
    for *_, k, d in G.edges(keys=True, data=True):
        assert edges[k]["relation_type"] == d["type"] and edges[k].get("status") == d.get("status")
        assert_timeline(edges[k], d)
    assert any(n["start"] for n in nodes.values()) and any(n["start"] is None and n.get("edtf_start") for n in nodes.values())


def _points(draw, year):
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year or 2000, month)[1]))
    year_text = "XXXX" if year is None else f"{year:04d}"
    if year is None:
        return draw(st.sampled_from([f"{year_text}-{month:02d}-{day:02d}", f"{year_text}-{month:02d}"]))
    return draw(st.sampled_from([f"{year_text}-{month:02d}-{day:02d}", f"{year_text}-{month:02d}", year_text]))


@st.composite
def edtf_dates(draw):
    """A date as the data writes it: a day, month or year, with or without the year, or a range."""
    year = draw(st.none() | st.integers(1900, 2100))
    first = _points(draw, year)
    if not draw(st.booleans()):
        return first
    later = draw(st.none() if year is None else st.integers(year, 2100))
    second = _points(draw, later)
    return f"{first}/{second}" if parse_date(first).sort_key() <= parse_date(second).sort_key() else first


@settings(max_examples=60, deadline=None)
@given(dates=st.lists(st.tuples(edtf_dates() | st.none(), edtf_dates() | st.none()), min_size=1, max_size=8))
def test_generated_dates_stay_valid_and_on_gephis_timeline(schema, dates):
    H = nx.MultiDiGraph(sources={})
    for i, (start, end) in enumerate(dates):
        ends_after = end and start and parse_date(end).sort_key() >= parse_date(start).sort_key()
        dated = {"start": start} | ({"end": end} if ends_after or (end and not start) else {})
        H.add_node(f"n{i}", id=f"n{i}", name=f"Việt Nam {i}", kind="state", family="actor",
                   evidence=[{"source": "s", "quote": "q"}], **{k: v for k, v in dated.items() if v})
    nodes = elements(decoded(schema, to_string(H, "gexf")), "nodes")
    for n, attrs in H.nodes(data=True):
        assert nodes[n]["label"] == attrs["name"]
        assert_timeline(nodes[n], attrs)
