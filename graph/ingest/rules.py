"""The domain cue words of ingest, read from ``rules.yaml`` (rules as data).

>>> r = get_rules()
>>> "tập trận" in r["instrument_cues"]["exercise"]["vi"]
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from partnergraph.graph.model.schema import SafeLoader


@cache
def get_rules() -> dict:
    """The rules shipped with partnergraph (graph/ingest/rules.yaml)."""
    text = resources.files("partnergraph.graph.ingest").joinpath("rules.yaml").read_text("utf-8")
    return yaml.load(text, Loader=SafeLoader)
