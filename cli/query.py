"""partnergraph query: Cypher on the embedded engine (no server) or on Neo4j, printed the same way."""

from __future__ import annotations

import json
import sys

import click

from partnergraph.cli.common import UserError, data_option, emit, format_option, load
from partnergraph.cli.neo4j_options import neo4j_errors, neo4j_options, settings_from_options


def parse_params(items: tuple[str, ...]) -> dict:
    """``k=v`` pairs: v is read as JSON when it is JSON (3, true, ["VN","JP"]), else as text.

    >>> parse_params(("short=EU", "n=3", 'codes=["VN", "JP"]'))
    {'short': 'EU', 'n': 3, 'codes': ['VN', 'JP']}
    """
    params = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--param {item!r}: write it as NAME=VALUE, e.g. --param short=EU or --param 'codes=[\"VN\"]'")
        try:
            params[name.strip()] = json.loads(text)
        except ValueError:
            params[name.strip()] = text
    return params


def _embedded(data, cypher: str, params: dict, timeout: float | None, cache: bool):
    from partnergraph.graph.stores.cypher.cache import cached_engine
    from partnergraph.graph.stores.cypher.engine import (
        EmbeddedCypher, QueryInterrupted, QueryTimeout, UnsupportedQuery,
    )

    G = load(data)
    engine = cached_engine(G)[0] if cache else EmbeddedCypher(G)
    try:
        result = engine.query(cypher, params, timeout=timeout)
    except UnsupportedQuery as exc:
        raise UserError(str(exc)) from None
    except QueryTimeout as exc:
        raise UserError(str(exc)) from None
    except QueryInterrupted:
        click.echo("Error: the query was interrupted (Ctrl-C)", err=True)
        sys.exit(130)
    return result.columns, result.rows


def _neo4j(options: dict, cypher: str, params: dict, timeout: float | None, write: bool):
    from partnergraph.graph.stores.cypher.values import neo4j_query

    settings = settings_from_options(**options)
    with neo4j_errors():
        return neo4j_query(settings, cypher, params, write=write, timeout=timeout)


@click.command("query")
@click.argument("cypher")
@click.option("--param", "-p", "param", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME); VALUE is JSON when it parses as JSON, else text. Repeatable.")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default="embedded", show_default=True,
              help="embedded: no server, read-only, the subset in docs/cypher.md; neo4j: a Neo4j server.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stop the query after this many seconds.")
@click.option("--write", is_flag=True, help="Allow a query that writes (Neo4j backend only).")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Embedded engine: reuse the database built for this dataset before, kept in "
                   "${PARTNERGRAPH_CACHE:-~/.cache/partnergraph}/ladybug (rebuilt when the data change).")
@data_option
@format_option
@neo4j_options
def query(cypher, param, backend, timeout, write, cache, data, fmt, **neo4j_kwargs):
    """Run a Cypher query (Neo4j's dialect) and print its rows.

    \b
    Without a server (the embedded engine, over the bundled seed or --data):
      partnergraph query "MATCH (a)-[:PARTY_TO]->(i)<-[:PARTY_TO]-(b) WHERE a.short_name = 'EU' RETURN b.name, i.name ORDER BY b.name"
      partnergraph query "MATCH (s:State) WHERE s.iso IN \\$codes RETURN s.name" --param 'codes=["VN","JP"]' -f json
    On Neo4j (after `partnergraph neo4j load`):
      partnergraph query "MATCH (n:Actor) RETURN count(n)" --backend neo4j

    Nodes, relationships and paths print the same on both backends (JSON objects with
    _type, id, labels/type, start/end, properties). A query the embedded engine cannot
    answer exactly as Neo4j would is refused with the construct it does not support.

    The embedded database is built once per dataset content and kept in
    ${PARTNERGRAPH_CACHE:-~/.cache/partnergraph}/ladybug (verified, opened read-only,
    rebuilt when the data change); --no-cache builds it in memory each time.
    """
    params = parse_params(param)
    if backend == "embedded":
        if write:
            raise UserError("--write: the embedded engine is read-only; write with --backend neo4j --write")
        columns, rows = _embedded(data, cypher, params, timeout, cache)
    else:
        columns, rows = _neo4j(neo4j_kwargs, cypher, params, timeout, write)
    emit([dict(zip(columns, row)) for row in rows], fmt, columns)
