"""Commands on the record itself: validate, stats."""

from __future__ import annotations

import sys
from collections import Counter

from geo.cli import add_command
from geo.records import read_incidents

DEFAULT_FILE = "incidents.yaml"


def register(subparsers) -> None:
    parser = add_command(subparsers, "validate", _validate, "Check an incident file and list every problem.",
                         "  python -m geo validate\n  python -m geo validate drafts.yaml\n"
                         "exit status: 0 when clean, 1 when any problem is found\n")
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE, help="incident file (default: incidents.yaml)")
    parser = add_command(subparsers, "stats", _stats, "Count incidents by side, actor, event type and month.",
                         "  python -m geo stats\n  python -m geo stats other.yaml\n")
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE, help="incident file (default: incidents.yaml)")


def _validate(args) -> int:
    frame, problems = read_incidents(args.file)
    for problem in problems:
        print(problem)
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    summary = f"{args.file}: {len(frame)} valid incidents, {errors} errors, {warnings} warnings"
    print(summary, file=sys.stderr)
    return 1 if problems else 0


def _stats(args) -> int:
    frame, problems = read_incidents(args.file)
    print(f"{args.file}: {len(frame)} incidents" + (f" ({len(problems)} problems: run validate)" if problems else ""))
    sides = Counter(frame["side1"].dropna())
    tables = {
        "by side (acting)": sides,
        "by side (targeted)": Counter(frame["side2"].dropna()),
        "by actor (acting)": Counter(frame["actor1"].dropna()),
        "by actor (targeted)": Counter(frame["actor2"].dropna()),
        "by event type": Counter(frame["event_type"].dropna()),
        "by sub-event type": Counter(frame["sub_event_type"].dropna()),
        "by month": Counter(frame["date"].dt.strftime("%Y-%m")) if len(frame) else Counter(),
    }
    for title, counts in tables.items():
        print(f"\n{title}")
        items = sorted(counts.items()) if title == "by month" else counts.most_common()
        for name, count in items:
            print(f"  {count:>7}  {name}")
    return 0
