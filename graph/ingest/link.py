"""Linking candidates to the nodes the dataset already has."""

from __future__ import annotations

from partnergraph.graph.model.names import fold, names_of
from partnergraph.graph.ingest.candidates import compatible, Cand
from partnergraph.graph.ingest.clauses import _content_words, _names_words
from partnergraph.graph.ingest.document import _Document


def _link_instruments(doc: _Document) -> None:
    """Link unnamed (or unknown named) instruments to existing ones with the same kind and parties."""
    G = doc.G
    for cand in doc.instruments:
        if cand.node_id or not cand.parties or any(p.startswith("new:") for p in cand.parties):
            continue
        parties = set(cand.parties)
        words = _names_words([cand.name, cand.name_vi, cand.short_name])
        matches = []
        for kinds, confidence in (({cand.kind}, 0.7), (compatible(cand.kind), 0.5)):
            for node, attrs in G.nodes(data=True):
                if attrs.get("family") != "instrument" or attrs["kind"] not in kinds:
                    continue
                if cand.named and not _content_words(cand.name) <= _names_words(names_of(attrs)):
                    continue  # a name: every word of it in the node's names ("an ninh và quốc phòng" ~ "an ninh, quốc phòng")
                neighbours = set(G.predecessors(node)) | set(G.successors(node))
                differences = _differences(cand, attrs, neighbours, doc)
                if differences:
                    if cand.named or parties <= neighbours:  # the same name or parties, yet told apart
                        cand.not_linked.append({"node": node, "because": "; ".join(differences)})
                    continue
                if parties <= neighbours:
                    # the same parties; then the same places, more words of the name in common, fewer other parties
                    places = len(set(cand.places) & set(attrs.get("places", [])))
                    shared = len(words & _names_words(names_of(attrs)))
                    matches.append(((-places, -shared, len(neighbours - parties)), node, confidence))
            if matches:
                break
        matches.sort()
        if matches and (len(matches) == 1 or matches[0][0] < matches[1][0]):
            _, node, confidence = matches[0]
            attrs = G.nodes[node]
            old = cand.key
            cand.node_id, cand.key, cand.kind = node, node, attrs["kind"]
            cand.name, cand.name_vi, cand.short_name = attrs["name"], attrs.get("name_vi"), attrs.get("short_name")
            cand.confidence = confidence
            cand.reason += f"; same kind and parties ({', '.join(sorted(parties))}) as {node}"
            for rel in list(doc.relations.values()):
                rel.source = node if rel.source == old else rel.source
                rel.target = node if rel.target == old else rel.target


def _same_places(a, b, doc: _Document) -> bool:
    """Whether two lists of places share one, a known alias counting as the same place."""
    group = lambda name: next((frozenset(g) for g in doc.rules.get("place_aliases", []) if name in g), frozenset([name]))  # noqa: E731
    return bool(set().union(*map(group, a)) & set().union(*map(group, b)))


def _years(values) -> set[str]:
    return {str(v)[:4] for v in values if v and str(v)[:4].isdigit()}


def _differences(cand: Cand, attrs: dict, neighbours: set[str], doc: _Document) -> list[str]:
    """Why the candidate is not the node: another place, another year, or (for instruments between two
    sides: agreements, dialogues ...) a party the node does not have. Empty when nothing tells them apart."""
    found = []
    if cand.places and attrs.get("places") and not _same_places(cand.places, attrs["places"], doc):
        found.append(f"place {', '.join(cand.places)}, not {', '.join(attrs['places'])}")
    years, known = _years(cand.dates.values()), _years(attrs.get(k) for k in doc.schema.date_fields)
    if years and known and not years & known:
        found.append(f"year {', '.join(sorted(years))}, not {', '.join(sorted(known))}")
    actors = {n for n in neighbours if doc.G.nodes[n].get("family") == "actor"}
    other = [p for p in cand.parties if p not in actors]
    if cand.kind in doc.rules["bilateral_kinds"] and len(actors) >= 2 and other:
        names = [doc.actors[p].name if p in doc.actors else p for p in other]
        found.append(f"parties differ ({', '.join(names)} is not a party of it)")
    return found


