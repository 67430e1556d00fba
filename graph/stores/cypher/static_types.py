"""The types Neo4j's semantic check gives an expression before running, and the function calls it rejects.

Neo4j refuses ``toString({a: 1})`` or ``labels(n.name)`` at compile time, even when no
row would reach the call; the local engine must refuse the same queries, not answer them.
A type here is a set of kinds the value may have; a call is an error when the kinds of
its first argument share none with what the function accepts. Only what is certain is
inferred (literals, maps, lists, pattern variables, stored properties, function results);
anything else may be any kind, so a doubt never turns into an error.

>>> from cypherast import parse_one
>>> e = parse_one("RETURN toString({a: 1})", read="neo4j").this.clauses[0].expressions[0]
>>> rejected(e, {})
'toString() expects Boolean, Date, Float, Integer, Other or String, not Map'
"""

from __future__ import annotations

from typing import NamedTuple

from cypherast import ast

SCALARS = frozenset({"Boolean", "Integer", "Float", "String", "Date", "Other"})  # Other: point, duration, time
ANY = SCALARS | {"List", "Map", "Node", "Relationship", "Path"}
STORED = SCALARS | {"List"}  # what a node or relationship property can hold (a list of scalars)
LIST = frozenset({"List"})
ENTITY = frozenset({"Map", "Node", "Relationship"})  # what has keys
NUMBER = frozenset({"Integer", "Float"})


class Type(NamedTuple):
    kinds: frozenset
    items: "Type | None" = None  # the type of a list's elements; None: not known


UNKNOWN = Type(ANY)


def _of(*kinds: str) -> Type:
    return Type(frozenset(kinds))


def _list(items: Type | None) -> Type:
    return Type(LIST, items)


def union(types) -> Type:
    """The type of a value that has one of ``types``."""
    types = list(types)
    lists = [t for t in types if "List" in t.kinds]
    items = None if not lists or any(t.items is None for t in lists) else union(t.items for t in lists)
    return Type(frozenset().union(*(t.kinds for t in types)), items)


PATH = _of("Path")
PROPERTY = Type(STORED, Type(SCALARS))


#: What Neo4j 5.26 accepts as the first argument of each function (tests/cypher/test_static_types.py
#: checks every pair against EXPLAIN on the server).
ACCEPTS = {
    "tostring": SCALARS, "tointeger": SCALARS - {"Date", "Other"} | {"List"},
    "tofloat": frozenset({"String", "Integer", "Float"}), "toboolean": frozenset({"String", "Boolean", "Integer"}),
    **dict.fromkeys(("toupper", "tolower", "trim", "ltrim", "rtrim", "substring", "left", "right", "replace",
                     "split"), frozenset({"String"})),
    **dict.fromkeys(("reverse", "size"), frozenset({"String", "List"})),
    **dict.fromkeys(("round", "abs", "ceil", "floor", "sign", "sqrt"), NUMBER),
    **dict.fromkeys(("head", "last", "tail"), frozenset({"List"})),
    **dict.fromkeys(("type", "startnode", "endnode"), frozenset({"Relationship"})),
    **dict.fromkeys(("properties", "keys"), frozenset({"Map", "Node", "Relationship"})),
    **dict.fromkeys(("length", "nodes", "relationships"), frozenset({"Path"})),
    "labels": frozenset({"Node"}),
}

#: The type of each function's result, where it does not depend on the argument.
RESULTS = {
    **dict.fromkeys(("tostring", "toupper", "tolower", "trim", "ltrim", "rtrim", "substring", "left", "right",
                     "replace", "type"), _of("String")),
    **dict.fromkeys(("size", "length", "count", "tointeger"), _of("Integer")),
    "tofloat": _of("Float"), "toboolean": _of("Boolean"), "date": _of("Date"),
    **dict.fromkeys(("startnode", "endnode"), _of("Node")), "properties": _of("Map"),
    **dict.fromkeys(("keys", "labels", "split"), _list(_of("String"))),
    "nodes": _list(_of("Node")), "relationships": _list(_of("Relationship")), "range": _list(_of("Integer")),
}

_LITERALS = {ast.String: "String", ast.Integer: "Integer", ast.Float: "Float", ast.Boolean: "Boolean"}


