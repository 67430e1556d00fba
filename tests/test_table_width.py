"""Tables fit the width (--width, $COLUMNS) and keep every character of every cell, through the CLI.

Cell texts are generated (Vietnamese with precomposed and combining marks, wide CJK characters,
long words); widths too. A column's text is read back from the printed table by the display-cell
offsets of its dashes, and compared with the cell as CSV gives it (whitespace aside: wrapping
turns spaces into line ends).
"""

import contextlib
import csv
import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest
import wcwidth
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from partnergraph.cli.main import cli
from partnergraph.graph.model.schema import get_schema

LETTERS = "abcxyzABCđĐăâêôơưáàảãạấầẩẫậắằặéèẹếềểễệíìịóòỏõọốồổộớờởợúùủũụứừửữựýỳỷỹỵ中文"
MARKS = ["", "", "", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # combining acute, grave, hook, tilde, dot
HEADERS = ["id", "name", "quote", "kind", "n"]

words = st.lists(st.tuples(st.sampled_from(LETTERS), st.sampled_from(MARKS)).map("".join), min_size=1, max_size=45)
texts = st.lists(words.map("".join), min_size=1, max_size=14).map(" ".join)


def run(*args) -> str:
    """Standard output (notes on standard error left out, as a pipe would)."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def cells(line: str) -> list[str]:
    """The line as one entry per display cell ('' for the second cell of a wide character)."""
    out = []
    for g in wcwidth.iter_graphemes(line):
        out += [g] + [""] * (wcwidth.width(g) - 1)
    return out


def columns_of(table: str) -> list[str]:
    """Each column's printed text, all its lines joined, whitespace removed."""
    lines = table.rstrip("\n").splitlines()
    rule = next(i for i, line in enumerate(lines) if re.fullmatch(r"[- ]+", line) and "-" in line)
    spans = [m.span() for m in re.finditer(r"-+", lines[rule])]
    body = [cells(line) for line in lines[rule + 1:]]
    return ["".join("".join(c[a:b]) for c in body).replace(" ", "") for a, b in spans]


def squeezed(text: str) -> str:
    return "".join(text.split())


def widest(text: str) -> int:
    return max(wcwidth.width(line) for line in text.splitlines())


def query_table(values: list[str], *options: str) -> str:
    heads = HEADERS[: len(values)]
    params = [x for h, v in zip(heads, values) for x in ("-p", f"{h}={json.dumps(v, ensure_ascii=False)}")]
    return run("query", "RETURN " + ", ".join(f"${h} AS {h}" for h in heads), *params, *options)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(texts, min_size=1, max_size=5), data=st.data())
def test_a_query_table_fits_any_width_and_keeps_every_character(values, data):
    heads = HEADERS[: len(values)]
    # possible: every header word (+2, tabulate's padding) and a wide character fit, with 2 between columns
    least = sum(len(h) + 2 for h in heads) + 2 * (len(heads) - 1)
    width = data.draw(st.integers(min_value=least, max_value=160), label="width")
    table = query_table(values, "--width", str(width))
    assert widest(table) <= width, table
    assert columns_of(table) == [squeezed(v) for v in values], table


@settings(max_examples=6, deadline=None)
@given(width=st.integers(min_value=60, max_value=200))
@pytest.mark.parametrize("command", [["list", "all", "--status", "all"], ["timeline"], ["centrality"],
                                     ["list", "actors", "--lang", "vi"]])
def test_seed_tables_fit_the_width_and_show_what_csv_has(command, width):
    table = run(*command, "--width", str(width))
    rows = list(csv.reader(io.StringIO(run(*command, "--format", "csv", "--raw-csv"))))
    assert widest(table) <= width, table  # the table and the lines about it
    lang = "vi" if "vi" in command else "en"
    for name, column, printed in zip(rows[0], zip(*rows[1:]), columns_of(table)):
        assert printed == "".join(squeezed(as_read(name, cell, lang)) for cell in column)


def as_read(column: str, cell: str, lang: str) -> str:
    """A CSV cell as a table shows it: in Vietnamese, kinds and statuses by their labels (CSV keeps the codes)."""
    schema = get_schema()
    if lang == "vi" and column == "kind" and cell in schema.node_kinds:
        return schema.kind_label(cell, "vi")
    if lang == "vi" and column == "status" and cell in schema.statuses:
        return schema.statuses[cell]["label_vi"]
    return cell


