"""`partnergraph neo4j load|status|wipe`: the dataset in a Neo4j server."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from partnergraph.cli.common import UserError, data_option, emit, emit_json, format_option, load
from partnergraph.cli.neo4j_options import neo4j_errors, neo4j_options, settings_from_options

DEFAULT_BATCH_SIZE = 5000  # = partnergraph.graph.stores.neo4j.plan.DEFAULT_BATCH_SIZE (a test keeps them equal);
# not imported from there so that `partnergraph neo4j --help` does not load networkx


@click.group("neo4j")
def neo4j_group() -> None:
    """Load the dataset into a Neo4j server and check what it holds.

    \b
    Connection: --uri/--username/--database or NEO4J_URI, NEO4J_USERNAME,
    NEO4J_DATABASE; the password from NEO4J_PASSWORD or a hidden prompt.
    \b
      partnergraph neo4j load                  the seed data, idempotently
      partnergraph neo4j load --data my/ --wipe
      partnergraph neo4j status --check        exit 1 unless the database holds exactly the data
      partnergraph neo4j wipe --yes
      partnergraph query "MATCH (n:Actor) RETURN n.name" --backend neo4j
    """


def _plan_total(G) -> int:
    from partnergraph.graph.stores.neo4j.plan import plan_size

    try:
        return plan_size(G)
    except ValueError as exc:
        raise UserError(f"the dataset cannot be stored in Neo4j: {exc}")


@neo4j_group.command("load")
@data_option
@neo4j_options
@click.option("--wipe", is_flag=True,
              help="Make the database hold exactly the dataset: after loading, delete the :PartnerGraph nodes and "
                   "relationships it does not have. The database is never emptied first, so a failed load leaves "
                   "the old graph (partly updated), never nothing; run the load again to finish.")
@click.option("--batch-size", type=click.IntRange(1), default=DEFAULT_BATCH_SIZE, show_default=True,
              help="Rows per UNWIND statement and per write transaction.")
def load_cmd(data, wipe, batch_size, **conn) -> None:
    """Load the dataset (validated first; nothing is written if it has problems).

    Loading is idempotent: nodes, sources and relationships are MERGEd on their
    ids, so loading the same data twice leaves the same graph.

    \b
    Examples:
      partnergraph neo4j load
      partnergraph neo4j load --data my-data/ --wipe
      partnergraph neo4j status --check      # then: in sync?
    """
    from partnergraph.graph.stores.neo4j.connection import connect
    from partnergraph.graph.stores.neo4j.load import load as load_into

    G = load(data)
    total = _plan_total(G)
    settings = settings_from_options(**conn)
    with neo4j_errors(), connect(settings) as connection:
        with click.progressbar(length=total, label="Loading into Neo4j", file=sys.stderr) as bar:
            report = load_into(connection, G, wipe_first=wipe, batch_size=batch_size, progress=bar.update)
    wiped = (f"Deleted {report.wiped_nodes} nodes and {report.wiped_relationships} relationships the dataset "
             "no longer has. ") if wipe else ""
    click.echo(
        f"Loaded {report.nodes} nodes, {report.relationships} relationships, {report.sources} sources and "
        f"{report.evidence_links} evidence links into {settings.where()} in {report.seconds:.1f} s "
        f"({report.transactions} transactions of up to {batch_size} rows). {wiped}".rstrip()
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
        click.echo(f"{title} ({len(ids)}): {', '.join(map(str, ids[:limit]))}{more}")


@neo4j_group.command("status")
@data_option
@neo4j_options
@format_option
@click.option("--check", is_flag=True, help="Exit with status 1 when the database differs from the dataset "
                                            "(counts, ids or contents: a checksum over every node and relationship).")
def status_cmd(data, fmt, check, **conn) -> None:
    """Server version, edition and database; what it holds compared with the dataset.

    Compares counts by label and type, the ids, and a SHA-256 digest of every
    node and relationship (labels, properties, evidence), so a load cut short is
    reported out of sync even when the counts agree.

    \b
    Examples:
      partnergraph neo4j status
      partnergraph neo4j status --check --format json
    """
    from partnergraph.graph.stores.neo4j.status import status

    G = load(data)
    settings = settings_from_options(**conn)
    with neo4j_errors():
        st = status(settings, G)
    if fmt == "json":
        emit_json({**asdict(st), "in_sync": st.in_sync})
    elif fmt == "csv":
        emit([{"what": "label", **r} for r in _status_rows(st.labels)] + [{"what": "type", **r} for r in _status_rows(st.types)]
             + [{"what": "checksum", "name": "sha256", "in_neo4j": st.checksum_neo4j, "in_dataset": st.checksum_dataset,
                 "difference": "" if st.checksum_neo4j == st.checksum_dataset else "differs"}], "csv")
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
        _listing("Changed nodes", st.changed_nodes)
        _listing("Missing relationships", st.missing_relationships)
        _listing("Extra relationships", st.extra_relationships)
        _listing("Changed relationships", st.changed_relationships)
        same = st.checksum_neo4j == st.checksum_dataset
        click.echo(f"Checksum (SHA-256 of every node and relationship): {st.checksum_neo4j[:16]} in Neo4j, "
                   f"{st.checksum_dataset[:16]} in the dataset{'' if same else ' (differ)'}")
        click.echo("In sync with the dataset." if st.in_sync else
                   "Not in sync: run 'partnergraph neo4j load --wipe' to make the database hold exactly the dataset.")
    if check and not st.in_sync:
        sys.exit(1)


@neo4j_group.command("wipe")
@neo4j_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def wipe_cmd(yes, **conn) -> None:
    """Delete everything partnergraph loaded (nodes labelled :PartnerGraph and their relationships), nothing else.

    Deletes the relationships first, then the nodes, 1,000 at a time, each batch
    its own transaction, so it works at any size within the server's
    transaction memory limits; if it is cut short, run it again.

    \b
    Example:
      partnergraph neo4j wipe --yes
    """
    from partnergraph.graph.stores.neo4j.load import wipe

    settings = settings_from_options(**conn)
    if not yes:
        click.confirm(f"Delete every :PartnerGraph node from {settings.where()}?", abort=True, err=True)
    with neo4j_errors():
        deleted = wipe(settings)
    click.echo(f"Deleted {deleted} nodes (and their relationships) from {settings.where()}.")
