"""Where the server is, who we are, and one driver per use.

The driver's manual says: create one driver per application (or per use),
reuse it, close it at the end, and run work in managed transactions
(``execute_read``/``execute_write``) with parameters. :func:`connect` does
that once and hands out a :class:`Neo4jConnection`; every function of this
package takes either a connection (used as it is) or :class:`Neo4jSettings`
(a connection is opened for that call only), see :func:`connected`.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Iterator

import neo4j
import neo4j.exceptions as ne

from partnergraph.graph.stores.neo4j.settings import (  # noqa: F401  (re-exported: the names users know)
    DEFAULT_URI, BadURI, MissingParameter, Neo4jBackendError, Neo4jSettings, QueryInterrupted, QueryTimedOut, WriteQueryRefused,
    parse_uri, redact_uri,
)

USER_AGENT = "partnergraph"
# The driver logs connection failures as errors; with no logging configured Python would print them on
# stderr next to our own message. A NullHandler keeps them out of the terminal (they still propagate
# to any logging an application configures).
logging.getLogger("neo4j").addHandler(logging.NullHandler())


# --- errors -------------------------------------------------------------------------------


def client_error_message(exc: ne.Neo4jError, settings: Neo4jSettings) -> str:
    code = exc.code or ""
    message = (exc.message or str(exc)).strip()
    if isinstance(exc, ne.CypherSyntaxError):
        return f"Cypher syntax error: {message}"
    if code.endswith("DatabaseNotFound"):
        name = settings.database or "(default)"
        return (
            f"the database '{name}' does not exist on {settings.uri}; check the database name "
            "(Community Edition has only 'neo4j' and 'system')."
        )
    if code.endswith("ParameterMissing"):
        return f"{message}: give the parameter a value."
    if code.endswith("TransactionTimedOut") or code.endswith("TransactionTimedOutClientConfiguration"):
        return "the query ran past its timeout and the server stopped it."
    if code.endswith("Terminated"):
        return "the query was terminated on the server."
    if code.endswith("AccessMode") or code.endswith("WriteOnReadOnlyAccessDatabase"):
        return f"the server refused a write in a read-only transaction: {message}"
    if isinstance(exc, ne.AuthError) or ".Security." in code:
        return (
            f"Neo4j refused the credentials of user '{settings.username}' at {settings.uri}: "
            "check the user name and the password (NEO4J_USERNAME, NEO4J_PASSWORD)."
        )
    return f"Neo4j error {code}: {message}"


def _error(message: str, settings: Neo4jSettings, kind: type[Neo4jBackendError] = Neo4jBackendError):
    return kind(settings.hide(redact_uri(message)))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


@contextmanager
def translated_errors(settings: Neo4jSettings) -> Iterator[None]:
    """Turn driver exceptions into :class:`Neo4jBackendError` with a message saying what to fix."""
    try:
        yield
    except Neo4jBackendError:
        raise
    except ne.AuthError as exc:
        raise _error(client_error_message(exc, settings), settings) from None
    except ne.ServiceUnavailable as exc:
        raise _error(
            f"cannot reach a Neo4j server at {settings.uri} ({_one_line(exc)}); is it running? "
            "Check the URI (bolt://host:7687, neo4j://host:7687 or neo4j+s://<id>.databases.neo4j.io).",
            settings,
        ) from None
    except ne.ConfigurationError as exc:
        raise _error(f"bad Neo4j connection settings for {settings.uri}: {_one_line(exc)}", settings) from None
    except ne.Neo4jError as exc:
        code = exc.code or ""
        kind = QueryTimedOut if "TimedOut" in code else MissingParameter if code.endswith("ParameterMissing") else Neo4jBackendError
        raise _error(client_error_message(exc, settings), settings, kind) from None
    except ne.DriverError as exc:
        raise _error(f"Neo4j driver error talking to {settings.uri}: {_one_line(exc)}", settings) from None
    except ValueError as exc:  # the driver rejects some malformed URIs and values with ValueError
        raise _error(f"Neo4j rejected a value for {settings.uri}: {exc}", settings) from None


# --- one driver per use ------------------------------------------------------------------------


class Neo4jConnection:
    """One verified driver, for one use (a command, a test session); close it (or use ``with``) at the end."""

    def __init__(self, settings: Neo4jSettings, driver: Any):
        self.settings = settings
        self.driver = driver

    def session(self, write: bool = False):
        """A session in WRITE or READ access mode (the server refuses writes in a READ transaction)."""
        return self.driver.session(
            database=self.settings.database,
            default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
        )

    def errors(self):
        return translated_errors(self.settings)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> "Neo4jConnection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect(settings: Neo4jSettings) -> Neo4jConnection:
    """A connected driver (connectivity and credentials checked); errors translated.

    Server notifications are turned off: they are hints for query authors, not for loads.
    """
    with translated_errors(settings):
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            notifications_min_severity="OFF",
            user_agent=USER_AGENT,
        )
        try:
            driver.verify_connectivity()
        except BaseException:
            driver.close()
            raise
    return Neo4jConnection(settings, driver)


@contextmanager
def connected(target: Neo4jSettings | Neo4jConnection) -> Iterator[Neo4jConnection]:
    """The given connection (left open), or a new one for these settings (closed on exit)."""
    if isinstance(target, Neo4jConnection):
        yield target
        return
    with connect(target) as conn:
        yield conn


@contextmanager
def open_driver(settings: Neo4jSettings) -> Iterator[Any]:
    """A connected ``neo4j.Driver``, closed on exit (for callers that want the driver itself)."""
    with connect(settings) as conn:
        yield conn.driver


def check_connection(target: Neo4jSettings | Neo4jConnection) -> None:
    """Raise :class:`Neo4jBackendError` unless the server answers, accepts the credentials and has the database."""
    with connected(target) as conn, conn.errors(), conn.session() as session:
        session.run("RETURN 1").consume()
