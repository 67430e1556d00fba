"""export: the graph in the formats of other tools (Gephi, Cytoscape, yEd, Graphviz, Neo4j, spreadsheets)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import UserError, data_option, load

# The formats come from the library's registry; listed here (not imported) so that --help
# does not import the format modules. A test keeps the two equal.
FORMATS = ("node-link", "graphml", "gexf", "cytoscape", "dot", "cypher", "csv", "xlsx", "sheets")
FOLDER_FORMATS = ("csv", "sheets")
FILE_FORMATS = ("xlsx",)
RECORD_FORMATS = ("xlsx", "sheets")  # written from the records, in file order


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="node-link", show_default=True)
@click.option("-o", "--output", type=click.Path(),
              help="File to write (default: standard output); a folder for csv and sheets; needed for xlsx.")
@click.option("--bom", is_flag=True, help="sheets: write UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly.")
@data_option
def export(fmt: str, output: str | None, bom: bool, data) -> None:
    """Write the graph for other tools.

    \b
    node-link  JSON, every attribute as it is (Python, D3)
    graphml    yEd, Cytoscape, Gephi, igraph (lists and evidence as JSON text)
    gexf       Gephi (lists and evidence as JSON text)
    cytoscape  Cytoscape JSON (File > Import > Network from File)
    dot        Graphviz: partnergraph export -f dot | dot -Tsvg > graph.svg
    cypher     a cypher-shell script: cypher-shell -f graph.cypher
    csv        a folder of neo4j-admin import files (nodes, sources, relationships, evidence)
    xlsx       a workbook: sheets sources, actors, instruments, relations, evidence, ... (see 'import --help')
    sheets     the same layout as CSV files, one per sheet (--bom for Excel)

    \b
    Examples:
      partnergraph export > graph.json
      partnergraph export --format graphml -o partnerships.graphml
      partnergraph export --format cypher -o graph.cypher
      partnergraph export --format csv -o neo4j-import/
      partnergraph export --format xlsx -o seed.xlsx && partnergraph import seed.xlsx -o copy/
    """
    from partnergraph.graph.readwrite.neo4j_csv import ARRAY_DELIMITER_OPTION
    from partnergraph.graph.readwrite.output import OutputError
    from partnergraph.graph.readwrite.registry import save_graph, write_folder

    G = load(data)
    if fmt in RECORD_FORMATS:
        from partnergraph.graph.model.dataset import load_dataset

        from .common import data_layers

        G_or_records = load_dataset(data_layers(data))  # valid: load() above checked it
    else:
        G_or_records = G
    summary = f"{G.number_of_nodes()} nodes and {G.number_of_edges()} edges"
    if bom and fmt != "sheets":
        raise UserError("--bom applies to --format sheets only")
    if fmt in FOLDER_FORMATS:
        if not output:
            raise UserError(f"--format {fmt} writes several files: give a folder with -o, e.g. -o {fmt}-export/")
        if Path(output).exists() and not Path(output).is_dir():
            raise UserError(f"{output} is a file; --format {fmt} needs a folder")
        try:
            files = write_folder(G_or_records, fmt, output, **({"bom": True} if bom else {}))
        except (ValueError, OSError) as exc:
            raise UserError(f"cannot write {output}: {exc}")
        click.echo(f"Wrote {summary} to {output.rstrip('/')}/ ({', '.join(f.name for f in files)}).", err=True)
        if fmt == "csv":
            # The database name goes first: --nodes/--relationships take several files each.
            click.echo(f"Load into a stopped Neo4j with:\n  neo4j-admin database import full neo4j {ARRAY_DELIMITER_OPTION} "
                       "--multiline-fields=true " + " ".join(
                           f"--{'nodes' if f.name in ('nodes.csv', 'sources.csv') else 'relationships'}={f.name}"
                           for f in files), err=True)
        return
    if fmt in FILE_FORMATS and not output:
        raise UserError(f"--format {fmt} is a binary file: give it a name with -o, e.g. -o graph.{fmt}")
    try:
        size = save_graph(G_or_records, fmt, output)
    except ValueError as exc:  # data the format cannot hold; OutputError is an OSError, not a ValueError
        raise UserError(str(exc))
    except OutputError as exc:
        raise UserError(f"cannot write {exc}")
    if output:
        click.echo(f"Wrote {summary} to {output} ({fmt}, {size:,} bytes).", err=True)
