"""A dataset as spreadsheet tables, both ways, every problem located by sheet, row and column.

The layout (one sheet of a workbook, or one CSV file named after it, per table), close to what
Kumu users know: one row per record, an ``id`` column, ``|`` between several values, dates as
text in EDTF (``2019-10-17``, ``2019-10``, ``XXXX-08-14``), never spreadsheet dates.

=============  ==============================================================================
sheet          columns (from the ``attributes`` block of ``schema.yaml``)
=============  ==============================================================================
sources        id, title, publisher, kind, published, language, url, related_urls, file, note
actors         id, kind, name, short_name, name_vi, aliases, iso, description, status, start,
               end, mentioned, date_note, places, domains, note
instruments    as actors
relations      id, from, type, to, role, role_vi, status, start, end, mentioned, date_note,
               places, domains, note
evidence       of (the id of an actor, instrument or relation), source, quote, note
counts         of, what, value, as_of, source, quote, note
history        of, field, value, source, quote, note (statements kept from conflicts)
texts          file, text (the text of each source file, so quotes can be checked)
=============  ==============================================================================

Headers are matched without regard to case; Kumu's ``Label``, ``Type``, ``From``, ``To`` and
``Description`` are accepted for name, kind/type, from, to and description. Rows in ``evidence``
keep their order. A relation without an id is known as ``FROM--TYPE--TO`` in ``evidence``.

:func:`dataset_tables` turns a validated dataset into tables; :func:`tables_to_dataset` turns
tables back into dataset files and validates them with the dataset loader, reporting each
problem as a :class:`CellProblem` (sheet, row, column).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import yaml

from partnergraph.graph.model.dataset import Dataset, DatasetError, load_dataset
from partnergraph.graph.model.schema import Schema, get_schema

SEPARATOR = "|"
NODE_SHEETS = ("actors", "instruments")
CHILD_SHEETS = {"evidence": "evidence", "counts": "count", "history": "statement"}  # sheet -> record type
CHILD_FIELDS = {"evidence": "evidence", "counts": "counts", "history": "history"}  # sheet -> attribute
SHEETS = ("sources", "actors", "instruments", "relations", "evidence", "counts", "history", "texts")
_NOT_COLUMNS = {"review", "evidence", "counts", "history"}
KUMU_ALIASES = {"label": "name", "from": "from", "to": "to", "description": "description"}
LIST_TYPES = {"texts", "domains"}


@dataclass(frozen=True)
class CellProblem:
    """One problem of a spreadsheet, at its sheet, row (1 = the header) and column."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"sheet {self.sheet}" + (f", row {self.row}" if self.row else "") + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class SpreadsheetError(Exception):
    """The spreadsheet has problems; ``problems`` lists every one; nothing was written."""

    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the spreadsheet:\n" + "\n".join(map(str, problems)))


def columns(sheet: str, schema: Schema | None = None) -> list[str]:
    """The columns of a sheet, in order."""
    schema = schema or get_schema()
    if sheet == "texts":
        return ["file", "text"]
    if sheet in CHILD_SHEETS:
        return ["of", *schema.attributes(CHILD_SHEETS[sheet])]
    record_type = {"sources": "source", "relations": "relation"}.get(sheet, "node")
    return [name for name in schema.attributes(record_type) if name not in _NOT_COLUMNS]


def _type(sheet: str, column: str, schema: Schema) -> str:
    if sheet == "texts" or column == "of":
        return "text"
    record_type = CHILD_SHEETS.get(sheet) or {"sources": "source", "relations": "relation"}.get(sheet, "node")
    return schema.attributes(record_type)[column].type


# --- dataset -> tables ------------------------------------------------------------------------------


def _cell(value, sheet: str, column: str, record_id: str):
    if isinstance(value, list):
        bad = [v for v in value if SEPARATOR in str(v)]
        if bad:
            raise ValueError(f"{sheet} {record_id}: {column} value {bad[0]!r} holds {SEPARATOR!r}, "
                             "the separator between values in a spreadsheet cell")
        return SEPARATOR.join(map(str, value))
    return value


