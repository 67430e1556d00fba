"""The conformance suite as data, and how its results are compared (shared by the test and bench).

Expected rows always come from running the query on a real Neo4j; nothing here is a stored answer.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SUITE = Path(__file__).with_name("queries.yaml")
DATASETS = ("seed", "synthetic")
SYNTHETIC = ("tiny", 1)  # size preset and random seed of the "synthetic" dataset


@dataclass(frozen=True)
class Query:
    name: str
    feature: str
    dataset: str
    cypher: str
    params: dict = field(default_factory=dict)
    ordered: bool = False
    unordered_lists: bool = False
    embedded: str = "supported"
    construct: str = ""
    write: bool = False
    warning: str = ""  # a warning the local engine must give (e.g. "did you mean :PARTY_TO?")

    @property
    def fails(self) -> bool:
        """Neo4j rejects the query (embedded: error): the local engine must fail too, never answer."""
        return self.embedded == "error"

    @property
    def supported(self) -> bool:
        return self.embedded == "supported"


def load_suite() -> list[Query]:
    return [Query(**q) for q in yaml.safe_load(SUITE.read_text(encoding="utf-8"))["queries"]]


@cache
def dataset_graph(name: str):
    """The graph of a suite dataset: the seed, or the tiny synthetic graph written and read back."""
    from partnergraph.graph.model.build import load_graph

    if name == "seed":
        return load_graph()
    from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset

    size, seed = SYNTHETIC
    folder = Path(tempfile.mkdtemp(prefix="pg-cypher-synthetic-"))
    write_dataset(generate(*SIZES[size], seed=seed), folder)
    return load_graph([folder])


def _close(a: Any, b: Any) -> bool:
    """Equal, floats allowed to differ in the last digits (only where the engine warned they may)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return _key(a) == _key(b)


def _canonical(value: Any, unordered_lists: bool) -> Any:
    if isinstance(value, list):
        items = [_canonical(v, unordered_lists) for v in value]
        return sorted(items, key=_key) if unordered_lists else items
    if isinstance(value, dict):
        return {k: _canonical(v, unordered_lists) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return value  # 2.0 stays a float: Neo4j's types are part of the answer
    return value


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def comparable(query: Query, columns: list[str], rows: list[list[Any]]) -> tuple[list[str], list]:
    """Columns and rows in the form two answers are compared in (multiset unless the query orders)."""
    rows = [_canonical(row, query.unordered_lists) for row in rows]
    if not query.ordered:
        rows = sorted(rows, key=_key)
    return list(columns), rows


def difference(query: Query, expected: tuple, actual: tuple, float_digits: bool = False) -> str:
    """'' when both answers are the same, else a short description of the first difference."""
    (ec, er), (ac, ar) = comparable(query, *expected), comparable(query, *actual)
    if ec != ac:
        return f"columns {ac} instead of {ec}"
    if len(er) != len(ar):
        return f"{len(ar)} rows instead of {len(er)}"
    for n, (e, a) in enumerate(zip(er, ar)):
        if _key(e) != _key(a) and not (float_digits and _close(e, a)):
            return f"row {n}: {_key(a)[:300]} instead of {_key(e)[:300]}"
    return ""
