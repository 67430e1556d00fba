"""Why a node scores as it does: one sentence computed from the data.

"bridges Republic of Korea and Viet Nam (no direct link) through 2 agreements (...); shares 9
instruments with 8 actors; most with Viet Nam (3)". On the actor projection, partners are the
actors sharing an instrument **or** related directly (member of, part of, holds office in,
accredited to, supports), as in :mod:`partnergraph.graph.analysis.projection`.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from partnergraph.graph.model.i18n import t, tn
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import get_schema


# --- why ------------------------------------------------------------------------------


def _short(G, node, lang="en") -> str:
    attrs = G.nodes[node]
    if lang == "en" and attrs.get("short_name") and attrs.get("family") == "instrument":
        return attrs["short_name"]
    return display_name(attrs, lang)


def families(G: nx.MultiDiGraph) -> dict:
    """``{node: family}``: one pass, then plain dict look-ups (the node views cost ~20x more per look-up)."""
    return dict(G.nodes(data="family"))


def instruments_of(G: nx.MultiDiGraph, actor: str, family: dict | None = None) -> set[str]:
    """Instruments linked to ``actor`` by an edge in either direction (``family``: see :func:`families`)."""
    fam = family if family is not None else G.nodes.data("family")
    return {m for m in nx.all_neighbors(G, actor) if fam[m] == "instrument"}


def partners(G: nx.MultiDiGraph, actor: str, family: dict | None = None) -> dict[str, set[str]]:
    """Actors sharing an instrument with ``actor``, each with the instruments shared."""
    fam = family if family is not None else G.nodes.data("family")
    out: dict[str, set[str]] = {}
    for inst in instruments_of(G, actor, fam):
        for other in nx.all_neighbors(G, inst):
            if other != actor and fam[other] == "actor":
                out.setdefault(other, set()).add(inst)
    return out


def _count_of_kind(n: int, kind: str, lang: str) -> str:
    """'1 agreement', '2 missions or operations'; Vietnamese nouns do not inflect: '2 phái bộ / chiến dịch'."""
    return t("n_of_kind", lang, n=n, label=get_schema().kind_label_for(kind, n, lang).lower())


def _join(parts: list[str], lang: str) -> str:
    """'a', 'a and b', 'a, b and c' (in the reader's language)."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {t('and', lang)} " + parts[-1]


def _kinds_phrase(G, instruments, lang: str = "en") -> str:
    counts = Counter(G.nodes[i]["kind"] for i in instruments)
    return _join([_count_of_kind(c, k, lang) for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))], lang)


def listed(names: list[str], most: int) -> str:
    """The first ``most`` names, then an ellipsis when there are more."""
    return ", ".join(names[:most]) + (", …" if len(names) > most else "")


def related(G: nx.MultiDiGraph, actor: str, family: dict | None = None) -> dict[str, set[str]]:
    """Actors joined to ``actor`` by a direct edge (member of, part of, ...), each with the relation types."""
    fam = family if family is not None else G.nodes.data("family")
    out: dict[str, set[str]] = {}
    for u, v, d in list(G.out_edges(actor, data=True)) + list(G.in_edges(actor, data=True)):
        other = v if u == actor else u
        if other != actor and fam[other] == "actor":
            out.setdefault(other, set()).add(d["type"])
    return out


#: How many of a hub's partners (the most linked) are searched for a bridged pair.
BRIDGE_SEARCH = 30


