"""Fuzzing the dataset loader and the CLI's readers (issue 14, item 8): random YAML and JSON structures,
random Unicode names, random dates and random bytes give a clear error or a valid load, never another
exception, never a hang.

Seeded and bounded: PARTNERGRAPH_FUZZ_SEED (default 14) and PARTNERGRAPH_FUZZ_EXAMPLES (default 150 per
reader); both are printed. A longer run (README, "Reliability"):

    PARTNERGRAPH_FUZZ_EXAMPLES=5000 PARTNERGRAPH_FUZZ_SEED=$RANDOM python -m pytest -q tests/test_fuzz_loader.py
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from partnergraph.cli import main as cli_main
from partnergraph.cli.main import INTERNAL_ERROR_EXIT, cli
from partnergraph.graph.model.dataset import DatasetError, load_dataset
from partnergraph.graph.model.dates import DateError, parse_date
from partnergraph.graph.model.inputs import InputError, parse_data, parse_json_value

SEED = int(os.environ.get("PARTNERGRAPH_FUZZ_SEED", "14"))
EXAMPLES = int(os.environ.get("PARTNERGRAPH_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=5000, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])

pytestmark = pytest.mark.timeout(max(240, EXAMPLES))

SOURCE = {"id": "note", "title": "A note", "publisher": "Desk", "published": "2024-01-05", "language": "en"}
KINDS = ["state", "union", "agreement", "exercise", "person", "nonsense"]
FIELDS = ["id", "kind", "name", "name_vi", "aliases", "start", "end", "mentioned", "status", "evidence", "counts",
          "review", "domains", "places", "from", "to", "type", "note", "iso", "x-unknown"]


@pytest.fixture(scope="module", autouse=True)
def announce(request):
    counts: dict[str, int] = {}
    request.module.COUNTS = counts
    yield
    line = (f"fuzz: seed {SEED}, up to {EXAMPLES} examples per reader; ran "
            + ", ".join(f"{name} {n}" for name, n in sorted(counts.items())))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else _nothing():
        print("\n" + line, flush=True)


@contextlib.contextmanager
def _nothing():
    yield


def count(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1  # noqa: F821 (set by the fixture)


COUNTS: dict[str, int] = {}

# Text as hostile as Unicode allows: controls, surrogates, non-characters, quotes, markup, escapes.
hostile_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=12),
    st.sampled_from(["\ud800", "\ufffe", "\x00", "\x1b[31m", "\r", "x\n", "  ", "<script>", "=1+1", "\\", '"', "'",
                     "&a", "*a", "!!python/object", "2019-02-30", "2019-13-01", "XXXX-00-00", "9" * 40]),
)
date_text = st.one_of(
    st.from_regex(r"\A(\d{4}|XXXX)(-\d{2}(-\d{2})?)?(/(\d{4}|XXXX)(-\d{2}(-\d{2})?)?)?\Z", fullmatch=True),
    st.dates().map(str), hostile_text, st.integers(), st.none(),
)
scalars = st.one_of(hostile_text, st.integers(min_value=-(10**25), max_value=10**25), st.booleans(), st.none(),
                    st.floats(allow_nan=True, allow_infinity=True), date_text)
json_like = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(hostile_text, inner, max_size=4)),
                         max_leaves=25)


@st.composite
def records(draw):
    record = {}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=9, unique=True)):
        if name == "kind":
            record[name] = draw(st.sampled_from(KINDS))
        elif name in ("start", "end", "mentioned"):
            record[name] = draw(date_text)
        elif name == "evidence":
            record[name] = draw(st.lists(st.fixed_dictionaries({"source": st.sampled_from(["note", "nope"]),
                                                                 "quote": st.one_of(hostile_text, st.just("Alpha"))}),
                                         max_size=2))
        elif name == "id":
            record[name] = draw(st.one_of(st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,8}\Z", fullmatch=True), hostile_text))
        else:
            record[name] = draw(json_like)
    return record


@st.composite
def datasets(draw):
    data = {"sources": [SOURCE]}
    for section in draw(st.lists(st.sampled_from(["actors", "instruments", "relations", "bogus"]), max_size=3, unique=True)):
        data[section] = draw(st.one_of(st.lists(records(), max_size=4), json_like))
    return data


def _dump_yaml(data) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        return json.dumps(data, ensure_ascii=False, default=str)  # JSON is YAML too (nearly)


def _load(folder: Path):
    """A valid load or DatasetError; anything else fails the test."""
    try:
        load_dataset([folder])
    except DatasetError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


@seed(SEED)
@FUZZ
@given(data=datasets(), as_json=st.booleans(), ensure_ascii=st.booleans())
def test_random_datasets_load_or_fail_clearly(tmp_path_factory, data, as_json, ensure_ascii):
    count("loader (structures)")
    folder = tmp_path_factory.mktemp("fuzz")
    if as_json:
        text = json.dumps(data, ensure_ascii=ensure_ascii, default=str)
        (folder / "data.json").write_text(text, "utf-8", errors="surrogatepass")
    else:
        (folder / "data.yaml").write_text(_dump_yaml(data), "utf-8", errors="surrogatepass")
    _load(folder)


YAML_TOKENS = ["actors:", "sources:", "relations:", "\n", "\n  ", "\n    ", "- ", "id: ", "name: ", "kind: state",
               "&a ", "*a", "&b ", "*b", "[", "]", "{", "}", ", ", ": ", "? ", "!!str ", "!!binary ", "!!set ",
               "<<: ", '"', "'", "\\u", "\\e", "\\0", "#", "|", ">", "---", "...", "%YAML 1.1", "2019-02-30",
               "0x", "1e999", ".nan", "9" * 50, "evidence: [{source: note, quote: x}]", "\t", "\ufeff", "é"]


@seed(SEED)
@FUZZ
@given(tokens=st.lists(st.sampled_from(YAML_TOKENS), max_size=40), name=st.sampled_from(["d.yaml", "d.json"]))
def test_random_yaml_text_loads_or_fails_clearly(tmp_path_factory, tokens, name):
    count("loader (YAML/JSON text)")
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / name).write_text("".join(tokens), "utf-8")
    _load(folder)


@seed(SEED)
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_load_or_fail_clearly(tmp_path_factory, data):
    count("loader (bytes)")
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "d.yaml").write_bytes(data)
    _load(folder)


@seed(SEED)
@FUZZ
@given(text=st.one_of(st.text(max_size=40), st.from_regex(r"\A[\[\]{}\"0-9a-z:,\\u ]{0,60}\Z", fullmatch=True)))
def test_cli_parameter_reader(text):
    count("parameters (JSON)")
    try:
        parse_json_value(text, "--param x")
    except InputError as exc:
        assert str(exc).startswith("--param x")


@seed(SEED)
@FUZZ
@given(text=date_text)
def test_dates_parse_or_fail_clearly(text):
    count("dates")
    try:
        parse_date(text)
    except DateError:
        pass


@seed(SEED)
@settings(FUZZ, max_examples=max(10, EXAMPLES // 5))
@given(data=datasets(), name=hostile_text)
def test_cli_commands_on_random_datasets(tmp_path_factory, data, name):
    """validate, show and list on random datasets: exit 0, 1 or 2 with a message, never the handler."""
    count("cli (validate/show/list)")
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "d.yaml").write_text(_dump_yaml(data), "utf-8", errors="surrogatepass")
    runner = CliRunner()
    for args in (["validate", str(folder)], ["show", name or "x", "--data", str(folder)],
                 ["list", "all", "-f", "csv", "--data", str(folder)]):
        if "\x00" in args[1]:
            continue  # argv cannot hold NUL
        result = runner.invoke(cli, args)
        assert result.exit_code in (0, 1, 2) and result.exit_code != INTERNAL_ERROR_EXIT, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_the_fuzz_never_reached_the_internal_error_handler():
    assert cli_main.internal_errors == []


def test_parse_data_agrees_with_the_loader_on_a_plain_file():
    assert parse_data("actors: []\n", "x.yaml").data == {"actors": []}
