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


def _walk(node):
    if isinstance(node, ast.AstNode):
        yield node
        for v in node.args.values():
            yield from _walk(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _walk(v)


def warnings(tree, known: Names) -> list[str]:
    labels, types, keys, map_keys = [], [], [], set()
    for node in _walk(tree):
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


# --- variables in scope (Neo4j rejects an undefined variable before running) -----------------

class UndefinedVariable(ValueError):
    """A variable used where it is not defined (Neo4j: 'Variable `x` not defined')."""


def check_scope(tree) -> None:
    """Raise :class:`UndefinedVariable` for the first variable used out of scope."""
    root = tree.this if isinstance(tree, ast.Cypher) else tree
    _statement(root, set())


def _statement(node, outer: set) -> set:
    if isinstance(node, ast.Union):
        _statement(node.this, outer)
        return _statement(node.expression, outer)
    return _clauses(node.clauses, set(outer))


def _pattern_vars(pattern) -> set:
    out = set()
    for node in _walk(pattern):
        if isinstance(node, (ast.NodePattern, ast.RelationshipPattern, ast.PathPattern)) and node.variable is not None:
            out.add(node.variable.this)
    return out


def _clauses(clauses, scope: set) -> set:
    for clause in clauses:
        if isinstance(clause, ast.Match):
            scope = scope | _pattern_vars(clause.pattern)
            _expr(clause.pattern, scope)
            _expr(clause.where, scope)
        elif isinstance(clause, ast.Unwind):
            _expr(clause.expression, scope)
            scope = scope | {clause.alias.this}
        elif isinstance(clause, (ast.With, ast.Return)):
            names = set()
            for item in clause.expressions:
                if isinstance(item, ast.Alias):
                    _expr(item.this, scope)
                    names.add(item.alias.this)
                else:
                    _expr(item, scope)
                    if isinstance(item, ast.Identifier):
                        names.add(item.this)
            both = scope | names
            _expr(clause.order, both)
            _expr(clause.skip, set())
            _expr(clause.limit, set())
            _expr(getattr(clause, "where", None), both)
            scope = names
    return scope


def _expr(e, scope: set) -> None:
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
    if isinstance(e, (ast.ListComprehension, ast.Quantifier)):
        _expr(e.source, scope)
        inner = scope | {e.variable.this}
        _expr(e.where, inner)
        _expr(getattr(e, "projection", None), inner)
        return
    if isinstance(e, ast.ListLambda):
        _expr(e.source, scope)
        _expr(e.initial, scope)
        _expr(e.expression, scope | {e.variable.this, e.accumulator.this})
        return
    if isinstance(e, ast.PatternComprehension):
        inner = scope | _pattern_vars(e.pattern) | ({e.variable.this} if e.variable is not None else set())
        _expr(e.pattern, inner)
        _expr(e.where, inner)
        _expr(e.projection, inner)
        return
    if isinstance(e, (ast.PatternPredicate, ast.CountSubquery)):
        query = e.pattern if isinstance(e, ast.PatternPredicate) else e.query
        if isinstance(query, ast.Query):
            _clauses(query.clauses, set(scope))
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


# --- static types Neo4j checks before running (a list where a scalar function wants a value) ----

#: Functions Neo4j rejects at compile time when given an expression known to be a list.
SCALAR_ONLY = {"tostring", "toupper", "tolower", "trim", "ltrim", "rtrim", "substring", "left", "right",
               "replace", "split", "tointeger", "tofloat", "toboolean", "abs", "round", "ceil", "floor", "sqrt", "sign"}


def _is_list(e, lists: set) -> bool:
    if isinstance(e, (ast.List, ast.ListComprehension, ast.PatternComprehension)):
        return True
    if isinstance(e, ast.FunctionCall) and e.name.lower() in ("collect", "nodes", "relationships", "range", "tail"):
        return True
    return isinstance(e, ast.Identifier) and e.this in lists


def check_types(tree) -> None:
    """Raise :class:`UndefinedVariable`'s sibling error for a list given to a scalar function, as Neo4j does."""
    root = tree.this if isinstance(tree, ast.Cypher) else tree
    queries = [root.this, root.expression] if isinstance(root, ast.Union) else [root]
    for query in queries:
        if not isinstance(query, ast.Query):
            continue
        lists: set = set()
        for clause in query.clauses:
            for node in _walk(clause):
                if isinstance(node, ast.FunctionCall) and node.name.lower() in SCALAR_ONLY and node.expressions \
                        and _is_list(node.expressions[0], lists):
                    raise StaticTypeError(f"type mismatch: {node.name}() expects a single value, not a list")
            if isinstance(clause, (ast.With, ast.Unwind)):
                if isinstance(clause, ast.With):
                    lists = {x.alias.this for x in clause.expressions
                             if isinstance(x, ast.Alias) and _is_list(x.this, lists)} | {
                        x.this for x in clause.expressions if isinstance(x, ast.Identifier) and x.this in lists}
                else:
                    lists.discard(clause.alias.this)


class StaticTypeError(ValueError):
    """A type error Neo4j reports before running the query."""
