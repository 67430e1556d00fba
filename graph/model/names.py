"""Find nodes by any of their names, in English or Vietnamese.

Matching folds case and diacritics, so "Viet Nam", "Vietnam", "VN",
"Việt Nam" and "việt nam" all find the same node.

>>> fold("Việt Nam"), fold("ĐÔNG")
('viet nam', 'dong')
"""

from __future__ import annotations

import difflib
import unicodedata

import networkx as nx

from partnergraph.graph.model.i18n import t

NAME_FIELDS = ("name", "short_name", "name_vi", "iso")


class NameLookupError(LookupError):
    """Base for name lookups that do not give exactly one node; ``str()`` is English, ``said(lang)`` any language."""

    def __init__(self):  # subclasses set their fields first
        super().__init__(self.said("en"))

    def said(self, lang: str) -> str:
        raise NotImplementedError


class NotFound(NameLookupError):
    def __init__(self, query: str, suggestions: list[str]):
        self.query, self.suggestions = query, suggestions
        super().__init__()

    def said(self, lang: str) -> str:
        hint = t("name_did_you_mean", lang, names=", ".join(self.suggestions)) if self.suggestions else ""
        return t("name_not_found", lang, query=repr(self.query), hint=hint)


class Ambiguous(NameLookupError):
    def __init__(self, query: str, candidates: list[tuple[str, str]]):
        self.query, self.candidates = query, candidates
        super().__init__()

    def said(self, lang: str) -> str:
        listed = "\n".join(f"  {node_id}  ({name})" for node_id, name in self.candidates)
        return t("name_ambiguous", lang, query=repr(self.query), n=len(self.candidates), listed=listed)


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ counts as d) and collapse spaces and dashes."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for dash in "–—‐-":
        text = text.replace(dash, " ")
    return " ".join(text.casefold().split())


def names_of(attrs: dict) -> list[str]:
    """Every name a node answers to."""
    names = [attrs[f] for f in NAME_FIELDS if attrs.get(f)]
    return names + list(attrs.get("aliases", []))


def resolve(G: nx.MultiDiGraph, query: str) -> str:
    """The id of the one node whose id, name or alias matches ``query``.

    Exact (folded) matches win; otherwise a unique partial match is taken.
    Raises NotFound or Ambiguous with the candidates.
    """
    if query in G:
        return query
    wanted = fold(query)
    exact, partial = [], []
    for node_id, attrs in G.nodes(data=True):
        folded = [fold(node_id)] + [fold(n) for n in names_of(attrs)]
        if wanted in folded:
            exact.append(node_id)
        elif any(wanted in f for f in folded):
            partial.append(node_id)
    found = exact or partial
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(query, _suggest(G, wanted))
    raise Ambiguous(query, sorted((n, G.nodes[n]["name"]) for n in found))


def _suggest(G: nx.MultiDiGraph, wanted: str) -> list[str]:
    names = {fold(n): n for _, a in G.nodes(data=True) for n in names_of(a)}
    return [names[m] for m in difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)]


def display_name(attrs: dict, lang: str = "en") -> str:
    """The name to show: Vietnamese when asked and known, else English."""
    if lang == "vi" and attrs.get("name_vi"):
        return attrs["name_vi"]
    return attrs["name"]
