"""MATCH patterns over a :class:`PropertyGraph` as Neo4j matches them.

Relationship uniqueness within one MATCH clause, trails (no repeated relationship) for
variable length, OPTIONAL MATCH nulls, and shortest paths found under the MATCH's WHERE:
conditions on the path are applied during the search, level by level, so the answer is the
shortest path that satisfies them (Neo4j's semantics), not the shortest path filtered afterwards.
"""

from __future__ import annotations

from collections import deque
from typing import Iterator

from cypherast import ast

from partnergraph.graph.stores.cypher.allow import UnsupportedQuery
from partnergraph.graph.stores.cypher.database import Node, Path, Rel
from partnergraph.graph.stores.cypher import semantics as s
from partnergraph.graph.stores.cypher.semantics import CypherRuntimeError

OUT, IN, BOTH = ast.Direction.OUTGOING, ast.Direction.INCOMING, ast.Direction.BOTH
MAX_EXPANSIONS = 2_000_000  # a pattern search beyond this is refused as too expensive here


class TooExpensive(RuntimeError):
    """A pattern search the local engine stops (too many paths to enumerate)."""


def variables(e, out: set | None = None) -> set:
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


class PatternMatcher:
    """Mixed into :class:`execute.Runner` (which provides ``g``, ``ev``, ``warnings``, ``expansions``)."""

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
            # Each conjunct of the WHERE is tested as soon as its variables are bound (as a planner
            # pushes filters down); the rest, e.g. on a path variable, once the whole pattern is.
            pending = tuple((c, frozenset(variables(c))) for c in conjuncts(where))
            for inner in self.match_paths(plain, dict(row), set(), pending):
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

    def match_paths(self, paths, row, used: set, pending: tuple = ()) -> Iterator[dict]:
        if not paths:
            if all(self.ev.predicate(c, row) for c, _ in pending):
                yield row
            return
        first, rest = paths[0], paths[1:]
        for inner, prels, left in self._path(first, row, used, pending):
            yield from self.match_paths(rest, inner, used | prels, left)

    def _ready(self, pending: tuple, row: dict):
        """The pending conjuncts left after testing those whose variables are bound; None if one fails."""
        if not pending:
            return pending
        left = []
        for c, names in pending:
            if names <= row.keys():
                if not self.ev.predicate(c, row):
                    return None
            else:
                left.append((c, names))
        return tuple(left)

    def _path(self, path, row, used, pending=()) -> Iterator[tuple[dict, set, tuple]]:
        elements = path.elements
        name = path.variable.this if path.variable is not None else None
        for node in self._node_candidates(elements[0], row):
            start = self._bind_node(elements[0], node, row)
            if start is None:
                continue
            left = self._ready(pending, start)
            if left is None:
                continue
            for inner, nodes, rels, rest in self._extend(elements, 1, node, start, used, [node], [], left):
                if name is not None:
                    inner = dict(inner)
                    inner[name] = Path(tuple(nodes), tuple(rels))
                yield inner, {r.idx for r in rels}, rest

    def _extend(self, elements, i, node, row, used, nodes, rels, pending=()):
        if i >= len(elements):
            yield row, nodes, rels, pending
            return
        rp, np = elements[i], elements[i + 1]
        for hop_rels, hop_nodes, row2 in self._hops(rp, node, row, used):
            end = hop_nodes[-1] if hop_nodes else node
            row3 = self._bind_node(np, end, row2)
            if row3 is None:
                continue
            left = self._ready(pending, row3)
            if left is None:
                continue
            ids = {r.idx for r in hop_rels}
            yield from self._extend(elements, i + 2, end, row3, used | ids, nodes + hop_nodes, rels + hop_rels, left)

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



def _labels(np):
    """([labels all required], [labels any of]) of a node pattern, or None without labels."""
    le = np.labels
    if le is None:
        return None
    if le.expression:
        return ([], le.expression.split("|"))
    return (list(le.labels), [])


def _labels_ok(np, node: Node) -> bool:
    return np.labels is None or s.has_labels(np.labels, node.labels)


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