def best_bridge(G: nx.MultiDiGraph, actor: str, shared: dict[str, set[str]] | None = None, family: dict | None = None,
                direct: dict[str, set[str]] | None = None):
    """Two partners of ``actor`` that share no instrument and no direct relation, linked through ``actor``.

    Partners are those sharing an instrument with ``actor`` (``shared``) or related to it directly
    (``direct``). Picks the pair whose weaker link is strongest, then whose links have most kinds in
    common (e.g. both through an agreement), then by id. Returns (a, b, instruments, relation types) or None.
    """
    shared = shared if shared is not None else partners(G, actor, family)
    direct = direct if direct is not None else {}

    def strength(p):
        return len(shared.get(p, ())) + len(direct.get(p, ()))

    top = sorted(set(shared) | set(direct), key=lambda p: (-strength(p), p))[:BRIDGE_SEARCH]
    own = {p: instruments_of(G, p, family) for p in top}
    kind = G.nodes.data("kind")
    best, best_key = None, None
    for i, a in enumerate(top):
        for b in top[i + 1:]:
            if own[a] & own[b] or G.has_edge(a, b) or G.has_edge(b, a):
                continue
            sa, sb = shared.get(a, set()), shared.get(b, set())
            common = ({kind[x] for x in sa} | direct.get(a, set())) & ({kind[x] for x in sb} | direct.get(b, set()))
            key = (-min(strength(a), strength(b)), -len(common), -strength(a) - strength(b), a, b)
            if best_key is None or key < best_key:
                via = sorted(x for x in sa | sb if kind[x] in common) or sorted(sa | sb)
                types = sorted((direct.get(a, set()) | direct.get(b, set())) & common) or (
                    [] if via else sorted(direct.get(a, set()) | direct.get(b, set())))
                best, best_key = (a, b, via, types), key
    return best


def _relations_phrase(types, lang: str = "en") -> str:
    labels = ", ".join(get_schema().edge_label(x, lang) for x in sorted(types))
    return tn("why_direct_relations", len(types), lang, labels=labels)


def why(G: nx.MultiDiGraph, node: str, measure: str, projection: str | None = None, family: dict | None = None,
        lang: str = "en") -> str:
    """One sentence, from the data, saying why ``node`` scores as it does (``family``: see :func:`families`)."""
    def name(n) -> str:
        return display_name(G.nodes[n], lang)

    if G.nodes[node].get("family") == "instrument":
        return _why_instrument(G, node, lang)
    if measure in ("degree", "weighted_degree") and projection != "actors":
        types = Counter(d["type"] for *_, d in list(G.out_edges(node, data=True)) + list(G.in_edges(node, data=True)))
        label = get_schema().edge_label
        return f"{tn('n_relations', sum(types.values()), lang)}: " + ", ".join(
            f"{label(x, lang)} ×{c}" for x, c in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))
    shared = partners(G, node, family)
    direct = related(G, node, family) if projection == "actors" else {}
    if not shared and not direct:
        return t("why_alone", lang)
    parts = []
    if shared:
        strongest = max(shared, key=lambda p: (len(shared[p]), p))
        parts.append(t("why_shares", lang, instruments=tn("n_instruments", len(set().union(*shared.values())), lang),
                       actors=tn("n_actors", len(shared), lang), name=name(strongest), n=len(shared[strongest])))
    if direct:
        names = sorted(name(p) for p in direct)
        parts.append(t("why_related", lang, actors=tn("n_actors", len(direct), lang), names=listed(names, 3)))
    base = "; ".join(parts)
    if measure in ("degree", "weighted_degree"):
        return base
    bridge = best_bridge(G, node, shared, family, direct)
    if bridge is None:
        return base + t("why_partners_linked", lang)
    a, b, via, types = bridge
    a, b = sorted((a, b), key=lambda n: display_name(G.nodes[n]))
    through = []
    if via:
        through.append(f"{_kinds_phrase(G, via, lang)} ({listed([_short(G, x, lang) for x in via], 3)})")
    if types:
        through.append(_relations_phrase(types, lang))
    return t("why_bridges", lang, a=name(a), b=name(b), through=f" {t('and', lang)} ".join(through), base=base)


def _why_instrument(G: nx.MultiDiGraph, node: str, lang: str) -> str:
    """'joins 3 actors (A, B, C) and 1 linked instrument'."""
    neighbours = set(nx.all_neighbors(G, node))
    members = sorted({display_name(G.nodes[m], lang) for m in neighbours if G.nodes[m]["family"] == "actor"})
    linked = sum(1 for m in neighbours if G.nodes[m]["family"] == "instrument")
    text = t("why_joins", lang, actors=tn("n_actors", len(members), lang))
    text += f" ({listed(members, 4)})" if members else ""
    return text + (t("why_and_linked", lang, linked=tn("n_linked_instruments", linked, lang)) if linked else "")
