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


def _relations_phrase(types) -> str:
    label = get_schema().edge_label
    words = ", ".join(label(t) for t in sorted(types))
    return f"{'a direct relation' if len(types) == 1 else 'direct relations'} ({words})"


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
    direct = related(G, node, family) if projection == "actors" else {}
    if not shared and not direct:
        return "shares no instrument with another actor and has no direct relation to one"
    parts = []
    if shared:
        total = len(set().union(*shared.values()))
        strongest = max(shared, key=lambda p: (len(shared[p]), p))
        parts.append(f"shares {_plural(total, 'instrument')} with {_plural(len(shared), 'actor')}; "
                     f"most with {display_name(G.nodes[strongest])} ({len(shared[strongest])})")
    if direct:
        names = sorted(display_name(G.nodes[p]) for p in direct)
        parts.append(f"related directly to {_plural(len(direct), 'actor')} "
                     f"({', '.join(names[:3])}{', …' if len(names) > 3 else ''})")
    base = "; ".join(parts)
    if measure in ("degree", "weighted_degree"):
        return base
    bridge = best_bridge(G, node, shared, family, direct)
    if bridge is None:
        return base + "; its partners are also linked to each other"
    a, b, via, types = bridge
    a, b = sorted((a, b), key=lambda n: display_name(G.nodes[n]))
    through = []
    if via:
        names = ", ".join(_short(G, x) for x in via[:3]) + (", …" if len(via) > 3 else "")
        through.append(f"{_kinds_phrase(G, via)} ({names})")
    if types:
        through.append(_relations_phrase(types))
    return (f"bridges {display_name(G.nodes[a])} and {display_name(G.nodes[b])} (no direct link) "
            f"through {' and '.join(through)}; {base}")
