"""export: the graph in the formats of other tools (Gephi, Cytoscape, yEd, Graphviz, Neo4j)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import UserError, data_option, load

FORMATS = ("node-link", "graphml", "gexf", "cytoscape", "dot", "cypher", "csv")


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="node-link", show_default=True)
@click.option("-o", "--output", type=click.Path(writable=True),
              help="File to write (default: standard output); a folder for csv.")
@data_option
def export(fmt: str, output: str | None, data) -> None:
    """Write the graph for other tools.

    \b
    node-link  JSON, every attribute as it is (Python, D3)
    graphml    yEd, Cytoscape, Gephi, igraph (lists and evidence as JSON text)
    gexf       Gephi (lists and evidence as JSON text)
    cytoscape  Cytoscape JSON (File > Import > Network from File)
    dot        Graphviz: partnergraph export -f dot | dot -Tsvg > graph.svg
    cypher     a cypher-shell script: cypher-shell -f graph.cypher
    csv        a folder of neo4j-admin import files (nodes, sources, relationships, evidence)

    \b
    Examples:
      partnergraph export > graph.json
      partnergraph export --format graphml -o partnerships.graphml
      partnergraph export --format cypher -o graph.cypher
      partnergraph export --format csv -o neo4j-import/
    """
    from partnergraph.graph.readwrite.formats import ARRAY_DELIMITER_OPTION, FOLDER_FORMATS, save_graph, write_folder
    from partnergraph.graph.readwrite.output import OutputError

    G = load(data)
    summary = f"{G.number_of_nodes()} nodes and {G.number_of_edges()} edges"
    if fmt in FOLDER_FORMATS:
        if not output:
            raise UserError(f"--format {fmt} writes several files: give a folder with -o, e.g. -o neo4j-import/")
        if Path(output).exists() and not Path(output).is_dir():
            raise UserError(f"{output} is a file; --format {fmt} needs a folder")
        try:
            files = write_folder(G, fmt, output)
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
    try:
        size = save_graph(G, fmt, output)
    except ValueError as exc:  # OutputError is an OSError, not a ValueError
        raise UserError(str(exc))
    except OutputError as exc:
        raise UserError(f"cannot write {exc}")
    if output:
        click.echo(f"Wrote {summary} to {output} ({fmt}, {size:,} bytes).", err=True)
