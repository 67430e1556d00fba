"""Outputs that are written whole or say they were not (issue 14, items 2 and 3): the output helper
through the library and the CLI, real faults (/dev/full, a file size limit, a closed pipe, a folder,
a FIFO, a symlink, no permission), and the escaping of CSV, terminal and Markdown output."""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli.main import INTERNAL_ERROR_EXIT, cli
from partnergraph.graph.readwrite.escape import csv_cell, markdown, terminal
from partnergraph.graph.readwrite import output
from partnergraph.graph.readwrite.output import OutputError, open_output, write_output

pytestmark = pytest.mark.timeout(120)
ROOT = os.geteuid() == 0


def run_cli(args, **kwargs):
    result = CliRunner().invoke(cli, args, **kwargs)
    assert result.exit_code != INTERNAL_ERROR_EXIT and "Traceback" not in result.output, result.output
    return result


def subprocess_cli(args, timeout=60, stdout=subprocess.PIPE):
    return subprocess.run([sys.executable, "-m", "partnergraph.cli.main", *args], stdout=stdout, stderr=subprocess.PIPE,
                          timeout=timeout, text=True)


# --- the helper ---------------------------------------------------------------------------------


def test_new_file_gets_the_umask_mode_and_no_temporary_is_left(tmp_path):
    old = os.umask(0o022)
    try:
        assert write_output(tmp_path / "new.txt", "héllo") == 6
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").read_text("utf-8") == "héllo"
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]


def test_replacing_keeps_the_permissions_and_a_symlink_stays_a_link(tmp_path):
    target = tmp_path / "kept.txt"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target.name)
    write_output(link, b"new")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: None, "does not exist"),
])
def test_a_folder_or_a_missing_folder_is_a_clear_error(tmp_path, make, expected):
    target = tmp_path / "out"
    make(target)
    path = target if expected == "is a folder" else target / "x" / "file.json"
    with pytest.raises(OutputError, match=expected):
        write_output(path, "x")
    for args in (["export", "-f", "graphml", "-o", str(path)], ["export", "-f", "node-link", "-o", str(path)],
                 ["list", "all", "-f", "csv"]):
        if args[0] == "list":
            continue
        result = run_cli(args)
        assert result.exit_code == 1 and expected in result.output and "Wrote" not in result.output, result.output


def test_dev_full_is_a_clear_error_for_files_and_standard_output():
    with pytest.raises(OutputError, match="no space left"):
        write_output("/dev/full", "x" * 10)
    with pytest.raises(OutputError, match="no space left"):  # a small write fails only at flush
        with open_output("/dev/full", text=True) as out:
            out.write("x")
    for args in (["export", "-f", "graphml", "-o", "/dev/full"], ["schema", "--json"]):
        if args[-1] == "/dev/full":
            done = subprocess_cli(args)
        else:
            with open("/dev/full", "w") as full:
                done = subprocess_cli(args, stdout=full)
        assert done.returncode == 1 and "no space left" in done.stderr and "Wrote" not in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [["list", "all"], ["list", "all", "-f", "csv"], ["export"], ["info", "-f", "json"],
                                  ["show", "vn"], ["validate"]])
def test_standard_output_to_dev_full_is_one_clear_line(args):
    with open("/dev/full", "w") as full:
        done = subprocess_cli(args, stdout=full)
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and "no space left" in done.stderr, done.stderr


def test_a_full_disk_leaves_the_old_file_and_no_wrote(tmp_path):
    """RLIMIT_FSIZE makes writes past 1 KB fail (EFBIG) on a real file system: the atomic path's fault."""
    target = tmp_path / "graph.graphml"
    target.write_text("old content")
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
        from partnergraph.cli.main import cli
        sys.argv = ["partnergraph", "export", "-f", "graphml", "-o", {str(target)!r}]
        cli()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "nothing was written" in done.stderr and "Wrote" not in done.stderr, done.stderr
    assert target.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.graphml"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_without_a_reader_is_an_error_and_with_one_is_written_through(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="FIFO"):
        write_output(fifo, "x")
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        for _ in range(100):  # wait until cat has the FIFO open
            try:
                write_output(fifo, "through the pipe\n")
                break
            except OutputError:
                import time

                time.sleep(0.05)
        out, _ = reader.communicate(timeout=10)
    finally:
        reader.kill()
    assert out == b"through the pipe\n" and stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_device_is_written_through_never_replaced():
    before = os.stat("/dev/null")
    write_output("/dev/null", "discarded")
    result = run_cli(["export", "-f", "graphml", "-o", "/dev/null"])
    assert result.exit_code == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_no_permission_is_a_clear_error(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if ROOT:  # root may write anywhere: act as nobody for the write (seteuid is undone below)
            os.seteuid(65534)
        try:
            with pytest.raises(OutputError, match="no permission to write"):
                write_output(folder / "x.json", "x")
        finally:
            if ROOT:
                os.seteuid(0)
    finally:
        folder.chmod(0o755)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("code", sorted({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EACCES, errno.EPERM, errno.EROFS,
                                          errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EIO}))
def test_every_refusal_of_the_system_is_one_line_naming_the_file_and_leaves_it_whole(tmp_path, monkeypatch, code):
    target = tmp_path / "out.json"
    target.write_text("old")

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError) as caught:
        write_output(target, "new")
    message = str(caught.value)
    assert message.startswith(f"{target}: ") and "\n" not in message and len(message) > len(f"{target}: ") + 10
    assert "{" not in message  # every placeholder filled
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.json"]
    if code not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EISDIR, errno.EIO):
        assert str(tmp_path) in message  # the folder it could not write in