def _element(t: Type) -> Type:
    """The type of one element of ``t``."""
    if "List" not in t.kinds:
        return UNKNOWN
    return t.items or UNKNOWN


def infer(e, scope: dict) -> Type:
    """The type of expression ``e``; ``scope`` maps variables to their types."""
    if type(e) in _LITERALS:
        return _of(_LITERALS[type(e)])
    if isinstance(e, (ast.Map, ast.MapProjection)):
        return _of("Map")
    if isinstance(e, ast.List):
        return _list(union(infer(x, scope) for x in e.expressions) if e.expressions else None)
    if isinstance(e, ast.Identifier):
        return scope.get(e.this, UNKNOWN)
    if isinstance(e, ast.Property):
        return PROPERTY if infer(e.this, scope).kinds <= {"Node", "Relationship"} else UNKNOWN
    if isinstance(e, ast.ListSubscript):
        return _element(infer(e.this, scope))
    if isinstance(e, ast.ListSlice):
        return _list(infer(e.this, scope).items)
    if isinstance(e, ast.Coalesce):
        return union(infer(x, scope) for x in e.expressions)
    if isinstance(e, ast.ListComprehension):
        return _comprehension(e, scope)
    if isinstance(e, ast.PatternComprehension):
        return _list(None)
    if isinstance(e, ast.FunctionCall):
        return _call_result(e, scope)
    return UNKNOWN


def _comprehension(e, scope: dict) -> Type:
    source = infer(e.source, scope)
    if e.projection is None:
        return _list(source.items)
    return _list(infer(e.projection, scope | {e.variable.this: element_of(e.source, scope)}))


def _call_result(e, scope: dict) -> Type:
    name = e.name.lower()
    first = infer(e.expressions[0], scope) if e.expressions and not isinstance(e.expressions[0], ast.Star) else UNKNOWN
    if name == "collect":
        return _list(first)
    if name in ("head", "last"):
        return _element(first)
    if name == "tail":
        return _list(first.items)
    return RESULTS.get(name, UNKNOWN)


def element_of(e, scope: dict) -> Type:
    """The type of the variable bound to each element of the list ``e`` (UNWIND, comprehensions):
    Neo4j types a map bound to a variable as one that may be a node or a relationship."""
    item = _element(infer(e, scope))
    return Type(item.kinds | {"Node", "Relationship"}, item.items) if "Map" in item.kinds else item


def pattern_types(path) -> dict:
    """The variables a MATCH path binds: nodes, relationships (a list for a variable length) and the path."""
    out = {}
    if path.variable is not None:
        out[path.variable.this] = PATH
    for el in path.elements:
        if isinstance(el, ast.ShortestPath):
            out |= pattern_types(el.this)
        elif isinstance(el, ast.NodePattern) and el.variable is not None:
            out[el.variable.this] = _of("Node")
        elif isinstance(el, ast.RelationshipPattern) and el.variable is not None:
            out[el.variable.this] = _list(_of("Relationship")) if el.variable_length else _of("Relationship")
    return out


def _names(kinds) -> str:
    names = sorted(kinds)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _operand(e, scope: dict):
    """(what, operand, the kinds it must be one of) for an expression whose operand Neo4j type-checks."""
    if isinstance(e, ast.FunctionCall) and e.name.lower() in ACCEPTS and e.expressions:
        return f"{e.name}()", e.expressions[0], ACCEPTS[e.name.lower()]
    if isinstance(e, ast.ListSubscript):
        index = infer(e.index, scope).kinds
        accepts = LIST if index == {"Integer"} else ENTITY if index == {"String"} else ANY
        return "a subscript [...]", e.this, accepts
    if isinstance(e, ast.ListSlice):
        return "a slice [..]", e.this, LIST
    if isinstance(e, (ast.ListComprehension, ast.Quantifier, ast.ListLambda)):
        return f"{e.variable.this} IN ...", e.source, LIST
    return None


def rejected(e, scope: dict) -> str | None:
    """Why Neo4j's type check rejects ``e`` (a call, subscript or iteration) before running, or None."""
    found = _operand(e, scope)
    if found is None:
        return None
    what, operand, accepts = found
    kinds = infer(operand, scope).kinds
    return None if kinds & accepts else f"{what} expects {_names(accepts)}, not {_names(kinds)}"
