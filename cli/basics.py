"""validate, info, list, show, schema: the commands a new user runs first (export is in export.py)."""

from __future__ import annotations

import json
import sys

import click

from .common import (
    UserError, data_option, echo, echo_note, emit, emit_json, format_option, lang_option, load, progress_when_long, raw_csv_option,
    resolve, save, say, visible, width_option,
)
from partnergraph.graph.model.dates import format_date
from partnergraph.graph.model.schema import get_schema
from partnergraph.graph.model.i18n import catalogue, t

from .options import check_window, echo_counted, status_option, window_options


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@data_option
@format_option
@lang_option
def validate(paths: tuple[str, ...], data: tuple[str, ...], fmt: str, lang: str) -> None:
    """Check dataset files and list every problem with its file and line.

    PATHS (and --data) are the files checked; --base is the dataset they extend
    (read too, so references into it resolve).

    \b
    Examples:
      partnergraph validate                 # the bundled seed data
      partnergraph validate my-data/ extra.yaml
      partnergraph validate mine/ --base seed   # an overlay that extends the seed
    Exit status 0 when valid, 1 when there are problems. With --lang vi the frame and the
    common kinds of problem are in Vietnamese; the rarer ones (and the file format's own) stay English.
    """
    from partnergraph.graph.analysis.describe import dataset_summary
    from partnergraph.graph.model.build import build_graph
    from partnergraph.graph.model.dataset import DatasetError, load_dataset

    from .common import current_base, data_layers

    checked = [*paths, *data]
    try:
        with progress_when_long(t("validate_checking", lang)) as progress:
            dataset = load_dataset(data_layers(checked), progress=progress)
    except DatasetError as exc:
        rows = [{"file": p.file, "line": p.line, "column": p.column, "where": p.where, "problem": p.message}
                for p in exc.problems]
        if fmt == "table":
            for p in exc.problems:
                echo(p.in_lang(lang), err=True)
            click.echo(t("validate_problems", lang, n=len(exc.problems)), err=True)
            if not current_base() and checked and any(p.key in ("problem_dangling", "problem_unknown_source")
                                                      for p in exc.problems):
                command = f"partnergraph validate {' '.join(checked)} --base seed"
                click.echo(t("validate_extend_hint", lang, command=command), err=True)
        else:
            emit(rows, fmt)
        sys.exit(1)
    summary = dataset_summary(dataset, build_graph(dataset))
    if fmt == "table":
        on_base = t("validate_on_base", lang, names=", ".join(current_base())) if current_base() else ""
        click.echo(t("validate_ok", lang, on_base=on_base, **summary))
    else:
        emit([summary], fmt)


@click.command()
@data_option
@format_option
@lang_option
def info(data: tuple[str, ...], fmt: str, lang: str) -> None:
    """Counts by kind and edge type, the sources, and the span of dates.

    \b
    Example:
      partnergraph info
      partnergraph info --format json
    """
    from partnergraph.graph.analysis.describe import info as describe

    summary = describe(load(data))
    if fmt == "json":
        emit_json(summary)
        return
    emit(_info_rows(summary, lang if fmt == "table" else "en"), fmt)  # CSV keeps the codes, for programs
    if fmt == "table":
        span, day = summary["date_range"], _info_date(lang)
        click.echo()
        echo_note(visible(t("info_dates", lang, first=day(span["first"]), last=day(span["last"]), n=span["without_year"])))
        echo(t("info_sources", lang))
        for s in summary["sources"]:
            language = _language(s["language"], lang)
            echo_note(visible(f"  [{s['id']}] {s['title']} — {s['publisher']}, {day(s['published'])} ({language})"))


def _info_rows(summary: dict, lang: str) -> list[dict]:
    """info's counts as rows: codes in English (as the data spells them), labels in Vietnamese."""
    schema = get_schema()
    what = "what" if lang == "en" else "item"  # the header: 'what' reads as 'event' in Vietnamese (col_what)

    def named(label, code):
        return code if lang == "en" else label(code, lang)

    rows = [(t("info_nodes", lang), summary["nodes"]), (t("info_edges", lang), summary["edges"])]
    rows += [(t("info_family", lang, name=named(schema.family_label, k)), v) for k, v in summary["by_family"].items()]
    rows += [(t("info_kind", lang, name=named(schema.kind_label, k)), v) for k, v in summary["by_kind"].items()]
    rows += [(t("info_edge", lang, name=named(schema.edge_label, k)), v) for k, v in summary["by_edge_type"].items()]
    return [{what: label, "count": count} for label, count in rows]


