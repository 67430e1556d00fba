"""How kinds, edge types and statuses look, read from schema.yaml (no matplotlib here).

The matplotlib pictures, the interactive view and the schema diagram all take their colours,
markers and dashes from here, so a kind added to ``schema.yaml`` is drawn the same everywhere.

>>> kind_colour("state"), edge_colour("party_to"), dashed("proposed"), dashed("signed")
('#1f77b4', '#d62728', True, False)
>>> kind_marker("no-such-kind")
'o'
"""

from __future__ import annotations

from partnergraph.graph.model.schema import get_schema

FONT = "DejaVu Sans"  # has every Vietnamese glyph
TEXT_COLOUR = "#222222"
MUTED = "#444444"
HIGHLIGHT = "#111111"


def kind_colour(kind: str | None) -> str:
    return get_schema().kind_style(kind or "").colour


def kind_marker(kind: str | None) -> str:
    """The matplotlib marker of a kind."""
    return get_schema().kind_style(kind or "").marker


def kind_shape(kind: str | None) -> str:
    """The shape name of a kind in the interactive view."""
    return get_schema().kind_style(kind or "").shape


def edge_colour(edge_type: str | None) -> str:
    return get_schema().edge_style(edge_type or "").colour


def edge_dash(status: str | None) -> str:
    """'solid' for a tie in place, 'dashed' for a tentative one (schema.yaml's status_styles)."""
    return get_schema().status_dash(status)


def dashed(status: str | None) -> bool:
    return edge_dash(status) != "solid"


def palette() -> dict:
    """Every kind's and edge type's colour and shape, for the interactive view's legend and filters."""
    schema = get_schema()
    return {
        "kinds": {k: {"colour": kind_colour(k), "shape": kind_shape(k)} for k in schema.node_kinds},
        "edges": {e: {"colour": edge_colour(e)} for e in schema.edge_types},
    }
