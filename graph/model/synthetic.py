"""Seeded synthetic datasets with the real schema, for benchmarks and scale tests.

:func:`generate` returns a dataset in the file format (the lists ``sources``,
``actors``, ``instruments`` and ``relations``) that :func:`write_dataset`
writes as JSON files the loader reads. Participation follows a power law: a
few hub actors (Zipf-weighted, unions and organisations favoured) take part in
a large share of the instruments, as the EU does in the seed data, while most
states appear in a handful. Every edge respects the endpoint kinds of
``schema.yaml``; dates mix day, month and year precision over 1990-2025, a few
have no year and some instruments have an end. Evidence points at synthetic
source records that have no ``file``, so quotes are not checked against texts.

>>> ds = generate(*SIZES["tiny"], seed=1)
>>> len(ds["actors"]), len(ds["instruments"])
(30, 120)
>>> generate(*SIZES["tiny"], seed=1) == ds          # the same seed, the same data
True

From the shell (no click, no partnergraph CLI needed)::
    python -m partnergraph.graph.model.synthetic --size small --out /tmp/pg-small
    partnergraph info --data /tmp/pg-small
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from bisect import bisect
from functools import lru_cache
from pathlib import Path
from typing import Any

from partnergraph.graph.model.schema import Schema, get_schema

#: Preset sizes: name -> (actors, instruments).
SIZES: dict[str, tuple[int, int]] = {
    "tiny": (30, 120),
    "small": (200, 2000),
    "medium": (2000, 50000),
    "large": (20000, 500000),
}

YEARS = (1990, 2025)
ZIPF_EXPONENT = 1.0

# Share of each kind among actors and instruments (weights, not necessarily summing to 1).
ACTOR_KINDS = {
    "state": 0.62,
    "government_body": 0.16,
    "person": 0.12,
    "international_organisation": 0.04,
    "regional_organisation": 0.04,
    "union": 0.02,
}
INSTRUMENT_KINDS = {
    "agreement": 0.24,
    "cooperation": 0.12,
    "exercise": 0.12,
    "project": 0.10,
    "partnership": 0.08,
    "dialogue": 0.08,
    "visit": 0.07,
    "meeting": 0.07,
    "mission": 0.05,
    "conference": 0.04,
    "policy": 0.03,
}
# Hubs are more often unions and organisations than states.
HUB_BIAS = {"union": 8.0, "regional_organisation": 4.0, "international_organisation": 4.0, "state": 1.0,
            "government_body": 0.5, "person": 0.3}

STATUSES = {
    "agreement": {"signed": 5, "in_force": 4, "proposed": 1},
    "partnership": {"in_force": 5, "sought": 3, "proposed": 2},
    "cooperation": {"ongoing": 6, "completed": 3, "proposed": 1},
    "project": {"ongoing": 5, "completed": 4, "proposed": 1},
    "mission": {"ongoing": 5, "completed": 5},
    "policy": {"in_force": 3, "ongoing": 7},
    "dialogue": {"ongoing": 6, "held": 4},
    "exercise": {"held": 9, "proposed": 1},
    "visit": {"held": 1},
    "meeting": {"held": 1},
    "conference": {"held": 1},
}
EDGE_STATUSES = {
    "party_to": {"signed": 6, "in_force": 3, "sought": 1},
    "participates_in": {"held": 5, "ongoing": 3, "interested": 1, "not_yet": 1},
}
# The edge that ties participants to an instrument of each kind.
PARTICIPATION = {kind: "party_to" for kind in ("agreement", "partnership", "cooperation", "dialogue")} | {
    kind: "participates_in" for kind in ("project", "exercise", "mission", "visit", "meeting", "conference")
} | {"policy": "supports"}

_SYLLABLES = ("ka ro vi la ne mar tu sel an dor bel ri os ta gu lin pe sha mo ka zan ter vo al is em "
              "bra co du fa ga hel jo ku mi no qu sa ve wy").split()
_FIRST = ("Ana Ben Chi Dara Elif Femi Goran Hana Ivo Jana Kemal Lan Mei Nils Omar Pia Quang Rosa Sami Tara "
          "Uma Vlad Wen Xu Yara Zof").split()


def generate(n_actors: int, n_instruments: int, seed: int = 0) -> dict[str, list[dict]]:
    """A dataset (file format) with ``n_actors`` actors and ``n_instruments`` instruments.

    The same arguments always give the same dataset.

    >>> ds = generate(10, 20, seed=3)
    >>> sorted(ds)
    ['actors', 'instruments', 'relations', 'sources']
    >>> all(r["evidence"] for r in ds["relations"])
    True
    """
    if n_actors < 5 or n_instruments < 1:
        raise ValueError("a synthetic dataset needs at least 5 actors and 1 instrument")
    return _Generator(n_actors, n_instruments, seed, get_schema()).run()


def write_dataset(dataset: dict[str, list[dict]], folder: str | Path) -> list[Path]:
    """Write one JSON file per section into ``folder`` (created if needed); return the paths.

    ``load_dataset([folder])`` reads them back.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for section, records in dataset.items():
        path = folder / f"{section}.json"
        with path.open("w", encoding="utf-8") as fh:
            json.dump({section: records}, fh, ensure_ascii=False, separators=(",", ":"))
        paths.append(path)
    return paths


