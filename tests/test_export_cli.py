"""`python -m geo export` and the shared command-line filter options."""

from __future__ import annotations

import argparse
import datetime as dt

import pandas as pd
import pytest

from geo.cli import main
from geo.cli.filter_args import add_filter_arguments, filter_from_args
from geo.errors import GeoError
from geo.filters import IncidentFilter
from tests.paths import SEED_RECORD

SEED = str(SEED_RECORD)


def parse(*argv: str) -> IncidentFilter:
    parser = argparse.ArgumentParser()
    add_filter_arguments(parser)
    return filter_from_args(parser.parse_args(list(argv)))


def test_filter_args_build_the_dashboard_filter():
    flt = parse("--from", "2022-08-25", "--to", "2022-08-31", "--actor", "فاطميون", "--actor", "irgc",
                "--side", "sdf", "--type", "battles", "--bbox", "39.5,34.2,41.3,35.9", "--role", "targeted")
    assert flt == IncidentFilter(date_from=dt.date(2022, 8, 25), date_to=dt.date(2022, 8, 31),
                                 actors=("Liwa Fatemiyoun", "IRGC"), sides=("SDF",), role="targeted",
                                 event_types=("Battles",), bbox=(39.5, 34.2, 41.3, 35.9))


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--from", "25/08/2022"], "--from '25/08/2022' is not a date — write it as YYYY-MM-DD"),
        (["--actor", "Fatimyoun"], "did you mean: Liwa Fatemiyoun"),
        (["--side", "Martians"], "--side 'Martians' is not a side — choose one of: International Coalition"),
        (["--type", "Strikes"], "not an ACLED event type"),
        (["--bbox", "1,2,3"], "four numbers"),
        (["--bbox", "41,34,40,35"], "west must be less than east"),
    ],
    ids=["date", "actor", "side", "type", "bbox-count", "bbox-order"],
)
def test_filter_args_reject_bad_values(argv, match):
    with pytest.raises(GeoError, match=match):
        parse(*argv)


def test_cli_export_csv_with_filters(tmp_path, capsys):
    out = tmp_path / "irgc.csv"
    code = main(["export", "--file", SEED, "--format", "csv", "--actor", "IRGC", "--from", "2022-08-25",
                 "--coarsen-km", "5", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert len(table) == 8 and set(table["actor1"]) == {"IRGC"}
    assert (table["coarsen_km"] == 5).all()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "csv", "--side", "Russia"], "error: no incidents match the filters (sides: Russia)"),
        (["--format", "csv", "--title", "<b>x</b>"], "contains markup"),
        (["--format", "csv", "--actor", "Nobody at all"], "is not a known actor"),
    ],
    ids=["empty", "markup", "actor"],
)
def test_cli_export_errors_are_one_line(tmp_path, capsys, argv, message):
    code = main(["export", "--file", SEED, *argv, "-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err and "Traceback" not in err


def test_cli_export_unwritable_path(tmp_path, capsys):
    code = main(["export", "--file", SEED, "--format", "geojson", "-o", str(tmp_path / "missing" / "x.geojson")])
    assert code == 1
    assert "does not exist" in capsys.readouterr().err
