"""Accuracy and speed of the article extractor on the labelled set in tests/data/articles.

Run: ``python -m bench.extraction [FOLDER]``. For each article the drafts are
matched to the labelled incidents: a draft's place counts when its coordinates
lie within the label's ``precision_km`` (each label and each draft matched at
most once, nearest first). Precision and recall are then reported per field:
place; actors by role (actor1, actor2, both pooled); event type; sub-event type;
date; fatalities. A field's recall counts the labels that give it; its
precision counts the drafts that give it.

The same run scores a naive keyword geoparser (bench/extraction_naive.py: every
gazetteer name found in the text is a draft) with the same code, and times both
the same way (best of three passes, caches warmed first).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.common import print_table
from bench.extraction_naive import naive_drafts
from geo.distance import distance_km
from geo.extraction import Draft, extract_drafts, read_article

ARTICLES = Path(__file__).parents[1] / "tests" / "data" / "articles"
FIELDS = ("place", "actor1", "actor2", "actors", "event_type", "sub_event_type", "date", "fatalities")
PASSES = 3
# (text, published, url, publisher) -> drafts: the extractor and the naive baseline alike.
Method = Callable[[str, str | None, str | None, str | None], list[Draft]]
METHODS: dict[str, Method] = {"extractor": extract_drafts, "naive": naive_drafts}


@dataclass
class Tally:
    """True positives, drafts giving the field, labels giving the field."""

    hits: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0


@dataclass
class Result:
    tallies: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in FIELDS})
    articles: int = 0
    seconds: float = 0.0
    per_article: dict[str, dict[str, Tally]] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else float("inf")


def _quantity_min(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        return value.get("min")
    return None


def _same_quantity(label: object, draft: object) -> bool:
    expected, found = _quantity_min(label), _quantity_min(draft)
    if expected is None or found is None:
        return False
    return expected == found  # "more than 20" is min 21 in labels and records alike


def _same_sentence(label_quote: str | None, draft_quote: str | None) -> bool:
    """The draft quotes the label's sentence (labels may quote one sentence or several)."""
    if not label_quote or not draft_quote:
        return False
    squash = lambda text: "".join(text.split())  # noqa: E731 - white space differs between copies
    return squash(draft_quote)[:60] in squash(label_quote) or squash(label_quote)[:60] in squash(draft_quote)


def _actor(draft: dict, role: str, confidence: dict) -> str | None:
    entry = draft.get(role)
    if not entry or (role == "actor1" and confidence.get("actor1") == 0.0):
        return None  # the placeholder for an unnamed perpetrator is no claim
    return entry["name"] if isinstance(entry, dict) else entry


def score_article(labels: list[dict], drafts: list, tallies: dict[str, Tally]) -> None:
    """Match drafts to labels by place and add the field counts to ``tallies``."""
    pairs = []
    for li, label in enumerate(labels):
        for di, draft in enumerate(drafts):
            distance = distance_km(label["lat"], label["lon"], draft.record["lat"], draft.record["lon"])
            if distance <= float(label["precision_km"]):
                same_type = draft.record.get("event_type") == label.get("event_type")
                same_quote = _same_sentence(label.get("quote"), draft.record["sources"][0].get("quote"))
                pairs.append((not same_quote, not same_type, distance, li, di))
    pairs.sort()
    matched: dict[int, int] = {}
    used: set[int] = set()
    for *_, li, di in pairs:
        if li not in matched and di not in used:
            matched[li] = di
            used.add(di)
    tallies["place"].hits += len(matched)
    tallies["place"].predicted += len(drafts)
    tallies["place"].expected += len(labels)
    for draft in drafts:
        record, confidence = draft.record, draft.confidence
        for role in ("actor1", "actor2"):
            if _actor(record, role, confidence):
                tallies[role].predicted += 1
                tallies["actors"].predicted += 1
        for name in ("event_type", "sub_event_type", "date"):
            if record.get(name):
                tallies[name].predicted += 1
        if record.get("fatalities") is not None:
            tallies["fatalities"].predicted += 1
    for li, label in enumerate(labels):
        draft = drafts[matched[li]] if li in matched else None
        record = draft.record if draft else {}
        confidence = draft.confidence if draft else {}
        for role in ("actor1", "actor2"):
            if label.get(role):
                tallies[role].expected += 1
                tallies["actors"].expected += 1
                if draft and _actor(record, role, confidence) == label[role]:
                    tallies[role].hits += 1
                    tallies["actors"].hits += 1
        for name in ("event_type", "sub_event_type"):
            if label.get(name):
                tallies[name].expected += 1
                if draft and record.get(name) == label[name]:
                    tallies[name].hits += 1
        if label.get("date"):
            tallies["date"].expected += 1
            if draft and record.get("date") == str(label["date"]):
                tallies["date"].hits += 1
        if label.get("fatalities") is not None:
            tallies["fatalities"].expected += 1
            if draft and _same_quantity(label["fatalities"], record.get("fatalities")):
                tallies["fatalities"].hits += 1


