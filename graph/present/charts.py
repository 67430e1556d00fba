"""The centrality chart: ranked horizontal bars of the most central nodes, coloured by kind."""

from __future__ import annotations

import networkx as nx
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.i18n import measure_label, t
from partnergraph.graph.present.scene import RC, DrawError, headline, importance, new_figure
from partnergraph.graph.present.style import kind_colour
from partnergraph.graph.present.text import caption_text, node_label


def centrality_figure(G: nx.MultiDiGraph, measure: str = "pagerank", top: int = 15, lang: str = "en",
                      family: str | None = None, title: str | None = None, subtitle: str | None = None) -> Figure:
    """Ranked horizontal bars of the ``top`` nodes by ``measure`` (graph/analysis/centrality.py), coloured by kind."""
    if measure == "none":
        raise DrawError("choose a centrality for the chart, e.g. pagerank or degree")
    scores = importance(G, measure)
    ranked = sorted((n for n in G if family is None or G.nodes[n]["family"] == family),
                    key=lambda n: (-scores[n], n))[:top]
    name = measure_label(measure, lang)
    with rc_context(RC):
        fig = new_figure(11, 0.38 * len(ranked) + 2.8)
        ax = fig.add_axes((0.36, 0.2, 0.58, 0.64))
        ys = range(len(ranked))
        ax.barh(ys, [scores[n] for n in ranked], color=[kind_colour(G.nodes[n]["kind"]) for n in ranked])
        ax.set_yticks(ys, [node_label(G.nodes[n], lang, width=60, short=False) for n in ranked], fontsize=8)
        ax.invert_yaxis()
        for y, n in zip(ys, ranked):
            ax.annotate(f"{scores[n]:.3f}", xy=(scores[n], y), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=7.5)
        ax.set_xlabel(t("bars_measure", lang, measure=name))
        ax.spines[["top", "right"]].set_visible(False)
        schema = get_schema()
        kinds = sorted({G.nodes[n]["kind"] for n in ranked}, key=list(schema.node_kinds).index)
        ax.legend(handles=[Line2D([], [], lw=8, color=kind_colour(k), label=schema.kind_label(k, lang)) for k in kinds],
                  loc="lower right", fontsize=8, frameon=False)
        headline(fig, title or t("centrality", lang, measure=name),
                 subtitle if subtitle is not None else t("counts", lang, n=f"{G.number_of_nodes():,}", m=f"{G.number_of_edges():,}"),
                 caption_text(G, lang, width=150))
    return fig
