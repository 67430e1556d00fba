"""The network report: one document a desk officer can circulate.

:func:`report_data` gathers everything as plain data; :func:`build_report`
renders it as Markdown (Jinja2 template ``templates/report.md.j2``), as a
single self-contained HTML file (the Markdown converted by the ``markdown``
package and wrapped in ``templates/report.html.j2``, styles inline, images
embedded as data URIs) or as JSON.

Sections: key findings (the most central actors and why, what is new in the
period, ties only sought or proposed, what is not yet in place); sources
covered; counts; actors ranked by one measure (partners, then sources, then
name: the chart shows the same rows); instruments grouped by kind and domain;
the timeline; notable paths between the highest-ranked states; structure;
communities; and the gaps the data itself states. Each section says what it
counted (ties in place by default; ``status``, ``as_of``, ``start``/``end``).

Escaping
--------
Every ``{{ value }}`` of the Markdown template goes through :func:`md_text`
(the environment's ``finalize``): data never becomes HTML, a link, an image or
emphasis. The HTML is that Markdown converted with raw HTML switched off
(:func:`markdown_to_html`) inside a page rendered with Jinja2 autoescape.

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
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import markdown
import networkx as nx
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from partnergraph.graph.analysis.describe import info
from partnergraph.graph.model.dates import DateError, as_date, format_date, parse_date
from partnergraph.graph.model.names import display_name, fold
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.timeslice import as_of as slice_as_of
from partnergraph.graph.model.i18n import t
# What the report counts, its ranking and key findings. Until the analysis branch's filters/findings are
# merged these come from the report's stand-in, which has the same names and row shapes (see report_scope).
from partnergraph.graph.present.report_scope import (
    RANKING_RULE, communities, counted_line, key_findings, rank_actors, scope, shortest_path, structure, timeline_answer,
)

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


def _parties(G, inst, lang):
    schema = get_schema()
    rows = []
    for u, v, d in list(G.in_edges(inst, data=True)) + list(G.out_edges(inst, data=True)):
        other = u if v == inst else v
        if G.nodes[other]["family"] != "actor":
            continue
        rows.append({"name": display_name(G.nodes[other], lang), "relation": schema.edge_label(d["type"], lang),
                     "status": schema.status_label(d["status"], lang) if d.get("status") else ""})
    return sorted(rows, key=lambda r: fold(r["name"]))


def _domain_label(domain: str, lang: str) -> str:
    """A domain's label in ``lang``; a domain the schema does not name (or the no-domain note) as it is."""
    return get_schema().domain_label(domain, lang) if domain in get_schema().domains else domain


def _instruments(G, lang):
    schema = get_schema()
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for n, a in G.nodes(data=True):
        if a["family"] != "instrument":
            continue
        domain = a.get("domains", [t("rep_no_domain", lang)])[0]
        dates = "; ".join(t(f"rep_{word}", lang, date=format_date(a[f], lang))
                          for f, word in (("start", "from"), ("end", "until"), ("mentioned", "mentioned")) if a.get(f))
        groups[a["kind"]][domain].append({
            "id": n, "name": display_name(a, lang), "status": schema.status_label(a["status"], lang) if a.get("status") else "",
            "dates": dates, "domains": [_domain_label(d, lang) for d in a.get("domains", [])],
            "parties": _parties(G, n, lang), "places": a.get("places", []),
            "sources": sorted({e["source"] for e in a.get("evidence", [])}), "note": a.get("date_note") or a.get("note"),
        })
    return [
        {"kind": kind, "label": schema.kind_label(kind, lang), "count": sum(len(v) for v in by_domain.values()),
         "domains": [{"domain": d, "label": _domain_label(d, lang),
                      "items": sorted(items, key=lambda i: fold(i["name"]))}
                     for d, items in sorted(by_domain.items())]}
        for kind, by_domain in sorted(groups.items(), key=lambda kv: list(schema.node_kinds).index(kv[0]))
    ]


#: At most this many states are paired for notable paths (the highest ranked ones).
PATH_STATES = 8


