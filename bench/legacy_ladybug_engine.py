"""Cypher without a server: Neo4j-dialect queries on an embedded LadybugDB copy of the graph.

LadybugDB (the maintained fork of Kùzu, PyPI ``ladybug``) is an in-process Cypher database.
:class:`EmbeddedCypher` copies a partnergraph graph into a LadybugDB with the
property-graph mapping of :mod:`propgraph` (one node table per kind, one relationship
table per edge type, the same property names), then answers Cypher written for Neo4j.
The copy is built in memory, or once per dataset on disk and reopened read-only by
:mod:`cypher_cache` (what ``partnergraph query`` does).

The two dialects differ in a few places. A thin, tested translation (:func:`translate`)
closes the well-known gaps, and every construct whose answer would differ without a
translation is refused with :class:`UnsupportedQuery`, naming the construct and
suggesting ``--backend neo4j``; a query is never answered differently from Neo4j on
purpose. Which constructs are supported is decided by the conformance suite in
``tests/cypher/`` (every query runs on a real Neo4j and here; see docs/cypher.md).

Translations (Neo4j -> LadybugDB):

* labels: ``(n:Actor)`` -> ``(n:State:Union:...)`` (a LadybugDB node has one table, and
  ``:A:B`` means A *or* B there, *and* in Neo4j);
* ``type(r)`` -> ``label(r)``, ``split`` -> ``string_split``;
* relationship uniqueness: Neo4j never binds one relationship twice in a MATCH; the
  translation names the relationships and adds ``id(r1) <> id(r2)``;
* variable length: ``*1..3`` -> ``* TRAIL 1..3`` (Neo4j's no-repeated-relationship
  semantics), an open upper bound becomes the number of relationships;
* ``shortestPath(...)`` / ``allShortestPaths(...)`` -> ``* SHORTEST`` / ``* ALL SHORTEST``;
* ``head(x)`` / ``last(x)`` -> ``list_extract(x, ...)`` with a null index for an empty list;
* result columns keep Neo4j's names (the expression as written).

>>> from partnergraph.graph.model.build import load_graph
>>> engine = EmbeddedCypher(load_graph())
>>> result = engine.query("MATCH (s:State) WHERE s.iso IN $codes RETURN s.name ORDER BY s.name",
...                       {"codes": ["VN", "JP"]})
>>> result.columns, result.rows
(['s.name'], [['Japan'], ['Viet Nam']])
>>> engine.query("MATCH (n) SET n.name = 'x'")
Traceback (most recent call last):
  ...
partnergraph.graph.stores.cypher.engine.ReadOnlyQuery: SET: the embedded engine is read-only; write with --backend neo4j --write
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx

from partnergraph.graph.model import propgraph
from partnergraph.graph.stores.cypher.values import LABELS_COLUMN, render_embedded
from partnergraph.graph.model.schema import get_schema

HINT = "run it on a server with --backend neo4j"
# The Neo4j model of neo4j_backend: a marker label on every node, :Source nodes, evidence links.
MARKER_LABEL = "PartnerGraph"
SOURCE_LABEL = "Source"
EVIDENCE_TYPE = "EVIDENCED_BY"


class UnsupportedQuery(ValueError):
    """The embedded engine cannot answer this query exactly as Neo4j would."""

    def __init__(self, construct: str, why: str = ""):
        self.construct = construct
        why = f" ({why})" if why else ""
        super().__init__(f"{construct} is not supported by the embedded engine{why}; {HINT}")


class ReadOnlyQuery(UnsupportedQuery):
    """A write clause sent to the read-only embedded engine."""

    def __init__(self, clause: str):
        self.construct = clause
        ValueError.__init__(self, f"{clause}: the embedded engine is read-only; write with --backend neo4j --write")


class QueryTimeout(RuntimeError):
    """The query ran longer than its timeout."""


class QueryInterrupted(RuntimeError):
    """The query was interrupted (Ctrl-C)."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # values already in the common form of cypher_values
    translated: str = ""


# --- what the embedded engine runs exactly as Neo4j does (from the conformance suite) ------

