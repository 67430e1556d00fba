"""Expressions of the allow-listed syntax tree, evaluated with Neo4j's semantics.

A row is a dict from variable name to value. :class:`Evaluator` evaluates one
expression in one row; patterns (pattern predicates, ``EXISTS {}``, ``COUNT {}``,
pattern comprehensions) are handed to the query runner (:mod:`execute`).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any, Callable

from cypherast import ast

from partnergraph.graph.stores.cypher.database import Node, Rel
from partnergraph.graph.stores.cypher.functions import FUNCTIONS
from partnergraph.graph.stores.cypher import semantics as s
from partnergraph.graph.stores.cypher.semantics import CypherRuntimeError, type_name

AGGREGATES = frozenset({"count", "collect", "sum", "avg", "min", "max"})
DATE_FIELDS = {"year": lambda d: d.year, "month": lambda d: d.month, "day": lambda d: d.day,
               "quarter": lambda d: (d.month - 1) // 3 + 1, "dayofweek": lambda d: d.isoweekday(),
               "ordinalday": lambda d: d.timetuple().tm_yday}


class QueryTimeout(RuntimeError):
    """The query ran longer than its timeout."""


class Evaluator:
    def __init__(self, params: dict, deadline: float | None, runner):
        self.params = params
        self.deadline = deadline
        self.runner = runner  # execute.Runner: patterns and subqueries
        self.subst: dict[str, str] | None = None  # ORDER BY: expression text -> projected column
        self.regex_cache: dict[str, Any] = {}
        self.ticks = 0

    def tick(self) -> None:
        self.ticks += 1
        if self.deadline is not None and not self.ticks & 1023 and time.monotonic() > self.deadline:
            raise QueryTimeout("the query ran longer than its timeout")

    # --- dispatch ------------------------------------------------------------------------
    def ev(self, e: ast.AstNode, row: dict) -> Any:
        if self.subst is not None:
            key = repr(e)
            if key in self.subst:
                return row[self.subst[key]]
        method = _DISPATCH.get(type(e))
        if method is None:
            raise CypherRuntimeError(f"cannot evaluate {type(e).__name__}")
        return method(self, e, row)

    def predicate(self, e: ast.AstNode | None, row: dict) -> bool:
        """A WHERE: only true keeps the row (false and null drop it)."""
        if e is None:
            return True
        return s.boolean(self.ev(e, row), "WHERE") is True

    # --- literals and names --------------------------------------------------------------
    def literal(self, e, row):
        return e.this

    def null(self, e, row):
        return None

    def parameter(self, e, row):
        if e.name not in self.params:
            raise CypherRuntimeError(f"the parameter ${e.name} is not given")
        return _param_value(self.params[e.name])

    def identifier(self, e, row):
        try:
            return row[e.this]
        except KeyError:
            raise CypherRuntimeError(f"variable `{e.this}` not defined") from None

    def list_(self, e, row):
        return [self.ev(x, row) for x in e.expressions]

    def map_(self, e, row):
        return {k: self.ev(v, row) for k, v in e.entries}

    def property_(self, e, row):
        return get_property(self.ev(e.this, row), e.name)

    def label_predicate(self, e, row):
        v = self.ev(e.this, row)
        if v is None:
            return None
        if not isinstance(v, Node):
            raise CypherRuntimeError(f"a label test needs a node, not {type_name(v)}")
        return s.has_labels(e.labels, v.labels)

    # --- operators -----------------------------------------------------------------------
    def binary(self, fn: Callable):
        return lambda self_, e, row: fn(self_.ev(e.this, row), self_.ev(e.expression, row))

    def and_(self, e, row):
        a = s.boolean(self.ev(e.this, row), "AND")
        if a is False:
            return False
        return s.and_(a, s.boolean(self.ev(e.expression, row), "AND"))

    def or_(self, e, row):
        a = s.boolean(self.ev(e.this, row), "OR")
        if a is True:
            return True
        return s.or_(a, s.boolean(self.ev(e.expression, row), "OR"))

    def xor(self, e, row):
        return s.xor(s.boolean(self.ev(e.this, row), "XOR"), s.boolean(self.ev(e.expression, row), "XOR"))

    def not_(self, e, row):
        return s.not_(s.boolean(self.ev(e.this, row), "NOT"))

    def neg(self, e, row):
        return s.negate(self.ev(e.this, row))

    def is_null(self, e, row):
        v = self.ev(e.this, row)
        return (v is not None) if e.not_ else (v is None)

    def string_op(self, fn):
        def op(self_, e, row):
            a, b = self_.ev(e.this, row), self_.ev(e.expression, row)
            if not isinstance(a, str) or not isinstance(b, str):
                return None
            return fn(a, b)
        return op

    def regex(self, e, row):
        a, b = self.ev(e.this, row), self.ev(e.expression, row)
        if not isinstance(a, str) or not isinstance(b, str):
            return None
        if b not in self.regex_cache:
            self.regex_cache[b] = s.java_regex(b)
        return self.regex_cache[b].fullmatch(a) is not None

    def compare(self, test):
        def op(self_, e, row):
            c = s.compare(self_.ev(e.this, row), self_.ev(e.expression, row))
            return None if c is None else test(c)
        return op

    # --- lists ---------------------------------------------------------------------------
    def subscript(self, e, row):
        v, i = self.ev(e.this, row), self.ev(e.index, row)
        if v is None or i is None:
            return None
        if isinstance(v, list):
            if not isinstance(i, int) or isinstance(i, bool):
                raise CypherRuntimeError(f"a list index must be an Integer, not {type_name(i)}")
            return v[i] if -len(v) <= i < len(v) else None
        if isinstance(v, (dict, Node, Rel)):
            if not isinstance(i, str):
                raise CypherRuntimeError(f"a map key must be a String, not {type_name(i)}")
            return get_property(v, i)
        raise CypherRuntimeError(f"cannot index into {type_name(v)}")

    def slice_(self, e, row):
        v = self.ev(e.this, row)
        a = self.ev(e.start, row) if e.start is not None else 0
        b = self.ev(e.end, row) if e.end is not None else None
        if v is None or a is None or (e.end is not None and b is None):
            return None
        if not isinstance(v, list):
            raise CypherRuntimeError(f"cannot slice {type_name(v)}")
        return v[a:b]

    def _scoped(self, row, name, value):
        inner = dict(row)
        inner[name] = value
        return inner

    def _source(self, e, row):
        items = self.ev(e.source, row)
        if items is not None and not isinstance(items, list):
            raise CypherRuntimeError(f"expected a list, not {type_name(items)}")
        return items

    def list_comprehension(self, e, row):
        items = self._source(e, row)
        if items is None:
            return None
        name, out = e.variable.this, []
        for x in items:
            inner = self._scoped(row, name, x)
            if e.where is None or self.predicate(e.where, inner):
                out.append(self.ev(e.projection, inner) if e.projection is not None else x)
        return out

    def quantifier(self, e, row):
        items = self._source(e, row)
        if items is None:
            return None
        name = e.variable.this
        results = [s.boolean(self.ev(e.where, self._scoped(row, name, x)), e.name + "()") if e.where is not None
                   else True for x in items]
        trues, nulls = results.count(True), results.count(None)
        kind = e.name.lower()
        if kind == "all":
            return False if False in results else (None if nulls else True)
        if kind == "any":
            return True if trues else (None if nulls else False)
        if kind == "none":
            return False if trues else (None if nulls else True)
        if kind == "single":
            if trues > 1:
                return False
            return None if nulls else trues == 1
        raise CypherRuntimeError(f"unknown quantifier {e.name}")

    def list_lambda(self, e, row):  # reduce(acc = init, x IN list | expr)
        items = self._source(e, row)
        if items is None:
            return None
        acc_name, name = e.accumulator.this, e.variable.this
        acc = self.ev(e.initial, row)
        for x in items:
            inner = self._scoped(row, name, x)
            inner[acc_name] = acc
            acc = self.ev(e.expression, inner)
        return acc

    # --- conditionals and maps -----------------------------------------------------------
    def case(self, e, row):
        if e.this is not None:
            subject = self.ev(e.this, row)
            for when, then in e.ifs:
                if s.equals(subject, self.ev(when, row)) is True:
                    return self.ev(then, row)
        else:
            for when, then in e.ifs:
                if s.boolean(self.ev(when, row), "CASE WHEN") is True:
                    return self.ev(then, row)
        return self.ev(e.default, row) if e.default is not None else None

    def coalesce(self, e, row):
        for x in e.expressions:
            v = self.ev(x, row)
            if v is not None:
                return v
        return None

    def map_projection(self, e, row):
        v = self.ev(e.this, row)
        if v is None:
            return None
        if not isinstance(v, (Node, Rel, dict)):
            raise CypherRuntimeError(f"a map projection needs a node, relationship or map, not {type_name(v)}")
        props = v if isinstance(v, dict) else v.props
        out: dict[str, Any] = {}
        for entry in e.entries:
            if isinstance(entry, ast.Star):
                out.update(props)
            elif isinstance(entry, ast.PropertySelector):
                out[entry.name] = props.get(entry.name)
            elif isinstance(entry, str):
                out[entry] = self.identifier(ast.Identifier(this=entry), row)
            else:
                key, value = entry
                out[key] = self.ev(value, row)
        return out

    # --- functions -----------------------------------------------------------------------
    def function(self, e, row):
        name = e.name.lower()
        if name in AGGREGATES:
            if self.runner.group is None:
                raise CypherRuntimeError(f"the aggregation {e.name}() is not allowed here")
            return self.runner.aggregate(e, self)
        args = [self.ev(x, row) for x in e.expressions]
        return FUNCTIONS[name](args)

    # --- patterns ------------------------------------------------------------------------
    def pattern_predicate(self, e, row):
        found = self.runner.exists(e.pattern, row)
        return (not found) if e.not_ else found

    def count_subquery(self, e, row):
        return self.runner.count(e.query, row)

    def pattern_comprehension(self, e, row):
        return self.runner.comprehension(e, row)


def get_property(v: Any, name: str) -> Any:
    if v is None:
        return None
    if isinstance(v, (Node, Rel)):
        return v.props.get(name)
    if isinstance(v, dict):
        return v.get(name)
    if isinstance(v, date):
        fn = DATE_FIELDS.get(name.lower())
        if fn is None:
            raise CypherRuntimeError(f"a date has no field {name!r} (year, month, day, quarter, dayOfWeek, ordinalDay)")
        return fn(v)
    raise CypherRuntimeError(f"cannot read the property {name!r} of {type_name(v)}")


def _param_value(v: Any) -> Any:
    """Parameters arrive as JSON values; tuples become lists."""
    if isinstance(v, tuple):
        return [_param_value(x) for x in v]
    if isinstance(v, list):
        return [_param_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _param_value(x) for k, x in v.items()}
    return v


_E = Evaluator
_DISPATCH: dict[type, Callable] = {
    ast.Integer: _E.literal, ast.Float: _E.literal, ast.String: _E.literal, ast.Boolean: _E.literal,
    ast.Null: _E.null, ast.Parameter: _E.parameter, ast.Identifier: _E.identifier,
    ast.List: _E.list_, ast.Map: _E.map_, ast.Property: _E.property_, ast.LabelPredicate: _E.label_predicate,
    ast.And: _E.and_, ast.Or: _E.or_, ast.Xor: _E.xor, ast.Not: _E.not_, ast.Neg: _E.neg, ast.IsNull: _E.is_null,
    ast.Add: _E.binary(None, s.add), ast.Sub: _E.binary(None, s.subtract), ast.Mul: _E.binary(None, s.multiply),
    ast.Div: _E.binary(None, s.divide), ast.Mod: _E.binary(None, s.modulo), ast.Pow: _E.binary(None, s.power),
    ast.EQ: _E.binary(None, s.equals), ast.NEQ: _E.binary(None, lambda a, b: s.not_(s.equals(a, b))),
    ast.In: _E.binary(None, s.in_list),
    ast.LT: _E.compare(None, lambda c: c < 0), ast.LTE: _E.compare(None, lambda c: c <= 0),
    ast.GT: _E.compare(None, lambda c: c > 0), ast.GTE: _E.compare(None, lambda c: c >= 0),
    ast.StartsWith: _E.string_op(None, str.startswith), ast.EndsWith: _E.string_op(None, str.endswith),
    ast.Contains: _E.string_op(None, lambda a, b: b in a), ast.RegexMatch: _E.regex,
    ast.ListSubscript: _E.subscript, ast.ListSlice: _E.slice_, ast.ListComprehension: _E.list_comprehension,
    ast.Quantifier: _E.quantifier, ast.ListLambda: _E.list_lambda, ast.Case: _E.case, ast.Coalesce: _E.coalesce,
    ast.MapProjection: _E.map_projection, ast.FunctionCall: _E.function, ast.PatternPredicate: _E.pattern_predicate,
    ast.CountSubquery: _E.count_subquery, ast.PatternComprehension: _E.pattern_comprehension,
}
