"""Benchmark of the pictures and the interactive view at scale.

    python bench/bench_pictures.py static  --data /tmp/pg-small  [--out bench/results/pictures-small.json]
    python bench/bench_pictures.py html    --nodes 20000          [--out bench/results/interactive-20k.json]

``static`` runs ``partnergraph render -o overview.png`` in a child process under /usr/bin/time -v
(wall time and peak memory) and, for comparison, a plain ``networkx.draw`` of a graph of the same
size in the same run. ``html`` writes the interactive view of a synthetic graph (1,000 actors and
the rest instruments by default), opens it in headless Chromium (Debian's, software WebGL) and
records the load time (navigation to the page's ready signal) and the frame time (mean and worst of
60 renders while the camera zooms and pans).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--use-angle=swiftshader",
         "--enable-unsafe-swiftshader"]


def _timed(cmd: list[str]) -> dict:
    out = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", out.stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", out.stderr).group(1)) for kind in ("User", "System"))
    return {"wall_s": round(seconds, 1), "cpu_s": round(cpu, 1), "peak_rss_mib": round(peak / 1024)}


PLAIN = """
import sys, time, os
os.environ.setdefault("MPLBACKEND", "Agg")
import matplotlib.pyplot as plt, networkx as nx
from partnergraph.graph.model.build import load_graph
G = load_graph(sys.argv[1:] or None)
t0 = time.time()
fig = plt.figure(figsize=(20, 15))
nx.draw(nx.Graph(G), ax=fig.add_subplot(), node_size=30, with_labels=G.number_of_nodes() <= 80)
fig.savefig(os.devnull, format="png", dpi=150)
print(round(time.time() - t0, 2))
"""


def static(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data = ["--data", args.data] if args.data else []
        ours = _timed(["partnergraph", "render", "-o", f"{tmp}/overview.png", *data])
        plain = _timed([sys.executable, "-c", PLAIN, *([args.data] if args.data else [])])
    return {"what": "render -o overview.png", "data": args.data or "seed", "partnergraph": ours,
            "plain_networkx_draw": plain}


def html(args) -> dict:
    from playwright.sync_api import sync_playwright

    from partnergraph.graph.model.build import load_graph
    from partnergraph.graph.model.synthetic import generate, write_dataset
    from partnergraph.graph.present.interactive import write_html

    with tempfile.TemporaryDirectory() as tmp:
        write_dataset(generate(args.actors, args.nodes - args.actors, seed=0), f"{tmp}/data")
        G = load_graph([f"{tmp}/data"])
        t0 = time.time()
        info = write_html(G, f"{tmp}/graph.html")
        write_s = time.time() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            t0 = time.time()
            page.goto(Path(f"{tmp}/graph.html").as_uri(), timeout=300_000)
            page.wait_for_function("window.partnergraph !== undefined", timeout=300_000)
            load_s = time.time() - t0
            frames = page.evaluate("""() => { const r = window.partnergraph.renderer, c = r.getCamera(), out = [];
                for (let i = 0; i < 60; i++) {
                  c.setState({ ratio: 1 / (1 + i / 20), x: 0.5 + 0.1 * Math.sin(i / 5), y: 0.5 });
                  const t = performance.now(); r.refresh(); out.push(performance.now() - t);
                }
                return out; }""")
            if args.shot:
                page.set_default_timeout(300_000)
                page.screenshot(path=args.shot.replace(".png", "-start.png"))
                hub = max((n for n, a in G.nodes(data=True) if a["kind"] == "state"), key=G.degree)
                page.fill("#search", G.nodes[hub]["name"])
                page.press("#search", "Enter")
                page.wait_for_timeout(1500)
                page.screenshot(path=args.shot)
            browser.close()
    return {"what": "interactive view", "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
            "file_mib": round(info["bytes"] / 2**20, 1), "write_s": round(write_s, 1), "load_s": round(load_s, 1),
            "frame_ms_mean": round(sum(frames) / len(frames), 1), "frame_ms_max": round(max(frames), 1),
            "renderer": "Chromium headless, SwiftShader (software WebGL, no GPU)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["static", "html"])
    parser.add_argument("--data", help="dataset folder for `static` (default: the seed)")
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--actors", type=int, default=1_000)
    parser.add_argument("--out", help="write the result as JSON here too")
    parser.add_argument("--shot", help="html: screenshots here (-start.png at load, then with the largest state selected)")
    args = parser.parse_args()
    result = static(args) if args.what == "static" else html(args)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