#: Functions whose results match Neo4j's on the conformance suite (lower-case names).
SUPPORTED_FUNCTIONS = frozenset({
    "count", "collect", "min", "max", "sum",
    "size", "length", "nodes", "relationships",
    "tolower", "toupper", "trim", "ltrim", "rtrim", "replace", "split", "left", "right", "reverse",
    "coalesce", "date", "abs", "type", "head", "last",
    "shortestpath", "allshortestpaths", "all", "any", "none",
})

#: Functions and constructs refused on purpose, with the reason (the engine would differ).
KNOWN_DIFFERENCES = {
    "substring": "its positions are 0-based in Neo4j and 1-based in the embedded engine",
    "id": "internal ids differ between databases; use the id property (n.id)",
    "elementid": "internal ids differ between databases; use the id property (n.id)",
    "keys": "the embedded engine lists every column of the node's table, set or not",
    "properties": "the embedded engine lists every column of the node's table, set or not",
    "avg": "floating-point averages differ from Neo4j's in the last digit",
    "labels": "Neo4j lists labels in the order of its internal label ids",
}

#: Same function, another name in the embedded engine.
RENAMED_FUNCTIONS = {"type": "label", "split": "string_split"}

WRITE_CLAUSES = {"create", "merge", "set", "delete", "detach", "remove", "drop", "alter", "copy",
                 "load", "install", "attach", "export", "import", "checkpoint", "begin", "commit",
                 "rollback", "foreach", "use", "uninstall"}