def run(folder: str | Path = ARTICLES, method: Method = extract_drafts) -> Result:
    """Draft every labelled article in ``folder`` with ``method`` and score the drafts."""
    folder = Path(folder)
    result = Result()
    jobs = []
    for label_file in sorted(folder.glob("*.labels.yaml")):
        spec = yaml.safe_load(label_file.read_text(encoding="utf-8"))
        jobs.append((folder / spec["article"], spec))
    # warm the caches (gazetteer, cue sets) outside the timed loop, as a long-running service would
    method("warm up", "2024-01-01", None, None)
    timings = []
    for _ in range(PASSES):  # the best pass: the least disturbed by the rest of the machine
        start = time.perf_counter()
        outputs = []
        for path, spec in jobs:
            article = read_article(path)
            published = str(spec.get("published")) if spec.get("published") else article.published
            outputs.append(method(article.text, published, spec.get("url"), spec.get("publisher")))
        timings.append(time.perf_counter() - start)
    result.seconds = min(timings)
    result.articles = len(jobs)
    for (path, spec), drafts in zip(jobs, outputs, strict=True):
        own = {name: Tally() for name in FIELDS}
        score_article(spec.get("incidents") or [], drafts, own)
        result.per_article[path.name] = own
        for name, tally in own.items():
            total = result.tallies[name]
            total.hits += tally.hits
            total.predicted += tally.predicted
            total.expected += tally.expected
    return result


def report(results: dict[str, Result]) -> None:
    """Print one row per field and method, then each method's speed."""
    rows = []
    for name in FIELDS:
        for method, result in results.items():
            tally = result.tallies[name]
            # a method that never gives the field has no precision to show (Tally says 1.0)
            rows.append([name, method, f"{tally.precision:.2f}" if tally.predicted else "-",
                         f"{tally.recall:.2f}" if tally.expected else "-",
                         f"{tally.hits} / {tally.predicted} / {tally.expected}"])
    print_table(["field", "method", "precision", "recall", "hits / drafts giving it / labels giving it"], rows)
    print()
    print_table(["method", "articles", f"seconds (best of {PASSES})", "articles/s"],
                [[method, result.articles, f"{result.seconds:.3f}", f"{result.per_second:.0f}"]
                 for method, result in results.items()])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folders = [arg for arg in argv if not arg.startswith("-")]
    results = {name: run(folders[0] if folders else ARTICLES, method) for name, method in METHODS.items()}
    report(results)
    if "--per-article" in argv or "-v" in argv:
        print()
        for name in results["extractor"].per_article:
            counts = "  ".join(f"{method}: place {own['place'].hits}/{own['place'].predicted}/"
                               f"{own['place'].expected} actors {own['actors'].hits}/{own['actors'].predicted}/"
                               f"{own['actors'].expected}"
                               for method, own in ((m, r.per_article[name]) for m, r in results.items()))
            print(f"  {name:<48} {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
