"""The partnergraph command line: a thin shell over partnergraph.graph.

Subcommands are imported only when used, so that `partnergraph show` does not
pay for matplotlib or the Neo4j driver.
"""

from __future__ import annotations

import datetime
import errno
import importlib
import os
import sys
import tempfile
import traceback

import click

INTERNAL_ERROR_EXIT = 70  # EX_SOFTWARE (sysexits.h): a bug, not a mistake in the input
internal_errors: list[str] = []  # log files written by this process (the tests check it stays empty)

# name -> "module:function"; add a command by adding a line here.
COMMANDS = {
    "validate": "partnergraph.cli.basics:validate",
    "info": "partnergraph.cli.basics:info",
    "list": "partnergraph.cli.basics:list_cmd",
    "show": "partnergraph.cli.basics:show",
    "export": "partnergraph.cli.export:export",
    "schema": "partnergraph.cli.basics:schema_cmd",
    "ingest": "partnergraph.cli.ingest:ingest",
    "merge": "partnergraph.cli.ingest:merge",
    "import": "partnergraph.cli.importing:import_cmd",
    "review": "partnergraph.cli.review:review",
    "query": "partnergraph.cli.query:query",
    "shell": "partnergraph.cli.shell:shell",
    "path": "partnergraph.cli.analysis:path",
    "centrality": "partnergraph.cli.analysis:centrality",
    "timeline": "partnergraph.cli.analysis:timeline",
    "neighbours": "partnergraph.cli.analysis:neighbours",
    "structure": "partnergraph.cli.analysis:structure",
    "common": "partnergraph.cli.analysis:common",
    "partners": "partnergraph.cli.partners:partners",
    "communities": "partnergraph.cli.partners:communities",
    "report": "partnergraph.cli.report:report",
    "neo4j": "partnergraph.cli.neo4j_cmds:neo4j_group",
    "render": "partnergraph.cli.render:render",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (the pattern in click's docs)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, attr = COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        """Run the command; turn what the library raises into one clear line, never a traceback."""
        try:
            try:
                return super().invoke(ctx)
            finally:
                _flush_stdout()
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort,
                SystemExit, KeyboardInterrupt, GeneratorExit):
            raise
        except BrokenPipeError:  # `partnergraph list all | head`: the reader has what it wanted
            _silence_stdout()
            ctx.exit(0)
        except Exception as exc:
            user_error = _as_user_error(exc)
            if user_error is not None:
                raise user_error from None
            log = _log_internal_error(exc)
            click.echo(f"partnergraph: internal error, please report: {type(exc).__name__}: "
                       f"{str(exc)[:200]} (details in {log})", err=True)
            ctx.exit(INTERNAL_ERROR_EXIT)


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        from partnergraph.graph.readwrite.output import OutputError

        raise OutputError("standard output", f"cannot write: {exc.strerror or exc}") from None


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that the final flush at exit is quiet too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both (CliRunner's stdout)
        pass


def _as_user_error(exc: Exception) -> click.ClickException | None:
    """The errors that mean "the input (or the place to write) is not usable": one line (or a list), exit 1."""
    from partnergraph.cli.common import UserError
    from partnergraph.graph.model.dataset import DatasetError
    from partnergraph.graph.model.dates import DateError
    from partnergraph.graph.model.inputs import InputError
    from partnergraph.graph.readwrite.output import OutputError

    if isinstance(exc, DatasetError):
        lines = "\n".join(f"  {p}" for p in exc.problems)
        return UserError(f"the dataset has {len(exc.problems)} problem(s):\n{lines}\nFix them and run 'partnergraph validate'.")
    if isinstance(exc, (InputError, OutputError, DateError)):
        return UserError(str(exc))
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO) and _in_echo(exc):
        # click.echo to standard output failed in the middle of a command (e.g. > /dev/full)
        return UserError(f"standard output: {exc.strerror.lower()}; the output is incomplete")
    return None


def _in_echo(exc: BaseException) -> bool:
    """Whether the error was raised inside click.echo/secho (a write to standard output or error)."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name in ("echo", "secho") and f"click{os.sep}" in code.co_filename:
            return True
        tb = tb.tb_next
    return False


def _log_internal_error(exc: Exception) -> str:
    """Write the traceback to a log file and return its path (PARTNERGRAPH_LOG_DIR, else the user's state folder)."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (f"partnergraph internal error {stamp}\nargv: {sys.argv!r}\npython: {sys.version}\n\n"
            + "".join(traceback.format_exception(exc)))
    candidates = [os.environ.get("PARTNERGRAPH_LOG_DIR"),
                  os.path.join(os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "partnergraph"),
                  tempfile.gettempdir()]
    for folder in filter(None, candidates):
        try:
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, f"internal-error-{stamp}-{os.getpid()}.log")
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(text)
            internal_errors.append(path)
            return path
        except OSError:
            continue
    internal_errors.append("(no log)")
    return "(no log could be written)"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="partnergraph")
def cli() -> None:
    """partnergraph: security and defence partnerships as a graph, every fact with its evidence.

    \b
    Start here:
      partnergraph info                      what the data holds
      partnergraph show "Viet Nam"           a profile with evidence (also: vietnam, VN, "Việt Nam")
      partnergraph list instruments --kind agreement
      partnergraph validate my-data/         check your own dataset files

    Every command reads the bundled seed data unless given --data PATH.
    """


if __name__ == "__main__":
    cli()
