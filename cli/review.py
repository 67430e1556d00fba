"""`partnergraph review CANDIDATES`: go through ingest's candidates one at a time, in the terminal."""

from __future__ import annotations

import sys

import click

from .common import UserError, data_option, load

KEYS = {"a": "accept", "r": "reject", "e": "edit", "l": "link", "s": "skip", "u": "undo", "q": "quit"}


def _highlighted(text: str, names: list[str], colour: bool) -> str:
    from partnergraph.graph.ingest.review_session import highlight

    out = []
    for part, hit in highlight(text, names):
        if hit:
            out.append(click.style(part, fg="yellow", bold=True) if colour else f"«{part}»")
        else:
            out.append(part)
    return "".join(out)


def _show(session, item, position: int, total: int, colour: bool) -> None:
    r = item.record
    review = r.get("review") or {}
    if item.section in ("actors", "instruments"):
        title = f"{r.get('name')}  ({r.get('kind')}, id {r.get('id')})"
    elif item.section == "relations":
        title = f"{r.get('from')} —{r.get('type')}→ {r.get('to')}" + (f"  [{r['status']}]" if r.get("status") else "")
    else:
        title = f"conflict about {r.get('of')}: {r.get('field')} = {r.get('value')}"
    click.echo(f"\n[{position}/{total}] {item.section[:-1]}: {title}")
    details = [f"{k}: {'|'.join(v) if isinstance(v, list) else v}" for k, v in r.items()
               if k not in ("evidence", "review", "id", "name", "kind", "from", "to", "type") and not isinstance(v, dict)]
    if details:
        click.echo("  " + "; ".join(details))
    if review:
        line = f"  confidence {review.get('confidence', '?')}: {review.get('reason', '')}"
        if review.get("links_to"):
            line += f"; matches existing {review['links_to']}"
        click.echo(line)
    for e in r.get("evidence") or []:
        click.echo(f"  [{e.get('source')}] " + _highlighted(str(e.get("quote", "")), session.names_for(item), colour))


@click.command()
@click.argument("candidates", type=click.Path(dir_okay=False))
@click.option("--restart", is_flag=True, help="Forget the saved progress and start from the first record.")
@data_option
def review(candidates, restart, data):
    """Review a candidates file from 'partnergraph ingest', one record at a time.

    \b
    For each actor, instrument, relation and conflict it shows the evidence sentence,
    names highlighted, and asks:
      a accept   r reject   e edit (field=value lines, an empty line ends)
      l link to an existing node (id or name)   s skip for now   u undo the last   q quit
    Every answer is saved at once (NAME.review.json), so quitting and running the same
    command again resumes. When every record is decided it writes NAME.reviewed.yaml,
    the file 'partnergraph merge' takes (rejected records, and relations that need
    them, left out).

    \b
    Examples:
      partnergraph ingest article.txt -o candidates.yaml
      partnergraph review candidates.yaml --data seed --data mine/
      partnergraph merge candidates.reviewed.yaml --into mine/ --base seed
    """
    from partnergraph.graph.ingest.merge import MergeError
    from partnergraph.graph.ingest.review_session import ReviewError, ReviewSession, parse_change
    from partnergraph.graph.model.names import NameLookupError, resolve

    G = load(data)
    try:
        session = ReviewSession(candidates, G, restart=restart)
    except (MergeError, ReviewError) as exc:
        raise UserError(str(exc))
    colour = sys.stdout.isatty()
    total = len(session.items)
    if session.done and session.pending:
        click.echo(f"Resuming: {session.done} of {total} record(s) already reviewed.")
    skipped: set[str] = set()
    while session.pending:
        left = [i for i in session.pending if i.key not in skipped]
        if not left:  # everything left was skipped: go round again
            skipped.clear()
            left = session.pending
        item = left[0]
        _show(session, item, session.items.index(item) + 1, total, colour)
        try:
            key = click.prompt("  [a]ccept [r]eject [e]dit [l]ink [s]kip [u]ndo [q]uit",
                               type=click.Choice(list(KEYS)), show_choices=False)
        except click.Abort:  # end of input or Ctrl-C: every decision so far is saved
            click.echo()
            break
        action = KEYS[key]
        try:
            if action == "quit":
                break
            if action == "skip":
                skipped.add(item.key)
                continue
            if action == "undo":
                decided = [i for i in session.items if i.key in session.decisions]
                if decided:
                    session.undo(decided[-1])
                    click.echo(f"  undone: {decided[-1].key}")
                continue
            if action == "edit":
                changes = {}
                while True:
                    line = click.prompt("  field=value (empty line: done)", default="", show_default=False)
                    if not line.strip():
                        break
                    try:
                        name, value = parse_change(line)
                    except ReviewError as exc:
                        click.echo(f"  {exc}")
                        continue
                    changes[name] = value
                session.decide(item, "edit", changes=changes)
            elif action == "link":
                if item.section not in ("actors", "instruments"):
                    click.echo("  only an actor or instrument can be linked to an existing node")
                    continue
                query = click.prompt("  link to (id or name of an existing node)")
                try:
                    target = resolve(G, query)
                except NameLookupError as exc:
                    click.echo(f"  {exc}")
                    continue
                session.decide(item, "link", links_to=target)
                click.echo(f"  linked to {target} ({G.nodes[target].get('name')})")
            else:
                session.decide(item, action)
        except ReviewError as exc:
            click.echo(f"  {exc}")
    if session.pending:
        click.echo(f"\nProgress saved ({session.done} of {total} reviewed) in {session.progress_path}; "
                   f"run 'partnergraph review {candidates}' again to go on.")
        return
    try:
        path, counts = session.write_reviewed()
    except ReviewError as exc:
        raise UserError(str(exc))
    except OSError as exc:
        raise UserError(f"cannot write the reviewed file: {exc.strerror or exc}")
    click.echo(f"\nWrote {path}: {counts['accept']} accepted, {counts['edit']} edited, {counts['link']} linked, "
               f"{counts['reject']} rejected" + (f", {counts['dropped']} relation(s) dropped with them" if counts["dropped"] else "")
               + f".\nNext: partnergraph merge {path} --into DATASET")
