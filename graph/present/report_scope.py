"""What the report counts and its key findings: the analysis library's functions (after the merge)."""

from __future__ import annotations

import networkx as nx

from partnergraph.graph.analysis.communities import communities  # noqa: F401
from partnergraph.graph.analysis.explain import explain_path
from partnergraph.graph.analysis.filters import BadStatus, counted_line, parse_status, scope  # noqa: F401
from partnergraph.graph.analysis.findings import RANKING_RULE, key_findings, rank_actors  # noqa: F401
from partnergraph.graph.analysis.paths import NoPath, find_paths
from partnergraph.graph.analysis.structure import structure  # noqa: F401
from partnergraph.graph.analysis.timeline import timeline_answer  # noqa: F401
from partnergraph.graph.model.dates import as_date


def shortest_path(G: nx.MultiDiGraph, a: str, b: str, *, as_of=None, status="in-place", lang: str = "en") -> dict | None:
    """The best-attested shortest path between two actors over the counted ties, explained; None when there is none."""
    try:
        [path] = find_paths(G, a, b, as_of=as_of, status=status)
    except NoPath:
        return None
    return explain_path(G, path, lang, as_of=as_date(as_of) if as_of else None)
