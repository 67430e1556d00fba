"""path, centrality, timeline, neighbours, structure, common: the analyst's questions.

Thin click wrappers over partnergraph.graph.analysis (paths, centrality, timeline, structure).
Nothing heavy (scipy, igraph, matplotlib, the Neo4j driver) is imported at module
import time, so `partnergraph path` starts fast. The options every analysis shares
(--status, --as-of, --strict, --from/--to) are declared once, in cli/options.py.
"""

from __future__ import annotations

import click

from partnergraph.graph.analysis.centrality.measures import MEASURES
from partnergraph.graph.model.dates import format_date
from partnergraph.graph.model.i18n import measure_label, t, tn
from partnergraph.graph.model.names import display_name
from partnergraph.graph.model.schema import UnknownKind, get_schema

from .common import (
    UserError, data_option, echo_note, emit, emit_json, format_option, lang_option, load, progress_when_long, refusals,
    resolve, say,
)
from .neo4j_options import backend_option, neo4j_errors, settings_from_options
from .options import (
    as_of_option, check_window, echo_counted, emit_counted, status_option, strict_needs_as_of, strict_option, window_options,
)


_backend_option = backend_option  # --backend local|neo4j (networkx: an old alias) and the connection options


def _store(data, backend: str = "local", neo4j_kw: dict | None = None):
    """The store the command reads (the library routes each question; see graph/stores/routing.py)."""
    from partnergraph.graph.stores.routing import open_store

    if backend == "neo4j":
        settings = settings_from_options(**(neo4j_kw or {}))
        with neo4j_errors():
            return open_store("neo4j", settings=settings)
    return open_store("local", graph=load(data))


def _graph(data, backend: str = "local", neo4j_kw: dict | None = None):
    """The whole graph of the chosen backend (Neo4j: read back from the server)."""
    store = _store(data, backend, neo4j_kw)
    try:
        with neo4j_errors():
            return store.graph()
    finally:
        store.close()


# --- path --------------------------------------------------------------------------------


def _print_paths(G, paths, lang: str) -> None:
    from partnergraph.graph.analysis.paths import explain_path

    for number, path in enumerate(paths, 1):
        e = explain_path(G, path, lang)
        heading = f"{e['source']} → {e['target']}: {tn('hops', e['length'], lang)}"
        say(t("path_of", lang, number=number, total=len(paths), heading=heading) if len(paths) > 1 else heading)
        say(e["chain"])
        click.echo()
        for i, hop in enumerate(e["hops"], 1):
            say(f"  {i}. {hop['text']}")
            facts = " · ".join(x for x in (hop["status_label"] or "", hop["date"]) if x)
            say(f"     {facts}")
            if hop["flag"]:
                say(f"     ⚑ {hop['flag']}")
            for ev in hop["evidence"]:
                say(f"     {ev['source']}: “{ev['quote']}”")
        click.echo()
        say(e["sentence"])
        if number < len(paths):
            click.echo()


@click.command()
@click.argument("source")
@click.argument("target")
@click.option("--all", "all_paths", is_flag=True, help="Every shortest path, not just the best-attested one.")
@click.option("--k", "k", type=click.IntRange(min=1), default=None, metavar="N", help="The N shortest simple paths (may be longer).")
@click.option("--max-hops", type=click.IntRange(min=1), default=None, metavar="N", help="Ignore paths longer than N hops.")
@click.option("--via", multiple=True, metavar="KIND|TYPE",
              help="Only through these node kinds/groups (agreement, event, polity...) or edge types (party_to...). Repeatable.")
@click.option("--avoid", multiple=True, metavar="KIND|TYPE|NAME",
              help="Never through these node kinds, edge types or named nodes (person, member_of, EU...). Repeatable.")