UNSUPPORTED_CLAUSES = {"call": "CALL (procedures and subqueries)", "union": "UNION"}
CLAUSES = {"match", "optional", "where", "with", "return", "unwind", "order", "skip", "limit", "union", "call"}
KEYWORDS = CLAUSES | WRITE_CLAUSES | {
    "and", "or", "xor", "not", "in", "is", "null", "as", "by", "distinct", "asc", "desc", "ascending",
    "descending", "case", "when", "then", "else", "end", "starts", "ends", "contains", "true", "false",
    "exists", "count",
}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<param>\$[A-Za-z_][A-Za-z_0-9]*)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op><>|<=|>=|=~|\.\.|[-+*/%^=<>()\[\]{}:,.|;&!])
""", re.VERBOSE | re.DOTALL)


@dataclass
class Token:
    kind: str
    text: str

    @property
    def low(self) -> str:
        return self.text.lower() if self.kind == "name" else self.text


def tokenize(cypher: str) -> list[Token]:
    """Cypher text as tokens (strings, names, operators...), whitespace and comments kept.

    >>> [t.text for t in tokenize("MATCH (n:State) RETURN n.name // all") if t.kind != "ws"]
    ['MATCH', '(', 'n', ':', 'State', ')', 'RETURN', 'n', '.', 'name', '// all']
    """
    tokens, pos = [], 0
    while pos < len(cypher):
        m = _TOKEN.match(cypher, pos)
        if not m:
            raise UnsupportedQuery(f"the character {cypher[pos]!r} at position {pos}")
        tokens.append(Token(m.lastgroup, m.group()))
        pos = m.end()
    return tokens


def _code(tokens: list[Token]) -> list[int]:
    """Positions of the tokens that are code (not whitespace or comments)."""
    return [i for i, t in enumerate(tokens) if t.kind not in ("ws", "comment")]


@dataclass
class _Context:
    """What the translation needs to know about the embedded database."""

    label_tables: dict[str, set[str]]  # Neo4j label -> node tables carrying it
    max_trail: int  # longest possible trail: the number of relationships
    max_shortest: int  # longest possible shortest path: nodes - 1
    counter: list[int] = field(default_factory=lambda: [0])

    def fresh(self) -> str:
        self.counter[0] += 1
        return f"_r{self.counter[0]}"


# --- checks and translations ----------------------------------------------------------------

def _check_constructs(tokens: list[Token]) -> None:
    code = _code(tokens)
    for n, i in enumerate(code):
        tok = tokens[i]
        prev = tokens[code[n - 1]] if n else None
        nxt = tokens[code[n + 1]] if n + 1 < len(code) else None
        after_dot = prev is not None and prev.text in (".", ":")
        if tok.kind == "name" and not after_dot and not (nxt is not None and nxt.text == ":" and prev and prev.text in ("{", ",")):
            if tok.low in WRITE_CLAUSES:
                raise ReadOnlyQuery(tok.text.upper())
            if tok.low in UNSUPPORTED_CLAUSES:
                raise UnsupportedQuery(UNSUPPORTED_CLAUSES[tok.low])
            if nxt is not None and nxt.text == "(" and tok.low not in KEYWORDS - {"exists", "count"}:
                if tok.low in KNOWN_DIFFERENCES:
                    raise UnsupportedQuery(f"the function {tok.text}()", KNOWN_DIFFERENCES[tok.low])
                if tok.low not in SUPPORTED_FUNCTIONS:
                    raise UnsupportedQuery(f"the function {tok.text}()", "not covered by the conformance suite")
            if tok.low in ("exists", "count") and nxt is not None and nxt.text == "{":
                raise UnsupportedQuery(f"the {tok.text.upper()} {{...}} subquery")
        if tok.text == "[" and prev is not None and (
            prev.kind in ("param", "quoted", "string") or prev.text in (")", "]")
            or (prev.kind == "name" and prev.low not in KEYWORDS)
        ):
            raise UnsupportedQuery("list indexing and slicing (x[i], x[a..b])",
                                   "0-based in Neo4j, 1-based in the embedded engine")
        if tok.text == "{" and nxt is not None and nxt.text == "." :
            raise UnsupportedQuery("map projection (n {.prop})")
        if tok.text == "*" and prev is not None and prev.low in ("return", "with", "distinct"):
            raise UnsupportedQuery(f"{prev.text.upper()} *", "column order differs")
        if tok.text == "|" and _inside_list_comprehension(tokens, code, n):
            raise UnsupportedQuery("list comprehension ([x IN list WHERE ... | ...])")


def _inside_list_comprehension(tokens: list[Token], code: list[int], n: int) -> bool:
    depth = 0
    for m in range(n - 1, -1, -1):
        t = tokens[code[m]].text
        if t in (")", "]", "}"):
            depth += 1
        elif t in ("(", "{"):
            if depth == 0:
                return False
            depth -= 1
        elif t == "[":
            if depth == 0:
                return not (m > 0 and tokens[code[m - 1]].text in ("-", "<"))  # not a relationship pattern
            depth -= 1
    return False


def _clause_spans(tokens: list[Token]) -> list[tuple[str, int, int]]:
    """Top-level clauses as (keyword, first token, end token) over the code positions."""
    code = _code(tokens)
    starts, depth = [], 0
    for n, i in enumerate(code):
        t = tokens[i]
        if t.text in ("(", "[", "{"):
            depth += 1
        elif t.text in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and t.kind == "name" and t.low in ("match", "with", "return", "unwind", "optional"):
            if t.low == "match" and n and tokens[code[n - 1]].low == "optional":
                continue
            if n and tokens[code[n - 1]].text in (".", ":"):
                continue
            starts.append((t.low, n))
    spans = []
    for k, (word, n) in enumerate(starts):
        end = starts[k + 1][1] if k + 1 < len(starts) else len(code)
        spans.append((word, n, end))
    return spans


def _alias_return_items(tokens: list[Token]) -> list[Token]:
    """Give each item of the final RETURN Neo4j's column name: the expression as written."""
    spans = _clause_spans(tokens)
    if not spans or spans[-1][0] != "return":
        return tokens
    code = _code(tokens)
    _, first, end = spans[-1]
    n = first + 1
    if n < end and tokens[code[n]].low == "distinct":
        n += 1
    items, depth, start = [], 0, n
    stop = end
    for m in range(n, end):
        t = tokens[code[m]]
        if t.text in ("(", "[", "{"):
            depth += 1
        elif t.text in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and (t.text == "," or t.low in ("order", "skip", "limit") or t.text == ";"):
            items.append((start, m))
            start = m + 1
            if t.text != ",":
                stop = m
                break
    if stop == end:
        items.append((start, end))
    inserts = []
    for a, b in items:
        if b <= a:
            continue
        lows = [tokens[code[m]].low for m in range(a, b)]
        if len(lows) >= 2 and lows[-2] == "as":
            continue
        text = "".join(t.text for t in tokens[code[a]:code[b - 1] + 1]).strip()
        inserts.append((code[b - 1] + 1, text))
    out = list(tokens)
    for pos, text in sorted(inserts, reverse=True):
        alias = "`" + text.replace("`", "``") + "`"
        out[pos:pos] = [Token("ws", " "), Token("name", "AS"), Token("ws", " "), Token("quoted", alias)]
    return out


