"""The interactive HTML view, opened in a real headless Chromium (Debian's chromium, driven by Playwright).

Chromium comes from scripts/install-test-deps. Without it the tests skip on a
developer's machine and fail in CI (CI=true).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.present.interactive import graph_data, html_page, write_html

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    message = "chromium is not installed; run scripts/install-test-deps"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 900}, offline=True,
        )
        yield context
        context.close()


def _open(browser, path: Path):
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("request", lambda req: problems.append(f"network request: {req.url}") if not req.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(path.as_uri())
    page.wait_for_function("window.partnergraph !== undefined", timeout=15000)
    return page, problems


def test_seed_page_loads_without_errors_and_shows_every_node(browser, tmp_path):
    G = load_graph()
    target = tmp_path / "graph.html"
    result = CliRunner().invoke(cli, ["render", "-o", str(target)])
    assert result.exit_code == 0, result.output
    page, problems = _open(browser, target)
    assert page.evaluate("window.partnergraph.nodes.length") == G.number_of_nodes() == 33
    assert page.evaluate("window.partnergraph.edges.length") == G.number_of_edges() == 50
    assert page.evaluate("document.querySelectorAll('#graph canvas').length") == 1
    shot = tmp_path / "graph.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert problems == []
    page.close()


def test_click_highlights_neighbours_and_hover_shows_names_dates_and_evidence(browser, tmp_path):
    G = load_graph()
    target = tmp_path / "graph.html"
    write_html(G, target)
    page, problems = _open(browser, target)
    # Click Viet Nam where the network draws it: its neighbours stay coloured, the others turn grey.
    x, y = page.evaluate("""() => { const n = window.partnergraph.network;
        const p = n.canvasToDOM(n.getPositions(['viet-nam'])['viet-nam']);
        const r = document.getElementById('graph').getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }""")
    page.mouse.click(x, y)
    grey = page.evaluate("window.partnergraph.nodes.get().filter(n => n.color.background === '#e4e4e4').map(n => n.id)")
    neighbours = set(G.predecessors("viet-nam")) | set(G.successors("viet-nam")) | {"viet-nam"}
    assert set(grey) == set(G) - neighbours and grey
    # Hovering shows the tooltip element with both names, the kind and the evidence quote.
    page.mouse.move(x + 1, y + 1)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tip = page.inner_text("div.vis-tooltip")
    assert "Viet Nam" in tip and "Việt Nam" in tip and "State" in tip
    assert "Viet Nam becomes the second partner country in Asia" in tip
    # Clicking the background clears the highlight.
    page.evaluate("window.partnergraph.highlight(null)")
    assert page.evaluate("window.partnergraph.nodes.get().filter(n => n.color.background === '#e4e4e4').length") == 0
    assert problems == []
    page.close()


def test_ego_page_in_vietnamese_has_the_ego_nodes(browser, tmp_path):
    target = tmp_path / "vn.html"
    result = CliRunner().invoke(cli, ["render", "-o", str(target), "--ego", "Việt Nam", "--lang", "vi"])
    assert result.exit_code == 0, result.output
    page, problems = _open(browser, target)
    ids = page.evaluate("window.partnergraph.nodes.getIds()")
    G = load_graph()
    assert set(ids) == {"viet-nam"} | set(G.predecessors("viet-nam")) | set(G.successors("viet-nam"))
    assert "Việt Nam" in page.inner_text("header h1")
    page.screenshot(path=str(tmp_path / "vn.png"))
    assert problems == []
    page.close()


def test_page_is_self_contained_and_safe():
    G = load_graph()
    G.nodes["viet-nam"]["note"] = "</script><script>alert(1)</script>"
    G.nodes["viet-nam"]["aliases"] = ["</script><b>x</b>"]
    page = html_page(G)
    # No resource is fetched: no src/href attributes to the outside.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    # The data block cannot close its <script> element early.
    data = page.split('<script id="pg-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data)["graph"]["nodes"]
    assert "</script><b>" not in page
    # The vendored library and its licence travel with the package.
    vendor = Path(__file__).resolve().parents[1] / "graph" / "present" / "vendor"
    assert (vendor / "LICENSE-MIT").exists() and "vis-network" in page


def test_same_graph_gives_the_same_file(tmp_path):
    G = load_graph()
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    write_html(G, a)
    write_html(G, b)
    assert a.read_bytes() == b.read_bytes()
    data = graph_data(G, lang="vi")
    assert any(n["label"] == "Việt Nam" for n in data["nodes"])


def test_html_refuses_views_it_cannot_show(tmp_path):
    result = CliRunner().invoke(cli, ["render", "-o", str(tmp_path / "t.html"), "--timeline"])
    assert result.exit_code == 1
    assert "not timeline" in result.output and not (tmp_path / "t.html").exists()
