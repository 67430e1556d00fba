"""The line and column of every value of a JSON document by its path, for problems "file:line:column".

json-source-map (Apache-2.0) reads the document's positions. It is pure Python, so the map is made
only when a position is first asked for: a file without problems never pays for it. Paths are the
loader's tuples (``("actors", 3, "name")``). The library's pointers hold keys as written (escapes
undecoded, "/" not escaped): a document with a key holding "/" gets no positions at all (the caller
then names the record by its path, as before), never a wrong one.

>>> lines = JsonLines('{"actors": [\\n  {"id": "a",\\n   "name": 5}]}')
>>> lines[("actors", 0, "name")], lines[("actors", 0, "name")].column
(3, 12)
>>> ("actors", 1) in lines
False
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Callable, Iterator



class Position(int):
    """A 1-based line number that also knows its 1-based column."""

    column: int

    def __new__(cls, line: int, column: int):
        position = super().__new__(cls, line)
        position.column = column
        return position


class JsonLines(Mapping):
    """{path: Position} of a JSON document, made on first use.

    ``reread`` (a function giving the text again) lets the caller drop the text meanwhile: a large
    dataset is not kept in memory twice; a text that changed since (its hash differs) gives no positions.
    """

    def __init__(self, text: str, reread: Callable[[], str] | None = None):
        self._text = None if reread else text
        self._reread, self._hash = reread, hash(text)
        self._map: dict[tuple, Position] | None = None

    def __bool__(self) -> bool:  # there is a map, though it is made only when looked into
        return True

    def __getitem__(self, path: tuple) -> Position:
        return self._positions()[tuple(path)]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self._positions())

    def _positions(self) -> dict[tuple, Position]:
        if self._map is None:
            text = self._text if self._text is not None else self._reread()
            self._map = _positions(text) if hash(text) == self._hash else {}
            self._text = None
        return self._map


def _positions(text: str) -> dict[tuple, Position]:
    """Each value's position by path; none at all unless every key reads back exactly and the map has one
    entry per value (a key holding "/" could otherwise stand for two paths)."""
    # lazy: json-source-map costs ~20 ms to import (measured); only a reported problem needs it
    from json_source_map import calculate
    # lazy: as above (the same package)
    from json_source_map.errors import BaseError as SourceMapError

    try:
        entries = sorted(calculate(text).items(), key=lambda item: item[1].value_start.position)
    except (SourceMapError, RecursionError):
        return {}  # a document it cannot map (deep nesting): problems keep their record paths
    paths: dict[str, tuple] = {}
    result: dict[tuple, Position] = {}
    for pointer, entry in entries:
        parent, _, last = pointer.rpartition("/")
        if pointer and parent not in paths:
            return {}
        if entry.key_start is not None:  # a member: the pointer holds its key as written, escapes and all
            if text[entry.key_start.position:entry.key_end.position] != f'"{last}"':
                return {}  # a key holding "/": the pointer cannot say where it ends
            path = paths[parent] + (json.loads(f'"{last}"'),)
        else:
            path = paths[parent] + (int(last),) if pointer else ()
        paths[pointer] = path
        result[path] = Position(entry.value_start.line + 1, entry.value_start.column + 1)
    return result if len(result) == _count_values(json.loads(text)) else {}


def _count_values(data) -> int:
    count, stack = 0, [data]
    while stack:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count
