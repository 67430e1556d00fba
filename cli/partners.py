"""partners, communities: who X's partners are, and which groups the actors form."""

from __future__ import annotations

import click

from partnergraph.graph.model.i18n import t
from partnergraph.graph.model.schema import get_schema

from .common import data_option, echo_note, emit, emit_json, format_option, lang_option, load, refusals, resolve
from .options import as_of_option, echo_counted, emit_counted, status_option, strict_needs_as_of, strict_option


@click.command()
@click.argument("name")
@status_option
@as_of_option
@strict_option
@click.option("--kind", multiple=True, metavar="KIND",
              help="Only partners of these kinds (state, union, actor groups...) or ties through these instrument kinds "
                   "(agreement, partnership...). Repeatable.")
@data_option
@format_option
@lang_option
def partners(name, status, as_of, strict, kind, data, fmt, lang):
    """NAME's partners: actors tied to it directly or through an instrument, one row each.

    Each row: the partner, the instruments (kind, status, dates) or direct relations that
    tie them, since when, and the evidence quote and source of every tie.

    \b
    Examples:
      partnergraph partners "Viet Nam"
      partnergraph partners EU --status all          # with the partnerships only sought
      partnergraph partners EU --kind state --format csv
      partnergraph partners "Viet Nam" --as-of 2020-01-01
      partnergraph partners VN --kind agreement --lang vi
    """
    from partnergraph.graph.analysis.partners import BadKind, NotAnActor, partner_rows, partners as find

    strict_needs_as_of(strict, as_of)
    G = load(data)
    node = resolve(G, name)
    with refusals((BadKind, "--kind: {exc}"),
                  (NotAnActor, t("partners_needs_an_actor", lang, reason="{exc}", node=node))):
        result = find(G, node, status=status, as_of=as_of, strict=strict, kind=list(kind) or None, lang=lang)
    if fmt == "json":
        emit_json(result)
        return
    echo_counted(result["counted"], fmt, lang)
    rows = partner_rows(result, lang)
    if fmt == "csv":
        emit(rows, fmt, ["partner", "kind", "through", "since", "tentative", "flags", "evidence", "sources"])
        return
    schema = get_schema()
    echo_note(t("partners_line", lang, name=result["actor"], n=len(rows)))
    for row in rows:
        click.echo()
        mark = "  " + t("only_tentative_mark", lang) if row["tentative"] else ""
        since = "  " + t("since_date", lang, date=row["since"]) if row["since"] else ""
        echo_note(click.style(row["partner"], bold=True) + f"  ({schema.kind_label(row['kind'], lang)}){mark}{since}")
        for line in [f"  · {tie}" for tie in row["through"]] + [f"  ⚑ {flag}" for flag in row["flags"]] + \
                [f"    {quote}" for quote in row["evidence"]]:
            echo_note(line)


@click.command()
@status_option
@as_of_option
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the Louvain method (same seed, same groups).")
@click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Louvain resolution: above 1 smaller groups, below 1 larger ones.")
@data_option
@format_option
@lang_option
def communities(status, as_of, seed, resolution, data, fmt, lang):
    """Groups of actors more tied to each other than to the rest (Louvain), and what holds each together.

    \b
    Examples:
      partnergraph communities
      partnergraph communities --status all --format json
      partnergraph communities --seed 3 --resolution 1.5
    """
    from partnergraph.graph.analysis.communities import communities as groups, community_rows

    result = groups(load(data), status=status, as_of=as_of, seed=seed, resolution=resolution, lang=lang)
    rows = community_rows(result, lang)
    summary = t("groups_line", lang, method=result["method"], q=result["modularity"], n=len(rows),
                k=len(result["isolated"]), names=", ".join(result["isolated"]) or t("none", lang))
    emit_counted(result, fmt, lang, rows, ["group", "size", "members", t("held_together_by", lang)], summary)