class _Pool:
    """Actors eligible for one role, drawn with their Zipf weights."""

    def __init__(self, ids: list[str], weights: list[float]):
        self.ids = ids
        self.cum = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random, k: int = 1, exclude: set[str] | None = None) -> list[str]:
        """Up to ``k`` distinct ids (weighted), none of them in ``exclude``."""
        k = min(k, len(self.ids) - len(exclude or ()))
        chosen: list[str] = []
        seen = set(exclude or ())
        total = self.cum[-1]
        tries = 0
        while len(chosen) < k and tries < 50 * k + 50:
            tries += 1
            node = self.ids[bisect(self.cum, rng.random() * total)]
            if node not in seen:
                seen.add(node)
                chosen.append(node)
        return chosen


class _Generator:
    def __init__(self, n_actors: int, n_instruments: int, seed: int, schema: Schema):
        self.rng = random.Random(seed)
        self.schema = schema
        self.n_actors, self.n_instruments = n_actors, n_instruments
        self.kinds: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.actors: list[dict] = []
        self.instruments: list[dict] = []
        self.relations: list[dict] = []
        self.pairs: set[tuple[str, str, str]] = set()
        self.allowed: dict[tuple[str, str, str], bool] = {}
        self.used_names: set[str] = set()
        self.sources = [self._source(i) for i in range(max(2, n_instruments // 250))]
        self.source_ids = [s["id"] for s in self.sources]
        self.evidence_count = 0
        self.domains = sorted(schema.domains)

    # --- records ---------------------------------------------------------------------

    def run(self) -> dict[str, list[dict]]:
        self._make_actors()
        self._make_pools()
        self._link_actors()
        for index in range(self.n_instruments):
            self._make_instrument(index)
        return {"sources": self.sources, "actors": self.actors, "instruments": self.instruments,
                "relations": self.relations}

    def _source(self, index: int) -> dict:
        year = self.rng.randint(*YEARS)
        return {
            "id": f"src-{index:05d}",
            "title": f"Synthetic source {index}",
            "publisher": self.rng.choice(["Synthetic ministry", "Synthetic press agency", "Synthetic treaty register"]),
            "kind": "synthetic",
            "published": f"{year}-{self.rng.randint(1, 12):02d}",
            "language": self.rng.choice(["en", "en", "en", "fr", "vi"]),
            "note": "Generated by partnergraph.graph.model.synthetic; not a real source.",
        }

    def _evidence(self, what: str) -> list[dict]:
        self.evidence_count += 1
        if self.rng.random() < 0.85:
            sources = [self.rng.choice(self.source_ids)]
        else:
            sources = self.rng.sample(self.source_ids, min(self.rng.randint(2, 3), len(self.source_ids)))
        return [{"source": s, "quote": f"Synthetic statement {self.evidence_count} on {what}."} for s in sources]

    def _unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.used_names:
            n += 1
            candidate = f"{name} {n}"
        self.used_names.add(candidate)
        return candidate

    def _place_name(self) -> str:
        parts = self.rng.randint(2, 3)
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(parts)).capitalize() + self.rng.choice(
            ["ia", "a", "land", "stan", "or", "es", ""]
        )

    def _actor_name(self, kind: str, index: int) -> str:
        place = self._place_name()
        if kind == "state":
            return self._unique(place)
        if kind == "union":
            return self._unique(f"{place} Union")
        if kind == "regional_organisation":
            return self._unique(f"{place} Regional Security Forum")
        if kind == "international_organisation":
            return self._unique(f"International Organisation for {place} Cooperation")
        if kind == "government_body":
            body = self.rng.choice(["Ministry of Defence", "Coast Guard", "Foreign Service", "Defence Agency"])
            return self._unique(f"{place} {body}")
        return self._unique(f"{self.rng.choice(_FIRST)} {place}")

    def _make_actors(self) -> None:
        kinds = self.rng.choices(list(ACTOR_KINDS), weights=list(ACTOR_KINDS.values()), k=self.n_actors)
        kinds[:3] = ["union", "regional_organisation", "state"]  # every size has each kind of hub
        for index, kind in enumerate(kinds):
            node_id = f"a{index:05d}"
            name = self._actor_name(kind, index)
            record: dict[str, Any] = {"id": node_id, "kind": kind, "name": name}
            if kind == "state" and index < 26 * 26:
                record["iso"] = chr(65 + index // 26) + chr(65 + index % 26)
            if self.rng.random() < 0.2:
                record["aliases"] = [name.upper().replace(" ", "")[:6] + str(index)]
            record["evidence"] = self._evidence(name)
            self.actors.append(record)
            self.kinds[node_id] = kind
            self.names[node_id] = name

    def _make_pools(self) -> None:
        ranks = list(range(1, self.n_actors + 1))
        self.rng.shuffle(ranks)
        weight = {
            a["id"]: HUB_BIAS[a["kind"]] / rank**ZIPF_EXPONENT for a, rank in zip(self.actors, ranks)
        }
        by_kind: dict[str, list[str]] = {}
        for node_id, kind in self.kinds.items():
            by_kind.setdefault(kind, []).append(node_id)

        def pool(*kinds: str) -> _Pool:
            ids = [n for k in kinds for n in by_kind.get(k, [])]
            return _Pool(ids, [weight[n] for n in ids])

        self.any_actor = pool(*ACTOR_KINDS)
        self.organisation = pool("state", "union", "regional_organisation", "international_organisation",
                                 "government_body")
        self.states = pool("state")
        self.polities = pool("union", "regional_organisation", "international_organisation")

    # --- edges -----------------------------------------------------------------------

    def _relate(self, source: str, edge_type: str, target: str, **fields: Any) -> None:
        key = (self.kinds[source], edge_type, self.kinds[target])
        if key not in self.allowed:
            self.allowed[key] = self.schema.edge_allowed(*key)
        if not self.allowed[key] or (source, edge_type, target) in self.pairs or source == target:
            return
        self.pairs.add((source, edge_type, target))
        record = {"from": source, "type": edge_type, "to": target}
        record.update({k: v for k, v in fields.items() if v is not None})
        record["evidence"] = self._evidence(f"{self.names[source]} {edge_type} {self.names[target]}")
        self.relations.append(record)

    def _link_actors(self) -> None:
        rng = self.rng
        for record in self.actors:
            node_id, kind = record["id"], record["kind"]
            if kind == "state":
                for polity in self.polities.draw(rng, rng.choice([0, 1, 1, 2, 3])):
                    self._relate(node_id, "member_of", polity, start=self._date(day_share=0.3))
            elif kind == "government_body":
                parent = self.organisation.draw(rng, 1, exclude={node_id})
                for other in parent:
                    self._relate(node_id, "part_of", other)
                if rng.random() < 0.25:
                    for state in self.states.draw(rng, 1):
                        self._relate(node_id, "accredited_to", state, start=self._date())
            elif kind == "person":
                for org in self.organisation.draw(rng, 1):
                    self._relate(node_id, "holds_office_in", org, role=rng.choice(["minister", "ambassador", "envoy",
                                                                                   "chief of defence"]),
                                 start=self._date(), end=None)
            if rng.random() < 0.05:
                for other in self.any_actor.draw(rng, 1, exclude={node_id}):
                    self._relate(node_id, "supports", other, mentioned=self._date())

    # --- instruments -----------------------------------------------------------------

    def _participant_count(self) -> int:
        r = self.rng.random()
        if r < 0.6:
            return 2
        if r < 0.8:
            return 3
        return min(3 + int(self.rng.paretovariate(1.3)), 40)

    def _make_instrument(self, index: int) -> None:
        rng = self.rng
        kind = self._pick(INSTRUMENT_KINDS)
        node_id = f"i{index:06d}"
        edge_type = PARTICIPATION[kind]
        pool = self.any_actor if edge_type != "party_to" else self.organisation
        parties = pool.draw(rng, self._participant_count() if kind != "policy" else rng.randint(0, 3))
        domains = rng.sample(self.domains, rng.choice([1, 1, 2, 3]))
        start = self._date()
        end = self._end(start) if kind in ("project", "mission", "exercise", "cooperation", "partnership") else None
        status = self._pick(STATUSES[kind])
        record: dict[str, Any] = {"id": node_id, "kind": kind, "name": self._instrument_name(kind, index, parties, domains)}
        if rng.random() < 0.9:
            record["status"] = status
        if start:
            record["start"] = start
        elif rng.random() < 0.5:
            record["mentioned"] = self._date(day_share=1.0) or "2020"
        if end:
            record["end"] = end
        record["domains"] = domains
        record["evidence"] = self._evidence(record["name"])
        self.instruments.append(record)
        self.kinds[node_id] = kind
        self.names[node_id] = record["name"]
        self._link_instrument(node_id, kind, edge_type, parties, start, index)

    def _link_instrument(self, node_id: str, kind: str, edge_type: str, parties: list[str], start: str | None,
                         index: int) -> None:
        rng = self.rng
        for party in parties:
            fields: dict[str, Any] = {}
            if edge_type in EDGE_STATUSES:
                fields["status"] = self._pick(EDGE_STATUSES[edge_type])
            roll = rng.random()
            if roll < 0.6:
                fields["start"] = start
            elif roll < 0.7:
                fields["start"] = self._later(start)
            self._relate(party, edge_type, node_id, **fields)
        if kind == "policy" or rng.random() < 0.2:
            for leader in self.organisation.draw(rng, 1):
                self._relate(leader, "leads", node_id)
        if kind in ("project", "mission", "exercise", "cooperation", "conference") and rng.random() < 0.3:
            for funder in self.organisation.draw(rng, 1):
                self._relate(funder, "funds", node_id, start=start)
        if kind in ("exercise", "visit", "meeting", "conference", "dialogue"):
            if rng.random() < 0.6:
                for state in self.states.draw(rng, 1):
                    self._relate(node_id, "held_in", state, start=start)
            if rng.random() < 0.3:
                for host in self.organisation.draw(rng, 1):
                    self._relate(host, "hosts", node_id)
            if index and rng.random() < 0.15:
                self._relate(node_id, "addresses", f"i{rng.randrange(index):06d}", start=start)
        if index and rng.random() < 0.05:
            self._relate(node_id, "part_of", f"i{rng.randrange(index):06d}")
        if kind == "agreement" and index and rng.random() < 0.03:
            self._relate(node_id, "enables", f"i{rng.randrange(index):06d}")

    def _instrument_name(self, kind: str, index: int, parties: list[str], domains: list[str]) -> str:
        label = self.schema.kind_label(kind)
        topic = self.schema.domains[domains[0]]["label"].capitalize()
        if len(parties) == 2:
            a, b = (self.names[p].split(" ")[0] for p in parties)
            return f"{a}–{b} {topic} {label} {index}"
        return f"{topic} {label} {index}"

    # --- dates and vocabularies ------------------------------------------------------

    def _pick(self, weights: dict[str, float]) -> str:
        keys, cum = _cumulative(tuple(weights.items()))
        return keys[bisect(cum, self.rng.random() * cum[-1])]

    def _date(self, day_share: float = 0.55) -> str | None:
        """A date of mixed precision: day, month, year, year unknown, or none."""
        rng = self.rng
        year, month, day = rng.randint(*YEARS), rng.randint(1, 12), rng.randint(1, 28)
        r = rng.random()
        if r < day_share:
            return f"{year}-{month:02d}-{day:02d}"
        if r < day_share + 0.2:
            return f"{year}-{month:02d}"
        if r < day_share + 0.33:
            return str(year)
        if r < day_share + 0.37:
            return f"XXXX-{month:02d}-{day:02d}"
        return None

    def _end(self, start: str | None) -> str | None:
        """An end after ``start`` for about a third of dated instruments."""
        if not start or start.startswith("X") or self.rng.random() > 0.35:
            return None
        year = int(start[:4]) + self.rng.randint(1, 6)
        return f"{year}-{self.rng.randint(1, 12):02d}" if self.rng.random() < 0.5 else str(year)

    def _later(self, start: str | None) -> str | None:
        """A joining date after ``start`` (year precision), or None when there is no known start."""
        if not start or start.startswith("X"):
            return None
        return str(min(int(start[:4]) + self.rng.randint(0, 4), YEARS[1]))


@lru_cache(maxsize=None)
def _cumulative(items: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [k for k, _ in items], list(itertools.accumulate(w for _, w in items))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m partnergraph.graph.model.synthetic",
        description="Write a seeded synthetic partnergraph dataset (JSON files) into a folder.",
    )
    parser.add_argument("--size", choices=sorted(SIZES, key=lambda s: SIZES[s]), default="small",
                        help="preset: " + ", ".join(f"{k}={a} actors/{i} instruments" for k, (a, i) in SIZES.items()))
    parser.add_argument("--actors", type=int, help="number of actors (overrides --size)")
    parser.add_argument("--instruments", type=int, help="number of instruments (overrides --size)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", required=True, help="folder to write sources/actors/instruments/relations.json into")
    args = parser.parse_args(argv)
    n_actors, n_instruments = SIZES[args.size]
    try:
        dataset = generate(args.actors or n_actors, args.instruments or n_instruments, seed=args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    write_dataset(dataset, args.out)
    counts = ", ".join(f"{len(records)} {section}" for section, records in dataset.items())
    print(f"Wrote {counts} to {args.out}")


if __name__ == "__main__":
    main()
