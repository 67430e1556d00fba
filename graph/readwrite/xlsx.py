"""Spreadsheet files: an Excel workbook (openpyxl) or CSV files, one per sheet of the layout in
:mod:`partnergraph.graph.readwrite.spreadsheet`.

Every text is written as text: a cell never becomes a formula (a value that starts with ``=``,
``+``, ``-`` or ``@`` is stored as a string with Excel's quote prefix in a workbook, and with a
leading ``'`` in CSV, which :func:`read_csv_tables` removes again), and the columns are formatted
as Text so that a date typed later stays the text the sources give.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

from partnergraph.graph.readwrite.spreadsheet import SHEETS, CellProblem, SpreadsheetError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767  # Excel's limit on the characters of one cell


def _risky(text: str) -> bool:
    return text.startswith(FORMULA_START) or (text.startswith("'") and text[1:].startswith(FORMULA_START))


def write_xlsx(tables: dict[str, list[list]], out: IO[bytes] | str | Path) -> None:
    """A workbook with one sheet per table, header row bold and frozen, every text cell a string."""
    # lazy: openpyxl costs ~399 ms to import (measured); only this path needs it
    from openpyxl import Workbook  # imported here: openpyxl takes ~0.4 s to import (measured), only xlsx needs it

    # lazy: openpyxl costs ~399 ms to import (measured); only this path needs it
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, rows in tables.items():
        ws = wb.create_sheet(sheet)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                if isinstance(value, str) and len(value) > MAX_CELL:
                    raise ValueError(f"sheet {sheet}, row {r}: a text of {len(value)} characters; a cell holds at most {MAX_CELL}")
                cell = ws.cell(r, c)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    cell.number_format = "@"
                    if _risky(value):
                        cell.quotePrefix = True
                if r == 1:
                    cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for c, name in enumerate(rows[0] if rows else [], start=1):
            ws.column_dimensions[ws.cell(1, c).column_letter].width = {"quote": 80, "text": 100}.get(name, 18)
    wb.save(out)


def read_xlsx_tables(path: str | Path) -> dict[str, list[list]]:
    """Sheet name -> rows (lists of cell values) of a workbook; formulas are problems, not values."""
    # lazy: openpyxl costs ~399 ms to import (measured); only this path needs it
    from openpyxl import load_workbook  # imported here: ~0.4 s (measured), only xlsx needs it

    # lazy: openpyxl costs ~399 ms to import (measured); only this path needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError([CellProblem(Path(path).name, None, "", f"cannot read the workbook ({exc}); "
                                            "save it as .xlsx (Excel 2007 or later)")])
    except Exception as exc:  # zipfile.BadZipFile and the like: not a workbook
        raise SpreadsheetError([CellProblem(Path(path).name, None, "", f"not an .xlsx workbook ({type(exc).__name__})")])
    tables, problems = {}, []
    try:
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows():
                values = []
                for cell in row:
                    if cell.data_type == "f":
                        problems.append(CellProblem(ws.title, cell.row, f"{cell.column_letter}",
                                                    f"a formula ({str(cell.value)[:40]}); partnergraph reads values: type the text"))
                        values.append(None)
                    else:
                        values.append(cell.value)
                rows.append(values)
            tables[ws.title.strip().lower()] = rows
    finally:
        wb.close()
    if problems:
        raise SpreadsheetError(problems)
    return tables


def write_csv_tables(tables: dict[str, list[list]], folder: str | Path, bom: bool = False) -> list[Path]:
    """One CSV file per table (``sources.csv``, ``actors.csv``, ...); UTF-8, with a BOM if asked (Excel)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet, rows in tables.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            writer.writerow(["" if v is None else ("'" + v if isinstance(v, str) and _risky(v) else v) for v in row])
        path = folder / f"{sheet}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8-sig" if bom else "utf-8")
        written.append(path)
    return written


def read_csv_tables(paths: list[str | Path]) -> dict[str, list[list]]:
    """Tables from CSV files named after their sheet (or a folder of them); a BOM is accepted."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    tables, problems = {}, []
    for path in files:
        sheet = path.stem.strip().lower()
        try:
            text = path.read_text("utf-8-sig")
        except FileNotFoundError:
            problems.append(CellProblem(path.name, None, "", "file not found"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(CellProblem(sheet, None, "", f"{path}: cannot read ({exc}); save the CSV as UTF-8"))
            continue
        if sheet not in SHEETS:
            problems.append(CellProblem(sheet, None, "", f"{path.name}: the file name must be a sheet name: {', '.join(SHEETS)}"))
            continue
        rows = [[_unprefix(v) for v in row] for row in csv.reader(io.StringIO(text))]
        tables[sheet] = rows
    if problems:
        raise SpreadsheetError(problems)
    return tables


def _unprefix(value: str) -> str:
    """Undo the export's prefix: one ``'`` before a value that would otherwise be risky."""
    return value[1:] if value.startswith("'") and _risky(value[1:]) else value
