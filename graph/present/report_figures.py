"""The report's pictures, drawn from the same data as its tables.

* ``ranking`` — the ranking chart: the actors of the report's table, in the table's order, with the
  table's measure (number of partners; the label gives the sources that break ties). Drawn here
  so that the chart cannot use another measure than the table.
* ``overview``, ``ego-<id>`` (the three highest-ranked actors) and ``timeline`` — drawn by
  :mod:`partnergraph.graph.present.draw` on the graph the report counts.

>>> from partnergraph.graph.model.build import load_graph
>>> from partnergraph.graph.present.report_scope import rank_actors
>>> fig = ranking_figure(rank_actors(load_graph()), "Counted: ties in place.")
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()][:2]
['European Union', 'Viet Nam']
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import networkx as nx
from matplotlib.figure import Figure

from partnergraph.graph.model.i18n import t
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.present.draw import ego_figure, overview_figure, save_figure, timeline_figure

def ranking_figure(rows: list[dict], counted: str, *, top: int = 15, lang: str = "en") -> Figure:
    """Horizontal bars of the first ``top`` ranking rows (``rank_actors``' shape), in their order."""
    schema = get_schema()
    rows = rows[:top]
    fig = Figure(figsize=(11, 0.38 * len(rows) + 2.6), dpi=100)
    ax = fig.add_axes((0.36, 0.2, 0.58, 0.66))
    ys = range(len(rows))
    ax.barh(ys, [r["partners"] for r in rows], color=[schema.kind_style(r["kind"]).colour for r in rows])
    ax.set_yticks(ys, [textwrap.shorten(r["name"], 60, placeholder="…") for r in rows], fontsize=8)
    ax.invert_yaxis()
    for y, r in zip(ys, rows):
        ax.annotate(t("fig_ranking_bar", lang, **r), xy=(r["partners"], y), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=7.5)
    ax.set_xlabel(t("fig_ranking_axis", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(t("fig_centrality", lang), x=0.02, y=0.97, ha="left", fontsize=14, fontweight="bold")
    fig.text(0.02, 0.01, textwrap.fill(counted, 150), ha="left", va="bottom", fontsize=7, color="#444444")
    return fig


def report_figures(H: nx.MultiDiGraph, rows: list[dict], counted: str, outdir: str | Path, *, lang: str = "en",
                   top_actors: int = 3, dpi: int = 110) -> dict[str, Path]:
    """The report's pictures of the counted graph ``H``, written to ``outdir`` as PNG files.

    Returns report figure slot -> file, in reading order: ``network``, one "Around <name>" per
    highest-ranked actor (files ``ego-1.png``…: names never become file names), ``timeline``
    (when an instrument is dated) and ``centrality`` (the ranking chart).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Path] = {}

    def save(slot: str, name: str, fig: Figure) -> None:
        figures[slot] = outdir / f"{name}.png"
        save_figure(fig, figures[slot], dpi)

    save("network", "overview", overview_figure(H, lang=lang))
    for i, r in enumerate(rows[:top_actors], 1):
        save(t("fig_around", lang, name=r["name"]), f"ego-{i}", ego_figure(H, r["id"], 1, lang=lang))
    if any(a.get(f) for _, a in H.nodes(data=True) if a["family"] == "instrument" for f in ("start", "end", "mentioned")):
        save("timeline", "timeline", timeline_figure(H, lang=lang))
    save("centrality", "ranking", ranking_figure(rows, counted, lang=lang))
    return figures
