"""The interactive HTML view (sigma.js + graphology), opened in a real headless Chromium driven by Playwright.

Chromium comes from scripts/install-test-deps (Debian's chromium). Without it the tests skip on a
developer's machine and fail in CI (CI=true). Screenshots are written to the test's folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset
from partnergraph.graph.present.interactive import VENDORED, graph_data, html_page, write_html

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]
VENDOR = Path(__file__).resolve().parents[1] / "graph" / "present" / "vendor"
# Messages of the software GPU about its own speed (SwiftShader), not of the page.
DRIVER_NOTE = re.compile(r"GL Driver Message|GPU stall due to ReadPixels|Automatic fallback to software WebGL")


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


def _open(browser, path: Path, timeout: int = 20_000):
    page = browser.new_page()
    problems: list[str] = []

    def on_console(msg):
        if msg.type in ("error", "warning") and not DRIVER_NOTE.search(msg.text):
            problems.append(f"console {msg.type}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("request", lambda req: problems.append(f"network request: {req.url}") if not req.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(path.as_uri(), timeout=timeout)
    page.wait_for_function("window.partnergraph !== undefined", timeout=timeout)
    return page, problems


def _search(page, text: str) -> str:
    page.fill("#search", text)
    page.press("#search", "Enter")
    return page.evaluate("window.partnergraph.state.selected")


def _tentative_edges(page) -> list[int]:
    return page.evaluate("""() => { const p = window.partnergraph, E = p.edges, out = [];
        const st = JSON.parse(document.getElementById('pg-data').textContent).graph.statuses;
        for (let j = 0; j < E.s.length; j++) if (E.status[j] >= 0 && !st[E.status[j]].in_place) out.push(j);
        return out; }""")


def _check_page(page, problems, G, shot: Path, viet_nam: str = "viet-nam", quote: str | None = None) -> None:
    """What every page must do: count right, search folds diacritics, status filter, side panel evidence."""
    assert page.evaluate("window.partnergraph.graph.order") == G.number_of_nodes()
    assert page.evaluate("window.partnergraph.graph.size") == G.number_of_edges()
    assert page.evaluate("window.partnergraph.shown().nodes") == G.number_of_nodes()
    assert page.evaluate("document.querySelectorAll('#graph canvas').length") >= 3
    for query in ("Việt Nam", "viet nam", "VIET-NAM"):
        assert _search(page, query) == viet_nam, query
    panel = page.inner_text("#panel")
    assert "Viet Nam" in panel and "Việt Nam" in panel
    if quote:
        assert quote in panel
    tentative = _tentative_edges(page)
    assert tentative, "the graph has tentative ties"
    page.click("#clear")
    page.uncheck("#show-tentative")
    hidden = page.evaluate(f"{json.dumps(tentative)}.filter(j => !window.partnergraph.edgeHidden(j)).length")
    assert hidden == 0
    assert page.evaluate("window.partnergraph.shown().edges") < G.number_of_edges()
    page.check("#show-tentative")
    assert page.evaluate("window.partnergraph.shown().edges") == G.number_of_edges()
    _search(page, "Việt Nam")
    page.wait_for_timeout(400)
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    png = page.evaluate("window.partnergraph.exportPNG()")
    assert png.startswith("data:image/png;base64,") and len(png) > 5_000
    assert problems == []


def test_seed_page(browser, tmp_path):
    G = load_graph()
    target = tmp_path / "graph.html"
    result = CliRunner().invoke(cli, ["render", "-o", str(target)])
    assert result.exit_code == 0, result.output
    page, problems = _open(browser, target)
    _check_page(page, problems, G, tmp_path / "seed.png", quote="Viet Nam becomes the second partner country in Asia")
    # The side panel shows every evidence quote of the node, with its source.
    panel = page.inner_text("#panel")
    for e in G.nodes["viet-nam"]["evidence"]:
        assert e["quote"] in panel and e["source"] in panel
    # Focus: only Viet Nam and its neighbours stay.
    page.check("#focus")
    neighbours = set(G.predecessors("viet-nam")) | set(G.successors("viet-nam")) | {"viet-nam"}
    assert page.evaluate("window.partnergraph.shown().nodes") == len(neighbours)
    assert page.evaluate("window.partnergraph.nodeHidden('eu')") == ("eu" not in neighbours)
    page.uncheck("#focus")
    # A kind filter hides that kind.
    page.uncheck("#kinds input[data-kind=state]")
    assert page.evaluate("window.partnergraph.nodeHidden('japan')")
    page.close()


def _pixel(page, node: str) -> tuple[int, int, int]:
    """The colour on screen at a node's centre (a screenshot, as a user sees it)."""
    import io

    import matplotlib.image as mpimg

    x, y = page.evaluate(f"(() => {{ const r = window.partnergraph.renderer; "
                         f"const p = r.framedGraphToViewport(r.getNodeDisplayData('{node}')); return [p.x, p.y]; }})()")
    box = page.eval_on_selector("#graph", "e => { const b = e.getBoundingClientRect(); return [b.x, b.y]; }")
    shot = mpimg.imread(io.BytesIO(page.screenshot(clip={"x": box[0] + x, "y": box[1] + y, "width": 1, "height": 1})))
    return tuple(int(round(c * 255)) for c in shot[0, 0, :3])