def _translate_functions(tokens: list[Token]) -> list[Token]:
    """``type(r)`` -> ``label(r)``; ``split(s, d)`` -> ``string_split(s, d)``."""
    code = _code(tokens)
    out = list(tokens)
    for n, i in enumerate(code):
        t = tokens[i]
        if t.kind != "name" or n + 1 >= len(code) or tokens[code[n + 1]].text != "(":
            continue
        if n and tokens[code[n - 1]].text == ".":
            continue
        if t.low in RENAMED_FUNCTIONS:
            out[i] = Token("name", RENAMED_FUNCTIONS[t.low])
    return out


def _translate_labels(tokens: list[Token], ctx: _Context) -> list[Token]:
    """``(n:Actor)`` -> ``(n:State:Union:...)``: Neo4j's label conjunction as a table list."""
    code = _code(tokens)
    out = list(tokens)
    for n, i in enumerate(code):
        if tokens[i].text != "(":
            continue
        m = n + 1
        if m < len(code) and tokens[code[m]].kind in ("name", "quoted") and tokens[code[m]].low not in KEYWORDS:
            m += 1
        labels, first = [], m
        while m + 1 < len(code) and tokens[code[m]].text == ":" and tokens[code[m + 1]].kind in ("name", "quoted"):
            labels.append(tokens[code[m + 1]].text.strip("`"))
            m += 2
        if not labels:
            continue
        if m < len(code) and tokens[code[m]].text in ("|", "&", "!", "%"):
            raise UnsupportedQuery(f"the label expression '{tokens[code[m]].text}'")
        tables = None
        for label in labels:
            if label not in ctx.label_tables:
                raise UnsupportedQuery(f"the label :{label}", "no such label in this dataset")
            tables = ctx.label_tables[label] if tables is None else tables & ctx.label_tables[label]
        if not tables:
            raise UnsupportedQuery(f"the label combination :{':'.join(labels)}", "no node can carry it")
        out[code[first]] = Token("op", ":" + ":".join(f"`{t}`" for t in sorted(tables)))
        for k in range(code[first] + 1, code[m - 1] + 1):
            out[k] = Token("ws", "")
    return out


def _relationship_patterns(tokens: list[Token], code: list[int], a: int, b: int) -> list[tuple[int, int]]:
    """(open, close) code positions of the relationship patterns ``-[...]-`` between a and b."""
    found, n = [], a
    while n < b:
        if tokens[code[n]].text == "[" and n and tokens[code[n - 1]].text == "-":
            depth, m = 0, n
            while m < b:
                text = tokens[code[m]].text
                depth += text in ("[", "(", "{")
                depth -= text in ("]", ")", "}")
                if depth == 0:
                    break
                m += 1
            found.append((n, m))
            n = m
        n += 1
    return found


def _translate_variable_length(tokens: list[Token], code: list[int], rel: tuple[int, int],
                               shortest: str | None, ctx: _Context) -> bool:
    """``*a..b`` -> ``* TRAIL a..b`` (or ``* SHORTEST``); True if the relationship had a ``*``."""
    lo, hi = rel
    star = next((m for m in range(lo, hi) if tokens[code[m]].text == "*"), None)
    if star is None:
        return False
    m, parts = star + 1, []
    while m < hi and tokens[code[m]].kind in ("number", "op") and tokens[code[m]].text not in ("{", "]"):
        parts.append(tokens[code[m]].text)
        m += 1
    spec = "".join(parts)
    if spec == "":
        low, high = "1", None
    elif re.fullmatch(r"\d+", spec):
        low = high = spec
    elif re.fullmatch(r"(\d*)\.\.(\d*)", spec):
        low, high = re.fullmatch(r"(\d*)\.\.(\d*)", spec).groups()
        low, high = low or "1", high or None
    else:
        raise UnsupportedQuery(f"the variable-length bound *{spec}")
    limit = ctx.max_shortest if shortest else ctx.max_trail
    high = str(min(int(high), limit)) if high is not None else str(limit)
    if int(low) > int(high):
        high = low
    semantic = {"shortest": "SHORTEST", "all": "ALL SHORTEST"}.get(shortest, "TRAIL")
    tokens[code[star]] = Token("op", f"* {semantic} {low}..{high}")
    for k in range(star + 1, m):
        tokens[code[k]] = Token("op", "")
    return True


