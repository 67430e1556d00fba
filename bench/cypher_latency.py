"""Wall time of `partnergraph query` (warm cache) against `partnergraph show`, and of `query -f` with 20 statements.

    python bench/cypher_latency.py [--runs 9]

Prints medians over the runs, all measured in the same run, interleaved (the machine's load
affects both alike). Targets (issue 12): query within 1.2x of show; 20 statements under 2x one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = "MATCH (n:State) RETURN n.name"


def timed(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    exe = shutil.which("partnergraph") or str(Path(sys.executable).with_name("partnergraph"))
    folder = Path(tempfile.mkdtemp(prefix="pg-latency-"))
    env = {**os.environ, "PARTNERGRAPH_CACHE": str(folder / "cache")}
    statements = folder / "twenty.cypher"
    statements.write_text(";\n".join([QUERY] * 10 + ["MATCH (a)-[:PARTY_TO]->(i) RETURN a.name, count(i) ORDER BY a.name"] * 10) + ";\n",
                          "utf-8")
    timed([exe, "query", QUERY], env)  # warm the cache
    cases = {"show": [exe, "show", "Viet Nam"], "query": [exe, "query", QUERY],
             "query -f (20 statements)": [exe, "query", "-f", str(statements)]}
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(runs):
        for name, args in cases.items():
            times[name].append(timed(args, env))
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"{k:28s} median {v * 1000:7.0f} ms over {runs} runs")
    print(f"query / show = {med['query'] / med['show']:.2f}x (target <= 1.2x)")
    print(f"20 statements / one = {med['query -f (20 statements)'] / med['query']:.2f}x (target < 2x)")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
