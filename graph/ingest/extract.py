"""From an article to candidate records in the dataset's own format, for review.

Each sentence's mentions (``recognise``) become actors, instruments and
relations; every record carries the sentence as evidence and a ``review``
block: ``confidence`` (0..1), ``reason`` and, when it is a node or edge the
dataset already has, ``links_to``. Nothing here writes to a dataset.

>>> from partnergraph.graph.model.build import load_graph
>>> from partnergraph.graph.ingest.text import parse_article
>>> art = parse_article("Từ 14-15/8, Liên minh châu Âu (EU) và Indonesia đã tiến hành cuộc tập trận hải quân chung đầu tiên trên biển Arab.", "a.txt")
>>> c = ingest_article(art, load_graph())
>>> ex = c["instruments"][0]
>>> ex["id"], ex["start"], ex["end"], ex["places"], ex["review"]["links_to"]
('eu-indonesia-naval-exercise', 'XXXX-08-14', 'XXXX-08-15', ['Arabian Sea'], 'eu-indonesia-naval-exercise')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import networkx as nx

from partnergraph.graph.model.names import fold
from partnergraph.graph.ingest.candidates import Cand, MAX_EVIDENCE, Rel, _key_of
from partnergraph.graph.ingest.document import _Document
from partnergraph.graph.ingest.layers import enabled, using
from partnergraph.graph.ingest.sides import both_sides
from partnergraph.graph.ingest.lexicon import Lexicon
from partnergraph.graph.ingest.link import _link_instruments, check_named_links, edge_conflicts
from partnergraph.graph.ingest.recognise import recognise
from partnergraph.graph.ingest.text import Article, iter_sentences, read_article
from partnergraph.graph.ingest.workers import analysed


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60] or "node"


def _assign_ids(doc: _Document, taken: set[str]) -> dict[str, str]:
    ids = {}
    for cand in list(doc.actors.values()) + doc.instruments:
        if cand.key in ids:
            cand.id = ids[cand.key]
            continue
        if cand.node_id:
            cand.id = cand.node_id
        else:
            base = _slug(cand.short_name or cand.name) if cand.family == "actor" else _slug(cand.name)
            cand.id, n = base, 1
            while cand.id in taken:
                n += 1
                cand.id = f"{base}-{n}"
        taken.add(cand.id)
        ids[cand.key] = cand.id
    return ids


def _node_record(cand: Cand, source_id: str, G: nx.MultiDiGraph) -> dict:
    record = {"id": cand.id, "kind": cand.kind, "name": cand.name}
    for field_name in ("short_name", "name_vi", "iso"):
        if getattr(cand, field_name):
            record[field_name] = getattr(cand, field_name)
    if cand.family == "instrument":
        if cand.status:
            record["status"] = cand.status
        record.update(cand.dates)
        if cand.date_note and cand.dates:
            record["date_note"] = cand.date_note
        if cand.places:
            record["places"] = list(cand.places)
        if cand.domains:
            record["domains"] = list(cand.domains)
    record["evidence"] = [{"source": source_id, "quote": q} for q in cand.evidence]
    review = {"confidence": round(cand.confidence, 2), "reason": cand.reason}
    if cand.node_id:
        review["links_to"] = cand.node_id
    if cand.conflicts:
        review["conflicts"] = [_conflict_note(c) for c in cand.conflicts]
    if cand.not_linked:
        review["not_linked"] = list(cand.not_linked)
    record["review"] = review
    return record


def _relation_record(rel: Rel, ids: dict[str, str], source_id: str, G: nx.MultiDiGraph) -> dict:
    a, b = ids[rel.source], ids[rel.target]
    record = {"from": a, "type": rel.type, "to": b}
    if rel.role:
        record.update(rel.role)
    if rel.status:
        record["status"] = rel.status
    record["evidence"] = [{"source": source_id, "quote": q} for q in rel.evidence]
    review = {"confidence": rel.confidence, "reason": rel.reason}
    existing = [k for k, d in G.get_edge_data(a, b, default={}).items() if d.get("type") == rel.type] if a in G and b in G else []
    if existing:
        review["links_to"] = existing[0]
        conflicts = edge_conflicts(rel.status, G.edges[a, b, existing[0]])
        if conflicts:
            review["conflicts"] = [_conflict_note(c) for c in conflicts]
    record["review"] = review
    return record


def _conflict_note(conflict: dict) -> dict:
    """A conflict as the candidates file states it: both statements, to be kept side by side by merge."""
    return {**conflict, "keep": "both",
            "note": f"the dataset says {conflict['field']} {conflict['dataset']!r} ({', '.join(conflict['dataset_sources'])}), "
                    f"this source {conflict['candidate']!r}: keep both, with their sources (a history); never overwrite"}


def _source_record(article: Article, G: nx.MultiDiGraph) -> dict:
    squash = lambda t: re.sub(r"\s+", " ", t).strip()  # noqa: E731
    text = squash(article.text)
    for source_id, record in G.graph.get("sources", {}).items():
        if record.get("file") and _source_text(G, record) == text:
            linked = {k: v for k, v in record.items() if k not in ("file",)}
            linked["file"] = str(Path(article.path).resolve())
            linked["review"] = {"confidence": 1.0, "reason": "the same text as this dataset source", "links_to": source_id}
            return linked
    title = article.title or _first_line(article) or Path(article.path).stem
    published, note = article.date, None
    if not published:
        years = re.findall(r"\b(?:19|20)\d\d\b", article.body)
        published = max(years) if years else None
        note = ("no date header: 'published' is the latest year the text mentions; check it" if years
                else "no date header and no year in the text: fill in 'published'")
    record = {"id": "src-" + _slug(title)[:40], "title": title, "publisher": article.publisher or "unknown (fill in)",
              "published": published or "1900", "language": article.lang}
    if article.url:
        record["url"] = article.url
    record["file"] = str(Path(article.path).resolve())
    record["review"] = {"confidence": 0.5 if note else 0.9, "reason": note or "from the article's header"}
    return record


def _source_text(G: nx.MultiDiGraph, record: dict) -> str | None:
    for folder in [Path(f).parent for f in G.graph.get("files", [])]:
        path = folder / record["file"]
        if path.is_file():
            return re.sub(r"\s+", " ", path.read_text("utf-8")).strip()
    return None


def _first_line(article: Article) -> str | None:
    line = article.body.strip().splitlines()[0].strip() if article.body.strip() else ""
    return line if 0 < len(line) <= 120 and not line.endswith(".") else None


def ingest_article(article: Article, G: nx.MultiDiGraph, lex: Lexicon | None = None, taken: set[str] | None = None,
                   progress=None, jobs: int = 1) -> dict:
    """Candidate records (sources, actors, instruments, relations) for one article.

    ``progress(characters_read, characters_in_body)`` is called after each sentence when given.
    ``jobs``: processes for the models' share of a long article (workers.py); the candidates are the same.
    """
    lex = lex or Lexicon.build(G)
    doc = _Document(article, G, lex)
    for sentence, parsed_doc, dates in analysed(iter_sentences(article), article.lang, doc.year, jobs, len(article.body)):
        if progress is not None:
            progress(sentence.end - article.body_start, len(article.body))
        found = recognise(sentence, lex, article.lang, doc.year, parsed_doc, dates)
        if enabled("both_sides"):
            both_sides(doc, found)
        doc.read(found)
        doc.note_paragraph(found)
        if sentence.lead_in:
            people = [m for m in found.actors if m.kind == "person"]
            doc.speaker = doc.actors[_key_of(doc, people[-1])] if people else None
        elif not sentence.quoted:
            doc.speaker = None
    doc.resolve_pending()
    _link_instruments(doc)
    check_named_links(doc)
    _prefer_known_types(doc)
    source = _source_record(article, G)
    ids = _assign_ids(doc, taken if taken is not None else set(G.nodes))
    return {
        "sources": [source],
        "actors": [_node_record(c, source["id"], G) for c in doc.actors.values() if c.evidence or _used(c, doc)],
        "instruments": [_node_record(c, source["id"], G) for c in _merged_instruments(doc)],
        "relations": [_relation_record(r, ids, source["id"], G) for r in _merged_relations(doc)],
    }


ACTOR_TO_INSTRUMENT = ("party_to", "participates_in", "leads", "funds", "hosts")


def _prefer_known_types(doc: _Document) -> None:
    """A default guess ('named with the mission') yields to the dataset's own edge between the same two nodes."""
    for rel in doc.relations.values():
        if not rel.default or rel.source not in doc.G or rel.target not in doc.G:
            continue
        known = [d["type"] for d in doc.G.get_edge_data(rel.source, rel.target, default={}).values()]
        if known and rel.type not in known:
            better = next((t for t in ACTOR_TO_INSTRUMENT if t in known), None)
            if better:
                rel.reason += f"; the dataset has this pair as '{better}', not '{rel.type}'"
                rel.type = better


