"""`partnergraph ingest` (articles -> candidates for review) and `partnergraph merge` (reviewed -> dataset)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from partnergraph.graph.ingest.layers import DEFAULT_ON, LAYERS, check as check_layers

from .common import UserError, data_option, emit, load


def _relative_files(candidates: dict, out_dir: Path) -> None:
    """Source `file` paths relative to where the candidates file is written."""
    for source in candidates.get("sources", []):
        if source.get("file"):
            source["file"] = os.path.relpath(source["file"], out_dir.resolve())


class _Progress:
    """A progress bar on standard error for articles over LONG_ARTICLE bytes (none for short ones)."""

    LONG_ARTICLE = 200_000

    def __init__(self, files):
        sizes = [os.path.getsize(f) if os.path.isfile(f) else 0 for f in files]
        self.bar = click.progressbar(length=max(sum(sizes), 1), label="Reading articles", file=sys.stderr) \
            if sum(sizes) >= self.LONG_ARTICLE else None
        self.done, self.base, self.path = 0, 0, None

    def update(self, path: str, done: int, total: int) -> None:
        if self.bar is None:
            return
        if path != self.path:
            self.base, self.path = self.done, path
        step = self.base + done - self.done
        if step > 0:
            self.bar.update(step)
            self.done += step

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()


def _dump(candidates: dict) -> str:
    import yaml

    header = (
        "# Candidates proposed by 'partnergraph ingest' for review. Nothing here is in the dataset yet.\n"
        "# Check each record and its evidence quote; edit or delete what is wrong (the review blocks say\n"
        "# why each was proposed, and links_to names the existing node or edge it matches), then run\n"
        "#   partnergraph merge THIS_FILE --into DATASET\n"
    )
    return header + yaml.safe_dump(candidates, allow_unicode=True, sort_keys=False, width=120)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--lang", type=click.Choice(["auto", "en", "vi"]), default="auto", show_default=True,
              help="Language of the articles (auto: detected from their letters, or the header's Language line).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the candidates YAML here (default: print it).")
@click.option("--diff", "show_diff", is_flag=True, help="Show what the candidates would add or change in the dataset.")
@click.option("--layers", "layers", default="default", show_default=True, metavar="NAMES",
              help="Components to use: 'default' (" + ", ".join(sorted(DEFAULT_ON)) + "), 'none' (the rules "
                   "alone), or names, comma-separated, from: " + ", ".join(LAYERS) + ".")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes for the parser and dates of long articles (default: every CPU; 1: this one alone). "
                   "The candidates are the same whatever N.")
@data_option
def ingest(files, lang, output, show_diff, layers, jobs, data):
    """Propose candidate actors, instruments and relations from English or Vietnamese articles.

    \b
    Each FILE is plain text, optionally opened by header lines and a blank line:
      URL: https://...      Title: ...      Date: 2024-03-05      Publisher: ...
    The candidates are in the dataset's own format, each with its evidence sentence
    and a review block (confidence, reason, links_to an existing node or edge).
    Nothing enters the dataset until you review them and run 'partnergraph merge'.
    A candidate that resembles a known node but differs (parties, place, year) is new, with
    review.not_linked saying why; one that restates a known fact with another status, date or
    place keeps its link and gets review.conflicts (keep both statements).

    \b
    Examples:
      partnergraph ingest article.txt -o candidates.yaml
      partnergraph ingest seed/texts/002_*.txt --diff
      partnergraph ingest big.txt --layers none -o candidates.yaml   # the rules alone (fastest)
      partnergraph ingest big.txt --jobs 1 -o candidates.yaml        # in one process (default: every CPU)
      partnergraph validate candidates.yaml
      partnergraph merge candidates.yaml --into my-data/
    """
    from partnergraph.graph.ingest import diff_candidates, ingest_files
    from partnergraph.graph.ingest.text import ArticleError
    from partnergraph.graph.ingest.workers import default_jobs

    G = load(data)
    chosen = None if layers == "default" else set() if layers == "none" else {n.strip() for n in layers.split(",") if n.strip()}
    try:
        check_layers(chosen or ())
    except ValueError as exc:
        raise UserError(f"--layers: {exc}")
    bar = _Progress(files)
    try:
        candidates = ingest_files(files, G, lang, chosen, progress=bar.update,
                                  warn=lambda message: click.echo(f"warning: {message}", err=True),
                                  jobs=jobs or default_jobs())
    except ArticleError as exc:
        raise UserError(str(exc))
    finally:
        bar.close()
    if show_diff:
        rows = diff_candidates(candidates, G)
        emit(rows, "table", ["change", "section", "what", "detail"])
        summary = {}
        for row in rows:
            summary[row["change"]] = summary.get(row["change"], 0) + 1
        click.echo("\n" + ", ".join(f"{n} {change}" for change, n in summary.items()))
        if not output:
            return
    out_dir = Path(output).parent if output else Path.cwd()
    _relative_files(candidates, out_dir)
    text = _dump(candidates)
    if output:
        Path(output).write_text(text, "utf-8")
        counts = ", ".join(f"{len(candidates[s])} {s}" for s in ("actors", "instruments", "relations"))
        click.echo(f"Wrote {output}: {counts}. Review it, then: partnergraph merge {output} --into DATASET", err=True)
    else:
        click.echo(text, nl=False)


@click.command()
@click.argument("candidates", type=click.Path(dir_okay=False))
@click.option("--into", "into", required=True, type=click.Path(),
              help="The dataset folder (created when missing) or file to write; with --base, an overlay that receives "
                   "only your additions.")
@click.option("--base", "base", multiple=True, type=click.Path(), envvar="PARTNERGRAPH_BASE",
              help="The read-only dataset(s) --into extends, e.g. --base seed: candidates link to its nodes; it is never written.")
@click.option("--texts-from", "text_roots", multiple=True, type=click.Path(file_okay=False),
              help="Also copy source texts from this folder (by default only from the candidates file's folder).")
def merge(candidates, into, base, text_roots):
    """Merge a reviewed candidates file into a dataset, with full validation.

    Nodes that already exist (by id, links_to or any name, case and diacritics
    ignored) are not duplicated: they only gain the new evidence. A `conflicts`
    record is kept as a statement in the record's history, never written over
    its value. The merged dataset is validated first; if it has any problem
    nothing is written, and the folder is replaced in one step.

    \b
    Examples:
      partnergraph merge candidates.yaml --into my-data/
      partnergraph merge candidates.yaml --into mine/ --base seed    # an overlay on the seed
    """
    from partnergraph.graph.ingest import MergeError, merge_candidates

    from .common import data_layers

    try:
        counts = merge_candidates(candidates, into, data_layers(base, ()) if base else (), text_roots=text_roots)
    except MergeError as exc:
        raise UserError(str(exc))
    except OSError as exc:
        raise UserError(f"cannot write {into}: {exc.strerror or exc}")
    click.echo(
        f"Merged {candidates} into {into}: {counts['nodes']} new node(s), {counts['relations']} new relation(s), "
        f"{counts['sources']} new source(s), {counts['evidence']} evidence quote(s) added to existing records"
        + (f", {counts['conflicts']} conflicting statement(s) kept in history" if counts["conflicts"] else "") + "."
    )
    if counts["base_evidence"] or counts["base_conflicts"]:
        click.echo(f"Not written: {counts['base_evidence']} evidence quote(s) and {counts['base_conflicts']} conflict(s) "
                   f"about records of the base ({', '.join(base)}); an overlay holds only additions. They stay in "
                   f"{candidates}.", err=True)
