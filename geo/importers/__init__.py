"""Importing incidents from other formats (ACLED CSV, GeoJSON), streamed in constant memory.

Every importer is a generator of validated records plus an `ImportReport`:
the rows it could not map (row number, column, value, reason) and the actor
names it did not find in the registry. Writing the records (YAML or the
database) is the caller's business, so both sinks stream too.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import GeoError, Problem
from geo.progress import progress_bar
from geo.validation import validate_incident

MAX_KEPT_PROBLEMS = 1000  # beyond this only the count grows: memory stays bounded on a bad file


@dataclass(frozen=True)
class RowProblem:
    """One input row that could not be imported, and why."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column} = {self.value!r}: {self.reason}"


@dataclass
class ImportReport:
    """What an import read, kept, refused, and which actor names need review."""

    source: str
    rows: int = 0
    imported: int = 0
    skipped: int = 0
    warnings: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    new_actors: Counter = field(default_factory=Counter)
    on_problem: Callable[[RowProblem], None] | None = None

    def skip(self, problem: RowProblem) -> None:
        """Count a row that was left out, and record why."""
        self.skipped += 1
        self.refuse(problem)

    def refuse(self, problem: RowProblem) -> None:
        """Record a row that was left out (kept in memory up to MAX_KEPT_PROBLEMS)."""
        if len(self.problems) < MAX_KEPT_PROBLEMS:
            self.problems.append(problem)
        if self.on_problem is not None:
            self.on_problem(problem)

    def summary(self) -> str:
        text = f"{self.source}: {self.rows} rows read, {self.imported} imported, {self.skipped} not mapped"
        if self.warnings:
            text += f", {self.warnings} warnings (imported)"
        if self.new_actors:
            text += f", {len(self.new_actors)} actor names not in the registry"
        return text


class CountingReader(io.RawIOBase):
    """A binary reader that counts the bytes read, for a progress bar over a streamed file."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        read = self.raw.readinto(buffer)
        self.count += read or 0
        return read

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_counted(path: str | Path) -> tuple[io.TextIOWrapper, CountingReader, int]:
    """Open a UTF-8 text file (BOM tolerated) with a byte counter; return (text, counter, size)."""
    path = Path(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed with the returned wrapper
    except OSError as err:
        raise GeoError(f"{path}: cannot be read ({err.strerror}) — check the path") from err
    counter = CountingReader(raw)
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 20), encoding="utf-8-sig", newline="")
    return text, counter, path.stat().st_size


@contextmanager
def unreadable_as_errors(path: str | Path, csv_line: Callable[[], int] | None = None) -> Iterator[None]:
    """Turn a file that is not UTF-8 text, or not CSV, into a GeoError naming the file and the line."""
    try:
        yield
    except UnicodeDecodeError:
        line, offset, byte = first_non_utf8(path)
        how = ' (a spreadsheet calls it "CSV UTF-8")' if csv_line else ""
        raise GeoError(f"{path}: line {line}: not UTF-8 text (byte 0x{byte:02x} at offset {offset:,}) — save the "
                       f"file as UTF-8{how} and import it again; nothing was imported") from None
    except csv.Error as err:
        where = f"line {csv_line()}: " if csv_line else ""
        raise GeoError(f"{path}: {where}not readable as CSV ({err}) — check that the file is an ACLED CSV "
                       "export; nothing was imported") from None


def first_non_utf8(path: str | Path, chunk: int = 1 << 20) -> tuple[int, int, int]:
    """(line, byte offset, byte) of the first byte that is not UTF-8 in a file, or (0, -1, 0) if there is none.

    A text stream reports a decoding error somewhere in the chunk it was
    decoding; reading the bytes again finds the exact place to tell the user.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, start = 1, 0
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            pending = len(decoder.getstate()[0])  # the bytes of a character cut by the previous block
            try:
                decoder.decode(block)
            except UnicodeDecodeError as err:
                offset = max(err.start - pending, 0)
                return lines + block.count(b"\n", 0, offset), start + offset, block[offset]
            lines += block.count(b"\n")
            start += len(block)
    return 0, -1, 0


def imported_records(items: Iterable[tuple[int, object]], counter: CountingReader, size: int, desc: str,
                     progress: bool, report: ImportReport,
                     convert: Callable[[object, int], dict | None]) -> Iterator[dict]:
    """Convert numbered rows or features into records under one byte-progress bar, counting them in the report."""
    with progress_bar(total=size, desc=desc, byte_counts=True, shown=progress) as bar:
        for number, item in items:
            report.rows += 1
            record = convert(item, number)
            if record is not None:
                report.imported += 1
                yield record
            if number % 2000 == 0:
                bar.update(counter.count - bar.n)
        bar.update(counter.count - bar.n)


def validated(raw: dict, number: int, report: ImportReport, path: str,
              where: Callable[[Problem], tuple[str, object]]) -> dict | None:
    """Validate one imported entry; a refused one is reported against the input column ``where`` names."""
    record, problems = validate_incident(raw, path)
    errors = [problem for problem in problems if problem.severity == "error"]
    report.warnings += len(problems) - len(errors)
    if record is None:
        first = errors[0]
        column, value = where(first)
        reason = first.message + (f" — {first.hint}" if first.hint else "")
        report.skip(RowProblem(number, column, "" if value is None else str(value), reason))
    return record


def field_of(problem: Problem) -> str:
    """The top-level schema field a problem is about (``sources[1].url`` -> ``sources``)."""
    return (problem.field or "").split(".")[0].split("[")[0]
