"""Precision and recall of `partnergraph ingest`, per evaluation set and language, and its recall on the seed.

    python bench/eval_ingest.py                  # the tables (dev … dev5, heldout5, seed)
    python bench/eval_ingest.py --json           # the figures as JSON
    python bench/eval_ingest.py --verbose        # also what each development article missed or added
    python bench/eval_ingest.py --set dev2       # one set only (dev, dev2 … dev5, heldout5 or seed)
    python bench/eval_ingest.py --layers         # per layer: rules only, rules + parser, all, all but each one
    python bench/eval_ingest.py --only parser    # with only these layers on (comma-separated; 'none': rules only)

Sets (all constructed texts, see bench/ingest_eval/README.md):
- ``dev``  (bench/ingest_eval/dev/): the rules were tuned on them from the start: optimistic figures.
- ``dev2`` (bench/ingest_eval/heldout/): the first held-out set; its misses were read and fixed in
  round 2, so it is development data now.
- ``dev3`` (bench/ingest_eval/heldout2/): the second held-out set; its misses were read and fixed in
  round 3, so it is development data now.
- ``dev4`` (bench/ingest_eval/heldout3/): the third held-out set, evaluated once after round 3; its misses
  were read in round 4 (the parser layer), so it is development data now.
- ``dev5`` (bench/ingest_eval/heldout4/): the fourth held-out set (8 en + 8 vi, written blind), evaluated
  once after round 4; its misses were read in round 5 (the Vietnamese parser layer), so it is development data now.
- ``heldout5`` (bench/ingest_eval/heldout5/): HELD OUT: 8 en + 8 vi texts written blind (hashes in its
  HASHES.md) by someone who neither ran the tool nor read its rules; evaluated once, after round 5.
Only the folders listed in SETS are ever evaluated: a new held-out set being written next to them
(e.g. heldout3/) is not picked up until it is added here on purpose. Sets in HELD_OUT have their
aggregate figures printed but not, with ``--verbose``, their per-article misses (add
``--show-heldout`` to do so on purpose, after which the set is no longer held out).

Matching: an actor is found when any name of a proposed actor equals (folded) one of the
answer's names; proposed actors that match the answer's ``implied_actors`` (the state of a city
named in the text) count neither for nor against. An instrument is found when a proposed one has
the same kind and either shares the answer's name (one contains the other) or includes all its
parties; a relation when its type and both matched ends agree.
The seed table ingests the two seed texts and reports the recall of the seed dataset's actors
and instruments (those with evidence from that text) among the linked candidates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from tabulate import tabulate

from partnergraph.graph.model.build import load_graph
from partnergraph.graph.ingest import ingest_files
from partnergraph.graph.ingest.layers import DEFAULT_ON, LAYERS, using
from partnergraph.graph.model.names import fold, names_of

HERE = Path(__file__).parent / "ingest_eval"
SETS = {"dev": HERE / "dev", "dev2": HERE / "heldout", "dev3": HERE / "heldout2", "dev4": HERE / "heldout3",
        "dev5": HERE / "heldout4", "heldout5": HERE / "heldout5"}
HELD_OUT: set[str] = set()  # names of SETS whose per-article misses are not printed (heldout5 was read after its one run)
SEED = Path(__file__).parents[1] / "seed"
WHATS = ("actors", "instruments", "relations")


def _folded(names) -> set[str]:
    return {fold(n) for n in names}


_GRAPH = None  # set by main(): the dataset the candidates link to


def _names(record: dict) -> list[str]:
    """A candidate's names, and those of the existing node it links to (aliases included)."""
    names = list(names_of(record))
    linked = (record.get("review") or {}).get("links_to")
    if _GRAPH is not None and linked in _GRAPH:
        names += names_of(_GRAPH.nodes[linked])
    return names


def _match_actors(gold: list[list[str]], predicted: list[dict]) -> dict[int, str]:
    """gold index -> predicted id."""
    found: dict[int, str] = {}
    for g, names in enumerate(gold):
        wanted = _folded(names)
        for record in predicted:
            if _folded(_names(record)) & wanted and record["id"] not in found.values():
                found[g] = record["id"]
                break
    return found


