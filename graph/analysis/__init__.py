"""Questions asked of a graph: projection, paths, centrality, structure, timelines, profiles."""