@status_option
@as_of_option
@strict_option
@click.option("--actors-only", is_flag=True, help="Search the actor projection: actors linked by shared instruments or direct relations.")
@click.option("--directed", is_flag=True, help="Follow edges only in their direction (from → to).")
@data_option
@format_option
@lang_option
@_backend_option
def path(source, target, all_paths, k, max_hops, via, avoid, status, as_of, strict, actors_only, directed, data, fmt, lang,
         backend, **neo4j_kw):
    """How SOURCE is connected to TARGET: the shortest path(s), hop by hop with dates and evidence.

    \b
    Examples:
      partnergraph path "Republic of Korea" "Viet Nam"
      partnergraph path ROK VN --as-of 2019-01-01       # flagged: not attested before 17 Oct 2019
      partnergraph path ROK VN --as-of 2019-01-01 --strict   # exit status 1: nothing known then
      partnergraph path Japan VN --status all           # through the partnership only sought
      partnergraph path Japan VN --all --avoid person --status all
      partnergraph path ROK VN --via agreement --format json
      partnergraph path ROK India --actors-only
    Ties in place only unless --status says otherwise. Direction is ignored unless
    --directed. Exit status 1 when there is no path.
    """
    from partnergraph.graph.analysis.filters import describe_scope
    from partnergraph.graph.analysis.paths import BadFilter, NoPath, explain_path, path_rows
    from partnergraph.graph.stores.base import PathQuery

    strict_needs_as_of(strict, as_of)
    store = _store(data, backend, neo4j_kw)
    try:
        with neo4j_errors():
            G = store.graph()
        a, b = resolve(G, source), resolve(G, target)
        if a == b:
            raise UserError(t("path_same_node", lang, a=repr(source), b=repr(target)))
        question = PathQuery(all_paths=all_paths, k=k, max_hops=max_hops, via=tuple(via), avoid=tuple(avoid),
                             as_of=as_of, actors_only=actors_only, directed=directed, status=status, strict=strict,
                             lang=lang)
        try:
            with neo4j_errors():
                paths = store.shortest_paths(a, b, question)
        except (NoPath, BadFilter) as exc:
            raise UserError(str(exc))
    finally:
        store.close()
    flags = [f for p in paths for f in explain_path(G, p, lang)["flags"]]
    meta = describe_scope(status, as_of, include_unattested=not strict, not_attested_items=flags, lang=lang)
    if fmt == "json":
        emit_json({"counted": meta, "paths": [explain_path(G, p, lang) for p in paths]})
        return
    echo_counted(meta, fmt, lang)
    if fmt == "csv":
        emit(path_rows(G, paths, lang), fmt)
    else:
        _print_paths(G, paths, lang)


# --- centrality ------------------------------------------------------------------------


@click.command()
@click.option("--measure", "-m", type=click.Choice(MEASURES), default="pagerank", show_default=True)
@click.option("--projection", type=click.Choice(["full", "actors"]), default="full", show_default=True,
              help="full: actors and instruments; actors: actors linked by shared instruments and direct relations.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, help="How many to list (0 = all).")
@click.option("--kind", multiple=True, metavar="KIND", help="List only these node kinds or groups (state, actor...). Repeatable.")
@status_option
@as_of_option
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="K",
              help="Betweenness from K seeded random sources (fast on large graphs); default exact.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --sample (same seed, same scores).")
@click.option("--explain", type=click.IntRange(min=0), default=5, show_default=True, help="Explain the first N rows.")
@data_option
@format_option
@lang_option
@_backend_option
def centrality(measure, projection, top, kind, status, as_of, sample, seed, explain, data, fmt, lang, backend, **neo4j_kw):
    """Rank nodes by centrality and say why the top ones score high.

    \b
    Examples:
      partnergraph centrality --measure betweenness --projection actors
      partnergraph centrality --measure pagerank --kind state --top 5
      partnergraph centrality --measure betweenness --sample 256 --seed 1   # large data
      partnergraph centrality --as-of 2019-12-31 --format csv
      partnergraph centrality --projection actors --status all   # tentative ties counted too
    """
    from partnergraph.graph.analysis.centrality import centrality as rank

    try:
        get_schema().kinds_named(kind)  # before the graph is loaded (a Neo4j read can take long)
    except UnknownKind as exc:
        raise UserError(f"--kind: {exc}")
    G = _graph(data, backend, neo4j_kw)
    with progress_when_long(_progress_label(measure, sample, lang)) as progress:
        result = rank(G, measure, projection=projection, kind=list(kind) or None, as_of=as_of, status=status, top=top or None,
                      sample=sample, seed=seed, explain=explain, lang=lang, progress=progress)
    if fmt == "json":
        emit_json(result)
        return
    if fmt == "table":
        echo_note(_centrality_head(result, projection, sample, seed, lang))
    echo_counted(result["counted"], fmt, lang)
    emit(result["rows"], fmt, ["rank", "name", "kind", "score", "why"])


def _progress_label(measure: str, sample: int | None, lang: str) -> str:
    """What the progress bar of a long measure says (only closeness and betweenness run one search per node)."""
    if measure == "betweenness":
        return t("progress_betweenness_sampled" if sample else "progress_betweenness_exact", lang)
    return t("progress_closeness", lang) if measure == "closeness" else measure_label(measure, lang)


def _centrality_head(result: dict, projection: str, sample: int | None, seed: int, lang: str) -> str:
    """'betweenness on the actor projection (14 nodes, 19 links); exact, engine igraph', in the reader's language."""
    when = t("centrality_as_of", lang, date=format_date(result["as_of"], lang)) if result["as_of"] else ""
    method = t("centrality_exact", lang) if result["method"] == "exact" else t("centrality_sampled", lang, k=sample, seed=seed)
    return t("centrality_head", lang, measure=measure_label(result["measure"], lang), when=when,
             graph=t("centrality_on_actors" if projection == "actors" else "centrality_on_full", lang),
             nodes=result["nodes"], edges=result["edges"], method=method, engine=result["engine"])


# --- timeline, neighbours, structure, common --------------------------------------------