def _translate_patterns(tokens: list[Token], ctx: _Context) -> list[Token]:
    """Variable length, shortest paths and relationship uniqueness, clause by clause."""
    tokens = list(tokens)
    code = _code(tokens)
    # shortestPath( PATTERN ) -> PATTERN, remembering which relationships are shortest
    shortest_rels: dict[int, str] = {}
    for n, i in enumerate(code):
        low = tokens[i].low
        if low in ("shortestpath", "allshortestpaths") and n + 1 < len(code) and tokens[code[n + 1]].text == "(":
            depth, m = 0, n + 1
            while m < len(code):
                text = tokens[code[m]].text
                depth += text == "("
                depth -= text == ")"
                if depth == 0:
                    break
                m += 1
            rels = _relationship_patterns(tokens, code, n + 1, m)
            if len(rels) != 1:
                raise UnsupportedQuery(f"{tokens[i].text}() over more than one relationship")
            shortest_rels[rels[0][0]] = "shortest" if low == "shortestpath" else "all"
            for k in (i, code[n + 1], code[m]):  # blanked, code positions unchanged
                tokens[k] = Token("op", "")
    inserts: list[tuple[int, str, int | None]] = []
    for word, a, b in _clause_spans(tokens):
        if word not in ("match", "optional"):
            continue
        rels = _relationship_patterns(tokens, code, a, b)
        names, var_length = [], []
        for rel in rels:
            lo, hi = rel
            if _translate_variable_length(tokens, code, rel, shortest_rels.get(lo), ctx):
                var_length.append(rel)
                if lo in shortest_rels and len(rels) > 1:
                    raise UnsupportedQuery("shortestPath() in a MATCH with other relationships")
                continue
            first = tokens[code[lo + 1]] if lo + 1 < hi else None
            if first is not None and first.kind in ("name", "quoted"):
                names.append(first.text)
            else:
                name = ctx.fresh()
                tokens[code[lo]] = Token("op", "[" + name)
                names.append(name)
        if var_length and (names or len(var_length) > 1):
            raise UnsupportedQuery("a variable-length relationship together with other relationships in one MATCH",
                                   "Neo4j keeps them distinct")
        if len(names) < 2:
            continue
        condition = " AND ".join(f"id({x}) <> id({y})" for x, y in combinations(names, 2))
        where = next((m for m in range(a, b) if tokens[code[m]].low == "where"), None)
        if where is None:
            inserts.append((code[b - 1] + 1, f" WHERE {condition}", None))
        else:
            inserts.append((code[where] + 1, f" ({condition}) AND (", None))
            inserts.append((code[b - 1] + 1, ")", None))
    for pos, text, _ in sorted(inserts, key=lambda x: x[0], reverse=True):
        tokens[pos:pos] = [Token("op", text)]
    return tokens


#: ``head(x)`` / ``last(x)``: the element at this list_extract index (null for an empty list, as in Neo4j).
LIST_ENDS = {"head": "1", "last": "-1"}


