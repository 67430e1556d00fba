"""Instruments on a time axis, from graph/analysis/timeline.py's dated events.

A dot is a day, a short bar a month, a long pale bar a year, a capped bar a range; hollow marks
are dates on which an instrument is only mentioned (or dated only by a relation to it). Dates whose
year the source does not give go in a separate panel on a month axis.

>>> from partnergraph.graph.model.build import load_graph
>>> items = timeline_items(load_graph())
>>> [(i.node, i.date.precision, i.date.year_known) for i in items if i.kind == "exercise"]
[('eu-indonesia-naval-exercise', 'day', False)]
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib.dates as mdates
import networkx as nx
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from partnergraph.graph.analysis.timeline import timeline
from partnergraph.graph.model.dates import PartialDate, parse_date
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.i18n import t
from partnergraph.graph.present.options import GROUP_BY
from partnergraph.graph.present.scene import RC, DrawError, headline, new_figure
from partnergraph.graph.present.style import kind_colour
from partnergraph.graph.present.text import caption_text, date_text, node_label

#: At most this many rows are drawn; the rest are counted in the note (the earliest rows are kept).
MAX_ROWS = 80
_FIELD_RANK = {"start": 0, "end": 1, "mentioned": 2}


@dataclass
class TimelineItem:
    """One row of the timeline: an instrument, its group, its date and what the date says."""

    node: str
    group: str
    label: str
    kind: str
    date: PartialDate
    field: str  # start, end or mentioned
    via_relation: bool = False


def _instrument_dates(G: nx.MultiDiGraph) -> dict[str, tuple[PartialDate, str, bool]]:
    """Each instrument's date: its own (start before end before mentioned), else its earliest relation's."""
    own: dict[str, tuple] = {}
    related: dict[str, tuple] = {}
    ends = {k: v for _, v, k in G.edges(keys=True)}
    for event in timeline(G):
        item, field = event["item"], event["field"]
        if item in G and G.nodes[item].get("family") == "instrument":
            rank = (_FIELD_RANK[field],)
            if item not in own or rank < own[item][0]:
                own[item] = (rank, parse_date(event["edtf"]), field, False)
        elif item in ends and field in ("start", "mentioned"):
            target = ends[item]
            if G.nodes[target].get("family") == "instrument":
                d = parse_date(event["edtf"])
                if target not in related or d.sort_key() < related[target][1].sort_key():
                    related[target] = ((9,), d, field, True)
    found = {**{n: v for n, v in related.items() if n not in own}, **own}
    return {n: v[1:] for n, v in found.items()}


def timeline_items(G: nx.MultiDiGraph, group_by: str = "kind", lang: str = "en") -> list[TimelineItem]:
    """Dated instruments (their own date, else the date of a relation to them), grouped by kind or actor."""
    if group_by not in GROUP_BY:
        raise DrawError(f"unknown timeline grouping {group_by!r}; choose kind or actor")
    schema = get_schema()
    items = []
    for n, (when, fieldname, via) in sorted(_instrument_dates(G).items()):
        a = G.nodes[n]
        groups = [schema.kind_label(a["kind"], lang)] if group_by == "kind" else sorted(
            {display_name(G.nodes[m], lang) for m in nx.all_neighbors(G, n) if G.nodes[m]["family"] == "actor"})
        for group in groups:
            items.append(TimelineItem(n, group, node_label(a, lang, width=48), a["kind"], when, fieldname, via))
    return sorted(items, key=lambda i: (i.group, i.date.sort_key(), i.node))


def has_dated_instruments(G: nx.MultiDiGraph) -> bool:
    return bool(_instrument_dates(G))


def timeline_figure(G: nx.MultiDiGraph, group_by: str = "kind", lang: str = "en", title: str | None = None,
                    subtitle: str | None = None) -> Figure:
    """Instruments on a time axis, one row each, grouped; the marks show each date's precision."""
    items = timeline_items(G, group_by, lang)
    if not items:
        raise DrawError("nothing to draw: no instrument has a date")
    rows = _timeline_rows(items)
    cut = len(rows) - MAX_ROWS
    if cut > 0:
        rows = rows[:MAX_ROWS]
        keep = set(rows)
        items = [i for i in items if (i.group, i.label.replace("\n", " ")) in keep]
    known = [i for i in items if i.date.year_known]
    unknown = [i for i in items if not i.date.year_known]
    with rc_context(RC):
        fig = new_figure(15, max(5.0, 0.42 * len(rows) + 3.4))
        panels = [(p, w) for p, w in ((known, 3.0), (unknown, 1.4)) if p]
        grid = fig.add_gridspec(1, len(panels), width_ratios=[w for _, w in panels], left=0.3, right=0.97,
                                top=0.86, bottom=0.2, wspace=0.08)
        axes = [fig.add_subplot(grid[0, i]) for i in range(len(panels))]
        for ax, (panel, _) in zip(axes, panels):
            _draw_panel(ax, panel, rows, lang, year_known=panel is known)
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.grid(axis="x", color="#dddddd", lw=0.6)
            ax.set_axisbelow(True)
        axes[0].set_yticks(range(len(rows)), [r[1] for r in rows], fontsize=8)
        for ax in axes[1:]:
            ax.set_yticks(range(len(rows)), [""] * len(rows))
        _group_bands(axes, rows)
        if unknown:
            axes[-1].set_title(t("year_unknown", lang), fontsize=9, color="#444444")
        instruments = sum(1 for _, a in G.nodes(data=True) if a.get("family") == "instrument")
        undated = instruments - len({i.node for i in timeline_items(G, "kind", lang)})
        notes = [t("undated", lang, n=undated) if undated else ""]
        if cut > 0:
            notes.append(t("rows_cut", lang, n=cut, max=MAX_ROWS))
        fig.legend(handles=_precision_handles(lang), loc="lower left", bbox_to_anchor=(0.3, 0.085),
                   ncol=5, fontsize=8, frameon=False)
        headline(fig, title or t("timeline" if group_by == "kind" else "timeline_by_actor", lang),
                 subtitle if subtitle is not None else " · ".join(x for x in notes if x), caption_text(G, lang))
    return fig


