"""Why a node scores as it does: one sentence computed from the data.

"bridges Republic of Korea and Viet Nam (no direct link) through 2 agreements (...); shares 9
instruments with 8 actors; most with Viet Nam (3)". On the actor projection, partners are the
actors sharing an instrument **or** related directly (member of, part of, holds office in,
accredited to, supports), as in :mod:`partnergraph.graph.analysis.projection`.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _plural_label(n: int, label: str) -> str:
    """'1 agreement', '2 missions or operations', '2 policies or frameworks'."""
    if n == 1:
        return f"1 {label}"

    def plural(word: str) -> str:
        return word[:-1] + "ies" if word.endswith("y") else word + "s"

    return f"{n} " + " or ".join(plural(part) for part in label.split(" or "))


def _kinds_phrase(G, instruments) -> str:
    schema = get_schema()
    counts = Counter(G.nodes[i]["kind"] for i in instruments)
    parts = [_plural_label(c, schema.kind_label(k).lower()) for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


#: How many of a hub's partners (the most linked) are searched for a bridged pair.
BRIDGE_SEARCH = 30


def best_bridge(G: nx.MultiDiGraph, actor: str, shared: dict[str, set[str]] | None = None, family: dict | None = None):
    """Two partners of ``actor`` that share no instrument with each other, linked through ``actor``.

    Picks the pair whose weaker link is strongest, then whose shared instruments have most kinds in
    common (e.g. both through an agreement), then by name. Returns (a, b, instruments) or None.
    """
    shared = shared if shared is not None else partners(G, actor, family)
    top = sorted(shared, key=lambda p: (-len(shared[p]), p))[:BRIDGE_SEARCH]
    own = {p: instruments_of(G, p, family) for p in top}
    kind = G.nodes.data("kind")
    best, best_key = None, None
    for i, a in enumerate(top):
        for b in top[i + 1:]:
            if own[a] & own[b]:
                continue
            common = {kind[x] for x in shared[a]} & {kind[x] for x in shared[b]}
            key = (-min(len(shared[a]), len(shared[b])), -len(common), -len(shared[a]) - len(shared[b]), a, b)
            if best_key is None or key < best_key:
                via = sorted(x for x in shared[a] | shared[b] if kind[x] in common) or sorted(shared[a] | shared[b])
                best, best_key = (a, b, via), key
    return best


def why(G: nx.MultiDiGraph, node: str, measure: str, projection: str | None = None, family: dict | None = None) -> str:
    """One sentence, from the data, saying why ``node`` scores as it does (``family``: see :func:`families`)."""
    attrs = G.nodes[node]
    if attrs.get("family") == "instrument":
        members = sorted({display_name(G.nodes[m]) for m in nx.all_neighbors(G, node) if G.nodes[m]["family"] == "actor"})
        linked = sum(1 for m in set(nx.all_neighbors(G, node)) if G.nodes[m]["family"] == "instrument")
        text = f"joins {_plural(len(members), 'actor')}"
        text += f" ({', '.join(members[:4])}{', …' if len(members) > 4 else ''})" if members else ""
        return text + (f" and {_plural(linked, 'linked instrument')}" if linked else "")
    if measure in ("degree", "weighted_degree") and projection != "actors":
        types = Counter(d["type"] for *_, d in list(G.out_edges(node, data=True)) + list(G.in_edges(node, data=True)))
        label = get_schema().edge_label
        return f"{_plural(sum(types.values()), 'relation')}: " + ", ".join(
            f"{label(t)} ×{c}" for t, c in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))
    shared = partners(G, node, family)
    total = len(set().union(*shared.values())) if shared else 0
    if not shared:
        return "shares no instrument with another actor"
    strongest = max(shared, key=lambda p: (len(shared[p]), p))
    base = (f"shares {_plural(total, 'instrument')} with {_plural(len(shared), 'actor')}; "
            f"most with {display_name(G.nodes[strongest])} ({len(shared[strongest])})")
    if measure in ("degree", "weighted_degree"):
        return base
    bridge = best_bridge(G, node, shared, family)
    if bridge is None:
        return base + "; its partners also share instruments directly"
    a, b, via = bridge
    a, b = sorted((a, b), key=lambda n: display_name(G.nodes[n]))
    names = ", ".join(_short(G, x) for x in via[:3]) + (", …" if len(via) > 3 else "")
    return (f"bridges {display_name(G.nodes[a])} and {display_name(G.nodes[b])} (no direct link) "
            f"through {_kinds_phrase(G, via)} ({names}); {base}")


