"""A cypher-shell script (``cypher-shell -f``, the Neo4j Browser) that loads the graph as the Neo4j backend does."""

from __future__ import annotations

import json
from datetime import date

import networkx as nx

# --- Cypher script ---------------------------------------------------------------------------------
#
# The script holds the same parameterised statements the Neo4j backend sends
# (neo4j_backend.load_plan), each preceded by a ``:param rows => [...]`` block.
# cypher-shell and the Neo4j Browser evaluate the block and run the statement
# with ``$rows``; the query text never contains data. The values in the blocks are
# Cypher literals written by :func:`cypher_literal`: strings through ``json.dumps``
# (Cypher's string escapes are a superset of JSON's), dates as ``date('...')``,
# map keys in backticks.


def cypher_literal(value) -> str:
    r"""A Cypher literal for a parameter value.

    >>> from datetime import date
    >>> print(cypher_literal({"q": 'say "hi"\n', "day": date(2019, 10, 17), "n": [1, 2.5, None, True]}))
    {`q`: "say \"hi\"\n", `day`: date("2019-10-17"), `n`: [1, 2.5, null, true]}
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, float) and value != value:
            raise ValueError("NaN cannot be written as a Cypher literal")
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return f'date("{value.isoformat()}")'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{str(k).replace('`', '``')}`: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"cannot write {value!r} as a Cypher literal")


def cypher_script(G: nx.MultiDiGraph, batch_size: int = 500) -> str:
    """A cypher-shell script that loads ``G`` as the Neo4j backend does (constraints, MERGE by id)."""
    # lazy: the Neo4j store (and driver) costs ~771 ms to import (measured); only this path needs it
    from partnergraph.graph.stores.neo4j_store import family_labels, load_plan

    lines = ["// partnergraph export: run with  cypher-shell -f graph.cypher  (or paste into the Neo4j Browser)",
             f"// {G.number_of_nodes()} nodes, {G.number_of_edges()} relations, {len(G.graph.get('sources', {}))} sources;"
             " MERGE on id, so running it twice changes nothing."]
    for label in family_labels():
        lines.append(f"CREATE CONSTRAINT partnergraph_{label.lower()}_id IF NOT EXISTS "
                     f"FOR (n:`{label}`) REQUIRE n.id IS UNIQUE;")
    for statement in load_plan(G):
        for start in range(0, len(statement.rows), batch_size):
            rows = statement.rows[start:start + batch_size]
            lines.append(f"// {statement.what}")
            lines.append(f":param rows => {cypher_literal(rows)};")
            lines.append(" ".join(statement.cypher.split("\n")) + ";")
    return "\n".join(lines) + "\n"


def script_statements(text: str) -> list[tuple[str, str]]:
    """The script as (kind, text) pairs: ("param", "name => expr") or ("cypher", statement); one per line."""
    items = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        line = line.removesuffix(";")
        items.append(("param", line[len(":param "):]) if line.startswith(":param ") else ("cypher", line))
    return items
