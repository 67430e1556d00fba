"""`partnergraph neo4j load|status|wipe`: the dataset in a Neo4j server."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from partnergraph.cli.common import UserError, data_option, emit, emit_json, format_option, load
from partnergraph.cli.neo4j_options import neo4j_errors, neo4j_options, settings_from_options
from partnergraph.graph.stores.neo4j_store import DEFAULT_BATCH_SIZE


@click.group("neo4j")
def neo4j_group() -> None:
    """Load the dataset into a Neo4j server and check what it holds.

    \b
    Connection: --uri/--username/--database or NEO4J_URI, NEO4J_USERNAME,
    NEO4J_DATABASE; the password from NEO4J_PASSWORD or a hidden prompt.
    \b
      partnergraph neo4j load                  the seed data, idempotently
      partnergraph neo4j load --data my/ --wipe
      partnergraph neo4j status                what is there, compared with the data
      partnergraph query "MATCH (n:Actor) RETURN n.name" --backend neo4j
    """


def _plan_total(G) -> int:
    from partnergraph.graph.stores.neo4j_store import plan_size

    try:
        return plan_size(G)
    except ValueError as exc:
        raise UserError(f"the dataset cannot be stored in Neo4j: {exc}")


@neo4j_group.command("load")
@data_option
@neo4j_options
@click.option("--wipe", is_flag=True, help="First delete everything partnergraph loaded before (nodes labelled :PartnerGraph).")
@click.option("--batch-size", type=click.IntRange(1), default=DEFAULT_BATCH_SIZE, show_default=True,
              help="Rows per UNWIND statement and per write transaction.")
def load_cmd(data, wipe, batch_size, **conn) -> None:
    """Load the dataset (validated first; nothing is written if it has problems).

    Loading is idempotent: nodes, sources and relationships are MERGEd on their
    ids, so loading the same data twice leaves the same graph.
    """
    from partnergraph.graph.stores import neo4j_store as nb

    G = load(data)
    total = _plan_total(G)
    settings = settings_from_options(**conn)
    with neo4j_errors():
        nb.check_connection(settings)
    with neo4j_errors(), click.progressbar(length=total, label="Loading into Neo4j", file=sys.stderr) as bar:
        report = nb.load(settings, G, wipe_first=wipe, batch_size=batch_size, progress=bar.update)
    wiped = f"Deleted {report.wiped_nodes} nodes loaded before. " if wipe else ""
    click.echo(
        f"{wiped}Loaded {report.nodes} nodes, {report.relationships} relationships, {report.sources} sources and "
        f"{report.evidence_links} evidence links into {settings.where()} in {report.seconds:.1f} s "
        f"({report.transactions} transactions of up to {batch_size} rows)."
    )


def _status_rows(counts) -> list[dict]:
    return [
        {"name": c.name, "in_neo4j": c.in_neo4j, "in_dataset": c.in_dataset,
         "difference": f"{c.difference:+d}" if c.difference else ""}
        for c in counts
    ]


def _listing(title: str, ids: list[str], limit: int = 10) -> None:
    if ids:
        more = f" (and {len(ids) - limit} more)" if len(ids) > limit else ""
        click.echo(f"{title} ({len(ids)}): {', '.join(ids[:limit])}{more}")


@neo4j_group.command("status")
@data_option
@neo4j_options
@format_option
@click.option("--check", is_flag=True, help="Exit with status 1 when the database differs from the dataset.")
def status_cmd(data, fmt, check, **conn) -> None:
    """Server version, edition and database; counts by label and type compared with the dataset."""
    from partnergraph.graph.stores import neo4j_store as nb

    G = load(data)
    settings = settings_from_options(**conn)
    with neo4j_errors():
        st = nb.status(settings, G)
    if fmt == "json":
        emit_json({**asdict(st), "in_sync": st.in_sync})
    elif fmt == "csv":
        emit([{"what": "label", **r} for r in _status_rows(st.labels)] + [{"what": "type", **r} for r in _status_rows(st.types)], "csv")
    else:
        s = st.server
        gds = f"GDS {s.gds_version}" if s.gds_version else "no Graph Data Science plugin"
        click.echo(f"Neo4j {s.version} {s.edition} at {s.address}, database '{s.database}' ({gds})\n")
        click.echo("Nodes by label:")
        emit(_status_rows(st.labels), "table")
        click.echo("\nRelationships by type:")
        emit(_status_rows(st.types), "table")
        click.echo("")
        _listing("Missing nodes", st.missing_nodes)
        _listing("Extra nodes", st.extra_nodes)
        _listing("Missing relationships", st.missing_relationships)
        _listing("Extra relationships", st.extra_relationships)
        click.echo("In sync with the dataset." if st.in_sync else
                   "Not in sync: run 'partnergraph neo4j load' (add --wipe to drop what the dataset no longer has).")
    if check and not st.in_sync:
        sys.exit(1)


@neo4j_group.command("wipe")
@neo4j_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def wipe_cmd(yes, **conn) -> None:
    """Delete everything partnergraph loaded (nodes labelled :PartnerGraph and their relationships), nothing else."""
    from partnergraph.graph.stores import neo4j_store as nb

    settings = settings_from_options(**conn)
    if not yes:
        click.confirm(f"Delete every :PartnerGraph node from {settings.where()}?", abort=True, err=True)
    with neo4j_errors():
        deleted = nb.wipe(settings)
    click.echo(f"Deleted {deleted} nodes (and their relationships) from {settings.where()}.")
