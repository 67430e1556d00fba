"""The partnergraph command line: a thin shell over partnergraph.graph.

Subcommands are imported only when used, so that `partnergraph show` does not
pay for matplotlib or the Neo4j driver.
"""

from __future__ import annotations

import importlib

import click

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
    "query": "partnergraph.cli.query:query",
    "shell": "partnergraph.cli.shell:shell",
    "path": "partnergraph.cli.analysis:path",
    "centrality": "partnergraph.cli.analysis:centrality",
    "timeline": "partnergraph.cli.analysis:timeline",
    "neighbours": "partnergraph.cli.analysis:neighbours",
    "structure": "partnergraph.cli.analysis:structure",
    "common": "partnergraph.cli.analysis:common",
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
