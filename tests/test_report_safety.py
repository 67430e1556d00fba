"""Hostile names in the report: shown as text in Markdown and HTML, never run (opened in headless Chromium);
and the report's file written whole or not at all (full disk, devices, symlinks)."""

import json
import os
import re
import shutil
import stat
from pathlib import Path

import markdown as python_markdown
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown_it import MarkdownIt

from partnergraph.cli.main import cli
from partnergraph.graph.model.build import load_graph
from partnergraph.graph.model.dataset import seed_path
from partnergraph.graph.present.report import build_report, markdown_to_html, md_text

from test_interactive import browser  # noqa: F401  (the headless Chromium fixture)

# id, the seed name it replaces, the hostile name. Each would run script, load a resource, open a
# link or break the table if it reached a page as markup.
HOSTILE = {
    "actors.yaml": [
        ("European Union", "<script>window.__pwned=1</script>European Union"),
        ("Viet Nam", '<img src=x onerror="window.__pwned=2;alert(2)">Viet Nam'),
        ("Republic of Korea", "Korea](javascript:window.__pwned=3) [click](javascript:alert(3))"),
        ("Japan", "\"'& Japan &amp; <b>bold</b> &lt;i&gt;"),
        ("India", "<svg onload=window.__pwned=4>India</svg> | cell ` code ` *em* _u_ ![x](http://example.invalid/x.png)"),
        ("Indonesia", "<iframe src=\"javascript:window.__pwned=5\"></iframe>Indo<!-- -->nesia"),
    ],
    "instruments.yaml": [
        ("EU–Viet Nam Framework Participation Agreement",
         "<a href=\"javascript:window.__pwned=6\">FPA</a> <style>body{display:none}</style>"),
    ],
    "sources.yaml": [
        ("EU and Viet Nam step up security and defence cooperation",
         "<script src=\"http://example.invalid/x.js\"></script>Press & release"),
    ],
}
NAMES = [new for rows in HOSTILE.values() for _, new in rows]


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)   # a JSON string is a YAML double-quoted scalar


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "seed"
    shutil.copytree(seed_path(), folder, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    for file, rows in HOSTILE.items():
        path = folder / file
        text = path.read_text("utf-8")
        for old, new in rows:
            key = "title" if file == "sources.yaml" else "name"
            assert f"{key}: {old}\n" in text
            text = text.replace(f"{key}: {old}\n", f"{key}: {_yaml_string(new)}\n", 1)
        path.write_text(text, "utf-8")
    return folder


MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "em", "a", "table", "thead", "tbody", "tr", "th", "td", "code"}
ANCHORS = ("sources-covered", "counts", "actors-ranked", "instruments-by-type-and-domain", "timeline", "notable-paths",
           "structure-components-and-brokers", "communities", "gaps-the-data-states")


def _elements(html: str) -> list[tuple[str, dict]]:
    """Every element of an HTML fragment: (tag, attributes), as a browser's tokenizer reads them."""
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def _text(s: str) -> str:
    return " ".join(s.split())


def test_markdown_report_has_no_markup_from_the_data(hostile):
    text = build_report(load_graph([hostile]), "md")
    for bad in ("<script", "<img", "<svg", "<iframe", "<a ", "<style", "<b>"):
        assert bad not in text
    assert not re.search(r"(?<!\\)\]\((javascript|http)", text)   # every ] of a name is escaped
    # Rendered by two Markdown engines with raw HTML allowed (as viewers do): every name is text, nothing is markup.
    for html in (python_markdown.markdown(text, extensions=["tables"]), MarkdownIt("commonmark", {"html": True}).enable("table").render(text)):
            elements = _elements(html)
            assert {tag for tag, _ in elements} <= MARKDOWN_TAGS
            assert [(tag, attrs) for tag, attrs in elements if tag != "a" and attrs and tag not in ("td", "th")] == []
            assert {a["href"] for tag, a in elements if tag == "a"} <= {f"#{h}" for h in ANCHORS}
            shown = _plain(html)
            for name in NAMES:
                assert _text(name) in shown, name


