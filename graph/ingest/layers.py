"""Switches for the components of ingest, so that each is measured on and off (bench/eval_ingest.py).

``LAYERS`` names every component that can be turned off; ``enabled(name)`` says whether it is on in
the ingest being run. ``using(names)`` turns on exactly those (the others off) for a block:

>>> with using({"parser"}):
...     enabled("parser"), enabled("offices")
(True, False)
>>> enabled("offices")
True
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

LAYERS: dict[str, str] = {
    "parser": "spaCy's English pipeline (entity spans for people and organisations, verb frames); "
              "rules alone when off",
    "offices": "holds_office_in from a person's title, accredited_to from 'Ambassador of X to Y' and a body's name",
    "part_of": "part_of from a body to the state or union in its name, and between instruments",
    "addresses": "addresses from an event to the instrument it discusses",
    "both_sides": "'both sides', 'the two sides', 'hai bên' and pronouns resolved to the parties named before "
                  "in the paragraph",
    "surnames": "one word that begins or ends the name of one person named before is that person ('Fontaine')",
    "verb_events": "events made by a verb and its subject ('officials of A and B met'): parser, English",
}

_ON: ContextVar[frozenset[str] | None] = ContextVar("partnergraph_ingest_layers", default=None)


def enabled(name: str) -> bool:
    if name not in LAYERS:
        raise KeyError(f"unknown ingest layer {name!r}; known: {', '.join(LAYERS)}")
    on = _ON.get()
    return on is None or name in on


def check(names) -> frozenset[str]:
    """The names as a set, or a ValueError naming the unknown ones."""
    names = frozenset(names)
    unknown = sorted(names - set(LAYERS))
    if unknown:
        raise ValueError(f"unknown ingest layer(s) {', '.join(unknown)}; known: {', '.join(LAYERS)}")
    return names


@contextmanager
def using(names):
    """Exactly these layers on (None: all of them) while the block runs."""
    token = _ON.set(None if names is None else check(names))
    try:
        yield
    finally:
        _ON.reset(token)
