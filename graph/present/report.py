"""The network report: one document a desk officer can circulate.

:func:`report_data` gathers everything as plain data; :func:`build_report`
renders it as Markdown (Jinja2 template ``templates/report.md.j2``), as a
single self-contained HTML file (the Markdown converted by the ``markdown``
package and wrapped in ``templates/report.html.j2``, styles inline, images
embedded as data URIs) or as JSON.

Sections: sources covered; counts; actors ranked by centrality with the reasons;
instruments grouped by kind and domain with parties, status and dates; the
timeline; notable paths (between every two states of the largest connected
group, e.g. the Asian partners); structure (components and brokers); and the
gaps the data itself states (partnerships only sought or proposed, interest
expressed, participation not yet taken up, dates without a year).

Diagrams
--------
``figures`` maps a slot name to an image file (PNG or SVG). Known slots are
placed in their section — ``network`` (after the counts), ``centrality``
(after the ranking), ``projection`` (with the structure) and ``timeline``
(after the timeline); any other name goes to a final "Figures" section.
Markdown links the files (relative to ``base`` when given); HTML embeds them.

>>> from partnergraph.graph.model.build import load_graph
>>> text = build_report(load_graph())
>>> text.splitlines()[0]
'# Security and defence partnerships: network report'
>>> "EU–Republic of Korea Framework Participation Agreement" in text
True
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
from collections import defaultdict
from pathlib import Path

import networkx as nx

from partnergraph.graph.model.names import display_name, fold
from partnergraph.graph.model.schema import get_schema

#: Figure slots placed inside a section; others are listed at the end.
FIGURE_SLOTS = ("network", "centrality", "projection", "timeline")
#: Edge and instrument statuses that the data marks as not (yet) in place.
FORMATS = ("md", "html", "json")


# --- data -----------------------------------------------------------------------------


def _sources(G):
    return [
        {k: s.get(k) for k in ("id", "title", "publisher", "kind", "published", "language", "note")}
        for s in G.graph.get("sources", {}).values()
    ]


def _actor_ranking(G, lang):
    from partnergraph.graph.analysis.centrality import analysis_graph, centrality, scores

    P = analysis_graph(G, "actors")
    pagerank = scores(P, "pagerank") if P.number_of_edges() else dict.fromkeys(P, 0.0)
    ranked = centrality(G, "betweenness", projection="actors", top=None, explain=5, lang=lang, graph=P)["rows"]
    return [
        {**row, "betweenness": round(row["score"], 4), "pagerank": round(pagerank[row["id"]], 4),
         "partners": P.degree(row["id"]), "shared_instruments": int(P.degree(row["id"], weight="weight"))}
        for row in ranked
    ]


def _parties(G, inst, lang):
    from partnergraph.graph.analysis.paths import status_label

    schema = get_schema()
    rows = []
    for u, v, d in list(G.in_edges(inst, data=True)) + list(G.out_edges(inst, data=True)):
        other = u if v == inst else v
        if G.nodes[other]["family"] != "actor":
            continue
        rows.append({"name": display_name(G.nodes[other], lang), "relation": schema.edge_label(d["type"], lang),
                     "status": status_label(d.get("status"), lang)})
    return sorted(rows, key=lambda r: fold(r["name"]))


def _instruments(G, lang):
    from partnergraph.graph.model.dates import format_date

    schema = get_schema()
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for n, a in G.nodes(data=True):
        if a["family"] != "instrument":
            continue
        domain = a.get("domains", ["(no domain stated)"])[0]
        dates = "; ".join(
            f"{label} {format_date(a[f])}" for f, label in (("start", "from"), ("end", "until"), ("mentioned", "mentioned")) if a.get(f)
        )
        groups[a["kind"]][domain].append({
            "id": n, "name": display_name(a, lang), "status": a.get("status") or "", "dates": dates,
            "domains": [schema.domains.get(d, {}).get("label", d) for d in a.get("domains", [])],
            "parties": _parties(G, n, lang), "places": a.get("places", []),
            "sources": sorted({e["source"] for e in a.get("evidence", [])}), "note": a.get("date_note") or a.get("note"),
        })
    return [
        {"kind": kind, "label": schema.kind_label(kind, lang), "count": sum(len(v) for v in by_domain.values()),
         "domains": [{"domain": d, "label": schema.domains.get(d, {}).get("label", d),
                      "items": sorted(items, key=lambda i: fold(i["name"]))}
                     for d, items in sorted(by_domain.items())]}
        for kind, by_domain in sorted(groups.items(), key=lambda kv: list(schema.node_kinds).index(kv[0]))
    ]


#: At most this many states are paired for notable paths (the most central ones).
PATH_STATES = 8


def _notable_paths(G, ranking, lang):
    from partnergraph.graph.analysis.paths import NoPath, explain_path, find_paths

    states = [r["id"] for r in ranking if G.nodes[r["id"]]["kind"] == "state"][:PATH_STATES]
    rows = []
    for i, a in enumerate(states):
        for b in states[i + 1:]:
            try:
                [path] = find_paths(G, a, b)
            except NoPath:
                continue
            e = explain_path(G, path, lang)
            rows.append({"source": e["source"], "target": e["target"], "length": e["length"], "chain": e["chain"],
                         "sentence": e["sentence"], "sources": e["sources"]})
    return sorted(rows, key=lambda r: (r["length"], r["source"], r["target"]))


def _gaps(G, lang):
    from partnergraph.graph.model.dates import parse_date
    from partnergraph.graph.analysis.paths import status_label

    schema = get_schema()
    rows = []
    for n, a in G.nodes(data=True):
        if a.get("status") in get_schema().tentative_statuses:
            rows.append({"what": display_name(a, lang), "status": status_label(a["status"], lang),
                         "evidence": a.get("evidence", [])[:1], "note": a.get("note")})
    for u, v, d in G.edges(data=True):
        if d.get("status") in get_schema().tentative_statuses:
            what = f"{display_name(G.nodes[u], lang)} —{schema.edge_label(d['type'], lang)}→ {display_name(G.nodes[v], lang)}"
            rows.append({"what": what, "status": status_label(d["status"], lang), "evidence": d.get("evidence", [])[:1],
                         "note": d.get("note")})
    no_year = sorted({display_name(a, lang) for _, a in G.nodes(data=True)
                      for f in ("start", "end", "mentioned") if a.get(f) and not parse_date(a[f]).year_known})
    return {"statuses": sorted(rows, key=lambda r: (r["status"], fold(r["what"]))), "year_not_stated": no_year}


def report_data(G: nx.MultiDiGraph, *, lang: str = "en") -> dict:
    """Every section of the report as plain data (what the JSON format prints)."""
    from partnergraph.graph.analysis.describe import info
    from partnergraph.graph.analysis.structure import structure
    from partnergraph.graph.analysis.timeline import timeline

    ranking = _actor_ranking(G, lang)
    counts = info(G)
    return {
        "title": "Security and defence partnerships: network report",
        "sources": _sources(G),
        "counts": {k: counts[k] for k in ("nodes", "edges", "by_family", "by_kind", "by_edge_type", "date_range")},
        "actors": ranking,
        "instruments": _instruments(G, lang),
        "timeline": timeline(G, lang=lang),
        "paths": _notable_paths(G, ranking, lang),
        "structure": structure(G, lang=lang),
        "gaps": _gaps(G, lang),
    }


# --- rendering --------------------------------------------------------------------------


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("partnergraph.graph.present", "templates"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["cell"] = lambda v: ("; ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v if v is not None else "")).replace("|", "\\|").replace("\n", " ")
    return env


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def figure_links(figures: dict[str, Path] | None, fmt: str, base: Path | None = None) -> dict[str, str]:
    """Where each figure's image comes from: a (relative) path for Markdown, a data URI for HTML.

    This is the hook diagrams use: pass ``figures={"network": Path("network.svg"), ...}`` to
    :func:`build_report`. Missing files raise FileNotFoundError naming the slot.
    """
    links = {}
    for slot, path in (figures or {}).items():
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"figure {slot!r}: no file at {path}")
        if fmt == "html":
            links[slot] = _data_uri(path)
        else:
            links[slot] = os.path.relpath(path, base) if base else str(path)
    return links


def build_report(G: nx.MultiDiGraph, fmt: str = "md", figures: dict[str, Path] | None = None, *,
                 lang: str = "en", base: Path | None = None) -> str:
    """The report as Markdown (``md``), self-contained HTML (``html``) or ``json`` text.

    ``figures`` (slot -> image file) are embedded where their slot is (see the module docstring);
    ``base`` is the folder the Markdown file will be written to, so image links are relative to it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    data = report_data(G, lang=lang)
    links = figure_links(figures, fmt, base)
    if fmt == "json":
        return json.dumps({**data, "figures": {k: str(v) for k, v in (figures or {}).items()}},
                          ensure_ascii=False, indent=2, default=str)
    env = _environment()
    extra = {k: v for k, v in links.items() if k not in FIGURE_SLOTS}
    text = env.get_template("report.md.j2").render(**data, figures=links, extra_figures=extra)
    if fmt == "md":
        return text
    import markdown

    body = markdown.markdown(text, extensions=["tables", "toc", "sane_lists"], output_format="html")
    return env.get_template("report.html.j2").render(title=data["title"], body=body)