def _parties(candidates: dict, inst_id: str) -> set[str]:
    return {r["from"] for r in candidates["relations"] if r["to"] == inst_id and r["type"] != "held_in"}


def _end_id(name: str, answer: dict, actor_match: dict[int, str], candidates: dict) -> str:
    """The proposed id an answer's actor name stands for (or a marker that matches nothing)."""
    for g, names in enumerate(answer["actors"]):
        if fold(name) in _folded(names):
            return actor_match.get(g, f"missing:{name}")
    for record in candidates["actors"]:  # implied actors (states of places) are looked up directly
        if fold(name) in _folded(_names(record)):
            return record["id"]
    return f"unknown:{name}"


def _match_instruments(answer: dict, candidates: dict, actor_match: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for inst in answer.get("instruments") or []:
        parties = {_end_id(p, answer, actor_match, candidates) for p in inst.get("parties", [])}
        gold_name = fold(inst.get("name") or "")
        for record in candidates["instruments"]:
            if record["kind"] != inst["kind"] or record["id"] in found.values():
                continue
            names = " | ".join(fold(n) for n in _names(record))
            by_name = gold_name and (gold_name in names or any(
                len(fold(n).split()) >= 3 and fold(n) in gold_name for n in _names(record)))
            by_parties = parties and parties <= _parties(candidates, record["id"])
            if by_name or by_parties:
                found[inst["ref"]] = record["id"]
                break
    return found


def _implied(answer: dict, candidates: dict, actor_match: dict) -> set[str]:
    """Proposed actor ids that are only implied actors of the answer."""
    wanted = set().union(*(_folded(names) for names in answer.get("implied_actors") or [])) if answer.get("implied_actors") else set()
    return {r["id"] for r in candidates["actors"] if r["id"] not in actor_match.values() and _folded(_names(r)) & wanted}


def evaluate_article(path: Path, G, verbose: bool = False) -> dict:
    answer = yaml.safe_load(path.with_name(path.stem + ".answer.yaml").read_text("utf-8"))
    candidates = ingest_files([path], G)
    actor_match = _match_actors(answer["actors"], candidates["actors"])
    inst_match = _match_instruments(answer, candidates, actor_match)
    refs = {inst["ref"] for inst in answer.get("instruments") or []}

    def end(name: str) -> str:
        if name in refs:
            return inst_match.get(name, f"missing:{name}")
        return _end_id(name, answer, actor_match, candidates)

    gold_rel = {(end(a), rtype, end(b)) for a, rtype, b in answer.get("relations") or []}
    pred_rel = {(r["from"], r["type"], r["to"]) for r in candidates["relations"]}
    implied = _implied(answer, candidates, actor_match)
    if verbose:
        print(f"== {path.parent.name}/{path.name}")
        print("   missed actors:", [answer["actors"][g] for g in range(len(answer["actors"])) if g not in actor_match])
        print("   extra actors:", sorted({r["id"] for r in candidates["actors"]} - set(actor_match.values()) - implied))
        print("   missed instruments:", [i["ref"] for i in answer.get("instruments") or [] if i["ref"] not in inst_match])
        print("   extra instruments:", sorted({r["id"] for r in candidates["instruments"]} - set(inst_match.values())))
        print("   missed relations:", sorted(gold_rel - pred_rel))
        print("   extra relations:", sorted(pred_rel - gold_rel))
    return {
        "actors": (len(actor_match), len(candidates["actors"]) - len(implied), len(answer["actors"])),
        "instruments": (len(inst_match), len(candidates["instruments"]), len(answer.get("instruments") or [])),
        "relations": (len(gold_rel & pred_rel), len(pred_rel), len(gold_rel)),
    }


def evaluate_set(folder: Path, G, verbose: bool = False, name: str | None = None) -> list[dict]:
    """Rows of (lang, what, precision, recall, counts) summed over the set's articles."""
    totals: dict[tuple, list[int]] = {}
    articles: dict[str, int] = {}
    for path in sorted(folder.glob("*.txt")):
        lang = path.name[:2]
        articles[lang] = articles.get(lang, 0) + 1
        for what, (tp, predicted, gold) in evaluate_article(path, G, verbose).items():
            t = totals.setdefault((lang, what), [0, 0, 0])
            t[0], t[1], t[2] = t[0] + tp, t[1] + predicted, t[2] + gold
    rows = []
    for lang in sorted(articles):
        for what in WHATS:
            tp, predicted, gold = totals[(lang, what)]
            rows.append({"set": name or folder.name, "lang": lang, "articles": articles[lang], "what": what,
                         "precision": round(tp / predicted, 2) if predicted else None,
                         "recall": round(tp / gold, 2) if gold else None,
                         "correct": tp, "proposed": predicted, "in answers": gold})
    return rows


def seed_recall(G) -> list[dict]:
    rows = []
    for source_id, source in G.graph["sources"].items():
        candidates = ingest_files([SEED / source["file"]], G)
        linked = {r["review"].get("links_to") for s in ("actors", "instruments") for r in candidates[s]}
        for family in ("actor", "instrument"):
            wanted = {n for n, a in G.nodes(data=True) if a["family"] == family
                      and any(e["source"] == source_id for e in a.get("evidence", []))}
            rows.append({"seed text": source_id, "family": family + "s", "recall": round(len(wanted & linked) / len(wanted), 2),
                         "found": len(wanted & linked), "in seed": len(wanted),
                         "missed": ", ".join(sorted(wanted - linked))})
    return rows


def layer_configs() -> list[tuple[str, set | None]]:
    """Rules only, rules + parser, the default, the default without each of its layers, with each other one."""
    configs = [("rules only", set()), ("rules + parser", {"parser"}), ("default", None)]
    configs += [(f"default - {name}", set(DEFAULT_ON) - {name}) for name in sorted(DEFAULT_ON) if name != "parser"]
    return configs + [(f"default + {name}", set(DEFAULT_ON) | {name}) for name in LAYERS if name not in DEFAULT_ON]


def layer_rows(G, chosen: str) -> list[dict]:
    """One row per layer configuration, set and language: P/R of actors, instruments and relations."""
    rows = []
    for label, on in layer_configs():
        with using(on):
            for name, folder in SETS.items():
                if chosen not in ("all", name) or name in HELD_OUT:  # a held-out set is evaluated once, not per layer
                    continue
                by_lang: dict[str, dict] = {}
                for row in evaluate_set(folder, G, False, name):
                    out = by_lang.setdefault(row["lang"], {"layers": label, "set": name, "lang": row["lang"]})
                    out[row["what"]] = f"{row['precision']}/{row['recall']}"
                rows += by_lang.values()
    return rows


def main(argv: list[str]) -> None:
    chosen = argv[argv.index("--set") + 1] if "--set" in argv else "all"
    global _GRAPH
    if "--layers" in argv:
        _GRAPH = load_graph()
        rows = layer_rows(_GRAPH, chosen)
        print(json.dumps(rows, indent=1) if "--json" in argv else tabulate(rows, headers="keys", tablefmt="github"))
        return
    if "--only" in argv:
        only = argv[argv.index("--only") + 1]
        with using(set() if only == "none" else set(only.split(","))):
            return _main(argv, chosen)
    return _main(argv, chosen)


def _main(argv: list[str], chosen: str) -> None:
    verbose = "--verbose" in argv
    show_heldout = "--show-heldout" in argv
    global _GRAPH
    G = _GRAPH = load_graph()
    rows = []
    for name, folder in SETS.items():
        if chosen in ("all", name):
            rows += evaluate_set(folder, G, verbose and (name not in HELD_OUT or show_heldout), name)
    seed = seed_recall(G) if chosen in ("all", "seed") else []
    if "--json" in argv:
        print(json.dumps({"eval": rows, "seed": seed}, indent=2, ensure_ascii=False))
        return
    if rows:
        print(tabulate(rows, headers="keys", tablefmt="github"))
        print()
    if seed:
        print(tabulate(seed, headers="keys", tablefmt="github", maxcolwidths=[None, None, None, None, None, 70]))


if __name__ == "__main__":
    main(sys.argv[1:])