def check_named_links(doc: _Document) -> None:
    """A candidate linked to a node by its name is compared with what the node says (kind, parties, place,
    date, status). Other parties (between two sides) make it a new node, with the reason kept; the same
    identity with another status, date or place is kept linked and proposed as a conflict."""
    G = doc.G
    for cand in doc.instruments:
        if not cand.node_id and cand.named and not cand.not_linked:
            _explain_new(doc, cand)
        if not cand.node_id or cand.node_id not in G or cand.reason.find("same kind and parties") >= 0:
            continue
        attrs = G.nodes[cand.node_id]
        neighbours = set(G.predecessors(cand.node_id)) | set(G.successors(cand.node_id))
        differences = _differences(cand, attrs, neighbours, doc)
        if any(d.startswith("parties differ") for d in differences):
            _unlink(doc, cand, "; ".join(differences))
            continue
        cand.conflicts += _node_conflicts(cand, attrs, doc)


def _node_conflicts(cand: Cand, attrs: dict, doc: _Document) -> list[dict]:
    sources = sorted({e["source"] for e in attrs.get("evidence", [])})
    found = []
    if cand.status and attrs.get("status") and cand.status != attrs["status"]:
        found.append({"field": "status", "dataset": attrs["status"], "candidate": cand.status, "dataset_sources": sources})
    for name in doc.schema.date_fields:
        if cand.dates.get(name) and attrs.get(name) and str(cand.dates[name]) != str(attrs[name]):
            found.append({"field": name, "dataset": str(attrs[name]), "candidate": str(cand.dates[name]),
                          "dataset_sources": sources})
    if cand.places and attrs.get("places") and not _same_places(cand.places, attrs["places"], doc):
        found.append({"field": "places", "dataset": list(attrs["places"]), "candidate": list(cand.places),
                      "dataset_sources": sources})
    return found


def edge_conflicts(status: str | None, edge: dict) -> list[dict]:
    """A relation the dataset has with another status: both statements are kept (a status history)."""
    if status and edge.get("status") and status != edge["status"]:
        sources = sorted({e["source"] for e in edge.get("evidence", [])})
        return [{"field": "status", "dataset": edge["status"], "candidate": status, "dataset_sources": sources}]
    return []


def _unlink(doc: _Document, cand: Cand, because: str) -> None:
    """Undo a link by name: the candidate becomes a new node named as the source names it."""
    old, node = cand.key, cand.node_id
    cand.not_linked.append({"node": node, "because": because})
    cand.name = cand.written or cand.name
    cand.name_vi = cand.written if doc.lang == "vi" else None
    cand.short_name = None
    cand.node_id = None
    cand.key = f"new:{cand.kind}:{fold(cand.name)}:{id(cand)}"
    cand.confidence = min(cand.confidence, 0.6)
    cand.reason += f"; not {node}: {because}"
    for rel in doc.relations.values():
        rel.source = cand.key if rel.source == old else rel.source
        rel.target = cand.key if rel.target == old else rel.target


def _explain_new(doc: _Document, cand: Cand, most: int = 3) -> None:
    """A new named candidate that a node of the same kind resembles by name: say what tells them apart."""
    words = _content_words(cand.name)
    for node, attrs in doc.G.nodes(data=True):
        if len(cand.not_linked) >= most:
            break
        if attrs.get("family") != "instrument" or attrs["kind"] != cand.kind or not words <= _names_words(names_of(attrs)):
            continue
        neighbours = set(doc.G.predecessors(node)) | set(doc.G.successors(node))
        differences = _differences(cand, attrs, neighbours, doc)
        if differences:
            cand.not_linked.append({"node": node, "because": "; ".join(differences)})
