"""Reviewing a candidates file one record at a time: accept, reject, edit or link, resumable.

A :class:`ReviewSession` holds the candidates (actors, instruments, relations, conflicts) and a
decision per record; every decision is saved at once to a progress file beside the candidates
(``NAME.review.json``), so a review stopped at any point resumes where it was. When every record
is decided, :meth:`ReviewSession.write_reviewed` writes the file ``merge`` takes
(``NAME.reviewed.yaml``, beside the candidates so their source texts stay inside its folder):

* accepted records as they are (edits applied), linked ones with ``review.links_to`` set, so
  ``merge`` adds their evidence to the existing node instead of making a new one;
* rejected records left out, and with them the relations and conflicts that need them and the
  sources no kept record cites.

>>> parts = highlight("The European Union and Viet Nam signed it.", ["Việt Nam", "EU", "European Union"])
>>> [text for text, hit in parts if hit]
['European Union', 'Viet Nam']
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from partnergraph.graph.ingest.merge import read_candidates
from partnergraph.graph.model.names import fold, names_of

ITEM_SECTIONS = ("actors", "instruments", "relations", "conflicts")
ACTIONS = ("accept", "reject", "edit", "link")
PROGRESS_VERSION = 1


class ReviewError(Exception):
    """The review cannot go on as asked (a bad edit, an unknown node to link to); nothing was lost."""


@dataclass
class Item:
    section: str
    index: int
    record: dict

    @property
    def key(self) -> str:
        r = self.record
        ident = r.get("id") or r.get("of") or f"{r.get('from')}--{r.get('type')}--{r.get('to')}"
        return f"{self.section}:{self.index}:{ident}"


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the character it came from."""
    out, where = [], []
    for i, char in enumerate(text):
        folded = fold(char) if not char.isspace() and char not in "–—‐-" else " "
        for f in folded or "":
            out.append(f)
            where.append(i)
    return "".join(out), where


