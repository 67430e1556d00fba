"""Text tables that fit a width: measured in display cells (wcwidth), wide columns wrapped, nothing cut.

Columns share the width as a browser lays out an automatic table: each gets its floor (its longest
word where that fits) and the room above the floors goes in proportion to what each still wants,
so the long text columns (names, quotes) get the most. Text wraps at spaces; a word breaks only
when it is wider than its column. Every character of every cell is printed: wrapping only moves
text onto more lines.

>>> print(text_table(["id", "quote"], [["a", "one two three four"]], width=16))
id    quote
----  ----------
a     one two
      three four
"""

from __future__ import annotations

import wcwidth
from tabulate import tabulate

GAP = 2  # tabulate's "simple" format puts two spaces between columns
HEADER_PAD = 2  # and makes a column two cells wider than its header (tabulate.MIN_PADDING)


def _cells(text: str) -> int:
    return wcwidth.width(text, control_codes="ignore")


def _widest_line(texts: list[str]) -> int:
    return max((_cells(t) for t in texts), default=0)


def _widest_word(texts: list[str]) -> int:
    return max((_cells(w) for t in texts for w in t.split()), default=0)


def _widest_grapheme(texts: list[str]) -> int:
    return max((_cells(g) for t in texts for g in wcwidth.iter_graphemes(t)), default=0)


def _spread(natural: list[int], floor: list[int], room: int) -> list[int]:
    """Each column its floor, and the room above the floors shared in proportion to natural - floor."""
    want = [n - f for n, f in zip(natural, floor)]
    extra = room - sum(floor)
    if extra <= 0 or not sum(want):
        return list(floor)
    shares = [extra * w / sum(want) for w in want]
    widths = [f + int(s) for f, s in zip(floor, shares)]
    by_remainder = sorted(range(len(shares)), key=lambda i: int(shares[i]) - shares[i])
    for i in by_remainder[: room - sum(widths)]:
        widths[i] += 1
    return widths


def column_widths(headers: list[str], columns: list[list[str]], width: int, whole: list[bool] | None = None) -> list[int]:
    """How wide each column may be so that the table fits ``width`` display cells.

    Floors, the first that fits: every word whole; header words whole; one character (grapheme) per
    line. When even that does not fit, the table is wider than ``width`` (there is no other way).
    ``whole`` columns (numbers) always keep their width: a number split over two lines misreads.
    A header needs HEADER_PAD more cells than its text (tabulate's padding)."""

    def need(header_measure, cell_measure) -> list[int]:
        return [max(header_measure([h]) + HEADER_PAD, cell_measure(col)) for h, col in zip(headers, columns)]

    natural = need(_widest_line, _widest_line)
    room = width - GAP * (len(headers) - 1)
    if sum(natural) <= room:
        return natural
    keep = whole or [False] * len(headers)
    floor = []
    for header_measure, cell_measure in ((_widest_word, _widest_word), (_widest_word, _widest_grapheme),
                                         (_widest_grapheme, _widest_grapheme)):  # measured only as far as needed
        floor = [n if k else min(n, f) for n, f, k in zip(natural, need(header_measure, cell_measure), keep)]
        if sum(floor) <= room:
            break
    return _spread(natural, floor, room)


def _wrap(text: str, width: int) -> str:
    if _cells(text) <= width:  # most cells fit: printed exactly as they are, and fast
        return text
    return "\n".join(wcwidth.wrap(text, width, break_on_hyphens=False, control_codes="ignore"))


def text_table(headers: list[str], rows: list[list[str]], width: int | None = None,
               numeric: list[bool] | None = None) -> str:
    """The rows as a plain-text table no wider than ``width`` cells where that is possible (None: as wide
    as the cells). ``numeric`` marks the columns to align right; cells are printed as given, never reformatted."""
    if width:
        columns = [[r[i] for r in rows] for i in range(len(headers))]
        fit = column_widths(headers, columns, width, numeric)
        headers = [_wrap(h, max(w - HEADER_PAD, 1)) for h, w in zip(headers, fit)]
        rows = [[_wrap(c, w) for c, w in zip(r, fit)] for r in rows]
    align = ["right" if n else "left" for n in (numeric or [False] * len(headers))]
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, colalign=align)


def wrap_lines(text: str, width: int) -> str:
    """Prose wrapped to ``width`` display cells, line by line (its own line breaks kept); a line's
    continuation is indented two more than the line, so an indented list stays readable.

    >>> print(wrap_lines("  · one two three four", 12))
      · one two
        three
        four
    """
    return "\n".join(_wrap_indented(line, width) for line in text.split("\n"))


def _wrap_indented(line: str, width: int) -> str:
    lead = line[: len(line) - len(line.lstrip(" "))]
    if not line.strip() or _cells(line) <= width:
        return line
    more = lead + "  " if lead and _cells(lead) + 3 < width else lead
    return "\n".join(wcwidth.wrap(line.lstrip(" "), width, initial_indent=lead, subsequent_indent=more, break_on_hyphens=False,
                                   control_codes="ignore"))


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def numeric_columns(values: list[list]) -> list[bool]:
    """Columns whose every filled cell is a number (aligned right, as tabulate would)."""
    filled = [[v for v in col if v not in (None, "")] for col in zip(*values)]
    return [bool(col) and all(_is_number(v) for v in col) for col in filled]