def _info_date(lang: str):
    """Dates as info prints them: as the data writes them in English, in Vietnamese words in Vietnamese."""
    return (lambda d: format_date(d, lang) if d else d) if lang == "vi" else (lambda d: d)


@click.command("list")
@click.argument("family", type=click.Choice(["actors", "instruments", "all"]))
@click.option("--kind", help="Only this kind, e.g. state, agreement, exercise (see 'partnergraph schema').")
@click.option("--domain", help="Only this domain, e.g. cybersecurity, maritime_security.")
@click.option("--search", help="Text in any name or alias, any case, with or without diacritics.")
@status_option
@window_options
@data_option
@format_option
@lang_option
def list_cmd(family: str, kind: str | None, domain: str | None, search: str | None, status, start, end, data, fmt: str,
             lang: str) -> None:
    """List actors or instruments.

    \b
    Examples:
      partnergraph list actors
      partnergraph list instruments --kind agreement
      partnergraph list instruments --domain cybersecurity --format csv
      partnergraph list all --search "viet nam"
      partnergraph list instruments --status all       # with those only sought or proposed
      partnergraph list all --from 2023-01-01 --to 2023-12-31
    """
    from partnergraph.graph.analysis.describe import list_answer

    fam = None if family == "all" else family[:-1]
    check_window(start, end)
    try:
        answer = list_answer(load(data), fam, kind, domain, search, status=status, start=start, end=end, lang=lang)
    except ValueError as exc:  # an unknown kind or domain
        raise UserError(str(exc))
    rows = answer["rows"]
    if fmt == "table":
        echo_counted(answer["counted"], fmt, lang)
    emit(rows, fmt, ["id", "kind", "name", "name_vi", "status", "date", "degree"])
    if fmt == "table" and answer["not_listed"]:
        echo_note(t("list_not_listed", lang, n=answer["not_listed"]))
    if fmt == "table" and answer["uncertain"]:
        names = ", ".join(r["name"] for r in answer["uncertain"][:5]) + (", …" if len(answer["uncertain"]) > 5 else "")
        echo_note(t("list_uncertain", lang, n=len(answer["uncertain"]), names=names))


def _status(status: str | None, lang: str) -> str | None:
    from partnergraph.graph.analysis.explain import status_label

    return status_label(status, lang)


def _language(code: str, lang: str) -> str:
    """A source's language as the reader reads it ('en', or 'tiếng Anh' in Vietnamese): where only English exists."""
    return t(f"language_{code}", lang) if f"language_{code}" in catalogue() else code


def _date(d: dict, lang: str) -> str:
    return format_date(d["value"], lang)


def _print_profile(p: dict, lang: str) -> None:
    schema = get_schema()
    name = p["name_vi"] if lang == "vi" and p["name_vi"] else p["name"]
    family = schema.family_label(p["family"], lang) if lang == "vi" else p["family"]
    say(f"  ({schema.kind_label(p['kind'], lang)}, {family})  id: {p['id']}", bold=name)
    names = [("show_english", p["name"]), ("show_vietnamese", p["name_vi"]), ("show_short", p["short_name"]), ("show_iso", p["iso"])]
    say("  " + "   ".join(f"{t(k, lang)}: {v}" for k, v in names if v))
    if p["aliases"]:
        say(f"  {t('show_also', lang)}: {', '.join(p['aliases'])}")
    if p["status"]:
        say(f"  {t('show_status', lang)}: {_status(p['status'], lang)}")
    for key in ("date_note", "description", "note"):
        if p[key]:
            say(f"  {t('show_' + key, lang)}: {p[key]}")
    for field, d in p["dates"].items():
        say(f"  {t('show_date_' + field, lang)}: {_date(d, lang)} ({t('precision_' + d['precision'], lang)})")
    if p["domains"]:
        say(f"  {t('show_domains', lang)}: {', '.join(schema.domain_label(x, lang) if lang == 'vi' and x in schema.domains else x for x in p['domains'])}")
    if p["places"]:
        say(f"  {t('show_places', lang)}: {', '.join(p['places'])}")
    for c in p["counts"]:
        when = f" ({t('as_of', lang, date=format_date(c['as_of'], lang))})" if c.get("as_of") else ""
        say(f"  {t('show_count', lang)}: {c['what']} = {c['value']}{when}")
        say(f"      “{c['quote']}” [{c['source']}]")
    say(f"  {t('show_evidence', lang)}:")
    for e in p["evidence"]:
        say(f"    “{e['quote']}”\n      — {e['source_title']} ({format_date(e['published'], lang)}, "
             f"{_language(e['language'], lang)}) [{e['source']}]")
    say("\n" + t("show_relations", lang, n=len(p["relations"])) + ":")
    for r in p["relations"]:
        label = r["label_vi"] if lang == "vi" else r["label"]
        other = r["other_name_vi"] if lang == "vi" and r["other_name_vi"] else r["other_name"]
        arrow = f"—{label}→" if r["direction"] == "out" else f"←{label}—"
        role = (r.get("role_vi") if lang == "vi" else None) or r["role"]
        extras = [x for x in (role, _status(r["status"], lang), *(_date(d, lang) for d in r["dates"].values())) if x]
        say(f"  {arrow} {other}" + (f"  [{'; '.join(extras)}]" if extras else ""))
        for e in r["evidence"]:
            say(f"      “{e['quote']}” [{e['source']}]")