def _notable_paths(G, ranking, status, as_of, lang):
    states = [r["id"] for r in ranking if G.nodes[r["id"]]["kind"] == "state"][:PATH_STATES]
    rows = []
    for i, a in enumerate(states):
        for b in states[i + 1:]:
            e = shortest_path(G, a, b, as_of=as_of, status=status, lang=lang)
            if e is not None:
                rows.append({"source": e["source"], "target": e["target"], "length": e["length"], "chain": e["chain"],
                             "sentence": e["sentence"], "sources": e["sources"]})
    return sorted(rows, key=lambda r: (r["length"], r["source"], r["target"]))


def _gaps(G, lang):
    """Everything the data marks as tentative — instruments and ties — whatever the status filter counts."""
    schema = get_schema()
    rows = []
    for n, a in G.nodes(data=True):
        if a.get("status") in schema.tentative_statuses:
            rows.append({"what": display_name(a, lang), "status": schema.status_label(a["status"], lang),
                         "evidence": a.get("evidence", [])[:1], "note": a.get("note")})
    for u, v, d in G.edges(data=True):
        if d.get("status") in schema.tentative_statuses:
            what = f"{display_name(G.nodes[u], lang)} —{schema.edge_label(d['type'], lang)}→ {display_name(G.nodes[v], lang)}"
            rows.append({"what": what, "status": schema.status_label(d["status"], lang), "evidence": d.get("evidence", [])[:1],
                         "note": d.get("note")})
    no_year = sorted({display_name(a, lang) for _, a in G.nodes(data=True)
                      for f in ("start", "end", "mentioned") if a.get(f) and not parse_date(a[f]).year_known})
    return {"statuses": sorted(rows, key=lambda r: (r["status"], fold(r["what"]))), "year_not_stated": no_year}


def report_data(G: nx.MultiDiGraph, *, lang: str = "en", status="in-place", as_of=None, start=None, end=None) -> dict:
    """Every section of the report as plain data (what the JSON format prints).

    ``status`` says which ties count (``in-place`` by default, ``all``, ``tentative`` or a comma list
    of statuses), ``as_of`` the day the data is read at, ``start``/``end`` the period whose new ties
    the key findings and the timeline show. The gaps section lists every tentative item whatever
    ``status`` counts: they are its point. ``counted`` (top level) and each section's own
    ``counted`` say what was counted.
    """
    H, counted = scope(G, status, as_of, lang=lang)
    ranking = rank_actors(G, status=status, as_of=as_of, top=None, explain=5, lang=lang)
    findings = key_findings(G, status=status, as_of=as_of, start=start, end=end, top=3, lang=lang)
    events = timeline_answer(H, status="all", start=start, end=end, lang=lang)
    counts, whole = info(H), info(G)
    return {
        "title": t("report_title", lang),
        "counted": {**counted, "from": events["from"], "to": events["to"], "ranking_rule": RANKING_RULE},
        "findings": findings,
        "sources": _sources(G),
        "counts": {**{k: counts[k] for k in ("nodes", "edges", "by_family", "by_kind", "by_edge_type", "date_range")},
                   "in_data": {"nodes": whole["nodes"], "edges": whole["edges"]}},
        "actors": ranking,
        "instruments": _instruments(H, lang),
        "timeline": events["rows"],
        "timeline_uncertain": events["uncertain"],
        "paths": _notable_paths(G, ranking, status, as_of, lang),
        "structure": structure(G, as_of=as_of, status=status, lang=lang),
        "communities": communities(G, as_of=as_of, status=status, lang=lang),
        "gaps": _gaps(slice_as_of(G, as_date(as_of)) if as_of else G, lang),
    }


# --- rendering --------------------------------------------------------------------------


class Raw(str):
    """Markdown the report itself makes (an image link): the Markdown template writes it as it is."""


# Backslash-escaped: what opens emphasis, a code span, a link or an image, a table cell; < > & become
# entities: so no datum can open an HTML tag, a link, an image, emphasis or a code span, in
# Python-Markdown or on GitHub. ( ) ! are harmless once [ ] are escaped; the characters that only mean
# something at the start of a line (# + - . >) are left: the template never starts a line with a datum.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


