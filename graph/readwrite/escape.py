r"""Escaping data for where it is shown: spreadsheets (CSV), terminals and Markdown.

Every function takes any text and returns text that the target shows as text, never runs.

>>> csv_cell("=HYPERLINK(\"http://x\")"), csv_cell("-5"), csv_cell("Viet Nam")
('\'=HYPERLINK("http://x")', "'-5", 'Viet Nam')
>>> terminal("bold \x1b[1m and a link \x1b]8;;http://x\x07")
'bold \\u001b[1m and a link \\u001b]8;;http://x\\u0007'
>>> markdown("<script>alert(1)</script> *x* [a](b)")
'&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\*x\\* \\[a\\]\\(b\\)'
"""

from __future__ import annotations

import re

# OWASP "CSV injection": a cell starting with one of these is a formula in Excel, LibreOffice or
# Google Sheets; full-width forms count too (Excel in East Asian locales).
CSV_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")

# Shown as \uXXXX on a terminal: C0 controls but tab and newline, DEL, C1 controls (U+009B is a
# one-character CSI), and the bidirectional overrides and isolates ("Trojan source").
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Python-Markdown's backslash escapes, plus | for tables; < > & become entities.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading formula character gets a ``'`` before it."""
    return "'" + text if text and text[0] in CSV_FORMULA_START else text


def terminal(text: str) -> str:
    """Text for a terminal: control and bidi-override characters written as ``\\uXXXX``, never sent raw."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def markdown(text: str) -> str:
    """Inline Markdown that renders as the text itself: no markup, links, HTML or line breaks.

    Line breaks and other runs of white space become one space (inline text cannot hold them)."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
