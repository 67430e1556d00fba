"""The word catalogue, as the pictures and views read it; it lives in :mod:`partnergraph.graph.model.i18n`
(one catalogue for every layer)."""

from partnergraph.graph.model.i18n import LANGS, UnknownMessage, catalogue, lang_of, measure_label, missing_translations, t, tn

__all__ = ["LANGS", "UnknownMessage", "catalogue", "lang_of", "measure_label", "missing_translations", "t", "tn"]
