"""The choices the pictures and the interactive view offer, listed once (the CLI's options use them).

No heavy import here: the CLI reads these lists at start-up.
"""

from __future__ import annotations

#: What ``render`` can draw.
VIEWS = ("overview", "ego", "path", "projection", "bipartite", "snapshots", "timeline", "centrality")
#: Views the interactive HTML page can show.
HTML_VIEWS = ("overview", "ego")
#: Picture formats, from the file suffix.
FORMATS = ("png", "svg", "pdf")
#: Layouts: ``auto`` picks by size (see graph/present/layout.py).
LAYOUTS = ("auto", "kamada-kawai", "spring", "circular", "shell", "neato", "sfdp", "dot", "circo", "twopi", "igraph")
GRAPHVIZ_PROGS = ("neato", "sfdp", "dot", "circo", "twopi")
#: Node size measures: ``none`` or a centrality of graph/analysis/centrality.py (a test keeps them equal).
SIZE_MEASURES = ("none", "degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank")
#: Timeline grouping.
GROUP_BY = ("kind", "actor")
#: ``--status``: ties in place, all ties, or tentative ones only (or a list of statuses).
STATUS_CHOICES = ("all", "in-place", "tentative")
