"""The allow-list: the constructs the local engine answers exactly as Neo4j 5 does.

Each entry is backed by conformance cases (tests/cypher/queries.yaml, run on a real Neo4j
and here) and by the differential generator (tests/cypher/generator.py). Anything else
is refused before running, in one line naming the construct as it was written.
"""

from __future__ import annotations

from cypherast import ast

from partnergraph.graph.stores.cypher.evaluate import AGGREGATES
from partnergraph.graph.stores.cypher.functions import ARITY, FUNCTIONS
from partnergraph.graph.stores.cypher.parse import walk
from partnergraph.graph.stores.cypher.semantics import RegexRefused, java_regex


class UnsupportedQuery(ValueError):
    """The local engine cannot answer this query exactly as Neo4j would: refused, never guessed."""

    def __init__(self, construct: str, why: str = ""):
        self.construct = construct
        why = f" ({why})" if why else ""
        super().__init__(f"{construct} is not supported by the local engine{why}; run it on a Neo4j server")


class ReadOnlyQuery(UnsupportedQuery):
    """A clause that writes, sent to the read-only local engine."""

    def __init__(self, clause: str):
        self.construct = clause
        ValueError.__init__(self, f"{clause}: the local engine is read-only; write on a Neo4j server")


#: Clauses (by what they are called in the documentation).
CLAUSES = {ast.Match: "MATCH / OPTIONAL MATCH", ast.Unwind: "UNWIND", ast.With: "WITH", ast.Return: "RETURN"}
WRITES = {ast.Create: "CREATE", ast.Merge: "MERGE", ast.Set: "SET", ast.Delete: "DELETE", ast.Remove: "REMOVE",
          ast.Foreach: "FOREACH", ast.Insert: "INSERT", ast.LoadCsv: "LOAD CSV"}
REFUSED_CLAUSES = {ast.CallSubquery: ("CALL { ... } (a subquery)", ""),
                   ast.CallProcedure: ("CALL of a procedure", "procedures run on the server"),
                   ast.Filter: ("FILTER", ""), ast.Let: ("LET", ""), ast.Search: ("SEARCH", ""),
                   ast.Use: ("USE", ""), ast.Next: ("NEXT", ""), ast.WhenQuery: ("WHEN", "")}
#: Expressions and pattern parts.
EXPRESSIONS = {
    ast.Integer, ast.Float, ast.String, ast.Boolean, ast.Null, ast.Parameter, ast.Identifier, ast.List, ast.Map,
    ast.Property, ast.LabelPredicate, ast.LabelExpression, ast.And, ast.Or, ast.Xor, ast.Not, ast.Neg, ast.IsNull,
    ast.Add, ast.Sub, ast.Mul, ast.Div, ast.Mod, ast.Pow, ast.EQ, ast.NEQ, ast.In, ast.LT, ast.LTE, ast.GT,
    ast.GTE, ast.StartsWith, ast.EndsWith, ast.Contains, ast.RegexMatch, ast.ListSubscript, ast.ListSlice,
    ast.ListComprehension, ast.Quantifier, ast.ListLambda, ast.Case, ast.Coalesce, ast.MapProjection,
    ast.PropertySelector, ast.FunctionCall, ast.PatternPredicate, ast.CountSubquery, ast.PatternComprehension,
    ast.Alias, ast.Where, ast.Order, ast.Ordered, ast.Skip, ast.Limit, ast.Pattern, ast.PathPattern,
    ast.NodePattern, ast.RelationshipPattern, ast.ShortestPath, ast.Query, ast.Union, ast.Cypher, ast.Star,
}
REFUSED_FUNCTIONS = {
    "id": "internal ids differ between databases; use the id property (n.id)",
    "elementid": "internal ids differ between databases; use the id property (n.id)",
    "labels": "Neo4j lists labels in the order of its internal label ids",
    "keys": "Neo4j lists keys in the order of its internal property-key ids",
    "exists": "exists(n.prop) was removed in Neo4j 5; write n.prop IS NOT NULL",
    "rand": "random", "randomuuid": "random", "timestamp": "the clock",
}
QUANTIFIERS = {"all", "any", "none", "single"}
DATE_FIELD_NAMES = {"year", "month", "day", "quarter", "dayofweek", "ordinalday"}


