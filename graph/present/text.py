"""Words the pictures and the interactive view show: node labels, dates, captions, subtitles.

No matplotlib here (the interactive view and the report use it too).

>>> node_label({"name": "Association of Southeast Asian Nations", "short_name": "ASEAN"})
'ASEAN'
>>> node_label({"name": "Viet Nam", "name_vi": "Việt Nam"}, "vi")
'Việt Nam'
>>> date_text("2019-10-17"), date_text("2019-10-17", "vi")
('17 Oct 2019', '17 tháng 10 2019')
>>> date_text("2019-08", "vi"), date_text("XXXX-08-14/XXXX-08-15", "vi")
('tháng 8 năm 2019', '14 tháng 8 – 15 tháng 8 (nguồn không nêu năm)')
"""

from __future__ import annotations

import textwrap

import networkx as nx

from partnergraph.graph.model.dates import PartialDate, format_date, parse_date
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.i18n import t

#: At most this many sources are named in a caption; the rest are counted.
CAPTION_SOURCES = 12


def node_label(attrs: dict, lang: str = "en", width: int = 22, short: bool = True) -> str:
    """A node's label, wrapped: the short name when the full one is long (in Vietnamese only acronyms)."""
    name, short_name = display_name(attrs, lang), attrs.get("short_name") or ""
    readable = lang != "vi" or all(word.isupper() for word in short_name.split())  # acronyms read in both languages
    if short and short_name and readable and len(name) > 2 * width - 8:
        name = short_name
    return "\n".join(textwrap.wrap(name, width, break_on_hyphens=False)) or name


def date_text(value: str | PartialDate | None, lang: str = "en") -> str:
    """A date as a reader writes it, at its precision: '17 Oct 2019' in English, '17 tháng 10 2019' in Vietnamese."""
    return format_date(value, lang)


def latest_date(G: nx.MultiDiGraph) -> PartialDate | None:
    fields = get_schema().date_fields
    dates = [parse_date(a[f]) for _, a in G.nodes(data=True) for f in fields if a.get(f)]
    dates += [parse_date(d[f]) for *_, d in G.edges(data=True) for f in fields if d.get(f)]
    known = [d for d in dates if d.year_known]
    return max(known, key=lambda d: d.upper, default=None)


def source_title(source: dict, lang: str = "en") -> str:
    """A source's title in ``lang`` where the data gives one (``title_vi``), else as written."""
    return (source.get("title_vi") if lang == "vi" else None) or source.get("title", "")


def caption_text(G: nx.MultiDiGraph, lang: str = "en", width: int = 190) -> str:
    """The caption: the latest dated fact and the sources (title, publisher, date) the picture rests on.

    >>> from partnergraph.graph.model.build import load_graph
    >>> caption_text(load_graph()).splitlines()[0]
    'latest dated fact: 26 Oct 2023'
    """
    latest = latest_date(G)
    head = f"{t('latest', lang)}: {date_text(latest, lang)}" if latest else ""
    sources = G.graph.get("sources", {})
    used = sorted({e["source"] for _, a in G.nodes(data=True) for e in a.get("evidence", [])}
                  | {e["source"] for *_, d in G.edges(data=True) for e in d.get("evidence", [])})
    cited = [f"{source_title(s, lang)} ({s.get('publisher', '')}, {date_text(s['published'], lang)})"
             for sid in used[:CAPTION_SOURCES] if (s := sources.get(sid))]
    if len(used) > CAPTION_SOURCES:
        cited.append(t("sources_more", lang, n=len(used) - CAPTION_SOURCES))
    note = t("english_only", lang)  # empty in English; in Vietnamese, says that titles without title_vi stay English
    if note and any(not sources[sid].get("title_vi") for sid in used[:CAPTION_SOURCES] if sid in sources):
        cited[-1] += f" ({note})"
    body = textwrap.fill(f"{t('sources', lang)}: " + "; ".join(cited), width) if cited else ""
    return "\n".join(x for x in (head, body) if x)


def subtitle_text(G: nx.MultiDiGraph, lang: str, as_of: str | None = None, counted: str = "") -> str:
    """'33 nodes, 50 relations · as of 1 Sep 2019 · tentative ties dashed'."""
    parts = [t("counts", lang, n=f"{G.number_of_nodes():,}", m=f"{G.number_of_edges():,}")]
    if as_of:
        parts.append(t("as_of", lang, date=date_text(as_of, lang)))
    if counted:
        parts.append(counted)
    return " · ".join(parts)


def name_of(G: nx.MultiDiGraph, node: str, lang: str = "en") -> str:
    return display_name(G.nodes[node], lang)
