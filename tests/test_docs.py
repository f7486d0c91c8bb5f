"""The README documents every schema field and the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.schema import fields, source_fields

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


@pytest.mark.parametrize("name", list(fields()) + [f"sources.{name}" for name in source_fields()])
def test_every_schema_field_is_documented(name):
    field = name.split(".")[-1]
    assert re.search(rf"^\|\s*`{re.escape(field)}`", README, re.M), f"{name} is missing from README's field table"


def test_readme_has_exactly_two_setup_commands():
    block = re.search(r"## Set up.*?```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "make test" in ci and "python -m geo validate" in ci
