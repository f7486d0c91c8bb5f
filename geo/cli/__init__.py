"""The curator command line: ``python -m geo COMMAND``.

Each command family lives in its own module with a ``register(subparsers)``
function; this module only wires them together and turns library errors into
one-line messages and exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from geo.errors import GeoError

COMMAND_MODULES = ("record", "export", "db", "gazetteer", "extract", "imports")

EPILOG = """examples:
  python -m geo validate                 check incidents.yaml, list every problem
  python -m geo stats incidents.yaml     counts by side, actor, type and month
  python -m geo fmt --check              fail if the file is not in canonical form
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Curate, check, extract and export the incident record.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"geo.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except GeoError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def add_command(subparsers, name: str, handler, help_text: str, examples: str) -> argparse.ArgumentParser:
    """Add one subcommand with its examples in --help."""
    parser = subparsers.add_parser(
        name, help=help_text, description=help_text, epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser
