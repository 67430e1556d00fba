"""partnergraph query: Cypher on the local engine (no server) or on Neo4j, printed the same way."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from partnergraph.cli.common import FORMATS, UserError, data_option, emit, load, width_option
from partnergraph.cli.neo4j_options import backend_option, neo4j_errors, neo4j_options, settings_from_options

SERVER_HINT = "--backend neo4j"


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


def local_engine(data, cache: bool):
    """The local engine over the dataset; with the cache, the dataset is only hashed, not loaded."""
    from partnergraph.graph.stores.cypher.cache import cached_engine
    from partnergraph.graph.stores.cypher.engine import EmbeddedCypher

    if not cache:
        return EmbeddedCypher(load(data))
    return cached_engine(list(data), lambda paths: load(paths or ()))[0]


def run_local(engine, cypher: str, params: dict, timeout: float | None):
    """Columns and rows of one statement; warnings go to stderr; errors become one clear line."""
    from partnergraph.graph.stores.cypher.engine import (
        CypherRuntimeError, CypherSyntaxError, QueryInterrupted, QueryTimeout, UnsupportedQuery,
    )

    try:
        result = engine.query(cypher, params, timeout=timeout)
    except CypherSyntaxError as exc:
        raise UserError(str(exc)) from None
    except UnsupportedQuery as exc:
        raise UserError(f"{exc} ({SERVER_HINT})") from None
    except QueryTimeout as exc:
        raise UserError(f"{exc} (--timeout)") from None
    except CypherRuntimeError as exc:
        raise UserError(f"the query failed: {exc}") from None
    except QueryInterrupted:
        click.echo("Error: the query was interrupted (Ctrl-C)", err=True)
        sys.exit(130)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    return result.columns, result.rows


def run_neo4j(options: dict, cypher: str, params: dict, timeout: float | None, write: bool):
    from partnergraph.graph.stores.cypher.values import neo4j_query

    settings = settings_from_options(**options)
    with neo4j_errors():
        return neo4j_query(settings, cypher, params, write=write, timeout=timeout)


def backend_name(backend: str) -> str:
    """The backend's name (--backend has already turned an old alias into it, with a note)."""
    return backend


def read_statements(path: str) -> list:
    from partnergraph.graph.stores.cypher.parse import CypherSyntaxError, split_statements

    file = Path(path)
    if not file.is_file():
        hint = f"; -f reads a file of statements here, write --format {path} for the output format" if path in FORMATS else ""
        raise UserError(f"-f/--file {path!r}: no such file{hint}")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"-f/--file {path!r}: cannot read it as UTF-8 text ({exc.__class__.__name__})") from None
    try:
        return split_statements(text)
    except CypherSyntaxError as exc:
        raise UserError(f"{path}: {exc}") from None


def backend_options(f):
    f = backend_option(help="local: no server, read-only, answers exactly as Neo4j or refuses (docs/cypher.md); "
                            "neo4j: a Neo4j server. (embedded: old name of local.)", connection=False)(f)
    f = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
                     help="Stop a query after this many seconds.")(f)
    f = click.option("--cache/--no-cache", default=True, show_default=True,
                     help="Local engine: reuse the graph built for these dataset files before, kept in "
                          "${PARTNERGRAPH_CACHE:-~/.cache/partnergraph}/cypher (rebuilt when a file changes).")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                     help="table for people, json or csv for scripts.")(width_option(f))
    return f


@click.command("query")
@click.argument("cypher", required=False)
@click.option("--file", "-f", "file", metavar="FILE.cypher",
              help="Run the ';'-separated statements of this file, one after the other, in one process.")
@click.option("--param", "-p", "param", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME); VALUE is JSON when it parses as JSON, else text. Repeatable.")
@click.option("--write", is_flag=True, help="Allow a query that writes (Neo4j backend only).")
@backend_options
@data_option
@neo4j_options
def query(cypher, file, param, backend, timeout, write, cache, data, fmt, **neo4j_kwargs):
    """Run a Cypher query (Neo4j's dialect) and print its rows.

    \b
    Without a server (the local engine, over the bundled seed or --data):
      partnergraph query "MATCH (a)-[:PARTY_TO]->(i)<-[:PARTY_TO]-(b) WHERE a.short_name = 'EU' RETURN b.name, i.name ORDER BY b.name"
      partnergraph query "MATCH (s:State) WHERE s.iso IN \\$codes RETURN s.name" --param 'codes=["VN","JP"]' --format json
      partnergraph query -f questions.cypher          several ';'-separated statements
    On Neo4j (after `partnergraph neo4j load`):
      partnergraph query "MATCH (n:Actor) RETURN count(n)" --backend neo4j

    The local engine parses the query, checks it against its allow-list (docs/cypher.md)
    and answers exactly as Neo4j 5 would, or refuses naming the construct; an unknown
    label, type or property gives Neo4j's answer plus a did-you-mean warning. Nodes,
    relationships and paths print the same on both backends. Its graph is built once per
    dataset content and kept in ${PARTNERGRAPH_CACHE:-~/.cache/partnergraph}/cypher.
    See also `partnergraph shell`.
    """
    backend = backend_name(backend)
    params = parse_params(param)
    if file is not None and cypher is not None and file in FORMATS and not Path(file).exists():
        raise UserError(f"-f is --file here (a file of statements); for the output format write --format {file}")
    if (cypher is None) == (file is None):
        raise UserError("give one query, or -f FILE with several ';'-separated statements")
    statements = [cypher] if file is None else [s.text for s in read_statements(file)]
    if backend == "local" and write:
        raise UserError("--write: the local engine is read-only; write with --backend neo4j --write")
    engine = local_engine(data, cache) if backend == "local" else None
    for n, text in enumerate(statements):
        if len(statements) > 1:
            click.echo(("\n" if n else "") + f"-- statement {n + 1}: {text.splitlines()[0][:70]}", err=True)
        if engine is not None:
            columns, rows = run_local(engine, text, params, timeout)
        else:
            columns, rows = run_neo4j(neo4j_kwargs, text, params, timeout, write)
        emit([dict(zip(columns, row)) for row in rows], fmt, columns)
