"""Label placement whose cost is bounded, and the checks that labels neither overlap nor cover markers.

:func:`place_labels` puts each label (most important first) in the first free slot around its
anchor: below, above, right, left and the diagonals of its marker, then rings further out with a
leader line. A slot is free when the label's box stays inside the axes and touches no marker and
no label already placed. Boxes live in a grid index, so the work grows with the number of labels
times the slots tried, never with pairs of labels (adjustText's cost on 2,200 labels). A label
with no free slot within :data:`RINGS` rings is left out and counted.

Boxes are in display pixels of the figure's own dpi; saving at another dpi scales text and
markers together, so what is apart here is apart in the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.text import Text

#: Rings of slots tried around an anchor before a label is left out.
RINGS = 9
#: Grid cell of the box index, in pixels.
CELL = 40.0
#: Directions tried at each ring, in order (dx, dy): below, above, right, left, then diagonals.
DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))


@dataclass
class Marker:
    """A marker's centre and half-size in display pixels."""

    x: float
    y: float
    r: float


class BoxIndex:
    """Axis-aligned boxes (x0, y0, x1, y1) in a uniform grid, for overlap queries."""

    def __init__(self, cell: float = CELL):
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple]] = {}

    def _keys(self, box):
        c = self.cell
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def add(self, box: tuple, owner=None) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append((box, owner))

    def hits(self, box: tuple, ignore=None) -> bool:
        for key in self._keys(box):
            for other, owner in self.cells.get(key, ()):
                if ignore is not None and owner == ignore:
                    continue
                if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                    return True
        return False


def marker_box(m: Marker, pad: float = 1.0) -> tuple:
    return (m.x - m.r - pad, m.y - m.r - pad, m.x + m.r + pad, m.y + m.r + pad)


def place_labels(ax, texts: list[Text], anchors: list[Marker], markers: list[Marker], leader_colour: str = "#888888") -> list[Text]:
    """Move each of ``texts`` (in priority order) next to its anchor; return the texts left out (removed).

    ``anchors[i]`` is where ``texts[i]`` belongs (a marker, or an edge's midpoint with r=0);
    ``markers`` are every marker the labels must not cover.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    index = BoxIndex()
    for m in markers:
        index.add(marker_box(m))
    inverse = ax.transData.inverted()
    dropped = []
    for text, anchor in zip(texts, anchors):
        text.set_horizontalalignment("center")
        text.set_verticalalignment("center")
        extent = text.get_window_extent(renderer)
        w, h = extent.width + 4, extent.height + 4
        spot = _free_spot(index, frame, anchor, w, h)
        if spot is None:
            text.remove()
            dropped.append(text)
            continue
        (cx, cy), ring = spot
        text.set_position(tuple(inverse.transform((cx, cy))))
        box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        index.add(box)
        if ring > 0:
            _leader(ax, anchor, box, leader_colour)
    return dropped


def _free_spot(index: BoxIndex, frame, anchor: Marker, w: float, h: float):
    step = max(h, 10.0)
    for ring in range(RINGS):
        gap = anchor.r + 2 + ring * step
        for dx, dy in DIRECTIONS:
            cx = anchor.x + dx * (gap + w / 2 if dx else 0)
            cy = anchor.y + dy * (gap + h / 2 if dy else 0)
            if dx and dy:
                cx, cy = anchor.x + dx * (gap * 0.72 + w / 2), anchor.y + dy * (gap * 0.72 + h / 2)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if box[0] < frame.x0 or box[1] < frame.y0 or box[2] > frame.x1 or box[3] > frame.y1:
                continue
            if not index.hits(box):
                return (cx, cy), ring
    return None


def _leader(ax, anchor: Marker, box: tuple, colour: str) -> None:
    """A thin line from the marker's edge to the nearest side of the label's box."""
    inverse = ax.transData.inverted()
    bx = min(max(anchor.x, box[0]), box[2])
    by = min(max(anchor.y, box[1]), box[3])
    dist = math.hypot(bx - anchor.x, by - anchor.y) or 1.0
    sx, sy = anchor.x + (bx - anchor.x) * anchor.r / dist, anchor.y + (by - anchor.y) * anchor.r / dist
    (x0, y0), (x1, y1) = inverse.transform((sx, sy)), inverse.transform((bx, by))
    ax.plot([x0, x1], [y0, y1], color=colour, lw=0.5, zorder=3, gid="leader")


def _label_texts(ax) -> list[Text]:
    return [x for x in ax.texts if (x.get_gid() or "").startswith(("label-", "edge-label-"))]


def overlapping_labels(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of label texts (node and edge labels) whose drawn boxes overlap; [] when all are apart."""
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        labels = _label_texts(ax)
        boxes = [x.get_window_extent(renderer) for x in labels]
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                if boxes[i].overlaps(boxes[j]):
                    found.append((labels[i].get_text(), labels[j].get_text()))
    return found


def drawn_markers(ax) -> list[Marker]:
    """Every node marker drawn on ``ax`` (the scatter collections tagged ``nodes``), in display pixels."""
    markers = []
    scale = ax.figure.dpi / 72
    for coll in ax.collections:
        if not (coll.get_gid() or "").startswith("nodes"):
            continue
        offsets = coll.get_offset_transform().transform(coll.get_offsets())
        sizes = coll.get_sizes()
        for k, (x, y) in enumerate(offsets):
            s = sizes[k % len(sizes)] if len(sizes) else 36
            markers.append(Marker(float(x), float(y), math.sqrt(s) * scale / 2))
    return markers


def labels_on_markers(fig: Figure, min_radius: float = 0.0) -> list[str]:
    """Labels whose box covers a node marker (of more than ``min_radius`` pixels); [] when none does."""
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        index = BoxIndex()
        for m in drawn_markers(ax):
            if m.r > min_radius:
                index.add(marker_box(m, pad=-0.5))
        for text in _label_texts(ax):
            e = text.get_window_extent(renderer)
            if index.hits((e.x0, e.y0, e.x1, e.y1)):
                found.append(text.get_text())
    return found
