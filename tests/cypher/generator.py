"""A seeded generator of random, valid, read-only Cypher over a dataset's schema (differential testing).

SQLancer/GDsmith-style: each query is run on the real Neo4j and on the local engine and the
rows compared (as multisets unless the query fixes the order with ORDER BY over every
column). The generator reads the schema from the graph itself: the labels, the
(label)-[TYPE]->(label) triples that occur, and property keys with sample values, so
filters hit real values, nulls (keys a node lacks), dates and lists.

    from generator import Generator
    gen = Generator(EmbeddedCypher(G).graph, seed=1)
    q = gen.query()      # Case(cypher=..., params=..., ordered=...)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date


@dataclass
class Case:
    cypher: str
    params: dict = field(default_factory=dict)
    ordered: bool = False


def lit(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, date):
        return f"date('{v.isoformat()}')"
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


class Generator:
    def __init__(self, graph, seed: int = 0):
        self.r = random.Random(seed)
        self.triples = sorted({(rel.start.labels[1], rel.type, rel.end.labels[1]) for rel in graph.rels
                               if len(rel.start.labels) > 1 and len(rel.end.labels) > 1})
        self.kinds = sorted({n.labels[1] for n in graph.nodes if len(n.labels) > 1})
        self.families = sorted({n.labels[0] for n in graph.nodes})
        self.types = sorted(graph.rel_types)
        self.values: dict[str, list] = {}
        self.keys_by_label: dict[str, list[str]] = {}
        for n in graph.nodes:
            for label in n.labels:
                keys = self.keys_by_label.setdefault(label, [])
                for k in n.props:
                    if k not in keys:
                        keys.append(k)
            for k, v in n.props.items():
                self.values.setdefault(k, []).append(v)
        self.rel_values: dict[str, list] = {}
        for rel in graph.rels:
            for k, v in rel.props.items():
                self.rel_values.setdefault(k, []).append(v)
        self.scalar_keys = sorted(k for k, vs in self.values.items() if not isinstance(vs[0], list))
        self.string_keys = sorted(k for k, vs in self.values.items() if isinstance(vs[0], str))
        self.date_keys = sorted(k for k, vs in self.values.items() if isinstance(vs[0], date))
        self.list_keys = sorted(k for k, vs in self.values.items() if isinstance(vs[0], list))
        self.n = 0

    # --- small pieces -------------------------------------------------------------------
    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def key(self, label: str | None = None) -> str:
        pool = [k for k in self.keys_by_label.get(label, []) if k in self.scalar_keys] if label else []
        if not pool or self.chance(0.15):
            pool = self.scalar_keys + ["nope"]
        return self.pick(pool)

    def value(self, key: str):
        vs = self.values.get(key) or [1, "x"]
        v = self.pick(vs)
        if self.chance(0.1):
            return None
        return v

    def predicate(self, var: str, label: str | None, depth: int = 0) -> str:
        r = self.r.random()
        if depth < 2 and r < 0.18:
            op = self.pick(["AND", "OR", "XOR"])
            return f"({self.predicate(var, label, depth + 1)} {op} {self.predicate(var, label, depth + 1)})"
        if depth < 2 and r < 0.24:
            return f"NOT {self.predicate(var, label, depth + 1)}"
        k = self.key(label)
        kinds = self.r.random()
        if kinds < 0.25:
            return f"{var}.{k} {self.pick(['=', '<>', '<', '>=', '<=', '>'])} {lit(self.value(k))}"
        if kinds < 0.35:
            return f"{var}.{k} IS {self.pick(['NULL', 'NOT NULL'])}"
        if kinds < 0.45:
            items = [self.value(k) for _ in range(self.r.randint(0, 3))] + ([None] if self.chance(0.3) else [])
            return f"{var}.{k} IN {lit(items)}"
        if kinds < 0.6 and self.string_keys:
            k = self.pick(self.string_keys)
            v = self.value(k)
            piece = (v[: self.r.randint(0, 4)] if isinstance(v, str) else "a")
            op = self.pick(["STARTS WITH", "ENDS WITH", "CONTAINS"])
            if op == "ENDS WITH" and isinstance(v, str):
                piece = v[-self.r.randint(1, 4):]
            return f"{var}.{k} {op} {lit(piece)}"
        if kinds < 0.66:
            return self.label_test(var)
        if kinds < 0.74 and self.date_keys:
            k = self.pick(self.date_keys)
            y = self.r.randint(1995, 2025)
            return self.pick([f"{var}.{k} >= date('{y}-01-01')", f"{var}.{k}.year {self.pick(['=', '<', '>'])} {y}",
                              f"{var}.{k} = $d", f"{var}.{k} < date($ds)"])
        if kinds < 0.8 and self.string_keys:
            k = self.pick(self.string_keys)
            v = self.value(k)
            stem = v[:3] if isinstance(v, str) and v[:3].isalnum() else "E"
            return f"{var}.{k} =~ {lit(self.pick([stem + '.*', '(?i)' + stem.lower() + '.*', '.*' + stem + '.*', '[A-Z].*']))}"
        if kinds < 0.86 and self.list_keys:
            k = self.pick(self.list_keys)
            sample = self.value(k) or ["x"]
            return self.pick([f"size({var}.{k}) > {self.r.randint(0, 2)}", f"{lit(sample[0])} IN {var}.{k}"])
        if kinds < 0.93:
            t = self.pick(self.types)
            return self.pick([f"EXISTS {{ ({var})-[:{t}]->() }}", f"COUNT {{ ({var})--() }} > {self.r.randint(0, 4)}",
                              f"NOT EXISTS {{ ({var})-[:{t}]-() }}"])
        k = self.pick(self.string_keys or self.scalar_keys)
        return self.pick([f"toLower({var}.{k}) CONTAINS 'a'", f"size({var}.{k}) > 5", f"trim({var}.{k}) <> ''",
                          f"coalesce({var}.{k}, 'none') <> 'none'", f"left({var}.{k}, 1) = 'E'"])

    def label_test(self, var: str) -> str:
        """A label predicate as analysts write it: one label, all of two, any of two, in parentheses."""
        a, b = self.pick(self.kinds + self.families), self.pick(self.kinds + self.families)
        return self.pick([f"{var}:{a}", f"{var}:{a}:{b}", f"{var}:{a}|{b}", f"({var}:{a})", f"({var}:{a}|{b})"])

    def scalar(self, var: str, label: str | None) -> str:
        k = self.key(label)
        sk = self.pick(self.string_keys or [k])
        return self.pick([
            f"{var}.{k}", f"{var}.{k}", f"{var}.id", f"toUpper({var}.{sk})", f"substring({var}.{sk}, 1, 3)",
            f"left({var}.{sk}, 2)", f"right({var}.{sk}, 2)", f"coalesce({var}.{k}, 'n/a')", f"size({var}.{sk})",
            f"CASE WHEN {self.predicate(var, label, 2)} THEN 1 ELSE 'no' END", f"{var}.{sk} + 1",
            f"toString({var}.{k})", f"trim({var}.{sk})", f"replace({var}.{sk}, 'a', 'A')",
            f"{var}.{k} IS NULL", self.label_test(var), f"size([x IN split({var}.{sk}, ' ') WHERE size(x) > 3])",
            f"head(split({var}.{sk}, ' '))", f"toInteger(size({var}.{sk}) / 2)", f"round(size({var}.{sk}) / 3.0, 1)",
            f"{var} {{.id, .{k}}}", f"properties({var}).{k}", f"COUNT {{ ({var})--() }}",
            f"size([({var})-->(z) | z.id])", f"reverse({var}.{sk})", f"toFloat(size({var}.{sk}))",
            f"{var}.{self.pick(self.date_keys)}.year" if self.date_keys else f"{var}.id",
            f"{var}.{self.pick(self.date_keys)}" if self.date_keys else f"{var}.id",
        ])

    def aggregate(self, var: str, label: str | None) -> str:
        k = self.key(label)
        return self.pick([
            "count(*)", f"count({var}.{k})", f"count(DISTINCT {var}.{k})", f"collect(DISTINCT {var}.id)",
            f"sum(size({var}.id))", f"avg(size({var}.id))", f"min({var}.{k})", f"max({var}.{k})",
            f"sum(CASE WHEN {var}.{k} IS NULL THEN 0 ELSE 1 END)", f"min(size({var}.id))", f"collect({var}.{k})",
            f"sum({var}.nope)", f"avg({var}.nope)",
        ])

    # --- patterns -----------------------------------------------------------------------
    def path(self, hops: int, names: list[str]) -> tuple[str, list[tuple[str, str | None]]]:
        start = self.pick(self.triples)
        label = start[0]
        text = f"({names[0]}:{label})" if self.chance(0.8) else f"({names[0]})"
        bound = [(names[0], label)]
        cur = label
        for h in range(hops):
            options = [t for t in self.triples if t[0] == cur] + [(t[2], t[1], t[0], "in") for t in self.triples if t[2] == cur]
            if not options:
                break
            t = self.pick(options)
            direction_in = len(t) == 4
            rtype, target = t[1], t[2]
            var = ""
            length = ""
            if self.chance(0.12):
                length = self.pick(["*1..2", "*1..3", "*2", "*0..1"])
            elif self.chance(0.3):
                var = f"r{h}"
            rt = f":{rtype}" if self.chance(0.85) else ""
            if self.chance(0.1):
                rt = f":{rtype}|{self.pick(self.types)}"
            rel = f"[{var}{rt}{length}]"
            arrow = self.pick(["-{}->", "<-{}-", "-{}-"]) if not rt else ("<-{}-" if direction_in else "-{}->")
            if self.chance(0.2):
                arrow = "-{}-"
            name = names[h + 1]
            node = f"({name}:{target})" if self.chance(0.6) else f"({name})"
            text += arrow.format(rel) + node
            bound.append((name, target))
            cur = target
        return text, bound

    # --- whole queries ------------------------------------------------------------------
    def query(self) -> Case:
        self.n += 1
        params = {"d": "2019-10-17", "ds": "2015-06-01", "codes": ["VN", "JP", None], "k": self.r.randint(0, 4)}
        shape = self.r.random()
        names = ["a", "b", "c", "d", "e"]
        if self.chance(0.15):  # `end` is a keyword only where it closes a CASE
            names[self.r.randrange(len(names))] = "end"
        hops = self.r.choice([0, 1, 1, 2, 2, 3, 4])
        pattern, bound = self.path(hops, names)
        var, label = self.pick(bound)
        where = f" WHERE {self.predicate(var, label)}" if self.chance(0.7) else ""
        match = f"MATCH {pattern}{where}"
        if self.chance(0.15) and len(bound) > 1:
            v2, l2 = bound[-1]
            t = self.pick(self.types)
            match += f" OPTIONAL MATCH ({v2})-[:{t}]->(o) "
            bound = bound + [("o", None)]
        var, label = self.pick(bound)
        if shape < 0.3:  # plain projection
            cols = [self.scalar(*self.pick(bound)) for _ in range(self.r.randint(1, 3))]
            cols = list(dict.fromkeys(cols))
            distinct = "DISTINCT " if self.chance(0.3) else ""
            if self.chance(0.4):
                order = ", ".join(f"{c} {self.pick(['', 'DESC'])}".strip() for c in cols)
                limit = f" SKIP {self.r.randint(0, 2)} LIMIT {self.r.randint(1, 5)}" if self.chance(0.5) else ""
                return Case(f"{match} RETURN {distinct}{', '.join(cols)} ORDER BY {order}{limit}", params, ordered=True)
            return Case(f"{match} RETURN {distinct}{', '.join(cols)}", params)
        if shape < 0.55:  # aggregation with grouping
            key = self.scalar(var, label)
            aggs = list(dict.fromkeys(self.aggregate(*self.pick(bound)) for _ in range(self.r.randint(1, 2))))
            if self.chance(0.3):
                return Case(f"{match} RETURN {', '.join(aggs)}", params)
            return Case(f"{match} RETURN {key} AS key, {', '.join(aggs)}", params)
        if shape < 0.72:  # WITH pipeline, ORDER BY ... LIMIT before aggregation
            agg = self.aggregate(var, label)
            k = self.r.randint(1, 4)
            return Case(f"{match} WITH {var}, {agg} AS x ORDER BY x {self.pick(['', 'DESC'])}, {var}.id LIMIT {k} "
                        f"RETURN count(*) AS n, collect({var}.id) AS ids, "
                        f"{self.pick(['count(x)', 'collect(x)', 'min(x)', 'max(x)'])} AS agg", params)
        if shape < 0.8:  # UNWIND
            k = self.pick(self.list_keys) if self.list_keys else "id"
            return Case(f"{match} UNWIND {var}.{k} AS item WITH item, count(*) AS n "
                        f"RETURN item, n ORDER BY n DESC, item", params, ordered=True)
        if shape < 0.86:  # UNION
            p2, b2 = self.path(self.r.choice([0, 1]), names)
            v2, l2 = self.pick(b2)
            v1, _ = self.pick(bound)
            return Case(f"{match} RETURN {v1}.id AS id UNION{self.pick(['', ' ALL'])} MATCH {p2} RETURN {v2}.id AS id", params)
        if shape < 0.92:  # shortest paths
            a, b = self.pick(self.kinds), self.pick(self.kinds)
            t = "" if self.chance(0.3) else ":" + "|".join(self.r.sample(self.types, min(2, len(self.types))))
            fn = self.pick(["shortestPath", "allShortestPaths"])
            cond = self.pick(["", " WHERE none(n IN nodes(p) WHERE n:Source)", " WHERE a.id < b.id",
                              " WHERE length(p) > 1", " WHERE all(r IN relationships(p) WHERE type(r) <> 'EVIDENCED_BY')"])
            ret = "length(p) AS len" if fn == "shortestPath" else "count(p) AS paths, min(length(p)) AS len"
            return Case(f"MATCH (a:{a}), (b:{b}) WHERE a.id <> b.id WITH a, b ORDER BY a.id, b.id LIMIT 6 "
                        f"MATCH p = {fn}((a)-[{t}*..5]-(b)){cond} RETURN a.id, b.id, {ret}", params)
        # comprehensions, literals, functions over lists
        return Case(f"{match} WITH {var}, [x IN collect({self.scalar(var, label)}) WHERE x IS NOT NULL] AS xs "
                    f"RETURN {var}.id AS id, size(xs) AS n, "
                    f"{self.pick(['any(x IN xs WHERE x = 1)', 'all(x IN xs WHERE x IS NOT NULL)', 'none(x IN xs WHERE x = 0)', 'reduce(s = 0, x IN xs | s + 1)', '[x IN xs | toString(x)][0]', 'xs[1..3]', 'xs[-1]', '2 IN xs', 'null IN xs'])} AS v",
                    params)