def on_a_terminal(args: list[str], columns: int, env_columns: str | None = None) -> str:
    """What the command prints on a real (pseudo-)terminal ``columns`` wide, $COLUMNS as given."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | ({"COLUMNS": env_columns} if env_columns else {})
    done = subprocess.run([sys.executable, "-m", "partnergraph.cli.main", *args], stdout=child, stderr=subprocess.PIPE,
                          env=env, timeout=120)
    os.close(child)
    chunks = []
    with contextlib.suppress(OSError):  # EIO once the output is read
        while chunk := os.read(main, 65536):
            chunks.append(chunk)
    os.close(main)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_terminal_sets_the_width_and_columns_overrides_it():
    long = "Việt Nam " * 30
    args = ["query", "RETURN $q AS q, 1 AS n", "-p", f"q={json.dumps(long)}"]
    assert widest(on_a_terminal(args, 50)) <= 50
    assert widest(on_a_terminal(args, 200, env_columns="40")) <= 40
    assert widest(on_a_terminal([*args, "--width", "0"], 50)) > 200


def test_into_a_pipe_rows_stay_whole_whatever_columns_says():
    long = "Việt Nam " * 30
    piped = subprocess.run([sys.executable, "-m", "partnergraph.cli.main", "query", "RETURN $q AS q", "-p",
                            f"q={json.dumps(long)}"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "40"},
                           timeout=120)
    assert long.strip() in piped.stdout


def test_json_and_csv_are_never_wrapped():
    long = "Việt Nam " * 30
    rows = json.loads(query_table([long, long], "--width", "30", "--format", "json"))
    assert rows == [{"id": long, "name": long}]
    assert long in query_table([long], "--width", "30", "--format", "csv")


def test_a_bad_width_is_a_one_line_error():
    result = CliRunner().invoke(cli, ["list", "actors", "--width", "-3"])
    assert result.exit_code == 2 and "--width" in result.output and "Traceback" not in result.output


@settings(max_examples=25, deadline=None)
@given(number=st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False, width=32), text=texts,
       width=st.integers(min_value=30, max_value=120))
def test_numbers_are_never_split_across_lines(number, text, width):
    table = run("query", "RETURN $n AS n, $a AS a", "-p", f"n={json.dumps(number)}", "-p", f"a={json.dumps(text)}",
                "--width", str(width))
    printed = json.loads(run("query", "RETURN $n AS n", "-p", f"n={json.dumps(number)}", "--format", "json"))[0]["n"]
    assert any(line.strip().startswith(str(printed)) for line in table.splitlines())


SEED_NODES = sorted(__import__("partnergraph.graph.model.build", fromlist=["load_graph"]).load_graph().nodes)
ACTORS = ["Viet Nam", "EU", "India", "ASEAN", "Julien Guerrier"]


@settings(max_examples=30, deadline=None)
@given(node=st.sampled_from(SEED_NODES), width=st.integers(min_value=40, max_value=160), lang=st.sampled_from(["en", "vi"]))
def test_a_profile_fits_the_width_and_says_the_same(node, width, lang):
    wrapped, whole = run("show", node, "--lang", lang, "--width", str(width)), run("show", node, "--lang", lang, "--width", "0")
    assert widest(wrapped) <= width, wrapped
    assert squeezed(wrapped) == squeezed(whole)


@settings(max_examples=20, deadline=None)
@given(actor=st.sampled_from(ACTORS), width=st.integers(min_value=40, max_value=160), lang=st.sampled_from(["en", "vi"]))
def test_partners_fit_the_width_and_say_the_same(actor, width, lang):
    args = ["partners", actor, "--status", "all", "--lang", lang]
    wrapped, whole = run(*args, "--width", str(width)), run(*args, "--width", "0")
    assert widest(wrapped) <= width, wrapped
    assert squeezed(wrapped) == squeezed(whole)


@settings(max_examples=8, deadline=None)
@given(width=st.integers(min_value=60, max_value=160), lang=st.sampled_from(["en", "vi"]))
@pytest.mark.parametrize("command", [["communities"], ["common", "EU", "Viet Nam"], ["structure"], ["info"]])
def test_the_lines_about_a_table_fit_the_width_too(command, width, lang):
    wrapped, whole = run(*command, "--lang", lang, "--width", str(width)), run(*command, "--lang", lang, "--width", "0")
    assert widest(wrapped) <= width, wrapped
    prose = [line for line in whole.splitlines() if "  " not in line.strip() and not set(line) <= set("- ")]
    assert all(squeezed(line) in squeezed(wrapped) for line in prose)  # wrapped, nothing cut


@settings(max_examples=20, deadline=None)
@given(pair=st.lists(st.sampled_from(ACTORS), min_size=2, max_size=2, unique=True),
       width=st.integers(min_value=40, max_value=160), lang=st.sampled_from(["en", "vi"]))
def test_a_path_in_words_fits_the_width_and_says_the_same(pair, width, lang):
    args = ["path", *pair, "--status", "all", "--all", "--lang", lang]
    wrapped, whole = run(*args, "--width", str(width)), run(*args, "--width", "0")
    assert widest(wrapped) <= width, wrapped
    assert squeezed(wrapped) == squeezed(whole)