def check(tree: ast.AstNode) -> None:
    """Raise :class:`UnsupportedQuery` / :class:`ReadOnlyQuery` for the first construct off the list."""
    for node in walk(tree):
        kind = type(node)
        if kind in WRITES:
            raise ReadOnlyQuery(WRITES[kind])
        if kind in REFUSED_CLAUSES:
            raise UnsupportedQuery(*REFUSED_CLAUSES[kind])
        if kind in (ast.Cypher,) and node.version is not None:
            raise UnsupportedQuery(f"CYPHER {node.version}")
        if kind not in CLAUSES and kind not in EXPRESSIONS:
            raise UnsupportedQuery(_describe(node))
        _rules(node)


def _describe(node) -> str:
    names = {ast.QuantifiedPath: "a quantified path pattern ((...){m,n})", ast.Range: "a range",
             ast.GroupBy: "GROUP BY", ast.RelationshipLambda: "a relationship filter lambda"}
    return names.get(type(node), f"the construct {type(node).__name__}")


def _rules(node) -> None:
    if isinstance(node, (ast.With, ast.Return)):
        if any(isinstance(x, ast.Star) for x in node.expressions):
            raise UnsupportedQuery(f"{'RETURN' if isinstance(node, ast.Return) else 'WITH'} *",
                                   "name the columns")
        if node.group_by is not None:
            raise UnsupportedQuery("GROUP BY")
    elif isinstance(node, ast.Match):
        if node.hints or node.search:
            raise UnsupportedQuery("USING (planner hints)")
        shortest = [p for p in node.pattern.paths if p.elements and isinstance(p.elements[0], ast.ShortestPath)]
        if shortest and len(node.pattern.paths) > 1:
            raise UnsupportedQuery("shortestPath() next to other patterns in one MATCH", "write them in separate MATCH clauses")
    elif isinstance(node, ast.ShortestPath):
        elements = node.this.elements
        if len(elements) != 3:
            raise UnsupportedQuery(f"{'allShortestPaths' if node.all_ else 'shortestPath'}() over more than one relationship")
    elif isinstance(node, ast.RelationshipPattern):
        if node.memgraph_quantifier or node.memgraph_weight_expr or node.memgraph_total_weight:
            raise UnsupportedQuery("a weighted relationship pattern")
    elif isinstance(node, ast.LabelExpression):
        if node.expression and not all(part.isidentifier() for part in node.expression.split("|")):
            raise UnsupportedQuery(f"the label expression :{node.expression}", "only :A:B and :A|B are covered")
    elif isinstance(node, ast.FunctionCall):
        low = node.name.lower()
        if low in REFUSED_FUNCTIONS:
            raise UnsupportedQuery(f"the function {node.name}()", REFUSED_FUNCTIONS[low])
        if low in AGGREGATES:
            if len(node.expressions) != 1:
                raise UnsupportedQuery(f"{node.name}() with {len(node.expressions)} arguments")
            if isinstance(node.expressions[0], ast.Star) and low != "count":
                raise UnsupportedQuery(f"{node.name}(*)")
            return
        if low not in FUNCTIONS:
            raise UnsupportedQuery(f"the function {node.name}()", "not on the local engine's allow-list")
        if node.distinct:
            raise UnsupportedQuery(f"DISTINCT in {node.name}()")
        lo, hi = ARITY[low]
        if not lo <= len(node.expressions) <= hi:
            raise UnsupportedQuery(f"{node.name}() with {len(node.expressions)} arguments")
    elif isinstance(node, ast.Quantifier):
        if node.name.lower() not in QUANTIFIERS:
            raise UnsupportedQuery(f"the function {node.name}()")
    elif isinstance(node, ast.ListLambda):
        if node.name.lower() != "reduce":
            raise UnsupportedQuery(f"the function {node.name}()")
    elif isinstance(node, ast.RegexMatch) and isinstance(node.expression, ast.String):
        try:
            java_regex(node.expression.this)
        except RegexRefused as exc:
            raise UnsupportedQuery(f"the regular expression {node.expression.this!r}",
                                   f"{exc} has another meaning in Python than in Neo4j's Java") from None