def highlight(text: str, names: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (part, is_a_name) pieces: every occurrence of any of ``names``, case and
    diacritics ignored, whole words only, longest name first."""
    folded, where = _fold_with_map(text)
    spans: list[tuple[int, int]] = []
    for name in sorted({fold(n) for n in names if n and fold(n)}, key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", folded):
            start, end = where[m.start()], where[m.end() - 1] + 1
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
    parts, at = [], 0
    for start, end in sorted(spans):
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


class ReviewSession:
    """The candidates of one file and the decisions taken so far (saved after each)."""

    def __init__(self, candidates_path: str | Path, G=None, restart: bool = False):
        self.path = Path(candidates_path)
        self.candidates = read_candidates(self.path)
        self.G = G
        self.items = [Item(s, i, r) for s in ITEM_SECTIONS for i, r in enumerate(self.candidates.get(s) or [])]
        self.progress_path = self.path.with_name(self.path.stem + ".review.json")
        self.reviewed_path = self.path.with_name(self.path.stem + ".reviewed.yaml")
        self.decisions: dict[str, dict] = {}
        if restart and self.progress_path.exists():
            self.progress_path.unlink()
        if self.progress_path.exists():
            self._load_progress()

    # --- progress -------------------------------------------------------------------------------

    def _load_progress(self) -> None:
        try:
            saved = json.loads(self.progress_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ReviewError(f"{self.progress_path}: the saved progress cannot be read ({exc}); "
                              "start again with a fresh review (delete the file)")
        if saved.get("candidates_digest") != self._digest():
            raise ReviewError(f"{self.progress_path}: the candidates file changed since this review was saved; "
                              "start again (delete the progress file) or restore the file")
        self.decisions = saved.get("decisions", {})

    def _digest(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def _save(self) -> None:
        data = {"version": PROGRESS_VERSION, "candidates": self.path.name, "candidates_digest": self._digest(),
                "decisions": self.decisions}
        tmp = self.progress_path.with_name(self.progress_path.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
        os.replace(tmp, self.progress_path)

    @property
    def pending(self) -> list[Item]:
        return [item for item in self.items if item.key not in self.decisions]

    @property
    def done(self) -> int:
        return len(self.items) - len(self.pending)

    # --- what the reviewer sees -----------------------------------------------------------------

    def names_for(self, item: Item) -> list[str]:
        """The names to highlight in this item's evidence: its own, and those of the nodes it joins."""
        record = item.record
        if item.section in ("actors", "instruments"):
            return names_of(record)
        names = []
        for end in (record.get("from"), record.get("to"), record.get("of")):
            names += self._names_of_id(end)
        return names

    def _names_of_id(self, node_id: str | None) -> list[str]:
        for section in ("actors", "instruments"):
            for record in self.candidates.get(section) or []:
                if record.get("id") == node_id:
                    return names_of(record)
        if self.G is not None and node_id in self.G:
            return names_of(self.G.nodes[node_id])
        return []

    # --- decisions ------------------------------------------------------------------------------

    def decide(self, item: Item, action: str, *, changes: dict | None = None, links_to: str | None = None) -> None:
        """Record a decision and save progress. ``changes`` (edit): field -> new value (None removes it)."""
        if action not in ACTIONS:
            raise ReviewError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
        decision: dict = {"action": action}
        if action == "edit":
            if not changes:
                raise ReviewError("an edit needs at least one field=value")
            protected = {"evidence", "review"} & set(changes)
            if protected:
                raise ReviewError(f"{', '.join(sorted(protected))} cannot be edited here; the evidence is what the "
                                  "source says (reject the record instead)")
            decision["changes"] = changes
        if action == "link":
            if item.section not in ("actors", "instruments"):
                raise ReviewError("only an actor or instrument can be linked to an existing node")
            if self.G is None or links_to not in self.G:
                raise ReviewError(f"no node has id {links_to!r} in the dataset")
            decision["links_to"] = links_to
        self.decisions[item.key] = decision
        self._save()

    def undo(self, item: Item) -> None:
        self.decisions.pop(item.key, None)
        self._save()

    # --- the reviewed file ----------------------------------------------------------------------

    def reviewed(self) -> tuple[dict, dict[str, int]]:
        """The reviewed candidates (only what was kept) and counts of each decision."""
        counts = {action: 0 for action in ACTIONS} | {"dropped": 0}
        out: dict[str, list] = {s: [] for s in ("sources", *ITEM_SECTIONS)}
        rejected_ids = set()
        for item in self.items:
            decision = self.decisions.get(item.key)
            if decision is None:
                raise ReviewError(f"{len(self.pending)} record(s) are not reviewed yet")
            counts[decision["action"]] += 1
            if decision["action"] == "reject":
                if item.record.get("id"):
                    rejected_ids.add(item.record["id"])
                continue
            record = {k: v for k, v in item.record.items()}
            for name, value in (decision.get("changes") or {}).items():
                if value is None:
                    record.pop(name, None)
                else:
                    record[name] = value
            if decision["action"] == "link":
                record["review"] = {**(record.get("review") or {}), "links_to": decision["links_to"],
                                    "reason": "linked by the reviewer"}
            out[item.section].append(record)
        renamed = {item.record["id"]: self.decisions[item.key]["changes"]["id"] for item in self.items
                    if item.record.get("id") and (self.decisions[item.key].get("changes") or {}).get("id")}
        for record in out["relations"] + out["conflicts"]:
            for end in ("from", "to", "of"):
                if record.get(end) in renamed:
                    record[end] = renamed[record[end]]
        for section in ("relations", "conflicts"):
            kept = [r for r in out[section] if not ({r.get("from"), r.get("to"), r.get("of")} & rejected_ids)]
            counts["dropped"] += len(out[section]) - len(kept)
            out[section] = kept
        cited = {e["source"] for s in ITEM_SECTIONS for r in out[s] for e in r.get("evidence") or []}
        cited |= {c["source"] for s in ("actors", "instruments") for r in out[s] for c in r.get("counts") or []}
        out["sources"] = [s for s in self.candidates.get("sources") or [] if s.get("id") in cited]
        return {k: v for k, v in out.items() if v}, counts

    def write_reviewed(self) -> tuple[Path, dict[str, int]]:
        data, counts = self.reviewed()
        header = (f"# Reviewed with 'partnergraph review' from {self.path.name}: only the records kept.\n"
                  f"#   partnergraph merge {self.reviewed_path.name} --into DATASET\n")
        text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
        tmp = self.reviewed_path.with_name(self.reviewed_path.name + ".tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, self.reviewed_path)
        return self.reviewed_path, counts


def parse_change(text: str) -> tuple[str, object]:
    """``field=value`` typed by the reviewer: ``a|b`` is a list, an empty value removes the field."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not re.fullmatch(r"[a-z_]+", name):
        raise ReviewError(f"{text!r}: write field=value, e.g. status=not_yet or aliases=EU|the Union")
    value = value.strip()
    if not value:
        return name, None
    if "|" in value:
        return name, [part.strip() for part in value.split("|") if part.strip()]
    return name, value
