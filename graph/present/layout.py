"""Node positions, chosen by size: Graphviz or Kamada–Kawai for small graphs, igraph for large ones.

Every layout is seeded, so the same graph gives the same picture. No matplotlib here.

>>> from partnergraph.graph.model.build import load_graph
>>> pos = layout_positions(load_graph(), "kamada-kawai")
>>> len(pos)
33
>>> auto_layout(100, graphviz=True), auto_layout(2_200, graphviz=True), auto_layout(52_000, graphviz=True)
('neato', 'igraph', 'igraph')
"""

from __future__ import annotations

import json
import random
import shutil

import networkx as nx

from partnergraph.graph.present.options import GRAPHVIZ_PROGS, LAYOUTS

#: Up to this many nodes ``auto`` uses Graphviz neato (or Kamada–Kawai); above, igraph's
#: Fruchterman–Reingold on a grid (0.5 s at 2,200 nodes, ~26 s at 52,000 on one core).
SMALL_LAYOUT = 400


class LayoutError(ValueError):
    """A layout that cannot be computed here (unknown name, Graphviz missing)."""


def graphviz_available() -> bool:
    """True when the Graphviz programs are installed (then ``auto`` uses neato for small graphs)."""
    return shutil.which("neato") is not None and shutil.which("dot") is not None


def auto_layout(n: int, graphviz: bool | None = None) -> str:
    graphviz = graphviz_available() if graphviz is None else graphviz
    if n > SMALL_LAYOUT:
        return "igraph"
    return "neato" if graphviz else "kamada-kawai"


def simple_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph underneath (for layouts), with sorted nodes."""
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes))
    H.add_edges_from(sorted({(min(u, v), max(u, v)) for u, v in G.edges() if u != v}))
    return H


def _graphviz_positions(H: nx.Graph, prog: str) -> dict:
    if shutil.which(prog) is None:
        raise LayoutError(f"layout {prog!r} needs Graphviz (the '{prog}' program); install graphviz or pick kamada-kawai")
    index = {n: str(i) for i, n in enumerate(H.nodes)}
    R = nx.relabel_nodes(H, index)  # plain ids: Graphviz never sees names it must quote
    R.graph["graph"] = {"overlap": "false", "sep": "+12", "splines": "false", "start": "7"}
    # Graphviz writes the positions as JSON (-Tjson): read with json, not by pydot's slow DOT parser.
    out = json.loads(nx.nx_pydot.to_pydot(R).create(prog=prog, format="json"))
    raw = {o["name"]: tuple(float(v) for v in o["pos"].split(",")[:2]) for o in out.get("objects", []) if "pos" in o}
    return {n: raw[index[n]] for n in H.nodes}


def _igraph_positions(H: nx.Graph, seed: int) -> dict:
    """Fruchterman–Reingold in igraph (C, grid-accelerated), from a seeded start; components packed by igraph."""
    # Imported here: `import igraph` loads matplotlib too (igraph.drawing, ~1 s measured with -X importtime),
    # which the seed's pictures and the interactive view of a small graph never need.
    # lazy: igraph costs ~892 ms to import (measured); only this path needs it
    import igraph

    nodes = list(H.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in H.edges()])
    rng = random.Random(seed)
    half = len(nodes) ** 0.5 / 2  # igraph's own start box: the grid then has few nodes per cell
    start = [(rng.uniform(-half, half), rng.uniform(-half, half)) for _ in nodes]
    niter = 500 if len(nodes) <= 5_000 else 300
    coords = g.layout_fruchterman_reingold(seed=start, niter=niter, grid=len(nodes) > 1_000).coords
    return {n: tuple(coords[index[n]]) for n in nodes}


def layout_positions(G: nx.MultiDiGraph, layout: str = "auto", seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions, deterministic for the same graph; ``auto`` chooses by size (:func:`auto_layout`)."""
    if layout not in LAYOUTS:
        raise LayoutError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    H = simple_graph(G)
    if H.number_of_nodes() == 0:
        return {}
    if layout == "auto":
        layout = auto_layout(H.number_of_nodes())
    if layout in GRAPHVIZ_PROGS:
        pos = _graphviz_positions(H, layout)
    elif layout == "igraph":
        pos = _igraph_positions(H, seed)
    elif layout == "kamada-kawai":
        start = nx.spring_layout(H, seed=seed)
        pos = nx.kamada_kawai_layout(H, pos=start) if H.number_of_nodes() > 2 else start
    elif layout == "spring":
        pos = nx.spring_layout(H, seed=seed, k=2 / max(1, H.number_of_nodes()) ** 0.5, iterations=200)
    elif layout == "circular":
        pos = nx.circular_layout(H)
    else:
        pos = nx.shell_layout(H, _shells(G))
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _shells(G: nx.MultiDiGraph) -> list[list[str]]:
    actors = sorted(n for n, a in G.nodes(data=True) if a.get("family") == "actor")
    others = sorted(n for n in G if n not in set(actors))
    return [s for s in (actors, others) if s]