def _translate_list_ends(text: str) -> str:
    """``head(x)`` -> ``list_extract(x, CASE WHEN size(x) > 0 THEN 1 END)`` (``last``: index -1).

    The engine's ``list_extract`` fails on an empty list where Neo4j's ``head``/``last`` give
    null; a null index gives null. Runs last, on the translated text, innermost call first.

    >>> _translate_list_ends("RETURN head(n.domains)")
    'RETURN list_extract(n.domains, CASE WHEN size(n.domains) > 0 THEN 1 END)'
    >>> _translate_list_ends("RETURN last(x)")
    'RETURN list_extract(x, CASE WHEN size(x) > 0 THEN -1 END)'
    """
    while True:
        tokens = tokenize(text)
        code = _code(tokens)
        calls = [n for n, i in enumerate(code) if tokens[i].low in LIST_ENDS and n + 1 < len(code)
                 and tokens[code[n + 1]].text == "(" and not (n and tokens[code[n - 1]].text == ".")]
        if not calls:
            return text
        n = calls[-1]  # the last call opened is innermost or after every other
        depth, m = 0, n + 1
        while m < len(code):
            depth += tokens[code[m]].text == "("
            depth -= tokens[code[m]].text == ")"
            if depth == 0:
                break
            m += 1
        if m == len(code):
            raise UnsupportedQuery(f"the unbalanced {tokens[code[n]].text}( call")
        arg = "".join(t.text for t in tokens[code[n + 1] + 1:code[m]]).strip()
        call = f"list_extract({arg}, CASE WHEN size({arg}) > 0 THEN {LIST_ENDS[tokens[code[n]].low]} END)"
        text = "".join(t.text for t in tokens[:code[n]]) + call + "".join(t.text for t in tokens[code[m] + 1:])


def translate(cypher: str, ctx: _Context) -> str:
    """The LadybugDB query that answers a Neo4j query exactly, or :class:`UnsupportedQuery`."""
    tokens = tokenize(cypher.strip().rstrip(";"))
    if ";" in [t.text for t in tokens]:
        raise UnsupportedQuery("several statements separated by ';'")
    _check_constructs(tokens)
    tokens = _alias_return_items(tokens)
    tokens = _translate_functions(tokens)
    tokens = _translate_labels(tokens, ctx)
    tokens = _translate_patterns(tokens, ctx)
    return _translate_list_ends("".join(t.text for t in tokens))


# --- the database ---------------------------------------------------------------------------

def _column_type(values: list[Any]) -> str:
    kinds = set()
    for v in values:
        if isinstance(v, bool):
            kinds.add("BOOLEAN")
        elif isinstance(v, int):
            kinds.add("INT64")
        elif isinstance(v, float):
            kinds.add("DOUBLE")
        elif isinstance(v, date):
            kinds.add("DATE")
        elif isinstance(v, list):
            kinds.add("STRING[]" if all(isinstance(x, str) for x in v) else "ANY")
        else:
            kinds.add("STRING")
    if kinds == {"INT64", "DOUBLE"}:
        return "DOUBLE"
    if len(kinds) != 1 or "ANY" in kinds:
        raise UnsupportedQuery(f"a property with mixed value types {sorted(kinds)}")
    return kinds.pop()


def _columns(records: list[dict]) -> dict[str, str]:
    values: dict[str, list] = {}
    for record in records:
        for k, v in record.items():
            values.setdefault(k, []).append(v)
    return {k: _column_type(v) for k, v in sorted(values.items())}


def _chunks(rows: list[dict], size: int = 20000):
    return (rows[k:k + size] for k in range(0, len(rows), size))


def _table(kind: str) -> str:
    return get_schema().neo4j_labels(kind)[1]


def _create_node_table(conn, table: str, columns: dict[str, str]) -> None:
    cols = "".join(f", `{c}` {t}" for c, t in columns.items() if c != "id")
    conn.execute(f"CREATE NODE TABLE `{table}`(id STRING{cols}, PRIMARY KEY (id))")


def _create_rel_table(conn, name: str, pairs: list[tuple[str, str]], columns: dict[str, str]) -> None:
    ends = ", ".join(f"FROM `{a}` TO `{b}`" for a, b in pairs)
    cols = "".join(f", `{c}` {t}" for c, t in columns.items())
    conn.execute(f"CREATE REL TABLE `{name}`({ends}{cols})")


def _casts(columns: dict[str, str]) -> list[str]:
    return [f"CAST(r.`{c}` AS {t})" for c, t in columns.items()]


def _rows(rows: list[dict], names: list[str]) -> dict:
    return {"rows": [{c: r.get(c) for c in names} for r in rows]}


