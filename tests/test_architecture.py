"""Guard rails for the layout: what a newcomer relies on when changing the code.

* the import rule (``cli -> graph``; inside graph ``present, readwrite, stores, ingest ->
  analysis -> model``, never back), checked by import-linter with the ``[tool.importlinter]`` table of ``pyproject.toml``;
* every module of the library and the CLI imports;
* no module in ``graph/`` over 500 lines, and no function-local import in ``graph/`` unless
  a comment on the line above says why (``# lazy: ...``, a measured start-up cost);
* every Vietnamese word the analyses and the CLI print comes from the catalogue
  (``graph/model/messages.yaml``), never a ``lang == "vi"`` literal in the code;
* the schema is whole: every kind and edge type has a style and a Vietnamese label, and
  the README's tables say what ``schema.yaml`` says.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import partnergraph.cli
import partnergraph.graph
from partnergraph.graph.model.schema import get_schema

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "graph"
MAX_MODULE_LINES = 500
LAZY_MARK = "# lazy:"


def _modules(package) -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + "."))


@pytest.mark.parametrize("name", _modules(partnergraph.graph) + _modules(partnergraph.cli))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_imports_follow_the_layers():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _python_files() -> list[Path]:
    return sorted(p for p in GRAPH.rglob("*.py") if "vendor" not in p.parts)


def test_no_module_in_graph_is_over_the_limit():
    long = {str(p.relative_to(ROOT)): n for p in _python_files()
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these modules (over {MAX_MODULE_LINES} lines): {long}"


def _local_imports(path: Path) -> list[int]:
    """Line numbers of imports inside a function that have no '# lazy: why' comment above them."""
    lines = path.read_text("utf-8").splitlines()
    tree = ast.parse("\n".join(lines), str(path))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
                if not above.startswith(LAZY_MARK) and LAZY_MARK not in lines[node.lineno - 1]:
                    found.append(node.lineno)
    return found


def test_function_local_imports_say_why():
    bad = {str(p.relative_to(ROOT)): lines for p in _python_files() if (lines := _local_imports(p))}
    assert not bad, (f"imports inside functions without a '{LAZY_MARK} <measured reason>' comment "
                     f"above them (move them to the top of the module): {bad}")


def test_every_kind_and_edge_type_has_a_style_and_a_vietnamese_label():
    schema = get_schema()
    for kind, spec in schema.node_kinds.items():
        assert spec.get("style"), f"kind {kind} has no style in schema.yaml"
        assert spec.get("label_vi"), f"kind {kind} has no label_vi"
        if spec["family"] == "instrument":  # the ranking's reasons count them: '2 missions or operations'
            assert spec.get("label_plural", spec["label"]) != spec["label"], f"kind {kind} has no label_plural"
    for name in schema.edge_types:
        assert schema.raw["edge_types"][name].get("style"), f"edge type {name} has no style"
        assert schema.edge_types[name].label_vi != schema.edge_types[name].label, f"{name}: no Vietnamese label"
    for status in schema.statuses:
        assert "in_place" in schema.statuses[status], f"status {status} does not say whether it is in place"
        assert schema.statuses[status].get("label_vi"), f"status {status} has no label_vi"
    styles = [(s.marker, s.colour) for s in map(schema.kind_style, schema.node_kinds)]
    assert len(set(styles)) == len(styles), "two kinds are drawn alike"
    colours = [schema.edge_style(e).colour for e in schema.edge_types]
    assert len(set(colours)) == len(colours), "two edge types share a colour"


def _readme_table(heading_cells: str) -> list[list[str]]:
    """The rows of the README table whose header row starts with ``heading_cells``."""
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index(heading_cells)
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def _names(cell: str) -> tuple[str, ...]:
    return tuple(n.strip().replace(" ", "_") for n in cell.split(","))


def test_readme_edge_table_matches_the_schema():
    schema = get_schema()
    rows = {r[0].strip("`"): r for r in _readme_table("| type | reads | from | to |")}
    assert set(rows) == set(schema.edge_types), "README's edge table lists other types than schema.yaml"
    for name, (_, reads, frm, to) in rows.items():
        et = schema.edge_types[name]
        assert reads.startswith(et.label), f"{name}: README reads {reads!r}, schema says {et.label!r}"
        assert _names(frm) == et.from_names, f"{name}: README from {frm!r}, schema {et.from_names}"
        assert _names(to) == et.to_names, f"{name}: README to {to!r}, schema {et.to_names}"


def test_readme_names_every_kind_status_and_domain():
    schema = get_schema()
    text = (ROOT / "README.md").read_text("utf-8")
    model = text[text.index("## The model"):text.index("## The seed dataset")]
    for name in [*schema.node_kinds, *schema.statuses, *schema.domains]:
        assert f"`{name}`" in model, f"README's model section does not name `{name}`"
    statuses = re.search(r"^\| `status` \| (.*) \|$", model, re.M).group(1)
    assert re.findall(r"`(\w+)`", statuses) == list(schema.statuses)


# Where no Vietnamese text belongs in the code (the words are in the catalogue); model/names.py folds
# the letter đ for matching, which is no text shown to anyone.
CATALOGUED = [GRAPH / "analysis", GRAPH / "model", GRAPH / "stores", GRAPH / "readwrite", ROOT / "cli"]
NOT_TEXT = {GRAPH / "model" / "names.py"}


def _vietnamese(text: str) -> bool:
    """Has a letter only Vietnamese uses (đ, or a vowel with a horn, a hook above or a dot below)."""
    return any(ch in "đĐ" or any(mark in unicodedata.name(ch, "") for mark in ("HORN", "HOOK ABOVE", "DOT BELOW"))
               for ch in text)


def _docstrings(tree: ast.AST) -> set[int]:
    owners = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {id(node.body[0].value) for node in ast.walk(tree) if isinstance(node, owners) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}


def _vietnamese_literals(path: Path) -> list[int]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    docs = _docstrings(tree)  # doctests show Vietnamese output: that is documentation, not code
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
            and _vietnamese(node.value)]


def test_vietnamese_words_come_from_the_catalogue():
    files = sorted(p for folder in CATALOGUED for p in folder.rglob("*.py") if p not in NOT_TEXT)
    found = [f"{p.relative_to(ROOT)}:{line}" for p in files for line in _vietnamese_literals(p)]
    assert not found, f"Vietnamese text in the code; put it in graph/model/messages.yaml and use t(): {found}"


def test_the_vietnamese_check_sees_a_literal_and_passes_a_docstring(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Đường."""\n\ndef f(lang):\n    """>>> f("vi")\n    \'bước\'"""\n'
                      '    return "bước" if lang == "vi" else "hop"\n', "utf-8")
    assert _vietnamese_literals(sample) == [6]
