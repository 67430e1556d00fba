"""Switches for the components of ingest, so that each is measured on and off (bench/eval_ingest.py).

``LAYERS`` names every component that can be turned on or off; ``enabled(name)`` says whether it is on
in the ingest being run (``DEFAULT_ON`` unless told). ``using(names)`` turns on exactly those (the
others off) for a block; ``using(None)`` is the default:

>>> with using({"parser"}):
...     enabled("parser"), enabled("surnames")
(True, False)
>>> enabled("surnames"), enabled("both_sides")
(True, False)
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

LAYERS: dict[str, str] = {
    "parser": "spaCy's English pipeline: entity spans repair and add people and organisations (rules alone when off)",
    "vi_parser": "pyvi's Vietnamese words and POS tags: whole names of people and bodies, pieces of titles dropped",
    "verb_events": "events made by a verb and its subject ('officials of A and B met'): parser, English",
    "surnames": "one word that begins or ends the name of one person named before is that person ('Fontaine')",
    "instrument_links": "addresses (an event discusses an instrument) and part_of between instruments, by cue words",
    "envoys": "an ambassador or envoy named with 'to Y' / 'tại Y' is accredited_to Y",
    "both_sides": "'both sides', 'the two sides', 'hai bên' stand for the two parties named before in the paragraph",
}
# Layers on unless asked for: each was kept because it helped on evaluation text it was not tuned on
# (bench/ingest_eval/README.md's log); the others are there to be measured and turned on by name.
DEFAULT_ON = frozenset({"parser", "vi_parser", "verb_events", "surnames", "envoys"})

_ON: ContextVar[frozenset[str] | None] = ContextVar("partnergraph_ingest_layers", default=None)


def enabled(name: str) -> bool:
    if name not in LAYERS:
        raise KeyError(f"unknown ingest layer {name!r}; known: {', '.join(LAYERS)}")
    on = _ON.get()
    return name in (DEFAULT_ON if on is None else on)


def check(names) -> frozenset[str]:
    """The names as a set, or a ValueError naming the unknown ones."""
    names = frozenset(names)
    unknown = sorted(names - set(LAYERS))
    if unknown:
        raise ValueError(f"unknown ingest layer(s) {', '.join(unknown)}; known: {', '.join(LAYERS)}")
    return names


@contextmanager
def using(names):
    """Exactly these layers on (None: DEFAULT_ON) while the block runs."""
    token = _ON.set(None if names is None else check(names))
    try:
        yield
    finally:
        _ON.reset(token)