def test_instruments_are_rings_and_actors_discs(browser, tmp_path):
    """Shape shows the family: an instrument's centre is white, an actor's is its kind's colour."""
    target = tmp_path / "graph.html"
    assert CliRunner().invoke(cli, ["render", "-o", str(target)]).exit_code == 0
    page, problems = _open(browser, target)
    G = load_graph()
    for node, attrs in G.nodes(data=True):
        assert page.evaluate(f"window.partnergraph.program('{node}')") == ("ring" if attrs["family"] == "instrument" else "circle")
    for node in ("eu-viet-nam-fpa", "viet-nam"):
        page.evaluate(f"(() => {{ const r = window.partnergraph.renderer; const d = r.getNodeDisplayData('{node}'); "
                      f"r.getCamera().setState({{x: d.x, y: d.y, ratio: 0.2}}); }})()")
        page.wait_for_timeout(300)
        colour = _pixel(page, node)
        if G.nodes[node]["family"] == "instrument":
            assert min(colour) > 235, colour  # white inside the ring
        else:
            assert min(colour) < 200, colour  # the disc's colour
    assert problems == []
    page.close()


def test_date_slider_applies_the_as_of_rule(browser, tmp_path):
    from partnergraph.graph.model.timeslice import as_of

    G = load_graph()
    target = tmp_path / "graph.html"
    write_html(G, target, as_of="2019-09-01")
    page, problems = _open(browser, target)
    H = as_of(G, "2019-09-01")
    assert page.evaluate("window.partnergraph.shown().nodes") == H.number_of_nodes()
    assert page.evaluate("window.partnergraph.shown().edges") == H.number_of_edges()
    assert page.evaluate("window.partnergraph.nodeHidden('eu-viet-nam-fpa')")
    assert problems == []
    page.close()


def test_ego_page_in_vietnamese(browser, tmp_path):
    target = tmp_path / "vn.html"
    result = CliRunner().invoke(cli, ["render", "-o", str(target), "--ego", "Việt Nam", "--lang", "vi"])
    assert result.exit_code == 0, result.output
    page, problems = _open(browser, target)
    G = load_graph()
    assert page.evaluate("window.partnergraph.graph.order") == len(
        {"viet-nam"} | set(G.predecessors("viet-nam")) | set(G.successors("viet-nam")))
    assert "Việt Nam" in page.inner_text("header h1")
    assert "Bằng chứng" in page.inner_text("#panel")  # the centre is selected, its panel in Vietnamese
    page.screenshot(path=str(tmp_path / "vn.png"))
    assert problems == []
    page.close()


def _synthetic(tmp_path, actors: int, instruments: int):
    folder = tmp_path / f"syn-{actors}-{instruments}"
    write_dataset(generate(actors, instruments, seed=3), folder)
    G = load_graph([str(folder)])
    # A state to search for, with a Vietnamese name (the synthetic names are ASCII).
    hub = sorted((n for n, a in G.nodes(data=True) if a["kind"] == "state"), key=lambda n: -G.degree(n))[0]
    G.nodes[hub].update(name="Viet Nam", name_vi="Việt Nam")
    return G, hub


@pytest.mark.parametrize("size", ["small", "20k"])
def test_synthetic_pages(browser, tmp_path, size):
    actors, instruments = SIZES["small"] if size == "small" else (1000, 19000)
    G, hub = _synthetic(tmp_path, actors, instruments)
    target = tmp_path / f"{size}.html"
    write_html(G, target)
    page, problems = _open(browser, target, timeout=120_000)
    quote = G.nodes[hub]["evidence"][0]["quote"]
    _check_page(page, problems, G, tmp_path / f"{size}.png", viet_nam=hub, quote=quote)
    # Labels by zoom and importance: at the start only a few of the nodes are labelled.
    if size == "20k":
        page.click("#clear")
        page.wait_for_timeout(500)
        shown = page.evaluate("window.partnergraph.renderer.getNodeDisplayedLabels ? "
                              "window.partnergraph.renderer.getNodeDisplayedLabels().size : 0")
        assert 0 < shown < 200
    page.close()


def test_page_is_self_contained_and_safe():
    G = load_graph()
    G.nodes["viet-nam"]["note"] = "</script><script>alert(1)</script>"
    G.nodes["viet-nam"]["aliases"] = ["</script><b>x</b>"]
    page = html_page(G)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    data = page.split('<script id="pg-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data)["graph"]["nodes"]["id"]
    assert "</script><b>" not in page
    script = (VENDOR.parent / "templates" / "interactive.js").read_text("utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script  # data goes in as text only
    assert "sigma.js" in page and "graphology" in page


def test_vendored_files_match_their_checksums():
    sums = dict(reversed(line.split()) for line in (VENDOR / "SHA256SUMS").read_text().splitlines() if line.strip())
    assert set(VENDORED) <= set(sums) and {"LICENSE-sigma.txt", "LICENSE-graphology.txt"} <= set(sums)
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_same_graph_gives_the_same_file(tmp_path):
    G = load_graph()
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    write_html(G, a)
    write_html(G, b)
    assert a.read_bytes() == b.read_bytes()
    data = graph_data(G, lang="vi")
    assert "Việt Nam" in data["nodes"]["label"]


def test_html_refuses_views_it_cannot_show(tmp_path):
    result = CliRunner().invoke(cli, ["render", "-o", str(tmp_path / "t.html"), "--timeline"])
    assert result.exit_code == 1
    assert "not timeline" in result.output and not (tmp_path / "t.html").exists()
    result = CliRunner().invoke(cli, ["render", "-o", str(tmp_path / "t.html"), "--kind", "planet"])
    assert result.exit_code == 1 and "--kind: unknown kind 'planet'" in result.output
