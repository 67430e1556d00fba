"""The word catalogue's former import path: it lives in :mod:`partnergraph.graph.model.i18n` (one catalogue
for every layer), which the code imports; this name stays for code written against it."""

from partnergraph.graph.model.i18n import LANGS, UnknownMessage, catalogue, lang_of, measure_label, missing_translations, t, tn

__all__ = ["LANGS", "UnknownMessage", "catalogue", "lang_of", "measure_label", "missing_translations", "t", "tn"]