def test_cli_html_report_runs_no_script_and_shows_the_names_as_text(hostile, browser, tmp_path):  # noqa: F811
    target = tmp_path / "hostile.html"
    result = CliRunner().invoke(cli, ["report", "-f", "html", "--data", str(hostile), "-o", str(target)])
    assert result.exit_code == 0, result.output
    page = browser.new_page()
    dialogs, requests = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(target.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == [] and requests == []
    counts = page.evaluate("""() => ({
        scripts: document.querySelectorAll('script, iframe, svg, style:not(head style), b').length,
        handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        links: [...document.querySelectorAll('a')].filter(a => !a.getAttribute('href').startsWith('#')).length,
        images: [...document.querySelectorAll('img')].filter(i => !i.src.startsWith('data:')).length,
        visible: getComputedStyle(document.body).display !== 'none'})""")
    assert counts == {"scripts": 0, "handlers": 0, "links": 0, "images": 0, "visible": True}
    shown = _text(page.inner_text("body"))
    for name in NAMES:
        assert _text(name) in shown, name
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=False)
    page.close()


def test_json_report_keeps_the_names_exactly(hostile):
    data = json.loads(build_report(load_graph([hostile]), "json"))
    names = {a["name"] for a in data["actors"]}
    assert {new for _, new in HOSTILE["actors.yaml"]} <= names


# Generated text: whatever a name holds, md_text makes Markdown that shows exactly that text, in a
# sentence and in a table cell, for Python-Markdown (raw HTML on, as in any viewer) and CommonMark.
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40) | st.sampled_from(
    NAMES + ["a\\", "\\|", "&#60;script&#62;", "&copy;", "`` x ``", "**x**", "__x__", "[a]: http://x", "<http://x>",
             "![a](b)", "a  \nb", "<!-- x -->", "&", "x|y", "1. x", "# h", "> q", "- l", "***", "~~s~~"])


def _plain(html: str) -> str:
    from html import unescape

    return _text(unescape(re.sub(r"<[^>]+>", "", html)))


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_TEXT)
def test_md_text_shows_any_text_as_itself(value):
    visible = re.sub("[\x00-\x08\x0e-\x1f\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", value)   # controls shown
    expected = _text(f"start {visible} end")
    for doc, shown in ((f"start {md_text(value)} end", expected),
                       (f"| a |\n|---|\n| start {md_text(value)} end |", f"a {expected}")):
        for html in (python_markdown.markdown(doc, extensions=["tables"]), markdown_to_html(doc),
                     MarkdownIt("commonmark", {"html": True}).enable("table").render(doc)):
            assert not re.search(r"<(?!/?(p|table|thead|tbody|tr|th|td)\b)[a-z!]", html), html
            assert _plain(html) == shown, (doc, html)


# --- the output file ------------------------------------------------------------------------


def test_report_onto_a_full_disk_says_so_and_claims_nothing():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    for fmt in ("md", "html"):
        result = CliRunner().invoke(cli, ["report", "-f", fmt, "-o", "/dev/full", "--no-pictures"])
        assert result.exit_code == 1, result.output
        assert "/dev/full: no space left on the device; nothing was written" in result.output  # as every command says it
        assert "Wrote" not in result.output and "Traceback" not in result.output
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_report_to_a_device_writes_through_it_and_leaves_it_a_device():
    result = CliRunner().invoke(cli, ["report", "-o", os.devnull, "--no-pictures"])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert "pictures are left out" not in result.output


def test_markdown_pictures_are_not_put_beside_a_device(tmp_path):
    import subprocess

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    # a reader, so that opening the FIFO for writing does not block; bounded, whatever happens
    reader = subprocess.Popen(["timeout", "60", "cat", str(fifo)], stdout=subprocess.PIPE)
    result = CliRunner().invoke(cli, ["report", "-o", str(fifo)])
    out, _ = reader.communicate(timeout=90)
    assert result.exit_code == 0, result.output
    assert "pictures are left out" in result.output
    assert out.decode("utf-8").startswith("# Security and defence partnerships")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["pipe.md"]


def test_report_through_a_symlink_keeps_the_link_and_the_permissions(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old", "utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real.name)
    result = CliRunner().invoke(cli, ["report", "-o", str(link), "--no-pictures"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "real.md"
    assert real.read_text("utf-8").startswith("# Security and defence partnerships")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]   # no temporary file left


def test_report_onto_a_folder_or_a_missing_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path), "--no-pictures"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "no" / "r.md"), "--no-pictures"])
    assert result.exit_code == 1 and "does not exist" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_report_into_a_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, ["report", "-o", str(folder / "r.md"), "--no-pictures"])
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 1 and "no permission" in result.output and "Wrote" not in result.output


def test_report_to_a_full_standard_output_is_an_error(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        run = subprocess.run([str(Path(sys.executable).parent / "partnergraph"), "report", "--no-pictures"], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=120)
    assert run.returncode == 1 and "no space left on the device" in run.stderr and "Traceback" not in run.stderr
