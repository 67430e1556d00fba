"""The clauses of an allow-listed query, run over a :class:`PropertyGraph` as Neo4j runs them.

Rows flow clause by clause: MATCH (relationship uniqueness per clause, trails for variable
length, shortest paths found under the WHERE as Neo4j does), OPTIONAL MATCH (nulls when
nothing matches), UNWIND, WITH/RETURN (grouping, aggregation over no rows, DISTINCT,
ORDER BY on Neo4j's orderability, SKIP, LIMIT, WHERE), UNION [ALL].
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterator

from cypherast import ast

from partnergraph.graph.stores.cypher.database import PropertyGraph
from partnergraph.graph.stores.cypher.evaluate import AGGREGATES, Evaluator
from partnergraph.graph.stores.cypher.match import PatternMatcher
from partnergraph.graph.stores.cypher import semantics as s
from partnergraph.graph.stores.cypher.semantics import CypherRuntimeError

def contains_aggregate(e: Any) -> bool:
    if isinstance(e, ast.FunctionCall) and e.name.lower() in AGGREGATES:
        return True
    if isinstance(e, (ast.PatternPredicate, ast.CountSubquery, ast.PatternComprehension)):
        return False
    if isinstance(e, ast.AstNode):
        return any(contains_aggregate(v) for v in e.args.values())
    if isinstance(e, (list, tuple)):
        return any(contains_aggregate(v) for v in e)
    return False


class Runner(PatternMatcher):
    def __init__(self, graph: PropertyGraph, params: dict, deadline: float | None):
        self.g = graph
        self.ev = Evaluator(params, deadline, self)
        self.group: list[dict] | None = None
        self.warnings: list[str] = []
        self.expansions = 0

    # --- queries -----------------------------------------------------------------------
    def run(self, tree) -> tuple[list[str], list[list[Any]]]:
        if isinstance(tree, ast.Cypher):
            tree = tree.this
        if isinstance(tree, ast.Union):
            lc, lr = self.run(tree.this)
            rc, rr = self.run(tree.expression)
            if lc != rc:
                raise CypherRuntimeError("all sub queries in a UNION must have the same return column names")
            rows = lr + rr
            if tree.distinct:
                rows = _distinct(rows)
            return lc, rows
        columns, rows = self.clauses(tree.clauses, [{}], final=True)
        return columns, [[r[c] for c in columns] for r in rows]

    def clauses(self, clauses, rows: list[dict], final: bool):
        columns: list[str] = []
        for n, clause in enumerate(clauses):
            if isinstance(clause, ast.Match):
                rows = self.match_clause(clause, rows)
            elif isinstance(clause, ast.Unwind):
                rows = self.unwind(clause, rows)
            elif isinstance(clause, (ast.With, ast.Return)):
                columns, rows = self.project(clause, rows, final=isinstance(clause, ast.Return))
            else:
                raise CypherRuntimeError(f"cannot run {type(clause).__name__}")
        return columns, rows

    def unwind(self, clause, rows):
        out, name = [], clause.alias.this
        for row in rows:
            v = self.ev.ev(clause.expression, row)
            if v is None:
                continue
            for x in (v if isinstance(v, list) else [v]):
                inner = dict(row)
                inner[name] = x
                out.append(inner)
        return out

    # --- projection --------------------------------------------------------------------
    def project(self, clause, rows: list[dict], final: bool):
        items: list[tuple[str, Any]] = []
        for x in clause.expressions:
            if isinstance(x, ast.Alias):
                items.append((x.alias.this, x.this))
            elif isinstance(x, ast.Identifier):
                items.append((x.this, x))
            elif final and isinstance(x, ast.MapProjection) and isinstance(x.this, ast.Identifier):
                items.append((x.this.this, x))  # Neo4j names `n {.a, .b}` after its variable
            elif final:
                items.append((getattr(x, "_text", None) or repr(x), x))
            else:
                raise CypherRuntimeError("an expression in WITH must be aliased with AS")
        names = [n for n, _ in items]
        if len(set(names)) != len(names):
            raise CypherRuntimeError("several columns have the same name; name them apart with AS")
        aggregating = any(contains_aggregate(e) for _, e in items)
        pairs: list[tuple[dict, dict]] = []
        if not aggregating:
            for row in rows:
                pairs.append((row, {n: self.ev.ev(e, row) for n, e in items}))
        else:
            keys = [(n, e) for n, e in items if not contains_aggregate(e)]
            groups: dict[tuple, tuple[dict, dict, list]] = {}
            for row in rows:
                values = {n: self.ev.ev(e, row) for n, e in keys}
                k = tuple(s.group_key(values[n]) for n, _ in keys)
                if k not in groups:
                    groups[k] = (row, values, [])
                groups[k][2].append(row)
            if not groups and not keys:
                groups[()] = ({}, {}, [])
            for rep, values, members in groups.values():
                self.group = members
                try:
                    out = dict(values)
                    for n, e in items:
                        if n not in out:
                            out[n] = self.ev.ev(e, rep)
                finally:
                    self.group = None
                pairs.append(({}, {n: out[n] for n in names}))
        if clause.distinct:
            seen, unique = set(), []
            for pair in pairs:
                k = tuple(s.group_key(pair[1][n]) for n in names)
                if k not in seen:
                    seen.add(k)
                    unique.append(pair)
            pairs = unique
        if clause.order is not None:
            pairs = self.order(clause.order, pairs, items, aggregating or bool(clause.distinct))
        pairs = pairs[self._count(clause.skip, "SKIP"):]
        if clause.limit is not None:
            pairs = pairs[:self._count(clause.limit, "LIMIT")]
        if getattr(clause, "where", None) is not None:
            where = clause.where.this
            pairs = [p for p in pairs if self.ev.predicate(where, {**p[0], **p[1]})]
        return names, [p[1] for p in pairs]

    def _count(self, node, what: str) -> int:
        if node is None:
            return 0
        v = self.ev.ev(node.this, {})
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise CypherRuntimeError(f"{what} needs a non-negative integer, not {s.render_short(v)}")
        return v

    def order(self, order, pairs, items, projected_only: bool):
        subst = {repr(e): n for n, e in items}
        keyed = []
        for pair in pairs:
            scope = dict(pair[1]) if projected_only else {**pair[0], **pair[1]}
            self.ev.subst = subst
            try:
                keyed.append(([s.order_key(self.ev.ev(o.this, scope)) for o in order.expressions], pair))
            finally:
                self.ev.subst = None
        for i in reversed(range(len(order.expressions))):
            keyed.sort(key=lambda kp: kp[0][i], reverse=bool(order.expressions[i].desc))
        return [p for _, p in keyed]

    def aggregate(self, e, ev: Evaluator):
        name, members = e.name.lower(), self.group
        self.group = None
        try:
            if name == "count" and e.expressions and isinstance(e.expressions[0], ast.Star):
                return len(members)
            if len(e.expressions) != 1:
                raise CypherRuntimeError(f"{e.name}() takes one argument")
            values = [v for v in (ev.ev(e.expressions[0], r) for r in members) if v is not None]
        finally:
            self.group = members
        if e.distinct:
            seen, unique = set(), []
            for v in values:
                k = s.group_key(v)
                if k not in seen:
                    seen.add(k)
                    unique.append(v)
            values = unique
        if name == "count":
            return len(values)
        if name == "collect":
            return values
        if name in ("min", "max"):
            if not values:
                return None
            return (min if name == "min" else max)(values, key=s.order_key)
        if any(not s.is_number(v) for v in values):
            bad = next(v for v in values if not s.is_number(v))
            raise CypherRuntimeError(f"{e.name}() needs numbers, not {s.type_name(bad)}")
        if name == "sum":
            if all(isinstance(v, int) for v in values):
                return sum(values)
            return float(sum(float(v) for v in values))
        if name == "avg":
            if not values:
                return None
            mean = _incremental_mean(values)  # Neo4j's algorithm, in this engine's row order
            others = {_incremental_mean(values[::-1]), _incremental_mean(sorted(values)),
                      float(Fraction(sum(Fraction(v) for v in values), len(values)))}
            if others != {mean}:
                self.warnings.append("avg(): the last digit of this floating-point average depends on the order in "
                                     "which rows are read, which Neo4j does not fix; it may differ there")
            return mean
        raise CypherRuntimeError(f"unknown aggregation {e.name}()")

    # --- subqueries and pattern expressions ---------------------------------------------
    def _subquery_rows(self, query, row) -> Iterator[dict]:
        if isinstance(query, ast.Query):
            clauses = query.clauses
            if clauses and isinstance(clauses[-1], ast.Return):
                saved, self.group = self.group, None
                try:
                    yield from self.clauses(clauses, [dict(row)], final=False)[1]
                finally:
                    self.group = saved
                return
            rows = [dict(row)]
            for clause in clauses:
                rows = self.clauses([clause], rows, final=False)[1]
            yield from rows
            return
        paths = query.paths if isinstance(query, ast.Pattern) else [query]
        yield from self.match_paths(paths, dict(row), set())

    def exists(self, query, row) -> bool:
        saved, self.group = self.group, None
        try:
            return next(iter(self._subquery_rows(query, row)), None) is not None
        finally:
            self.group = saved

    def count(self, query, row) -> int:
        saved, self.group = self.group, None
        try:
            return sum(1 for _ in self._subquery_rows(query, row))
        finally:
            self.group = saved

    def comprehension(self, e, row) -> list:
        path = e.pattern
        if e.variable is not None:
            path = ast.PathPattern(variable=e.variable, elements=path.elements)
        out = []
        saved, self.group = self.group, None
        try:
            for inner in self.match_paths([path], dict(row), set()):
                if e.where is None or self.ev.predicate(e.where, inner):
                    out.append(self.ev.ev(e.projection, inner))
        finally:
            self.group = saved
        return out


def _incremental_mean(values) -> float:
    mean = 0.0
    for n, v in enumerate(values, 1):
        mean += (v - mean) / n
    return mean


def _distinct(rows: list[list]) -> list[list]:
    seen, out = set(), []
    for row in rows:
        k = tuple(s.group_key(v) for v in row)
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out