_SPACE = re.compile(r"\s+")   # a line break inside a datum would end its table row
# Control characters are shown as \uXXXX: HTML cannot hold them, and Python-Markdown uses \x02/\x03 itself.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def md_text(value) -> str:
    """Any datum as inline Markdown that shows exactly its text: no markup, link, HTML or line break.

    >>> md_text('<script>x</script> ![a](javascript:b) *c* | d')
    '&lt;script&gt;x&lt;/script&gt; !\\\\[a\\\\](javascript:b) \\\\*c\\\\* \\\\| d'
    """
    if isinstance(value, Raw):
        return value
    if value is None:
        return ""
    text = "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    text = _SPACE.sub(" ", _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def anchor(heading: str) -> str:
    """A heading's link target as GitHub makes it (and Python-Markdown here, see :func:`markdown_to_html`):
    lower case, punctuation dropped, spaces as hyphens; letters with diacritics kept.

    >>> anchor("Structure: components and brokers"), anchor("Các nguồn được dùng")
    ('structure-components-and-brokers', 'các-nguồn-được-dùng')
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _day(value, lang: str) -> str:
    """A date of the report in Vietnamese words at its precision (English keeps the ISO form it always had);
    '…' when there is none, the text as written when it is no date."""
    if not value:
        return "…"
    if lang != "vi":
        return str(value)
    try:
        return format_date(str(value), lang)
    except DateError:
        return str(value)


def _words(lang: str) -> dict:
    """What the Markdown template calls for its words: t(key, ...), day(date), status_label(status), anchor(heading)."""
    return {"t": lambda key, **fmt: t(key, lang, **fmt), "day": lambda value: _day(value, lang),
            "status_label": get_schema().status_label, "anchor": anchor}


def _environment(html: bool = False):
    """Markdown: every ``{{ value }}`` goes through :func:`md_text` (``finalize``); HTML: Jinja2 autoescape."""
    options = dict(autoescape=True) if html else dict(autoescape=False, finalize=md_text)
    env = Environment(loader=PackageLoader("partnergraph.graph.present", "templates"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, **options)
    env.globals["kind_label"] = get_schema().kind_label
    env.globals["edge_label"] = get_schema().edge_label
    return env


def markdown_to_html(text: str) -> str:
    """Python-Markdown with raw HTML switched off: an HTML tag in the text is shown, never parsed."""
    md = markdown.Markdown(extensions=["tables", "toc", "sane_lists"], output_format="html",
                           extension_configs={"toc": {"slugify": lambda value, _separator: anchor(value)}})
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def figure_links(figures: dict[str, Path] | None, fmt: str, base: Path | None = None) -> dict[str, str]:
    """Where each figure's image comes from: a (relative, URL-quoted) path for Markdown, a data URI for HTML.

    This is the hook diagrams use: pass ``figures={"network": Path("network.svg"), ...}`` to
    :func:`build_report`. Missing files raise FileNotFoundError naming the slot.
    """
    links = {}
    for slot, path in (figures or {}).items():
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"figure {slot!r}: no file at {path}")
        if fmt == "html":
            links[slot] = Raw(_data_uri(path))
        else:
            rel = os.path.relpath(path, base) if base else str(path)
            links[slot] = Raw(quote(Path(rel).as_posix()))
    return links


def build_report(G: nx.MultiDiGraph, fmt: str = "md", figures: dict[str, Path] | None = None, *,
                 lang: str = "en", base: Path | None = None, status="in-place", as_of=None, start=None,
                 end=None) -> str:
    """The report as Markdown (``md``), self-contained HTML (``html``) or ``json`` text.

    ``figures`` (slot -> image file) are embedded where their slot is (see the module docstring);
    ``base`` is the folder the Markdown file will be written to, so image links are relative to it.
    ``status``, ``as_of``, ``start``/``end``: see :func:`report_data`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    data = report_data(G, lang=lang, status=status, as_of=as_of, start=start, end=end)
    links = figure_links(figures, fmt, base)
    if fmt == "json":
        return json.dumps({**data, "figures": {k: str(v) for k, v in (figures or {}).items()}},
                          ensure_ascii=False, indent=2, default=str)
    extra = {k: v for k, v in links.items() if k not in FIGURE_SLOTS}
    text = _environment().get_template("report.md.j2").render(
        **data, **_words(lang), figures=links, extra_figures=extra, counted_line=counted_line(data["counted"], lang),
        lang=lang)
    if fmt == "md":
        return text
    body = Markup(markdown_to_html(text))   # every datum was escaped above, and raw HTML is off
    return _environment(html=True).get_template("report.html.j2").render(title=data["title"], body=body, lang=lang)
