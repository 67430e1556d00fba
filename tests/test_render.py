"""render: real PNG/SVG/PDF files of the seed graph, readable (no overlapping labels) and deterministic."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from PIL import Image

from partnergraph.cli.main import cli
from partnergraph.graph.present import draw
from partnergraph.graph.model.build import load_graph


def _render(tmp_path, name, *args):
    target = tmp_path / name
    result = CliRunner().invoke(cli, ["render", "-o", str(target), *args])
    assert result.exit_code == 0, result.output
    return target


def test_overview_png_is_valid_and_deterministic(tmp_path):
    a = _render(tmp_path, "a.png", "--dpi", "80")
    b = _render(tmp_path, "b.png", "--dpi", "80")
    with Image.open(a) as img:
        img.verify()
    with Image.open(a) as img:
        assert img.format == "PNG" and img.size[0] > 1000 and img.size[1] > 800
    assert a.read_bytes() == b.read_bytes()


def test_svg_and_pdf_are_valid_and_deterministic(tmp_path):
    svg1 = _render(tmp_path, "p1.svg", "--path", "Republic of Korea", "Viet Nam")
    svg2 = _render(tmp_path, "p2.svg", "--path", "Republic of Korea", "Viet Nam")
    root = ET.parse(svg1).getroot()
    assert root.tag.endswith("svg") and svg1.read_bytes() == svg2.read_bytes()
    pdf1 = _render(tmp_path, "t1.pdf", "--timeline")
    pdf2 = _render(tmp_path, "t2.pdf", "--timeline")
    assert pdf1.read_bytes().startswith(b"%PDF-") and pdf1.read_bytes() == pdf2.read_bytes()
    assert b"CreationDate" not in pdf1.read_bytes()


@pytest.mark.parametrize("view,kwargs", [
    ("overview", {}),
    ("overview", {"lang": "vi"}),
    ("ego", {"node": "viet-nam", "depth": 1}),
    ("path", {"path": ("republic-of-korea", "viet-nam")}),
])
def test_no_labels_overlap_on_the_seed_graph(G, view, kwargs):
    fig = draw.make_figure(G, view, **kwargs)
    labels = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label-")]
    assert len(labels) >= 10  # every node has its label
    assert draw.overlapping_labels(fig) == []
    assert draw.labels_on_markers(fig) == []  # no label covers a marker
    legend = fig.axes[0].get_legend()
    assert legend is not None and len(legend.get_texts()) >= 5


def test_overlap_check_can_fail(G):
    """The check finds overlaps when labels do overlap (all drawn at one point)."""
    fig = draw.make_figure(G, "ego", node="viet-nam")
    for text in fig.axes[0].texts:
        text.set_position((0, 0))
    assert draw.overlapping_labels(fig)


def test_marker_check_can_fail(G):
    """The marker check finds a label drawn on its own marker."""
    fig = draw.make_figure(G, "overview")
    label = next(t for t in fig.axes[0].texts if t.get_gid() == "label-eu")
    centre = next(c for c in fig.axes[0].collections if (c.get_gid() or "") == "nodes-union").get_offsets()[0]
    label.set_position(tuple(centre))
    assert draw.labels_on_markers(fig)


def test_vietnamese_labels_have_every_glyph(G):
    fig = draw.make_figure(G, "overview", lang="vi")
    texts = [t.get_text() for t in fig.axes[0].texts] + [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Việt Nam" in texts and any("Hàn Quốc" in t for t in texts)
    assert draw.missing_glyphs("".join(texts)) == []
    assert draw.missing_glyphs("\u4e2d") == ["\u4e2d"]  # the check does see a missing glyph
    assert {t.get_fontname() for t in fig.axes[0].texts} == {"DejaVu Sans"}


def test_layouts_graphviz_and_networkx(G):
    if not draw.graphviz_available():
        message = "Graphviz is missing; run scripts/install-test-deps"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    neato = draw.layout_positions(G, "neato")
    kk = draw.layout_positions(G, "kamada-kawai")
    assert set(neato) == set(kk) == set(G)
    assert draw.layout_positions(G, "auto") == neato
    assert draw.layout_positions(G, "kamada-kawai") == kk  # deterministic


def test_timeline_shows_precision(G):
    items = draw.timeline_items(G)
    by_node = {i.node: i for i in items}
    assert by_node["eu-viet-nam-fpa"].date.precision == "day"
    assert by_node["hrvp-visit-hanoi-2019"].date.precision == "month"
    assert by_node["eu-indonesia-naval-exercise"].date.is_range and not by_node["eu-indonesia-naval-exercise"].date.year_known
    assert by_node["csdp-missions"].via_relation
    fig = draw.timeline_figure(G)
    assert [ax.get_title() for ax in fig.axes][-1] == "year not stated in the source"


def test_other_views_render(G, tmp_path):
    for view, extra in (("projection", []), ("bipartite", []), ("centrality", ["--size-by", "betweenness"]),
                        ("snapshots", ["--as-of", "2019-09-01", "--as-of", "2024-12-31"])):
        target = _render(tmp_path, f"{view}.png", "--view", view, "--dpi", "50", *extra)
        with Image.open(target) as img:
            assert img.size[0] > 300
    fig = draw.make_figure(G, "overview", as_of=["2019-09-01"])
    assert "as of 1 Sep 2019" in fig.texts[1].get_text() or any("as of" in t.get_text() for t in fig.texts)


def test_snapshots_label_what_each_date_adds(G):
    fig = draw.snapshots_figure(G, ["2019-09-01", "2019-12-31", "2024-12-31"])
    panels = [{x.get_gid() for x in ax.texts if (x.get_gid() or "").startswith("label-")} for ax in fig.axes[:3]]
    assert {"label-viet-nam", "label-hrvp-visit-hanoi-2019"} <= panels[0]
    # the largest hubs keep their labels in every panel; the rest are labelled once, when new
    assert "label-eu" in panels[1] and "label-eu" in panels[2]  # (not yet tied in on the first date)
    assert "label-eu-viet-nam-fpa" in panels[1] and "label-hrvp-visit-hanoi-2019" not in panels[1]
    assert "label-east-sea-conference-2023" in panels[2] and "label-eu-viet-nam-fpa" not in panels[2]
    assert draw.overlapping_labels(fig) == [] and draw.labels_on_markers(fig) == []

def test_report_figures(G, tmp_path):
    figures = draw.report_figures(G, tmp_path, top_actors=1, dpi=40)
    assert list(figures) == ["overview", "ego-eu", "timeline", "centrality"]
    assert all(p.exists() and p.read_bytes()[:4] == b"\x89PNG" for p in figures.values())


@pytest.mark.parametrize("args,message", [
    (["-o", "x.gif"], "end the file name with .png, .svg or .pdf"),
    (["-o", "x.png", "--ego", "Atlantis"], "no actor or instrument is called"),
    (["-o", "x.png", "--as-of", "2019-13"], "--as-of: bad date"),
    (["-o", "x.png", "--ego", "Viet Nam", "--timeline"], "choose one view"),
    (["-o", "no/such/dir/x.png"], "does not exist"),
    (["-o", "x.png", "--path", "Viet Nam", "Japan", "--as-of", "2019-01-01"], "no path"),
])
def test_render_errors_are_clear(tmp_path, args, message):
    os.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["render", *args])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.gif").exists()


def test_cli_start_up_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys; from partnergraph.cli.main import cli; cli.list_commands(None); import partnergraph.cli.render; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_schema_diagram_shows_every_kind_and_edge_type(tmp_path, lang):
    from partnergraph.graph.model.schema import get_schema

    schema = get_schema()
    svg, png = tmp_path / "schema.svg", tmp_path / "schema.png"
    for target in (svg, png):
        result = CliRunner().invoke(cli, ["schema", "-o", str(target), "--lang", lang])
        assert result.exit_code == 0, result.output
    texts = {t.text.strip() for t in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text") if t.text}
    kinds = {schema.kind_label(k, lang) for k in schema.node_kinds}
    edges = {schema.edge_label(e, lang) for e in schema.edge_types}
    assert kinds <= {t.lstrip("■ ").strip() for t in texts} | texts
    assert edges <= texts
    with Image.open(png) as img:
        assert img.format == "PNG" and img.size[0] > 300 and img.size[1] > 200


def test_schema_diagram_errors_are_clear(tmp_path):
    result = CliRunner().invoke(cli, ["schema", "-o", str(tmp_path / "schema.gif")])
    assert result.exit_code == 1 and "end the file name with .svg, .png or .pdf" in result.output
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


def test_cli_choices_are_the_library_lists():
    from partnergraph.cli.render import render
    from partnergraph.graph.analysis.centrality import MEASURES
    from partnergraph.graph.present import options

    assert options.SIZE_MEASURES == ("none", *MEASURES)
    choices = {p.name: tuple(p.type.choices) for p in render.params if hasattr(p.type, "choices")}
    assert choices["view"] == options.VIEWS and choices["layout"] == options.LAYOUTS
    assert choices["size_by"] == options.SIZE_MEASURES and choices["group_by"] == options.GROUP_BY


def test_every_message_has_english_and_vietnamese():
    from partnergraph.graph.model.i18n import catalogue, missing_translations, t

    assert missing_translations() == []
    assert all(set(v) == {"en", "vi"} for v in catalogue().values())
    assert t("overview", "vi") != t("overview", "en")


def test_every_kind_and_edge_type_has_a_style_and_a_vietnamese_label():
    from partnergraph.graph.model.schema import get_schema
    from partnergraph.graph.present import style

    schema = get_schema()
    fallback = style.kind_colour("no-such-kind")
    kinds = {(style.kind_marker(k), style.kind_colour(k)) for k in schema.node_kinds}
    assert len(kinds) == len(schema.node_kinds) and fallback not in {c for _, c in kinds}
    assert all(schema.kind_label(k, "vi") != k for k in schema.node_kinds)
    assert all(style.edge_colour(e) != fallback and schema.edge_label(e, "vi") for e in schema.edge_types)


def test_colours_do_not_need_matplotlib():
    import subprocess
    import sys

    code = ("import sys; import partnergraph.graph.present.interactive, partnergraph.graph.present.schema_diagram; "
            "print('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_svg_text_is_editable_and_pdf_fonts_are_embedded(tmp_path):
    svg = _render(tmp_path, "o.svg", "--lang", "vi")
    texts = "".join(t.text or "" for t in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text"))
    assert "Việt Nam" in texts and "Quan hệ đối tác an ninh và quốc phòng" in texts
    pdf = _render(tmp_path, "o.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf


def test_title_subtitle_kind_status_and_as_of_on_every_view(G):
    from partnergraph.graph.model.schema import get_schema

    for view, extra in (("overview", {}), ("ego", {"node": "eu"}), ("path", {"path": ("republic-of-korea", "viet-nam")}),
                        ("projection", {}), ("bipartite", {}), ("timeline", {}), ("centrality", {}),
                        ("snapshots", {"as_of": ["2019-12-31", "2024-12-31"]})):
        fig = draw.make_figure(G, view, title="Briefing", subtitle="For the desk", status="in-place",
                               kinds=["actor", "instrument"], **{"as_of": ["2024-12-31"], **extra})
        texts = [t.get_text() for t in fig.texts]
        assert "For the desk" in texts and fig._suptitle.get_text() == "Briefing", view
    fig = draw.make_figure(G, "overview", status="in-place")
    styles = {c.get_linestyle() for ax in fig.axes for c in ax.patches} - {"solid", "-"}
    assert styles == set()
    fig = draw.make_figure(G, "overview", kinds=["state"], status="all")
    assert all(x.get_gid()[6:] in {n for n, a in G.nodes(data=True) if a["kind"] == "state"}
               for x in fig.axes[0].texts if (x.get_gid() or "").startswith("label-"))
    assert get_schema().tentative_statuses


def test_status_and_kind_errors_name_the_option(tmp_path):
    os.chdir(tmp_path)
    for args, message in ((["--status", "maybe"], "--status: unknown status 'maybe'"),
                          (["--kind", "planet"], "--kind: unknown kind 'planet'")):
        result = CliRunner().invoke(cli, ["render", "-o", "x.png", *args])
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_vietnamese_picture_has_no_english_words_of_ours(G):
    from partnergraph.graph.model.i18n import catalogue

    english = {v["en"] for v in catalogue().values() if v["en"] and "{" not in v["en"] and v["en"] != v["vi"]}
    for view, extra in (("overview", {}), ("timeline", {}), ("centrality", {}), ("ego", {"node": "viet-nam"})):
        fig = draw.make_figure(G, view, lang="vi", **extra)
        shown = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
        assert not english & set(shown), view


def test_small_synthetic_overview_is_bounded(tmp_path):
    """2,200 nodes: a label budget, no overlaps, no label on a marker (large enough to see)."""
    from partnergraph.graph.model.synthetic import SIZES, generate, write_dataset

    write_dataset(generate(*SIZES["small"], seed=1), tmp_path / "small")
    H = load_graph([str(tmp_path / "small")])
    fig = draw.make_figure(H, "overview")
    labels = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label-")]
    assert 10 <= len(labels) <= 40
    assert draw.overlapping_labels(fig) == [] and draw.labels_on_markers(fig, min_radius=3.0) == []
    fig = draw.make_figure(H, "overview", labels=5)
    assert len([t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label-")]) == 5
