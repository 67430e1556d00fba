"""Import spreadsheets (.xlsx or CSV files) as a dataset folder, and export a dataset as a workbook.

>>> import io
>>> from partnergraph.graph.model.dataset import load_dataset
>>> out = io.BytesIO()
>>> export_workbook(load_dataset(), out)
>>> tables = read_tables_from(out)
>>> sorted(tables)[:3], tables["actors"][0][:3]
(['actors', 'counts', 'evidence'], ['id', 'kind', 'name'])
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from partnergraph.graph.model.dataset import Dataset
from partnergraph.graph.readwrite.dataset_swap import replace_folder
from partnergraph.graph.readwrite.spreadsheet import (
    CellProblem, SpreadsheetError, dataset_files, dataset_tables, source_texts, tables_to_dataset, validate_folder,
)
from partnergraph.graph.readwrite.spreadsheet import check_built
from partnergraph.graph.readwrite.xlsx import read_csv_tables, read_xlsx_tables, write_csv_tables, write_xlsx

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")


def dataset_of(G) -> Dataset:
    """The records of a loaded graph (its nodes, edges and sources) as a :class:`Dataset`."""
    relations = [{"from": u, "to": v, **d} for u, v, d in G.edges(data=True)]
    return Dataset(sources=dict(G.graph.get("sources", {})), nodes={n: dict(a) for n, a in G.nodes(data=True)},
                   relations=relations, files=list(G.graph.get("files", [])))


def export_workbook(dataset: Dataset, out: IO[bytes] | str | Path) -> None:
    """The dataset (and its source texts) as an .xlsx workbook in the spreadsheet layout."""
    write_xlsx(dataset_tables(dataset, source_texts(dataset)), out)


def export_csv_sheets(dataset: Dataset, folder: str | Path, bom: bool = False) -> list[Path]:
    """The dataset as CSV files, one per sheet of the layout."""
    return write_csv_tables(dataset_tables(dataset, source_texts(dataset)), folder, bom=bom)


def read_tables_from(source) -> dict[str, list[list]]:
    """Tables from one workbook (a path or a binary stream)."""
    return read_xlsx_tables(source)


def read_tables(paths: list[str | Path]) -> dict[str, list[list]]:
    """Tables from a workbook, or CSV files / folders of CSV files (not both kinds at once)."""
    paths = [Path(p) for p in paths]
    workbooks = [p for p in paths if p.suffix.lower() in (".xlsx", ".xlsm")]
    others = [p for p in paths if p not in workbooks]
    if workbooks and others or len(workbooks) > 1:
        raise SpreadsheetError([CellProblem(str(paths[0]), None, "", "give one workbook, or CSV files (one per sheet)")])
    if workbooks:
        if not workbooks[0].is_file():
            raise SpreadsheetError([CellProblem(workbooks[0].name, None, "", "file not found")])
        return read_xlsx_tables(workbooks[0])
    bad = [p for p in others if not p.is_dir() and p.suffix.lower() != ".csv"]
    if bad:
        raise SpreadsheetError([CellProblem(bad[0].name, None, "", "not a spreadsheet: give an .xlsx workbook or .csv files")])
    return read_csv_tables(others)


def import_spreadsheets(paths: list[str | Path], folder: str | Path) -> dict[str, int]:
    """Write the dataset held in the spreadsheets into ``folder`` (new or empty), after full validation.

    Raises SpreadsheetError (every problem with its sheet, row and column); then nothing is written.
    Returns the number of records per section.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SpreadsheetError([CellProblem(str(folder), None, "", "the output must be a new or empty folder; "
                                            "nothing was written")])
    built = tables_to_dataset(read_tables(paths))
    files = dataset_files(built)
    if built.problems:  # the reader's problems and the loader's, all at once; nothing written
        check_built(built)
    replace_folder(folder, files, lambda new: validate_folder(new, built))
    return {section: len(records) for section, records in built.data.items()}