def dataset_tables(dataset: Dataset, texts: dict[str, str], schema: Schema | None = None) -> dict[str, list[list]]:
    """The dataset as tables (sheet -> header row + rows). ``texts``: source ``file`` -> its text."""
    schema = schema or get_schema()
    tables = {sheet: [columns(sheet, schema)] for sheet in SHEETS}
    for record in dataset.sources.values():
        tables["sources"].append([_cell(record.get(c), "sources", c, record["id"]) for c in tables["sources"][0]])
    children = []
    for record in dataset.nodes.values():
        sheet = "actors" if record["family"] == "actor" else "instruments"
        tables[sheet].append([_cell(record.get(c), sheet, c, record["id"]) for c in tables[sheet][0]])
        children.append(record)
    for record in dataset.relations:
        tables["relations"].append([_cell(record.get(c), "relations", c, record["id"]) for c in tables["relations"][0]])
        children.append(record)
    for record in children:
        for sheet, attribute in CHILD_FIELDS.items():
            for item in record.get(attribute) or []:
                item = {"of": record["id"], **item}
                tables[sheet].append([_cell(item.get(c), sheet, c, record["id"]) for c in tables[sheet][0]])
    for name, text in sorted(texts.items()):
        tables["texts"].append([name, text])
    return {sheet: rows for sheet, rows in tables.items() if len(rows) > 1 or sheet in SHEETS[:5]}


def source_texts(dataset: Dataset) -> dict[str, str]:
    """The text of each source ``file``, found beside the dataset files that were loaded."""
    texts = {}
    folders = [Path(f).parent for f in dataset.files]
    for record in dataset.sources.values():
        name = record.get("file")
        for folder in folders if name else ():
            path = folder / name
            if path.is_file():
                texts[name] = path.read_text("utf-8")
                break
    return texts


# --- tables -> dataset ------------------------------------------------------------------------------


@dataclass
class _Built:
    """Dataset records built from the tables, with where each came from."""

    data: dict[str, list[dict]] = field(default_factory=lambda: {"sources": [], "actors": [], "instruments": [], "relations": []})
    rows: dict[tuple, tuple[str, int]] = field(default_factory=dict)  # (section, index[, field, j]) -> (sheet, row)
    cols: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> field -> column letter
    texts: dict[str, str] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)  # section -> the YAML written


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header(sheet: str, header: list, built: _Built, schema: Schema) -> list[str | None]:
    known = columns(sheet, schema)
    names: list[str | None] = []
    for i, raw in enumerate(header):
        text = str(raw or "").strip()
        key = text.lower()
        if not text:
            names.append(None)
            continue
        if key == "type":
            key = "type" if sheet == "relations" else "kind"
        key = KUMU_ALIASES.get(key, key)
        if key not in known:
            built.problems.append(CellProblem(sheet, 1, f"{column_letter(i)} ({text})",
                                              f"unknown column {text!r}; the columns of {sheet} are {', '.join(known)}"))
            names.append(None)
        elif key in names:
            built.problems.append(CellProblem(sheet, 1, f"{column_letter(i)} ({text})", f"column {key!r} appears twice"))
            names.append(None)
        else:
            names.append(key)
    built.cols[sheet] = {n: f"{column_letter(i)} ({n})" for i, n in enumerate(names) if n}
    return names


