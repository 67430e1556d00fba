"""Problems in JSON dataset files name the line and column of the offending value (issue 14: "file and line").

Generated cases: random JSON documents for the position map itself (every position it gives must be where
that value is written), and the seed dataset written as JSON in random layouts with one value spoiled at a
random record and field, checked through ``partnergraph validate`` as a user sees it.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnergraph.cli.main import cli
from partnergraph.graph.model.dataset import seed_path
from partnergraph.graph.model.json_lines import JsonLines

pytestmark = pytest.mark.timeout(300)
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

KEYS = st.one_of(st.sampled_from(["id", "name", "a/b", "~0", "x~1y", "é", 'q"', "\\", "/", ""]), st.text(max_size=4))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=6),
                    st.floats(allow_nan=False, allow_infinity=False))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(KEYS, inner, max_size=4)), max_leaves=25)
LAYOUTS = st.fixed_dictionaries({"indent": st.sampled_from([None, 0, 1, 2, 4, "\t"]),
                                 "ensure_ascii": st.booleans()})


def _offset(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[line - 1] + column - 1


def _value_at(data, path: tuple):
    for part in path:
        data = data[part]
    return data


def _paths(data, path=()):
    yield path
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from _paths(value, path + (key,))


@SETTINGS
@given(DOCUMENTS, LAYOUTS)
def test_every_position_is_where_its_value_is_written(data, layout):
    text = json.dumps(data, **layout)
    positions = JsonLines(text)
    decoder = json.JSONDecoder()
    for path, line in positions.items():
        value, _ = decoder.raw_decode(text, _offset(text, line, line.column))
        assert value == _value_at(data, path)
    if not any(isinstance(p, str) and "/" in p for path in _paths(data) for p in path):  # nothing ambiguous
        assert set(positions) == set(_paths(data))


def test_a_text_changed_since_gives_no_positions_rather_than_wrong_ones():
    positions = JsonLines('{"a": 1}', reread=lambda: '{"b": 1}')
    assert dict(positions) == {}


@pytest.fixture(scope="module")
def seed_records():
    return {f: yaml.safe_load((seed_path() / f"{f}.yaml").read_text("utf-8"))
            for f in ("sources", "actors", "instruments", "relations")}


SPOILS = {"name": 5, "start": "2019-13-01", "kind": "nonsense", "to": "nobody-at-all"}


@SETTINGS
@given(st.data(), LAYOUTS)
def test_validate_names_the_line_and_column_of_a_spoiled_value(tmp_path_factory, seed_records, data, layout):
    folder = tmp_path_factory.mktemp("ds")
    field = data.draw(st.sampled_from(sorted(SPOILS)), label="field")
    section = "relations" if field == "to" else data.draw(st.sampled_from(["actors", "instruments"]), label="section")
    records = json.loads(json.dumps(seed_records[section][section]))
    index = data.draw(st.integers(0, len(records) - 1), label="index")
    records[index][field] = SPOILS[field]
    for name, content in seed_records.items():
        body = {section: records} if name == section else content
        (folder / f"{name}.json").write_text(json.dumps(body, **layout), "utf-8")
    (folder / "texts").symlink_to(seed_path() / "texts")
    result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1, result.output
    rows = [r for r in json.loads(result.stdout) if r["where"].startswith(f"{section}[{index}]")]
    assert rows, result.output
    text = (folder / f"{section}.json").read_text("utf-8")
    for row in rows:
        value, _ = json.JSONDecoder().raw_decode(text, _offset(text, row["line"], row["column"]))
        assert value == SPOILS[field], row


def test_a_record_too_deep_to_map_is_still_reported_by_its_path(tmp_path, seed_records):
    actors = json.loads(json.dumps(seed_records["actors"]))
    deep = inner = {}
    for _ in range(900):
        inner["x"] = {}
        inner = inner["x"]
    actors["actors"][0]["review"] = deep
    text = json.dumps(actors)
    assert dict(JsonLines(text)) == {}  # beyond json-source-map's recursion: no positions at all
    for name, content in seed_records.items():
        (tmp_path / f"{name}.json").write_text(text if name == "actors" else json.dumps(content), "utf-8")
    (tmp_path / "texts").symlink_to(seed_path() / "texts")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"actors\.json: actors\[0\] \(id [^)]+\): nested more than 64 levels deep", result.output), result.output