@click.command()
@click.argument("name", required=False)
@status_option
@window_options
@data_option
@format_option
@lang_option
def timeline(name, status, start, end, data, fmt, lang):
    """Dated events in order, each date at the precision the source gives.

    \b
    Examples:
      partnergraph timeline
      partnergraph timeline "Viet Nam"
      partnergraph timeline --from 2023-01-01 --to 2023-12-31
      partnergraph timeline --status all          # tentative ties' dates too
    A date whose year the source omits ("14–15 Aug (year not stated)") sorts in the
    first year its source covers; see the year_assumed_for_sorting column. With
    --from/--to an event that may or may not fall in the window is listed apart.
    """
    from partnergraph.graph.analysis.timeline import timeline_answer

    check_window(start, end)
    G = load(data)
    node = resolve(G, name) if name else None
    answer = timeline_answer(G, node, status=status, start=start, end=end, lang=lang)
    if fmt == "json":
        emit_json(answer)
        return
    columns = ["date", "what", "involves", "status", "sources"]
    echo_counted(answer["counted"], fmt, lang)
    rows = answer["rows"] + ([{**r, "window": "maybe"} for r in answer["uncertain"]] if fmt == "csv" else [])
    emit(rows, fmt, columns if fmt == "table" else columns + ["edtf", "precision", "year_known", "year_assumed_for_sorting", "item"]
         + (["window"] if answer["uncertain"] else []))
    if fmt == "table" and answer["uncertain"]:
        click.echo("\n" + t("may_fall_in_window", lang, n=len(answer["uncertain"])))
        emit(answer["uncertain"], fmt, columns)


@click.command()
@click.argument("name")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="How many hops out.")
@status_option
@as_of_option
@data_option
@format_option
@lang_option
def neighbours(name, depth, status, as_of, data, fmt, lang):
    """Nodes within --depth hops of NAME, nearest first, with the relation that reaches each.

    \b
    Examples:
      partnergraph neighbours "Republic of Korea" --depth 2
      partnergraph neighbours Japan --status all
    """
    from partnergraph.graph.analysis.structure import neighbourhood

    G = load(data)
    node = resolve(G, name)
    answer = neighbourhood(G, node, depth, as_of=as_of, status=status, lang=lang)
    if not answer["rows"] and as_of:
        raise UserError(t("no_neighbours", lang, name=display_name(G.nodes[node], lang), date=format_date(str(as_of), lang),
                          counted=answer["counted"]["counted"]))
    if fmt == "json":
        emit_json(answer)
        return
    echo_counted(answer["counted"], fmt, lang)
    emit(answer["rows"], fmt, ["distance", "name", "kind", "via", "status"])


@click.command()
@status_option
@as_of_option
@data_option
@format_option
@lang_option
def structure(status, as_of, data, fmt, lang):
    """Components and brokers (articulation points) of the actor projection.

    \b
    Examples:
      partnergraph structure
      partnergraph structure --as-of 2019-12-31 --format json
      partnergraph structure --status all
    """
    from partnergraph.graph.analysis.structure import structure as shape

    G = load(data)
    result = shape(G, as_of=as_of, status=status, lang=lang)
    if fmt == "json":
        emit_json(result)
        return
    comps = [{"component": i, "size": c["size"], "members": c["members"]} for i, c in enumerate(result["components"], 1)]
    brokers = [{"broker": b["name"], "cuts off": b["cut_off"], "why": b["why"]} for b in result["brokers"]]
    echo_counted(result["counted"], fmt, lang)
    if fmt == "csv":
        emit([{"section": "component", **c} for c in comps] + [{"section": "broker", **b} for b in brokers], fmt,
             ["section", "component", "size", "members", "broker", "cuts off", "why"])
        return
    echo_note(t("structure_line", lang, actors=result["actors"], links=result["links"], n=len(comps),
                k=len(result["isolated"])))
    emit(comps, fmt)
    click.echo()
    echo_note(t("brokers_head", lang))
    emit(brokers, fmt)


@click.command()
@click.argument("a")
@click.argument("b")
@status_option
@as_of_option
@data_option
@format_option
@lang_option
def common(a, b, status, as_of, data, fmt, lang):
    """Common partners of two actors: who is tied to both, through an instrument or directly.

    \b
    Examples:
      partnergraph common "Republic of Korea" "Viet Nam"
      partnergraph common Japan ROK --status all
    """
    from partnergraph.graph.analysis.partners import NotAnActor
    from partnergraph.graph.analysis.structure import common_columns, common_partners, common_rows

    G = load(data)
    x, y = resolve(G, a), resolve(G, b)
    with refusals((NotAnActor, t("common_needs_actors", lang, reason="{exc}"))):
        result = common_partners(G, x, y, as_of=as_of, status=status, lang=lang)
    rows = common_rows(result, lang)
    related = t("common_related", lang, names="; ".join(result["related_directly"])) if result["related_directly"] else ""
    shared = "; ".join(result["shared_directly"])
    summary = t("common_line" if shared else "common_line_none", lang, a=result["a"], b=result["b"], shared=shared,
                related=related, n=len(rows))
    emit_counted(result, fmt, lang, rows, common_columns(result, lang), summary)
