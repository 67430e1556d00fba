"""Every user-facing word, in one catalogue: ``graph/model/messages.yaml``, one key, an English and a
Vietnamese text. It lives in ``model`` so that every layer can read it (analysis writes sentences
too, and may not import ``present``).

>>> t("overview", "vi")
'Quan hệ đối tác an ninh và quốc phòng'
>>> t("counts", "en", n=3, m=2)
'3 nodes, 2 relations'
>>> tn("hops_apart", 1, "en", a="A", b="B"), tn("hops_apart", 2, "en", a="A", b="B")
('A and B are 1 hop apart', 'A and B are 2 hops apart')
>>> missing_translations()
[]
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

import yaml

LANGS = ("en", "vi")


class UnknownMessage(KeyError):
    """A key that the catalogue does not have (a programming error, named in the message)."""


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """key -> {"en": text, "vi": text}, as messages.yaml gives it."""
    text = resources.files("partnergraph.graph.model").joinpath("messages.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def lang_of(lang: str | None) -> str:
    """``vi`` for Vietnamese, ``en`` for anything else."""
    return "vi" if lang == "vi" else "en"


def t(key: str, lang: str = "en", **fmt) -> str:
    """The text of ``key`` in ``lang`` (en or vi), with ``{placeholders}`` filled from ``fmt``."""
    try:
        entry = catalogue()[key]
    except KeyError:
        raise UnknownMessage(f"no message {key!r} in graph/model/messages.yaml") from None
    return entry[lang_of(lang)].format(**fmt)


def tn(key: str, n: int, lang: str = "en", **fmt) -> str:
    """``t`` for a count ``n``: the key's ``_one`` variant when ``n`` is 1 and it has one (English plurals)."""
    one = f"{key}_one"
    return t(one if n == 1 and one in catalogue() else key, lang, n=n, **fmt)


def missing_translations() -> list[str]:
    """Keys without both an English and a Vietnamese text (placeholders must match); [] when complete."""
    missing = []
    for key, entry in catalogue().items():
        if not isinstance(entry, dict) or set(entry) != set(LANGS) or not all(isinstance(v, str) for v in entry.values()):
            missing.append(key)
            continue
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in LANGS]
        if fields[0] != fields[1] or (not entry["vi"] and entry["en"]) or (not entry["en"] and not entry["vi"]):
            missing.append(key)
    return missing


def measure_label(measure: str, lang: str = "en") -> str:
    """A centrality's name as a reader reads it (``betweenness`` -> ``độ trung gian`` in Vietnamese)."""
    key = f"measure_{measure}"
    return t(key, lang) if key in catalogue() else measure
