"""Where the server is and who we are: settings, URI parsing, the errors of the Neo4j store.

No driver import here (it costs as much start-up time as networkx), so the
command line can check options without loading it.

A password never shows: not in ``repr()``, not in an error message, not when
it was written into the URI (``bolt://neo4j:secret@host:7687`` is taken
apart: the password is used, the URI shown is ``bolt://host:7687``).

>>> Neo4jSettings("bolt://localhost:7687", "neo4j", "secret")   # the password never shows
Neo4jSettings(uri='bolt://localhost:7687', username='neo4j', database=None)
>>> s = Neo4jSettings("bolt://ann:s3cr%40t@db.example:7687")
>>> s.uri, s.username, s.password == "s3cr@t", s.where()
('bolt://db.example:7687', 'ann', True, "bolt://db.example:7687 (user 'ann')")
>>> redact_uri("neo4j://u:p@ss@host:7687/x")
'neo4j://u:***@host:7687/x'
>>> try:
...     Neo4jSettings("bolt://host:99999")
... except BadURI as exc:
...     print(exc)
'bolt://host:99999' is not a usable Neo4j URI (Port out of range 0-65535); use e.g. bolt://localhost:7687, neo4j://host:7687 or neo4j+s://<id>.databases.neo4j.io
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

DEFAULT_URI = "neo4j://localhost:7687"
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Neo4jBackendError(Exception):
    """Something the user can fix: unreachable server, bad credentials, bad Cypher, ..."""


class BadURI(Neo4jBackendError, ValueError):
    """A URI that is not a Neo4j URI (its text is shown with any password hidden)."""


class WriteQueryRefused(Neo4jBackendError):
    """A query that would write (or administer the server), run without ``write=True``."""


class MissingParameter(Neo4jBackendError):
    """A query that uses a parameter ($name) that was not given a value."""


class QueryInterrupted(Neo4jBackendError):
    """Ctrl-C during a query; the server transaction was terminated."""


class QueryTimedOut(Neo4jBackendError):
    """A query that ran past its time limit; the server stopped it."""


def redact_uri(text: str) -> str:
    """``text`` with the password of a ``scheme://user:password@host`` URI replaced by ``***``.

    Robust to URIs that do not parse (no scheme, several ``@``, a ``/`` in the password).
    """
    if not text or "@" not in text:
        return text
    head, sep, rest = text.partition("://")
    head, rest = (head + sep, rest) if sep else ("", text)
    userinfo, _, tail = rest.rpartition("@")
    if ":" not in userinfo:
        return text
    return f"{head}{userinfo.split(':', 1)[0]}:***@{tail}"


def parse_uri(uri: str) -> tuple[str, str | None, str | None]:
    """(the URI without user information, the user name in it, the password in it); :class:`BadURI` if unusable."""
    shown = redact_uri(uri or "")
    hint = "use e.g. bolt://localhost:7687, neo4j://host:7687 or neo4j+s://<id>.databases.neo4j.io"
    try:
        parts = urlsplit(uri or "")
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise BadURI(f"{shown!r} is not a usable Neo4j URI ({exc}); {hint}") from None
    if parts.scheme not in SCHEMES:
        what = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise BadURI(f"{shown!r} is not a Neo4j URI ({what}; Neo4j speaks {', '.join(SCHEMES)}); {hint}")
    if not host:
        raise BadURI(f"{shown!r} is not a Neo4j URI (no host name); {hint}")
    if any(ch.isspace() or ord(ch) < 32 for ch in uri):
        raise BadURI(f"{shown!r} is not a Neo4j URI (it contains spaces or control characters); {hint}")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    del port  # read only to validate it
    return clean, user, password


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the server is and who we are; the password is kept out of repr() and of every message."""

    uri: str = DEFAULT_URI
    username: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str | None = None  # None: the server's default database

    def __post_init__(self) -> None:
        clean, user, password = parse_uri(self.uri)
        object.__setattr__(self, "uri", clean)
        if user and self.username in ("", "neo4j"):
            object.__setattr__(self, "username", user)
        if password is not None and not self.password:
            object.__setattr__(self, "password", password)

    def where(self) -> str:
        db = f", database '{self.database}'" if self.database else ""
        return f"{self.uri} (user '{self.username}'{db})"

    def hide(self, text: str) -> str:
        """``text`` with this password (if any) replaced by ``***``: for messages built from server errors."""
        return text.replace(self.password, "***") if self.password and len(self.password) >= 3 else text