def _create_nodes(conn, table: str, columns: dict[str, str], rows: list[dict]) -> None:
    """Nodes with ``UNWIND $rows ... CREATE``.

    Not COPY: a node COPY allocates every column for a whole node group (~32 MiB per table
    of 26 columns, measured), while CREATE grows with the rows.
    """
    assign = ", ".join(f"`{c}`: {cast}" for c, cast in zip(columns, _casts(columns)))
    for chunk in _chunks(rows):
        conn.execute(f"UNWIND $rows AS r CREATE (:`{table}` {{id: r.id, {assign}}})",
                     _rows(chunk, ["id", *columns]))


def _copy_rels(conn, rtype: str, src: str, dst: str, columns: dict[str, str], rows: list[dict]) -> None:
    """Relationships with ``COPY ... FROM (UNWIND $rows ...)``.

    Not CREATE: a CREATE-ed relationship lands in an in-memory CSR group allocated for a whole
    node group per (FROM, TO) table pair and direction (~9 MiB per pair, measured), while COPY
    writes groups sized to the data. See docs/cypher.md, "Memory".
    """
    items = ", ".join(["r._from", "r._to", *_casts(columns)])
    for chunk in _chunks(rows):
        conn.execute(f"COPY `{rtype}` FROM (UNWIND $rows AS r RETURN {items}) (from='{src}', to='{dst}')",
                     _rows(chunk, ["_from", "_to", *columns]))


def build_database(conn, G: nx.MultiDiGraph) -> _Context:
    """Load G into an empty LadybugDB through ``conn``, as :mod:`neo4j_backend` loads Neo4j.

    One node table per kind plus :Source, one relationship table per type (only the
    (from, to) table pairs the data has) plus EVIDENCED_BY; returns what the translation needs.
    """
    schema = get_schema()
    nodes = {n: {**propgraph.node_properties(n, a), LABELS_COLUMN: [*propgraph.node_labels(a), MARKER_LABEL]}
             for n, a in G.nodes(data=True)}
    sources = [{**propgraph.source_properties(r), LABELS_COLUMN: [SOURCE_LABEL, MARKER_LABEL]}
               for r in G.graph.get("sources", {}).values()]
    label_tables: dict[str, set[str]] = {SOURCE_LABEL: {SOURCE_LABEL}, MARKER_LABEL: {SOURCE_LABEL}}
    kind_tables = sorted({_table(kind) for kind in schema.node_kinds})
    for kind in schema.node_kinds:
        for label in [*schema.neo4j_labels(kind), MARKER_LABEL]:
            label_tables.setdefault(label, set()).add(_table(kind))
    node_columns = _columns(list(nodes.values()))
    source_columns = _columns(sources)
    for table in kind_tables:
        _create_node_table(conn, table, node_columns)
    _create_node_table(conn, SOURCE_LABEL, source_columns)
    by_table: dict[str, list[dict]] = {SOURCE_LABEL: sources}
    for n, props in nodes.items():
        by_table.setdefault(_table(G.nodes[n]["kind"]), []).append(props)
    for table, rows in by_table.items():
        columns = node_columns if table != SOURCE_LABEL else source_columns
        _create_nodes(conn, table, {c: t for c, t in columns.items() if c != "id"}, rows)

    edges = [(u, v, propgraph.relationship_type(d), propgraph.edge_properties(k, d))
             for u, v, k, d in G.edges(keys=True, data=True)]
    rel_columns = _columns([e[3] for e in edges])
    evidence_columns = {"position": "INT64", "quote": "STRING"}
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for u, v, rtype, props in edges:
        key = (rtype, _table(G.nodes[u]["kind"]), _table(G.nodes[v]["kind"]))
        groups.setdefault(key, []).append({"_from": u, "_to": v, **props})
    for n, a in G.nodes(data=True):
        key = (EVIDENCE_TYPE, _table(a["kind"]), SOURCE_LABEL)
        groups.setdefault(key, []).extend(
            {"_from": n, "_to": e["source"], "quote": e["quote"], "position": i}
            for i, e in enumerate(a.get("evidence", [])))
    # Only the (from, to) table pairs the data has: a pattern over a pair without a table
    # matches nothing, as in Neo4j.
    for etype in [*schema.edge_types.values(), None]:
        name = etype.neo4j_type if etype else EVIDENCE_TYPE
        pairs = sorted((src, dst) for (rtype, src, dst) in groups if rtype == name)
        if not pairs:  # a type without relationships still exists (and matches nothing)
            pairs = [(kind_tables[0], SOURCE_LABEL if etype is None else kind_tables[0])]
        _create_rel_table(conn, name, pairs, evidence_columns if etype is None else rel_columns)
    for (rtype, src, dst), rows in groups.items():
        columns = evidence_columns if rtype == EVIDENCE_TYPE else rel_columns
        _copy_rels(conn, rtype, src, dst, columns, rows)
    n_rels = max(1, sum(len(rows) for rows in groups.values()))
    n_nodes = len(nodes) + len(sources)
    return _Context(label_tables, max_trail=n_rels, max_shortest=max(1, n_nodes - 1))


