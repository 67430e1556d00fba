"""Every candidate ingest proposes, as one JSON file, to prove that speed work changed no result.

    python bench/ingest_dump.py /tmp/before.json          # on the old checkout
    python bench/ingest_dump.py /tmp/after.json           # on the new one
    cmp /tmp/before.json /tmp/after.json                  # byte for byte the same, or a result changed

Texts: every evaluation text (bench/ingest_eval/*/*.txt), the seed's texts and 0.07 MB of ingest_speed's
English text, each ingested alone with the default layers, the rules alone and the parser alone.
Source file paths are reduced to their names, so two checkouts compare equal.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from ingest_speed import english_text

from partnergraph.graph.ingest import ingest_files
from partnergraph.graph.model.build import load_graph

ROOT = Path(__file__).parents[1]
CONFIGURATIONS = {"default": None, "rules": set(), "parser": {"parser"}}


def _names_only(result: dict) -> dict:
    for source in result["sources"]:
        source["file"] = Path(source["file"]).name
    return result


def main(out: str) -> None:
    G = load_graph()
    with tempfile.TemporaryDirectory() as folder:
        bench_text = Path(folder) / "bench" / "bench.txt"  # named alike in every run
        bench_text.parent.mkdir()
        bench_text.write_text(english_text(50_000), "utf-8")
        texts = sorted(ROOT.glob("bench/ingest_eval/*/*.txt")) + sorted(ROOT.glob("seed/texts/*")) + [bench_text]
        result = {f"{name}:{path.relative_to(path.parents[1])}": _names_only(ingest_files([path], G, layers=layers))
                  for name, layers in CONFIGURATIONS.items() for path in texts}
    Path(out).write_text(json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False), "utf-8")
    print(f"{len(result)} ingests written to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