def _merged_instruments(doc: _Document) -> list[Cand]:
    """One candidate per key: candidates linked to the same node pool their evidence and details."""
    merged: dict[str, Cand] = {}
    for cand in doc.instruments:
        first = merged.setdefault(cand.key, cand)
        if first is cand:
            continue
        for quote in cand.evidence:
            first.add_evidence(quote)
        first.status = first.status or cand.status
        first.dates = first.dates or cand.dates
        first.date_note = first.date_note or cand.date_note
        first.places += [p for p in cand.places if p not in first.places]
        first.domains += [d for d in cand.domains if d not in first.domains]
    return list(merged.values())


def _merged_relations(doc: _Document) -> list[Rel]:
    merged: dict[tuple, Rel] = {}
    for rel in doc.relations.values():
        first = merged.setdefault((rel.source, rel.type, rel.target), rel)
        if first is not rel:
            first.evidence += [q for q in rel.evidence if q not in first.evidence][:MAX_EVIDENCE - len(first.evidence)]
            first.status = first.status or rel.status
    return list(merged.values())


def _used(cand: Cand, doc: _Document) -> bool:
    return any(cand.key in (r.source, r.target) for r in doc.relations.values())


def ingest_files(paths: Iterable[str | Path], G: nx.MultiDiGraph, lang: str = "auto", layers=None,
                 progress=None, warn=None, jobs: int = 1) -> dict:
    """Candidates for several articles, merged into one file's worth of records.

    Nodes seen in several articles are listed once, with the evidence of each. ``layers``: the names
    of graph/ingest/layers.py's components to use (None: those in force, by default DEFAULT_ON). ``progress(path, done, total)`` is
    called as each article is read; ``warn(message)`` with what reading had to cut (long lines).
    ``jobs``: processes for the models' share of long articles (workers.py); the candidates are the same.
    """
    if layers is None:  # the layers in force (the default, or a caller's ``using``)
        return _ingest_files(paths, G, lang, progress, warn, jobs)
    with using(layers):
        return _ingest_files(paths, G, lang, progress, warn, jobs)


def _ingest_files(paths, G: nx.MultiDiGraph, lang: str, progress, warn, jobs: int) -> dict:
    lex = Lexicon.build(G)
    merged: dict[str, list] = {"sources": [], "actors": [], "instruments": [], "relations": []}
    index: dict[tuple, dict] = {}
    taken = set(G.nodes)
    for path in paths:
        article = read_article(path, lang)
        report = (lambda done, total, path=path: progress(str(path), done, total)) if progress else None
        result = ingest_article(article, G, lex, taken, report, jobs)
        for message in article.warnings:
            if warn is not None:
                warn(message)
        for section, records in result.items():
            for record in records:
                key = (section, record.get("id") or (record["from"], record["type"], record["to"]))
                if key in index:
                    index[key]["evidence"] = index[key].get("evidence", []) + record.get("evidence", [])
                    if section != "sources" and record.get("evidence"):
                        continue
                    continue
                index[key] = record
                merged[section].append(record)
    for section in ("actors", "instruments"):
        for record in merged[section]:
            if not record["evidence"]:
                record["evidence"] = []
    return merged
