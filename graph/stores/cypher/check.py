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
