"""Linking candidates to the nodes the dataset already has."""

from __future__ import annotations

from partnergraph.graph.model.names import names_of
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
                if _conflicts(cand, attrs):
                    continue
                neighbours = set(G.predecessors(node)) | set(G.successors(node))
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


def _conflicts(cand: Cand, attrs: dict) -> bool:
    """Different places, or different known years: not the same instrument (a visit to Jakarta is not one to Hanoi)."""
    if cand.places and attrs.get("places") and not set(cand.places) & set(attrs["places"]):
        return True
    years = {str(v)[:4] for v in cand.dates.values() if str(v)[:4].isdigit()}
    known = {str(attrs[k])[:4] for k in ("start", "end", "mentioned") if attrs.get(k) and str(attrs[k])[:4].isdigit()}
    return bool(years and known and not years & known)