def test_broken_pipe_exits_quietly():
    done = subprocess.run(f"{sys.executable} -m partnergraph.cli.main list all | head -2", shell=True,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1].startswith("id ") and done.stderr == "", done.stderr
    done = subprocess.run(f"set -o pipefail; {sys.executable} -m partnergraph.cli.main export | head -c 10",
                          shell=True, capture_output=True, text=True, timeout=60, executable="/bin/bash")
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_wrote_is_printed_only_after_the_file_is_whole(tmp_path):
    path = tmp_path / "graph.graphml"
    result = run_cli(["export", "-f", "graphml", "-o", str(path)])
    assert result.exit_code == 0 and f"Wrote" in result.output
    size = int(result.output.split("graphml, ")[1].split(" bytes")[0].replace(",", ""))
    assert path.stat().st_size == size


def test_a_failing_writer_leaves_the_target_untouched(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with open_output(target) as out:
            out.write(b"partial")
            raise RuntimeError("the writer failed half way")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_schema_picture_is_written_through_the_helper(tmp_path):
    path = tmp_path / "s.svg"
    result = run_cli(["schema", "-o", str(path)])
    assert result.exit_code == 0 and "Wrote" in result.output and path.read_text().lstrip().startswith("<?xml")
    result = run_cli(["schema", "-o", str(tmp_path / "missing" / "s.svg")])
    assert result.exit_code == 1 and "does not exist" in result.output


# --- escaping -----------------------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_csv_cells_never_start_a_formula(value):
    assert csv_cell(value)[0] == "'" and csv_cell(value)[1:] == value


def _hostile_dataset(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "d"
    folder.mkdir()
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    (folder / "data.yaml").write_text(textwrap.dedent(f"""\
        sources:
          - {{id: note, title: A note, publisher: Desk, published: "2024-01-05", language: en}}
        actors:
          - id: alpha
            kind: state
            name: "{quoted}"
            evidence: [{{source: note, quote: "Alpha says."}}]
        """), "utf-8")
    return folder


def test_list_csv_has_no_formula_and_raw_csv_keeps_the_cell(tmp_path):
    folder = _hostile_dataset(tmp_path, FORMULAS[0])
    result = run_cli(["list", "actors", "-f", "csv", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["name"] == "'" + FORMULAS[0]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    raw = run_cli(["list", "actors", "-f", "csv", "--raw-csv", "--data", str(folder)])
    assert list(csv.DictReader(io.StringIO(raw.output)))[0]["name"] == FORMULAS[0]
    shown = run_cli(["show", "alpha", "-f", "csv", "--data", str(folder)])
    assert shown.exit_code == 0


def test_the_csv_opens_in_a_spreadsheet_reader_without_formulas(tmp_path):
    """openpyxl (a spreadsheet library) reads the cells of the CSV as a spreadsheet would: none is a formula."""
    openpyxl = pytest.importorskip("openpyxl")
    folder = _hostile_dataset(tmp_path, FORMULAS[1])
    text = run_cli(["list", "actors", "-f", "csv", "--data", str(folder)]).output
    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(text)):
        sheet.append(row)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_terminal_output_shows_control_characters():
    assert terminal("\x1b]8;;http://evil\x07link\x1b]8;;\x07") == "\\u001b]8;;http://evil\\u0007link\\u001b]8;;\\u0007"
    assert terminal("a\u202eb\x9bc") == "a\\u202eb\\u009bc"
    assert terminal("Việt Nam\tok\n") == "Việt Nam\tok\n"


def test_emit_never_sends_controls_to_a_terminal():
    from partnergraph.cli.common import render_rows

    rows = [{"name": "\x1b[31mred\x1b[0m", "n": 1}]
    assert "\x1b" not in render_rows(rows, "table")
    for fmt in ("csv", "json"):
        assert "\x1b" not in render_rows(rows, fmt, for_terminal=True)
        assert "\x1b" in render_rows(rows, fmt, for_terminal=False) or fmt == "json"


def test_markdown_escape_renders_as_the_text():
    import markdown as md

    for name in ["<script>alert(1)</script>", "*bold* _it_ `code`", "[link](javascript:alert(1))", "# heading",
                 "a | b", "<img src=x onerror=alert(1)>", "&lt;", "1. not a list"]:
        html = md.markdown(markdown(name), extensions=["tables"])
        assert "<script" not in html and "<img" not in html and "<a " not in html and "<em>" not in html
        text = html.removeprefix("<p>").removesuffix("</p>")
        unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        assert unescaped == name, (name, html)