class EmbeddedCypher:
    """A LadybugDB copy of a graph that answers Neo4j-dialect Cypher, read-only.

    ``EmbeddedCypher(G)`` builds an in-memory copy; :meth:`open` opens a database built
    before (by :mod:`cypher_cache`) read-only, without touching the graph.
    """

    def __init__(self, G: nx.MultiDiGraph, module: str = "ladybug"):
        self._connect(module, ":memory:", read_only=False)
        self._start(build_database(self._conn, G))

    @classmethod
    def open(cls, database: str | Path, context: _Context, module: str = "ladybug") -> "EmbeddedCypher":
        """The engine over a database file written by :func:`build_database`, opened read-only."""
        engine = cls.__new__(cls)
        engine._connect(module, str(database), read_only=True)
        engine._start(context)
        return engine

    def _connect(self, module: str, path: str, read_only: bool) -> None:
        import importlib

        self._lb = importlib.import_module(module)
        self._db = self._lb.Database(path, read_only=read_only)
        self._conn = self._lb.Connection(self._db)

    def _start(self, context: _Context) -> None:
        self._ids = {}
        for internal, node_id in self._conn.execute("MATCH (n) RETURN id(n), n.id").get_all():
            self._ids[(internal["table"], internal["offset"])] = node_id
        self._conn.execute(f"CALL var_length_extend_max_depth={max(30, context.max_trail)}")
        self.context = context

    def close(self) -> None:
        """Release the database (the engine cannot answer afterwards)."""
        self._conn.close()
        self._db.close()

    def translate(self, cypher: str) -> str:
        """The query this engine runs for a Neo4j query (or :class:`UnsupportedQuery`)."""
        return translate(cypher, self.context)

    def query(self, cypher: str, params: dict | None = None, timeout: float | None = None) -> QueryResult:
        """Run a Neo4j-dialect query; rows in the common form of :mod:`cypher_values`.

        Raises :class:`UnsupportedQuery` (or :class:`ReadOnlyQuery`) before running anything
        the engine would answer differently, :class:`QueryTimeout` after ``timeout`` seconds,
        and :class:`QueryInterrupted` on Ctrl-C.
        """
        translated = self.translate(cypher)
        self._conn.set_query_timeout(int(timeout * 1000) if timeout else 0)
        outcome: dict[str, Any] = {}

        def work():
            try:
                result = self._conn.execute(translated, params or {})
                outcome["columns"] = result.get_column_names()
                outcome["rows"] = result.get_all()
            except BaseException as exc:  # handed to the calling thread
                outcome["error"] = exc

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.05)
        except KeyboardInterrupt:
            self._conn.interrupt()
            worker.join()
            raise QueryInterrupted("the query was interrupted") from None
        if "error" in outcome:
            message = str(outcome["error"])
            if "interrupted" in message.lower() and timeout:
                raise QueryTimeout(f"the query ran longer than {timeout:g} s (--timeout)")
            raise UnsupportedQuery("this query", f"the embedded engine says: {message.strip()}") from None
        rows = [[render_embedded(v, self._ids) for v in row] for row in outcome["rows"]]
        return QueryResult(outcome["columns"], rows, translated)