def _value(raw, sheet: str, column: str, kind: str, where: tuple, built: _Built):
    """A cell's value for the dataset, or None when empty; problems for what a cell cannot hold."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    problem = lambda message: built.problems.append(CellProblem(sheet, where[1], built.cols[sheet][column], message))  # noqa: E731
    if isinstance(raw, (datetime, date, time)):
        problem(f"a spreadsheet date ({raw}); write dates as text in EDTF, e.g. 2019-10-17, 2019-10 or XXXX-08-14 "
                "(format the column as Text)")
        return None
    if isinstance(raw, bool):
        problem("a true/false value; write text")
        return None
    if kind == "integer":
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
            return int(raw.strip())
        problem(f"{raw!r} is not a whole number")
        return None
    if isinstance(raw, float):
        if raw.is_integer():
            raw = int(raw)
        else:
            problem(f"a number ({raw}); write text (format the column as Text)")
            return None
    text = str(raw) if not isinstance(raw, str) else raw
    if kind in LIST_TYPES or (kind == "text_or_texts" and SEPARATOR in text):
        return [part.strip(" ") for part in text.split(SEPARATOR) if part.strip(" ")]  # "A | B" as "A|B"
    return text  # as typed: a spreadsheet value is the dataset's value


def _read_sheet(sheet: str, rows: list[list], built: _Built, schema: Schema) -> list[tuple[int, dict]]:
    """The records of one sheet: (row number, {column: value})."""
    if not rows:
        return []
    names = _header(sheet, list(rows[0]), built, schema)
    records = []
    for number, row in enumerate(rows[1:], start=2):
        record = {}
        for name, raw in zip(names, row):
            if name is None:
                continue
            value = _value(raw, sheet, name, _type(sheet, name, schema), (sheet, number), built)
            if value is not None:
                record[name] = value
        if record:
            records.append((number, record))
    return records


def tables_to_dataset(tables: dict[str, list[list]], schema: Schema | None = None) -> _Built:
    """Records from tables (sheet -> rows, the first the header), checked for what the tables can get wrong."""
    schema = schema or get_schema()
    built = _Built()
    for sheet in tables:
        if sheet not in SHEETS:
            built.problems.append(CellProblem(sheet, None, "", f"unknown sheet {sheet!r}; the sheets are {', '.join(SHEETS)}"))
    read = {sheet: _read_sheet(sheet, tables.get(sheet) or [], built, schema) for sheet in SHEETS}
    owners: dict[str, tuple[str, int]] = {}
    seen_relations: dict[str, int] = {}
    for section in ("sources", *NODE_SHEETS, "relations"):
        for number, record in read[section]:
            index = len(built.data[section])
            built.data[section].append(record)
            built.rows[(section, index)] = (section, number)
            if section == "relations" and not record.get("id"):
                rid = f"{record.get('from')}--{record.get('type')}--{record.get('to')}"
                seen_relations[rid] = seen_relations.get(rid, 0) + 1
                rid = rid if seen_relations[rid] == 1 else f"{rid}--{seen_relations[rid]}"
            else:
                rid = record.get("id")
            if section != "sources" and rid:
                owners.setdefault(rid, (section, index))
    for sheet, attribute in CHILD_FIELDS.items():
        for number, item in read[sheet]:
            of = item.pop("of", None)
            if of not in owners:
                built.problems.append(CellProblem(sheet, number, built.cols[sheet].get("of", "A (of)"),
                                                  f"of: no actor, instrument or relation has id {of!r}"
                                                  if of else "of: empty; name the id of the record this belongs to"))
                continue
            section, index = owners[of]
            items = built.data[section][index].setdefault(attribute, [])
            built.rows[(section, index, attribute, len(items))] = (sheet, number)
            items.append(item)
    for number, item in read["texts"]:
        if item.get("file"):
            built.texts[item["file"]] = item.get("text", "")
    return built


# --- validation, with problems mapped back to cells ---------------------------------------------------


def _line_paths(text: str) -> dict[int, tuple]:
    """For each line of a YAML document, the deepest path that starts there."""
    paths: dict[int, tuple] = {}

    def walk(node, path):
        line = node.start_mark.line + 1
        if len(path) >= len(paths.get(line, ())):
            paths[line] = path
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))

    walk(yaml.compose(text), ())
    return paths


_FIELD = re.compile(r"^(?:([a-z_]+)(?:/\S*)?: |'([a-z_]+)' is required)")


def _locate(problem, paths: dict[int, tuple], built: _Built) -> CellProblem:
    path = paths.get(problem.line or 0, ())
    section, index = (path[0], path[1]) if len(path) >= 2 else (None, None)
    if section is None:
        return CellProblem("?", None, "", problem.message)
    record = built.data[section][index]
    sheet, row = built.rows[(section, index)]
    message, column = problem.message, None
    if len(path) >= 4 and path[2] in CHILD_FIELDS.values():  # inside an evidence, count or history item
        sheet, row = built.rows[(section, index, path[2], path[3])]
        column = path[4] if len(path) >= 5 else None
        message = re.sub(r"^[a-z_]+/\d+(/[a-z_]+)?: ", "", message)
    required = re.search(r"'([a-z_]+)' is required", message)
    if required:
        column = required.group(1)
    dangling = re.search(r"no actor or instrument has id '([^']+)'", message)
    if dangling:
        defined = next(((sec, i) for sec in NODE_SHEETS for i, r in enumerate(built.data[sec]) if r.get("id") == dangling.group(1)), None)
        if defined:
            message += f" (it is on sheet {defined[0]}, row {built.rows[defined][1]}, which has a problem of its own)"
    match = _FIELD.match(message)
    if column is None and match:
        column = match.group(1) or match.group(2)
        if column in CHILD_FIELDS.values() and "is required" not in message:
            column = None
    for attribute in ("evidence", "counts"):
        for j, item in enumerate(record.get(attribute) or []):
            if column is None and (f"source {item.get('source')!r}" in message) and (
                    "unknown source" in message or repr(item.get("quote", "")[:60]) in message):
                sheet, row = built.rows[(section, index, attribute, j)]
                column = "source" if "unknown source" in message else "quote"
    if column is None:
        column = next((c for c, hint in (("type", "is not allowed"), ("id", "duplicate"), ("end", "is before start"))
                       if hint in message), "id" if "id" in built.cols.get(sheet, {}) else "")
    if "is required" in message and column in ("evidence",):
        sheet, column = "evidence", "of"
    letters = built.cols.get(sheet, {}).get(column, f"({column})" if column else "")
    return CellProblem(sheet, row, letters, message)


def dataset_files(built: _Built) -> dict[Path, bytes]:
    """The dataset files (relative path -> bytes) of the records: one YAML file per section, texts/."""
    files: dict[Path, bytes] = {}
    for source in built.data["sources"]:
        if source.get("file") in built.texts:
            name = Path(source["file"]).name
            files[Path("texts") / name] = built.texts[source["file"]].encode("utf-8")
            source["file"] = f"texts/{name}"
    built.documents = {section: yaml.safe_dump({section: records}, allow_unicode=True, sort_keys=False, width=4096)
                       for section, records in built.data.items() if records}
    files.update({Path(f"{section}.yaml"): text.encode("utf-8") for section, text in built.documents.items()})
    return files


def validate_folder(folder: Path, built: _Built, schema: Schema | None = None) -> None:
    """Validate the dataset written from ``built`` with the dataset loader; raise SpreadsheetError with
    every problem at its sheet, row and column."""
    problems = list(built.problems)
    try:
        load_dataset([folder], schema=schema)
    except DatasetError as exc:
        cells = {(p.sheet, p.row, p.column) for p in problems}
        for problem in exc.problems:
            section = Path(problem.file).stem
            paths = _line_paths(built.documents[section]) if section in built.documents else {}
            located = _locate(problem, paths, built)
            if (located.sheet, located.row, located.column) not in cells:  # not already said by the reader
                problems.append(located)
    if problems:
        raise SpreadsheetError(problems)


def check_tables(tables: dict[str, list[list]], schema: Schema | None = None) -> _Built:
    """Build and validate in a scratch folder; the checked records (raises SpreadsheetError)."""
    return check_built(tables_to_dataset(tables, schema), schema)


def check_built(built: _Built, schema: Schema | None = None) -> _Built:
    """Validate built records in a scratch folder (raises SpreadsheetError with every problem)."""
    files = dataset_files(built) if not built.documents else {
        Path(f"{section}.yaml"): text.encode("utf-8") for section, text in built.documents.items()}
    files.update({Path("texts") / Path(name).name: text.encode("utf-8") for name, text in built.texts.items()})
    with tempfile.TemporaryDirectory(prefix="partnergraph-import-") as scratch:
        for rel, data in files.items():
            (Path(scratch) / rel).parent.mkdir(parents=True, exist_ok=True)
            (Path(scratch) / rel).write_bytes(data)
        validate_folder(Path(scratch), built, schema)
    return built
