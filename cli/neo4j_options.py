"""How every command finds a Neo4j server: --uri/--username/--database, NEO4J_* variables, the password.

Use ``@neo4j_options`` on a command, then, only when the Neo4j backend is
really wanted, ``settings = settings_from_options(**kwargs)`` (it may prompt
for the password) and wrap the calls in ``with neo4j_errors():`` so that
connection, credential and Cypher problems print as ``Error: ...``.

The password is read from ``NEO4J_PASSWORD`` or asked for with a hidden
prompt; there is no ``--password`` option, so it never lands in shell history,
and it is never printed or logged.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator
from urllib.parse import urlsplit

import click

from partnergraph.cli.common import UserError

if TYPE_CHECKING:
    from partnergraph.graph.stores.neo4j_store import Neo4jSettings

# neo4j_store (and networkx with it) is imported only when a command really talks to Neo4j:
# `partnergraph query` on the local engine with a warm cache needs neither (measured: the
# import was most of its start-up). tests/cypher/test_query_cli.py keeps this in step.
DEFAULT_URI = "neo4j://localhost:7687"

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def _check_uri(ctx, param, value: str) -> str:
    parts = urlsplit(value or "")
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise click.BadParameter(
            f"{value!r} is not a Neo4j URI; use e.g. bolt://localhost:7687, neo4j://host:7687 (routing, clusters) "
            "or neo4j+s://<id>.databases.neo4j.io (Aura, TLS)",
            ctx=ctx, param=param,
        )
    return value


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
        "--uri", envvar="NEO4J_URI", default=DEFAULT_URI, show_default=True, callback=_check_uri, metavar="URI",
        help="Neo4j server [env NEO4J_URI]: bolt://host:7687, neo4j://host:7687 (routing) or neo4j+s://... (Aura).",
    )(f)
    return f


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
    """The connection settings of a command's --uri/--username/--database (other keyword arguments are ignored)."""
    from partnergraph.graph.stores.neo4j_store import Neo4jSettings  # noqa: PLC0415 - see DEFAULT_URI

    uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
    username = username or os.environ.get("NEO4J_USERNAME") or "neo4j"
    database = database or os.environ.get("NEO4J_DATABASE") or None
    return Neo4jSettings(uri=uri, username=username, password=read_password(username, uri), database=database)


@contextmanager
def neo4j_errors() -> Iterator[None]:
    """Print backend problems (unreachable server, credentials, Cypher errors) as 'Error: ...', exit status 1."""
    from partnergraph.graph.stores.neo4j_store import Neo4jBackendError  # noqa: PLC0415 - see DEFAULT_URI

    try:
        yield
    except Neo4jBackendError as exc:
        raise UserError(str(exc)) from None
