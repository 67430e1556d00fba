"""`partnergraph import`: spreadsheets (an .xlsx workbook or CSV files) -> a dataset folder."""

from __future__ import annotations

import click

from .common import UserError


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="The dataset folder to create (new or empty); nothing is written when there is any problem.")
def import_cmd(files, output):
    """Read a dataset from a spreadsheet: one .xlsx workbook, or CSV files (one per sheet).

    \b
    Sheets (or CSV files named after them), one row per record, an `id` column,
    `|` between several values, dates as text (EDTF: 2019-10-17, 2019-10, XXXX-08-14):
      sources      id, title, publisher, kind, published, language, url, related_urls, file, note
      actors       id, kind, name, short_name, name_vi, aliases, iso, description, status,
                   start, end, mentioned, date_note, places, domains, note
      instruments  the same columns as actors
      relations    id, from, type, to, role, role_vi, status, start, end, ... (as actors)
      evidence     of, source, quote, note     (of: the id of an actor, instrument or relation)
      counts       of, what, value, as_of, source, quote, note
      texts        file, text                  (a source's text, to check quotes against)
    Kumu's Label, Type, From, To and Description headers are understood too.
    Every problem is listed with its sheet, row and column; exit status 1.

    \b
    Examples:
      partnergraph export --format xlsx -o seed.xlsx      # the layout, filled in
      partnergraph import seed.xlsx -o roundtrip/
      partnergraph import sources.csv actors.csv relations.csv evidence.csv -o mine/
      partnergraph validate mine/ --base seed
    """
    from partnergraph.graph.readwrite.importing import import_spreadsheets
    from partnergraph.graph.readwrite.spreadsheet import SpreadsheetError

    try:
        counts = import_spreadsheets(list(files), output)
    except SpreadsheetError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise UserError(f"{len(exc.problems)} problem(s) in {', '.join(files)}; nothing was written.")
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"Wrote {output.rstrip('/')}/: " + ", ".join(f"{n} {section}" for section, n in counts.items())
               + f". Check it with: partnergraph validate {output}")
