"""Names in a query checked against the graph, case-sensitively as Neo4j does.

An unknown label, relationship type or property key is not an error in Neo4j: the
pattern matches nothing and the property is null. The local engine gives the same
answer and adds a warning naming the nearest known name:

>>> from cypherast import parse_one
>>> known = Names(labels={"State", "Actor"}, types={"PARTY_TO"}, keys={"name", "iso"})
>>> warnings(parse_one("MATCH (s:state)-[:party_to]->(i) RETURN s.Name", read="neo4j"), known)
['unknown label :state (did you mean :State?)', 'unknown relationship type :party_to (did you mean :PARTY_TO?)', 'unknown property key Name (did you mean name?)']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from cypherast import ast

from partnergraph.graph.stores.cypher.evaluate import DATE_FIELDS
from partnergraph.graph.stores.cypher.parse import walk
from partnergraph.graph.stores.cypher.static_types import (
    PATH, UNKNOWN, element_of, infer, pattern_types, rejected,
)


@dataclass(frozen=True)
class Names:
    labels: frozenset | set
    types: frozenset | set
    keys: frozenset | set


def nearest(name: str, known) -> str | None:
    folded = {k.lower(): k for k in known}
    if name.lower() in folded:
        return folded[name.lower()]
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def warnings(tree, known: Names) -> list[str]:
    labels, types, keys, map_keys = [], [], [], set()
    for node in walk(tree):
        if isinstance(node, ast.LabelExpression):
            labels += list(node.labels or []) + (node.expression.split("|") if node.expression else [])
        elif isinstance(node, ast.RelationshipPattern):
            types += list(node.types or [])
            if node.properties is not None:
                keys += [k for k, _ in node.properties.entries]
        elif isinstance(node, ast.NodePattern) and node.properties is not None:
            keys += [k for k, _ in node.properties.entries]
        elif isinstance(node, ast.Property):
            keys.append(node.name)
        elif isinstance(node, ast.PropertySelector):
            keys.append(node.name)
        elif isinstance(node, ast.Map):
            map_keys |= {k for k, _ in node.entries}
        elif isinstance(node, ast.MapProjection):
            map_keys |= {e[0] for e in node.entries if isinstance(e, tuple)}
    out = []
    for what, names, pool, prefix in (("label", labels, known.labels, ":"),
                                      ("relationship type", types, known.types, ":"),
                                      ("property key", keys, known.keys, "")):
        for name in dict.fromkeys(names):
            if name in pool or (what == "property key" and (name in map_keys or name.lower() in DATE_FIELDS)):
                continue
            near = nearest(name, pool)
            hint = f" (did you mean {prefix}{near}?)" if near else ""
            out.append(f"unknown {what} {prefix}{name}{hint}")
    return out


# --- variables in scope and their types (Neo4j rejects an undefined variable or a type error before running) --

class UndefinedVariable(ValueError):
    """A variable used where it is not defined (Neo4j: 'Variable `x` not defined')."""


def check_scope(tree) -> None:
    """Raise :class:`UndefinedVariable` for the first variable used out of scope and
    :class:`StaticTypeError` for the first call Neo4j's type check rejects."""
    root = tree.this if isinstance(tree, ast.Cypher) else tree
    _statement(root, {})
    for query in _union_parts(root):
        for clause in query.clauses:
            _label_symbols(clause)


def _union_parts(root) -> list:
    return _union_parts(root.this) + _union_parts(root.expression) if isinstance(root, ast.Union) else [root]


def _label_symbols(clause) -> None:
    """Neo4j rejects ``:A:B`` next to ``:A|B`` in one clause (with its WHERE and subqueries)."""
    expressions = [n for n in walk(clause) if isinstance(n, ast.LabelExpression)]
    if any(len(e.labels or []) > 1 for e in expressions) and any("|" in (e.expression or "") for e in expressions):
        raise StaticTypeError("mixing ':' between labels (:A:B) with '|' (:A|B) in one clause is not allowed; "
                              "use one set of symbols")


