"""The export command: briefing maps and data files of a filtered selection."""

from __future__ import annotations

import sys

from geo.cli import add_command
from geo.cli.filter_args import add_filter_arguments, filter_from_args
from geo.export import FORMATS, export
from geo.export.options import BASEMAPS, LAYOUTS, STEPS, WINDOWS
from geo.progress import add_quiet_option, progress_bar
from geo.records import read_incidents

EXAMPLES = """\
  python -m geo export --format png -o briefing.png --title "Strikes on al-Mayadin"
  python -m geo export --format pdf --layout a4 --dpi 300 --from 2022-08-24 --to 2022-08-31 -o print.pdf
  python -m geo export --format csv --side "Iran-backed militias" --role targeted -o targeted.csv
  python -m geo export --format geojson --coarsen-km 10 -o public.geojson
  python -m geo export --format gif --from 2022-08-01 --to 2022-09-30 --step week --window cumulative -o timeline.gif
"""


def register(subparsers) -> None:
    parser = add_command(subparsers, "export", _export, "Export the filtered incidents as a map or a data file.",
                         EXAMPLES)
    parser.add_argument("--format", required=True, choices=FORMATS, help="what to write")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="file to write")
    parser.add_argument("--file", default="incidents.yaml", help="incident file (default: incidents.yaml)")
    parser.add_argument("--title", help="map title (plain text)")
    parser.add_argument("--subtitle", default="", help="line under the title (plain text)")
    parser.add_argument("--layout", choices=LAYOUTS, default="slide", help="16:9 slide or A4 landscape")
    parser.add_argument("--dpi", type=int, default=150, help="resolution: 150 for slides, 300 for print")
    parser.add_argument("--coarsen-km", type=float, metavar="N", help="round locations to an N-km grid")
    parser.add_argument("--basemap", choices=BASEMAPS, default="auto",
                        help="web tiles when reachable (auto) or the offline context only")
    parser.add_argument("--step", choices=STEPS, default="auto", help="gif/mp4: one frame per day, week or month")
    parser.add_argument("--window", choices=WINDOWS, default="moving",
                        help="gif/mp4: each step's incidents (moving) or all so far (cumulative)")
    add_quiet_option(parser)
    add_filter_arguments(parser)


def _export(args) -> int:
    flt = filter_from_args(args)
    frame, problems = read_incidents(args.file)
    if problems:
        print(f"{args.file}: {len(problems)} problems, invalid incidents left out (run validate)", file=sys.stderr)
    with _progress_bar(args) as progress:
        path = export(frame, args.format, args.output, flt=flt, title=args.title, subtitle=args.subtitle,
                      layout=args.layout, dpi=args.dpi, coarsen_km=args.coarsen_km, progress=progress,
                      basemap=args.basemap, step=args.step, window=args.window)
    print(f"wrote {path}", file=sys.stderr)
    return 0


class _progress_bar:  # noqa: N801 - used as a context manager, reads like one
    """A tqdm bar behind the export progress callback, on stderr when it is a terminal."""

    def __init__(self, args) -> None:
        self.enabled = not args.quiet and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        return self.update if self.enabled else None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = progress_bar(total=total, unit="item", leave=False)
        self.bar.update(done - self.bar.n)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()