@click.command()
@click.argument("name")
@data_option
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="table: a readable profile; json: everything; csv: the relations.")
@raw_csv_option
@width_option
@lang_option
def show(name: str, data, fmt: str, lang: str) -> None:
    """Profile of one actor or instrument: names, dates, relations and evidence.

    NAME is any name, short name, Vietnamese name, alias or id; case and
    diacritics do not matter.

    \b
    Examples:
      partnergraph show "Viet Nam"        # same as: vietnam, VN, "Việt Nam"
      partnergraph show ESIWA --lang vi
      partnergraph show eu-viet-nam-fpa --format json
    """
    from partnergraph.graph.analysis.describe import profile

    G = load(data)
    p = profile(G, resolve(G, name))
    if fmt == "json":
        emit_json(p)
    elif fmt == "csv":
        rows = [
            {**{k: r[k] for k in ("direction", "type", "other_id", "other_name", "role", "status")},
             "dates": "; ".join(f"{k}={v['value']}" for k, v in r["dates"].items()),
             "evidence": " | ".join(e["quote"] for e in r["evidence"]),
             "sources": "; ".join(e["source"] for e in r["evidence"])}
            for r in p["relations"]
        ]
        emit(rows, "csv", ["direction", "type", "other_id", "other_name", "role", "status", "dates", "evidence", "sources"])
    else:
        _print_profile(p, lang)


@click.command("schema")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON Schema of dataset files (for editors).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Draw the schema to FILE (.svg, .png or .pdf; needs Graphviz).")
@format_option
@lang_option
def schema_cmd(as_json: bool, output: str | None, fmt: str, lang: str) -> None:
    """The node kinds and edge types (who may point to whom).

    \b
    Examples:
      partnergraph schema
      partnergraph schema --json > dataset.schema.json
      partnergraph schema -o schema.svg            # a picture of the schema
      partnergraph schema -o schema-vi.png --lang vi
    """
    from partnergraph.graph.analysis.describe import schema_tables
    from partnergraph.graph.model.fileschema import dataset_json_schema
    from partnergraph.graph.model.schema import get_schema

    schema = get_schema()
    if output:
        from pathlib import Path

        from partnergraph.graph.present.schema_diagram import FORMATS as PICTURES, schema_dot

        picture = Path(output).suffix.lower().lstrip(".")
        if picture not in PICTURES:
            raise UserError(f"{output}: end the file name with .svg, .png or .pdf")
        try:
            data = schema_dot(lang=lang).create(prog="dot", format=picture)
        except FileNotFoundError:
            raise UserError("the schema diagram needs Graphviz's `dot` (e.g. `apt-get install graphviz`); "
                            "`partnergraph schema` prints the same as a table")
        save(output, data, "schema diagram")
        return
    if as_json:
        save(None, json.dumps(dataset_json_schema(schema), ensure_ascii=False, indent=2) + "\n")
        return
    tables = schema_tables(schema)
    kinds, groups, edges = tables["kinds"], tables["groups"], tables["edges"]
    if fmt == "json":  # the three tables by name (one list of mixed rows would lose the columns of two)
        emit_json(tables)
        return
    if fmt == "csv":  # one table per CSV file: the edge types
        emit(edges, fmt)
        return
    for rows in (kinds, groups, edges):
        emit(rows, fmt, codes=True)  # the schema's codes are what a dataset file is written with
        click.echo("")