def _timeline_rows(items: list[TimelineItem]) -> list[tuple[str, str]]:
    rows, seen = [], set()
    for i in items:
        if (i.group, i.node) not in seen:
            seen.add((i.group, i.node))
            rows.append((i.group, i.label.replace("\n", " ")))
    return rows


def _group_bands(axes, rows) -> None:
    start = 0
    for idx in range(1, len(rows) + 1):
        if idx == len(rows) or rows[idx][0] != rows[start][0]:
            for ax in axes:
                if start:
                    ax.axhline(start - 0.5, color="#999999", lw=0.8)
            axes[0].annotate(rows[start][0], xy=(0, start - 0.45), xycoords=("axes fraction", "data"),
                             xytext=(-4, 0), textcoords="offset points", ha="right", va="bottom",
                             fontsize=8.5, fontweight="bold", color="#222222", annotation_clip=False)
            start = idx
    axes[0].yaxis.set_tick_params(pad=4)


def _span(i: TimelineItem, year_known: bool) -> tuple[date, date]:
    if year_known:
        return i.date.lower, i.date.upper
    s, e = i.date.start, i.date.end
    last = e.day or calendar.monthrange(2000, e.month or 12)[1]
    return date(2000, s.month or 1, s.day or 1), date(2000, e.month or 12, last)


def _draw_panel(ax, items, rows, lang: str, year_known: bool) -> None:
    index = {r: k for k, r in enumerate(rows)}
    span_days = 365 * 5 if year_known else 365
    for i in items:
        y = index[(i.group, i.label.replace("\n", " "))]
        lo, hi = _span(i, year_known)
        colour = kind_colour(i.kind)
        hollow = i.field == "mentioned" or i.via_relation
        if i.date.precision == "day" and not i.date.is_range:
            ax.plot([lo], [y], ls="", marker="o", markersize=8, color=colour, mfc="white" if hollow else colour, mew=2)
        else:
            days = max((hi - lo).days + 1, span_days // 150)
            height = 0.22 if i.date.precision == "year" else 0.42
            ax.barh(y, timedelta(days=days), left=lo, height=height, color=colour, edgecolor=colour, lw=1.5,
                    fill=not hollow, alpha=0.5 if i.date.precision == "year" else 0.95)
            if i.date.is_range:
                ax.plot([lo, lo + timedelta(days=days)], [y, y], ls="", marker="|", markersize=13, color="#222222")
            hi = lo + timedelta(days=days)
        text = re.sub(r" \(.*\)$", "", date_text(i.date, lang))
        ax.annotate(text, xy=(hi, y), xytext=(8, 0), textcoords="offset points", va="center", fontsize=7.5,
                    color="#333333")
    if year_known:
        years = [i.date.lower.year for i in items] + [i.date.upper.year for i in items]
        ax.xaxis.set_major_locator(mdates.YearLocator(max(1, (max(years) - min(years)) // 12)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_xlim(date(min(years), 1, 1), date(max(years) + 1, 6, 30))
    else:
        ax.set_xlim(date(2000, 1, 1), date(2001, 2, 28))
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter(t("month_format", lang)))


def _precision_handles(lang: str) -> list:
    grey = "#555555"
    return [
        Line2D([], [], ls="", marker="o", markersize=8, color=grey, label=t("day", lang)),
        Line2D([], [], color=grey, lw=9, alpha=0.95, label=t("month", lang)),
        Line2D([], [], color=grey, lw=5, alpha=0.5, label=t("year", lang)),
        Line2D([], [], color=grey, lw=9, marker="|", markersize=13, mec="#222222", label=t("range", lang)),
        Line2D([], [], ls="", marker="s", markersize=10, color=grey, mfc="white", mew=1.5, label=t("mentioned", lang)),
    ]
