"""How every command finds a Neo4j server and picks its backend.

``@backend_option`` is THE ``--backend local|neo4j`` option (``local``: the
--data files, in memory or in the embedded Cypher engine; ``neo4j``: a Neo4j
server); the old spellings ``networkx`` and ``embedded`` still work for one
release and print a one-line deprecation note on stderr. It also adds the
connection options.

Use ``@neo4j_options`` on a command (``@backend_option`` includes it), then,
only when the Neo4j backend is really wanted, ``settings =
settings_from_options(**kwargs)`` (it may prompt for the password) and wrap the
calls in ``with neo4j_errors():`` so that connection, credential and Cypher
problems print as ``Error: ...`` (exit 1), Ctrl-C as one line (exit 130).

The password is read from ``NEO4J_PASSWORD`` (or the URI, ``bolt://user:pw@host``)
or asked for with a hidden prompt; there is no ``--password`` option, so it
never lands in shell history, and it is never printed or logged.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import click

from partnergraph.cli.common import UserError
from partnergraph.graph.stores.neo4j.settings import (
    DEFAULT_URI, BadURI, MissingParameter, Neo4jBackendError, Neo4jSettings, QueryInterrupted, WriteQueryRefused, parse_uri,
)
from partnergraph.graph.stores.base import BACKEND_ALIASES, BACKENDS

EXIT_INTERRUPTED = 130


def neo4j_options(f: Callable) -> Callable:
    """--uri, --username and --database, each also read from its NEO4J_* environment variable."""
    f = click.option(
        "--database", envvar="NEO4J_DATABASE", default=None, metavar="NAME",
        help="Database name [env NEO4J_DATABASE; default: the server's default database, usually neo4j].",
    )(f)
    f = click.option(
        "--username", envvar="NEO4J_USERNAME", default="neo4j", show_default=True, metavar="USER",
        help="Neo4j user [env NEO4J_USERNAME]. The password comes from NEO4J_PASSWORD or a hidden prompt.",
    )(f)
    f = click.option(
        "--uri", envvar="NEO4J_URI", default=DEFAULT_URI, show_default=True, metavar="URI",
        help="Neo4j server [env NEO4J_URI]: bolt://host:7687, neo4j://host:7687 (routing) or neo4j+s://... (Aura).",
    )(f)
    return f


def _backend(ctx, param, value: str) -> str:
    if value in BACKEND_ALIASES:
        new = BACKEND_ALIASES[value]
        click.echo(f"Note: --backend {value} is now --backend {new}; the old name goes in the next release.", err=True)
        return new
    return value


def backend_option(f: Callable | None = None, *, help: str | None = None, connection: bool = True) -> Callable:
    """``--backend local|neo4j`` (aliases networkx, embedded) and, unless ``connection=False``, the Neo4j options.

    Usable bare (``@backend_option``) or with a command-specific help (``@backend_option(help=...)``).
    """

    def decorate(func: Callable) -> Callable:
        func = click.option(
            "--backend", type=click.Choice([*BACKENDS, *BACKEND_ALIASES]), default="local", show_default=True,
            callback=_backend, metavar="local|neo4j",
            help=help or "local: the --data files on this machine; neo4j: the graph loaded in a Neo4j server "
                         "(see 'partnergraph neo4j'). The old names networkx and embedded mean local.",
        )(func)
        return neo4j_options(func) if connection else func

    return decorate(f) if f is not None else decorate


def read_password(username: str, uri: str) -> str:
    """NEO4J_PASSWORD if set (even empty, for servers without authentication), else a hidden prompt."""
    password = os.environ.get("NEO4J_PASSWORD")
    if password is not None:
        return password
    try:
        return click.prompt(f"Neo4j password for {username} at {uri}", hide_input=True, err=True)
    except click.Abort:
        raise UserError("no Neo4j password: set NEO4J_PASSWORD or run the command in a terminal to be asked for it.")


def settings_from_options(*, uri: str | None = None, username: str | None = None, database: str | None = None, **_ignored) -> Neo4jSettings:
    """The connection settings of a command's --uri/--username/--database (other keyword arguments are ignored).

    A user name and password written into the URI are used (and never shown); else the
    password comes from NEO4J_PASSWORD or a prompt.
    """
    uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
    username = username or os.environ.get("NEO4J_USERNAME") or "neo4j"
    database = database or os.environ.get("NEO4J_DATABASE") or None
    try:  # checked here, not in an option callback: a bad NEO4J_URI must not stop a command on the local backend
        clean, uri_user, uri_password = parse_uri(uri)
    except BadURI as exc:  # one line (exit 1), not click's usage block
        raise UserError(f"--uri / NEO4J_URI: {exc}") from None
    user = uri_user or username
    password = uri_password if uri_password is not None else read_password(user, clean)
    return Neo4jSettings(uri=clean, username=user, password=password, database=database)


@contextmanager
def neo4j_errors() -> Iterator[None]:
    """Backend problems as 'Error: ...' (exit 1); Ctrl-C during a query as one line (exit 130)."""
    try:
        yield
    except QueryInterrupted as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except WriteQueryRefused as exc:
        raise UserError(f"{str(exc).replace('run it with write=True', 'add --write')}") from None
    except MissingParameter as exc:
        raise UserError(f"{str(exc).replace('give the parameter a value', 'give it with --param NAME=VALUE')}") from None
    except Neo4jBackendError as exc:
        raise UserError(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("Error: interrupted (Ctrl-C)", err=True)
        sys.exit(EXIT_INTERRUPTED)
