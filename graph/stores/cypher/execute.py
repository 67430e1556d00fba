"""The clauses of an allow-listed query, run over a :class:`PropertyGraph` as Neo4j runs them.

Rows flow clause by clause: MATCH (relationship uniqueness per clause, trails for variable
length, shortest paths found under the WHERE as Neo4j does), OPTIONAL MATCH (nulls when
nothing matches), UNWIND, WITH/RETURN (grouping, aggregation over no rows, DISTINCT,
ORDER BY on Neo4j's orderability, SKIP, LIMIT, WHERE), UNION [ALL].
"""

from __future__ import annotations

from collections import deque
from fractions import Fraction
from typing import Any, Iterator

from cypherast import ast

from partnergraph.graph.stores.cypher.allow import UnsupportedQuery
from partnergraph.graph.stores.cypher.database import Node, Path, PropertyGraph, Rel
from partnergraph.graph.stores.cypher.evaluate import AGGREGATES, Evaluator
from partnergraph.graph.stores.cypher import semantics as s
from partnergraph.graph.stores.cypher.semantics import CypherRuntimeError

OUT, IN, BOTH = ast.Direction.OUTGOING, ast.Direction.INCOMING, ast.Direction.BOTH
MAX_EXPANSIONS = 5_000_000  # a pattern search beyond this is refused as too expensive here


class TooExpensive(RuntimeError):
    """A pattern search the local engine stops (too many paths to enumerate)."""


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


def variables(e: Any, out: set | None = None) -> set:
    out = set() if out is None else out
    if isinstance(e, ast.Identifier):
        out.add(e.this)
    elif isinstance(e, ast.AstNode):
        for v in e.args.values():
            variables(v, out)
    elif isinstance(e, (list, tuple)):
        for v in e:
            variables(v, out)
    return out


def conjuncts(e) -> list:
    if e is None:
        return []
    if isinstance(e, ast.And):
        return conjuncts(e.this) + conjuncts(e.expression)
    return [e]