def _statement(node, outer: dict) -> dict:
    if isinstance(node, ast.Union):
        _statement(node.this, outer)
        return _statement(node.expression, outer)
    return _clauses(node.clauses, dict(outer))


def _pattern_vars(pattern) -> dict:
    """Variable -> type of everything a pattern binds."""
    out = {}
    for node in walk(pattern):
        if isinstance(node, ast.PathPattern):
            out |= pattern_types(node)
    return out


def _clauses(clauses, scope: dict) -> dict:
    for clause in clauses:
        if isinstance(clause, ast.Match):
            scope = _pattern_vars(clause.pattern) | scope
            _expr(clause.pattern, scope)
            _expr(clause.where, scope)
        elif isinstance(clause, ast.Unwind):
            _expr(clause.expression, scope)
            scope = scope | {clause.alias.this: element_of(clause.expression, scope)}
        elif isinstance(clause, (ast.With, ast.Return)):
            names = {}
            for item in clause.expressions:
                _expr(item.this if isinstance(item, ast.Alias) else item, scope)
                if isinstance(item, ast.Alias):
                    names[item.alias.this] = infer(item.this, scope)
                elif isinstance(item, ast.Identifier):
                    names[item.this] = scope[item.this]
            both = scope | names
            _expr(clause.order, both)
            _expr(clause.skip, {})
            _expr(clause.limit, {})
            _expr(getattr(clause, "where", None), both)
            scope = names
    return scope


def _expr(e, scope: dict) -> None:
    if e is None or isinstance(e, (str, int, float, bool)):
        return
    if isinstance(e, (list, tuple)):
        for x in e:
            _expr(x, scope)
        return
    if not isinstance(e, ast.AstNode):
        return
    if isinstance(e, ast.Identifier):
        if e.this not in scope:
            raise UndefinedVariable(f"variable `{e.this}` not defined")
        return
    if why := rejected(e, scope):
        raise StaticTypeError(f"type mismatch: {why}")
    if isinstance(e, (ast.ListComprehension, ast.Quantifier)):
        _expr(e.source, scope)
        inner = scope | {e.variable.this: element_of(e.source, scope)}
        _expr(e.where, inner)
        _expr(getattr(e, "projection", None), inner)
        return
    if isinstance(e, ast.ListLambda):
        _expr(e.source, scope)
        _expr(e.initial, scope)
        _expr(e.expression, scope | {e.variable.this: element_of(e.source, scope), e.accumulator.this: UNKNOWN})
        return
    if isinstance(e, ast.PatternComprehension):
        inner = scope | _pattern_vars(e.pattern) | ({e.variable.this: PATH} if e.variable is not None else {})
        _expr(e.pattern, inner)
        _expr(e.where, inner)
        _expr(e.projection, inner)
        return
    if isinstance(e, (ast.PatternPredicate, ast.CountSubquery)):
        query = e.pattern if isinstance(e, ast.PatternPredicate) else e.query
        if isinstance(query, ast.Query):
            _clauses(query.clauses, dict(scope))
        else:
            inner = scope | _pattern_vars(query)
            _expr(query, inner)
        return
    if isinstance(e, ast.MapProjection):
        _expr(e.this, scope)
        for entry in e.entries:
            if isinstance(entry, str):
                _expr(ast.Identifier(this=entry), scope)
            elif isinstance(entry, tuple):
                _expr(entry[1], scope)
        return
    if isinstance(e, (ast.NodePattern, ast.RelationshipPattern, ast.PathPattern)):
        for key, value in e.args.items():
            if key != "variable":
                _expr(value, scope)
        return
    if isinstance(e, ast.Map):
        for _, value in e.entries:
            _expr(value, scope)
        return
    if isinstance(e, ast.Case):
        _expr(e.this, scope)
        for when, then in e.ifs:
            _expr(when, scope)
            _expr(then, scope)
        _expr(e.default, scope)
        return
    for value in e.args.values():
        _expr(value, scope)


class StaticTypeError(ValueError):
    """A type error Neo4j reports before running the query."""
