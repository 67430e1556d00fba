"""What wrapping a table to a width costs: `list all` on the small synthetic graph, side by side.

The baseline is the same table unwrapped (``width=None``, what a pipe gets), run in the same
process on the same rows; the table is what ``partnergraph list all`` prints. Medians of
``--repeat`` runs of CPU time (steadier than wall time on shared cores), and their ratio to the
baseline. Not part of the test suite. Run from the repository root:

    python bench/bench_tables.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from partnergraph.cli.common import _cell
from partnergraph.graph.analysis.describe import list_answer
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset
from partnergraph.graph.present.table import numeric_columns, text_table

COLUMNS = ["id", "kind", "name", "name_vi", "status", "date", "degree"]


def rows_of(size: str) -> tuple[list[list[str]], list[bool]]:
    with tempfile.TemporaryDirectory() as folder:
        write_dataset(generate(*SIZES[size]), folder)
        rows = list_answer(load_graph([folder]), None, None, None, None, status="all")["rows"]
    values = [[r.get(c) for c in COLUMNS] for r in rows]
    return [[_cell(v) for v in row] for row in values], numeric_columns(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default="bench/results/tables.json")
    args = parser.parse_args()
    table, numeric = rows_of(args.size)
    results = {}
    for width in (None, 160, 100, 60):
        times = []
        for _ in range(args.repeat):
            start = time.process_time()
            text = text_table(COLUMNS, table, width, numeric)
            times.append(time.process_time() - start)
        results[str(width)] = {"median_cpu_s": round(statistics.median(times), 3), "lines": text.count("\n") + 1}
    base = results["None"]["median_cpu_s"]
    for r in results.values():
        r["ratio_to_unwrapped"] = round(r["median_cpu_s"] / base, 2)
    report = {"size": args.size, "rows": len(table), "repeat": args.repeat, "load_average": os.getloadavg()[0],
              "by_width": results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print("| width | median CPU s | ratio to unwrapped | lines |\n|---|---:|---:|---:|")
    for width, r in results.items():
        print(f"| {width if width != 'None' else 'unwrapped'} | {r['median_cpu_s']} | {r['ratio_to_unwrapped']} | {r['lines']:,} |")


if __name__ == "__main__":
    main()