class Runner:
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

    # --- MATCH ---------------------------------------------------------------------------
    def match_clause(self, clause, rows):
        paths = clause.pattern.paths
        where = clause.where.this if clause.where is not None else None
        new_vars = set()
        for p in paths:
            new_vars |= _pattern_variables(p)
        out = []
        for row in rows:
            found = False
            for inner in self._match_where(paths, row, where):
                found = True
                out.append(inner)
            if not found and clause.optional:
                inner = dict(row)
                for v in new_vars:
                    inner.setdefault(v, None)
                out.append(inner)
        return out

    def _match_where(self, paths, row, where):
        shortest = [p for p in paths if p.elements and isinstance(p.elements[0], ast.ShortestPath)]
        plain = [p for p in paths if p not in shortest]
        if not shortest:
            for inner in self.match_paths(plain, dict(row), set()):
                if self.ev.predicate(where, inner):
                    yield inner
            return
        sp = shortest[0]
        inner_vars = {sp.variable.this} if sp.variable is not None else set()
        rel = sp.elements[0].this.elements[1]
        if rel.variable is not None:
            inner_vars.add(rel.variable.this)
        before = [c for c in conjuncts(where) if not variables(c) & inner_vars]
        during = [c for c in conjuncts(where) if variables(c) & inner_vars]
        for inner in self.match_paths(plain, dict(row), set()):
            yield from self._shortest(sp, inner, before, during)

    def match_paths(self, paths, row, used: set) -> Iterator[dict]:
        if not paths:
            yield row
            return
        first, rest = paths[0], paths[1:]
        for inner, prels in self._path(first, row, used):
            yield from self.match_paths(rest, inner, used | prels)

    def _path(self, path, row, used) -> Iterator[tuple[dict, set]]:
        elements = path.elements
        name = path.variable.this if path.variable is not None else None
        for node in self._node_candidates(elements[0], row):
            start = self._bind_node(elements[0], node, row)
            if start is None:
                continue
            for inner, nodes, rels in self._extend(elements, 1, node, start, used, [node], []):
                if name is not None:
                    inner = dict(inner)
                    inner[name] = Path(tuple(nodes), tuple(rels))
                yield inner, {r.idx for r in rels}

    def _extend(self, elements, i, node, row, used, nodes, rels):
        if i >= len(elements):
            yield row, nodes, rels
            return
        rp, np = elements[i], elements[i + 1]
        for hop_rels, hop_nodes, row2 in self._hops(rp, node, row, used):
            end = hop_nodes[-1] if hop_nodes else node
            row3 = self._bind_node(np, end, row2)
            if row3 is None:
                continue
            ids = {r.idx for r in hop_rels}
            yield from self._extend(elements, i + 2, end, row3, used | ids, nodes + hop_nodes, rels + hop_rels)

    def _node_candidates(self, np, row):
        var = np.variable.this if np.variable is not None else None
        if var is not None and var in row:
            v = row[var]
            if v is None:
                return []
            if not isinstance(v, Node):
                raise CypherRuntimeError(f"variable `{var}` is a {s.type_name(v)}, not a node")
            return [v]
        labels = _labels(np)
        if labels and labels[0]:
            best = min((self.g.by_label.get(label, []) for label in labels[0]), key=len)
            return best
        if labels:
            return [n for label in labels[1] for n in self.g.by_label.get(label, [])]
        return self.g.nodes

    def _bind_node(self, np, node: Node, row: dict) -> dict | None:
        var = np.variable.this if np.variable is not None else None
        if var is not None and var in row:
            if row[var] is not node:
                return None
        if not _labels_ok(np, node):
            return None
        if np.properties is not None:
            for k, vexpr in np.properties.entries:
                if s.equals(node.props.get(k), self.ev.ev(vexpr, row)) is not True:
                    return None
        inner = row
        if var is not None and var not in row:
            inner = dict(row)
            inner[var] = node
        if np.where is not None and not self.ev.predicate(np.where.this, inner):
            return None
        return inner

    def _rel_ok(self, rp, rel: Rel, row: dict) -> bool:
        if rp.types and rel.type not in rp.types:
            return False
        if rp.properties is not None:
            for k, vexpr in rp.properties.entries:
                if s.equals(rel.props.get(k), self.ev.ev(vexpr, row)) is not True:
                    return False
        return True

    def _steps(self, rp, node: Node):
        if rp.direction in (OUT, BOTH):
            for r in self.g.out[node.idx]:
                yield r, r.end
        if rp.direction in (IN, BOTH):
            for r in self.g.inc[node.idx]:
                yield r, r.start

    def _hops(self, rp, node, row, used):
        var = rp.variable.this if rp.variable is not None else None
        if not rp.variable_length:
            bound = row.get(var) if var is not None else None
            if var is not None and var in row and not isinstance(bound, Rel):
                if bound is None:
                    return
                raise CypherRuntimeError(f"variable `{var}` is a {s.type_name(bound)}, not a relationship")
            for r, nxt in self._steps(rp, node):
                self._tick()
                if r.idx in used or (bound is not None and r is not bound) or not self._rel_ok(rp, r, row):
                    continue
                inner = row
                if var is not None and bound is None:
                    inner = dict(row)
                    inner[var] = r
                if rp.where is not None and not self.ev.predicate(rp.where.this, inner):
                    continue
                yield [r], [nxt], inner
            return
        lo = 1 if rp.min_hops is None else rp.min_hops
        hi = rp.max_hops
        stack = [(node, [], [])]
        while stack:
            cur, rels, nodes = stack.pop()
            if len(rels) >= lo:
                inner = row
                if var is not None:
                    inner = dict(row)
                    inner[var] = list(rels)
                yield list(rels), list(nodes), inner
            if hi is not None and len(rels) >= hi:
                continue
            taken = {r.idx for r in rels}
            nexts = []
            for r, nxt in self._steps(rp, cur):
                self._tick()
                if r.idx in used or r.idx in taken or not self._rel_ok(rp, r, row):
                    continue
                nexts.append((nxt, rels + [r], nodes + [nxt]))
            stack.extend(reversed(nexts))

    def _tick(self):
        self.expansions += 1
        self.ev.tick()
        if self.expansions > MAX_EXPANSIONS:
            raise TooExpensive("the pattern has too many paths to enumerate here")

    # --- shortest paths ----------------------------------------------------------------------
    def _shortest(self, sp, row, before, during):
        spath = sp.elements[0].this
        want_all = bool(sp.elements[0].all_)
        a_np, rp, b_np = spath.elements
        lo = 1 if rp.min_hops is None else rp.min_hops
        hi = rp.max_hops if rp.variable_length else 1
        if not rp.variable_length:
            lo = 1
        name = sp.variable.this if sp.variable is not None else None
        rvar = rp.variable.this if rp.variable is not None else None
        for a in self._node_candidates(a_np, row):
            row_a = self._bind_node(a_np, a, row)
            if row_a is None:
                continue
            for b in self._node_candidates(b_np, row_a):
                row_b = self._bind_node(b_np, b, row_a)
                if row_b is None or not all(self.ev.predicate(c, row_b) for c in before):
                    continue
                if a is b and lo > 0:
                    raise CypherRuntimeError("the shortest path algorithm does not work when the start and end nodes are the same")
                found = self._levels(rp, a, b, lo, hi, row_b, name, rvar, during)
                if found and not want_all and len(found) > 1 and self._path_shown(sp, name):
                    raise UnsupportedQuery("shortestPath() here", "several paths are equally short and the query shows "
                                           "which one was found, which is Neo4j's own choice; use allShortestPaths() "
                                           "or return only length(p)")
                for inner in (found if want_all else found[:1]):
                    yield inner

    def _path_shown(self, sp, name) -> bool:
        """Whether the query uses which of several equally short paths was found (not only its length)."""
        if name is None:
            return False
        root = sp
        while root.parent is not None:
            root = root.parent
        match = sp.parent
        while match is not None and not isinstance(match, ast.Match):
            match = match.parent
        stack = [root]
        while stack:
            node = stack.pop()
            if node is match.where:
                continue
            if isinstance(node, ast.Identifier) and node.this == name and not isinstance(node.parent, ast.PathPattern) and not (
                    isinstance(node.parent, ast.FunctionCall) and node.parent.name.lower() == "length"):
                return True
            for v in node.args.values():
                stack.extend(x for x in (v if isinstance(v, list) else [v]) if isinstance(x, ast.AstNode))
        return False

    def _levels(self, rp, a, b, lo, hi, row, name, rvar, during):
        dist = {b.idx: 0}
        queue = deque([b])
        back = ast.RelationshipPattern(direction={OUT: IN, IN: OUT, BOTH: BOTH}[rp.direction], types=rp.types,
                                       properties=rp.properties)
        while queue:
            cur = queue.popleft()
            for r, nxt in self._steps(back, cur):
                self._tick()
                if nxt.idx not in dist and self._rel_ok(rp, r, row):
                    dist[nxt.idx] = dist[cur.idx] + 1
                    queue.append(nxt)
        if a.idx not in dist:
            return []
        limit = len(self.g.rels) if hi is None else hi
        level = max(lo, dist[a.idx])
        while level <= limit:
            passing = []
            for rels, nodes in self._trails(rp, a, b, level, dist, row):
                inner = dict(row)
                if name is not None:
                    inner[name] = Path(tuple(nodes), tuple(rels))
                if rvar is not None:
                    inner[rvar] = list(rels)
                if all(self.ev.predicate(c, inner) for c in during):
                    passing.append(inner)
            if passing:
                return passing
            if not during:
                return []
            level += 1
        return []

    def _trails(self, rp, a, b, length, dist, row):
        stack = [(a, [], [a])]
        while stack:
            cur, rels, nodes = stack.pop()
            if len(rels) == length:
                if cur is b:
                    yield rels, nodes
                continue
            left = length - len(rels)
            taken = {r.idx for r in rels}
            nexts = []
            for r, nxt in self._steps(rp, cur):
                self._tick()
                d = dist.get(nxt.idx)
                if d is None or d > left - 1 or r.idx in taken or not self._rel_ok(rp, r, row):
                    continue
                nexts.append((nxt, rels + [r], nodes + [nxt]))
            stack.extend(reversed(nexts))


def _incremental_mean(values) -> float:
    mean = 0.0
    for n, v in enumerate(values, 1):
        mean += (v - mean) / n
    return mean


def _labels(np):
    """([labels all required], [labels any of]) of a node pattern, or None without labels."""
    le = np.labels
    if le is None:
        return None
    if le.expression:
        return ([], le.expression.split("|"))
    return (list(le.labels), [])


def _labels_ok(np, node: Node) -> bool:
    spec = _labels(np)
    if spec is None:
        return True
    need, anyof = spec
    if need and not all(label in node.labels for label in need):
        return False
    return not anyof or any(label in node.labels for label in anyof)


def _pattern_variables(path) -> set:
    out = set()
    if path.variable is not None:
        out.add(path.variable.this)
    for el in path.elements:
        if isinstance(el, ast.ShortestPath):
            out |= _pattern_variables(el.this)
        elif el.variable is not None:
            out.add(el.variable.this)
    return out


def _distinct(rows: list[list]) -> list[list]:
    seen, out = set(), []
    for row in rows:
        k = tuple(s.group_key(v) for v in row)
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out
