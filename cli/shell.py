"""partnergraph shell: an interactive Cypher prompt (like cypher-shell) on the local engine or Neo4j."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from partnergraph.cli.common import UserError, data_option, emit
from partnergraph.cli.neo4j_options import neo4j_options
from partnergraph.cli.query import backend_name, backend_options, local_engine, parse_params, run_local, run_neo4j

HELP = """Type a Cypher statement and end it with ';' (it may span several lines).
  :help   this text        :format table|json|csv   change the output format
  :quit   leave (or Ctrl-D); Ctrl-C drops the statement being typed"""


def _history_file() -> Path:
    base = os.environ.get("PARTNERGRAPH_CACHE") or Path.home() / ".cache" / "partnergraph"
    return Path(base).expanduser() / "shell_history"


def _readline():
    try:
        import readline  # noqa: PLC0415 - optional (not on every platform), only for the prompt
    except ImportError:
        return None
    history = _history_file()
    try:
        history.parent.mkdir(parents=True, exist_ok=True)
        if history.exists():
            readline.read_history_file(history)
    except OSError:
        pass
    return readline, history


@click.command("shell")
@click.option("--param", "-p", "param", multiple=True, metavar="NAME=VALUE",
              help="A query parameter ($NAME) for every statement; VALUE is JSON when it parses as JSON.")
@backend_options
@data_option
@neo4j_options
def shell(param, backend, timeout, cache, data, fmt, **neo4j_kwargs):
    """An interactive Cypher prompt: history, multi-line statements ended by ';', the same --format.

    \b
      partnergraph shell
      partnergraph shell --backend neo4j --format json
    Statements and their answers are exactly as with `partnergraph query`.
    """
    backend = backend_name(backend)
    params = parse_params(param)
    engine = local_engine(data, cache) if backend == "local" else None
    rl = _readline()
    stdin = sys.stdin
    interactive = stdin.isatty()
    if interactive:
        click.echo(f"partnergraph shell ({backend}); :help for help, :quit to leave", err=True)
    buffer: list[str] = []
    while True:
        try:
            line = input("... " if buffer else "cypher> ") if interactive else stdin.readline()
            if not interactive and line == "":
                raise EOFError
        except EOFError:
            break
        except KeyboardInterrupt:
            buffer = []
            click.echo("", err=True)
            continue
        line = line.rstrip("\n")
        if not buffer and line.strip().startswith(":"):
            command, _, arg = line.strip().partition(" ")
            if command in (":quit", ":exit", ":q"):
                break
            if command == ":format" and arg.strip() in ("table", "json", "csv"):
                fmt = arg.strip()
            else:
                click.echo(HELP, err=True)
            continue
        buffer.append(line)
        text = "\n".join(buffer)
        if not text.strip().endswith(";"):
            continue
        buffer = []
        from partnergraph.graph.stores.cypher.parse import CypherSyntaxError, split_statements

        try:
            statements = split_statements(text)
        except CypherSyntaxError as exc:
            click.echo(f"Error: {exc}", err=True)
            continue
        for statement in statements:
            try:
                if engine is not None:
                    columns, rows = run_local(engine, statement.text, params, timeout)
                else:
                    columns, rows = run_neo4j(neo4j_kwargs, statement.text, params, timeout, False)
            except (UserError, click.ClickException) as exc:
                click.echo(f"Error: {exc.format_message() if hasattr(exc, 'format_message') else exc}", err=True)
                continue
            emit([dict(zip(columns, row)) for row in rows], fmt, columns)
            click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)
    if rl is not None:
        try:
            rl[0].write_history_file(rl[1])
        except OSError:
            pass
