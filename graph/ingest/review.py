"""What candidates would change (diff), and how a candidate is matched to an existing node or edge.

Merging a reviewed file is :mod:`partnergraph.graph.ingest.merge` (re-exported here).
"""

from __future__ import annotations

import re

import networkx as nx

from partnergraph.graph.model.names import fold, names_of

NODE_SECTIONS = ("actors", "instruments")


# --- diff -------------------------------------------------------------------------------------


def diff_candidates(candidates: dict, G: nx.MultiDiGraph) -> list[dict]:
    """One row per candidate: change (new node, new edge, adds evidence, same), what, detail.

    >>> from partnergraph.graph.model.build import load_graph
    >>> G = load_graph()
    >>> rows = diff_candidates({"actors": [{"id": "eu", "kind": "union", "name": "European Union",
    ...     "evidence": [{"source": "s", "quote": "q"}]}]}, G)
    >>> rows[0]["change"]
    'adds evidence'
    """
    rows = []
    index = _name_index(G)
    for section in NODE_SECTIONS:
        for record in candidates.get(section) or []:
            existing = _existing_node(record, G, index)
            if existing is None:
                change, detail = "new node", record["kind"]
            else:
                added = _new_evidence(G.nodes[existing].get("evidence", []), record.get("evidence", []))
                change = "adds evidence" if added else "same"
                detail = f"= {existing}" + (f" (+{len(added)} quote)" if added else "")
            rows.append({"change": change, "section": section, "what": f"{record['name']} [{record['id']}]", "detail": detail})
            if existing is not None:
                rows += _conflict_rows(record, G.nodes[existing], section, f"{record['name']} [{existing}]")
    ids = {r["id"]: _existing_node(r, G, index) or r["id"] for s in NODE_SECTIONS for r in candidates.get(s) or []}
    for record in candidates.get("relations") or []:
        a, b = ids.get(record["from"], record["from"]), ids.get(record["to"], record["to"])
        match = _existing_edge(G, a, record["type"], b)
        what = f"{a} —{record['type']}→ {b}"
        if match is None:
            rows.append({"change": "new edge", "section": "relations", "what": what, "detail": record.get("status", "")})
        else:
            added = _new_evidence(G.edges[a, b, match].get("evidence", []), record.get("evidence", []))
            rows.append({"change": "adds evidence" if added else "same", "section": "relations", "what": what,
                         "detail": f"= {match}" + (f" (+{len(added)} quote)" if added else "")})
            rows += _conflict_rows(record, G.edges[a, b, match], "relations", what)
    for record in candidates.get("conflicts") or []:
        rows.append({"change": "conflict", "section": "conflicts", "what": str(record.get("of")),
                     "detail": f"{record.get('field')}: kept beside the record, in its history: {record.get('value')!r}"})
    return rows


DIFFERENCE_FIELDS = ("status", "start", "end", "mentioned", "places")


def _conflict_rows(candidate: dict, existing: dict, section: str, what: str) -> list[dict]:
    """A row per field where a linked candidate says otherwise than the existing record (merge keeps both)."""
    rows = []
    for name in DIFFERENCE_FIELDS:
        value, have = candidate.get(name), existing.get(name)
        if value in (None, "", []) or value == have:
            continue
        if name == "places" and set(value) <= set(have or []):
            continue
        rows.append({"change": "conflict", "section": section, "what": what,
                     "detail": f"{name}: dataset {have!r}, this source {value!r} (both kept, as history)"})
    return rows


def _name_index(G: nx.MultiDiGraph) -> dict[tuple[str, str], set[str]]:
    """(family, folded name) -> node ids."""
    index: dict[tuple[str, str], set[str]] = {}
    for node, attrs in G.nodes(data=True):
        for name in names_of(attrs):
            index.setdefault((attrs["family"], fold(name)), set()).add(node)
    return index


def _existing_node(record: dict, G: nx.MultiDiGraph, index: dict) -> str | None:
    """The existing node a candidate is: its links_to, its id, or a unique node with one of its names."""
    linked = (record.get("review") or {}).get("links_to")
    if linked in G:
        return linked
    family = "actor" if record.get("kind") in _actor_kinds() else "instrument"
    if record.get("id") in G and G.nodes[record["id"]]["family"] == family:
        return record["id"]
    found = set()
    for name in names_of(record):
        found |= index.get((family, fold(name)), set())
    return next(iter(found)) if len(found) == 1 else None


def _actor_kinds() -> set[str]:
    return set(get_schema().kinds_of("actor"))


def _existing_edge(G: nx.MultiDiGraph, a: str, rtype: str, b: str) -> str | None:
    if a not in G or b not in G:
        return None
    return next((k for k, d in G.get_edge_data(a, b, default={}).items() if d.get("type") == rtype), None)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _new_evidence(have: list[dict], new: list[dict]) -> list[dict]:
    seen = {(e["source"], _squash(e["quote"])) for e in have}
    return [e for e in new if (e["source"], _squash(e["quote"])) not in seen]


from partnergraph.graph.ingest.merge import MergeError, merge_candidates  # noqa: E402,F401  (re-exported)
from partnergraph.graph.model.schema import get_schema
