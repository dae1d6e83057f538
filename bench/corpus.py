"""Measure the HTML reader on real saved news pages: how many are ingested, and how well.

    python bench/corpus.py [--corpus DIR] [--verbose] [--workers N]

DIR (default ``<repo>/../shared/corpus/html``) holds ``manifest.json``, which maps each page's
path (relative to DIR's parent) to its metadata: its ``url`` and ``expected`` values from the
test suites of trafilatura, newspaper4k and goose3 (``title``; ``date`` or ``publish_date``;
``authors`` as a list or ``author`` as a string, trafilatura's joined by "; ").

For each page: ``read_html`` on its bytes, then the real mapping and SHACL validation (no
annotation). A page is *ingested* when it is read and its graph is valid. Over the pages with
at least one expected value it reports:

* ingested: the share of those pages read and valid;
* headline: our headline equals the expected title, white space folded;
* date: our publication date falls on the expected day (a datetime's day in its own offset);
* date, any zone: the same, except that an instant with a time zone matches a day that it falls
  on in some time zone: XML Schema's rule for comparing a date without a time zone, which the
  expectations are, with a dateTime that has one (from -14:00 to +14:00). A page that states
  21:00 in Bogota on 5 May published the instant 02:00 UTC on 6 May, which its expectation
  gives as 6 May; the first figure counts that as a miss, this one as a match.
* authors: our set of bylines equals the expected one, case and white space folded. Both sides
  are split the same way, on ";", ",", "&", "and" and "und", because the expectations give
  bylines as one string as often as a list.

Each figure counts only the pages that have that expectation, and a page that is not read
counts as a miss. The manifest's URL is never given to the reader: a page that names no
address of its own is published without one, named after its text, and such pages are counted
("no URL").
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.iris import Minter  # noqa: E402
from kg.mapping import map_article  # noqa: E402
from kg.readers.errors import ReadError  # noqa: E402
from kg.readers.html import read_html  # noqa: E402
from kg.validation import validate  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "html"
BASE = "http://127.0.0.1:5000/"
SOURCES = ("trafilatura", "newspaper4k", "goose3")
_BYLINE_SEPARATORS = re.compile(r"\s*(?:;|,|&|\band\b|\bund\b)\s*", re.IGNORECASE)


def normalise(text: str) -> str:
    return " ".join(text.split())


def author_set(bylines: Iterable[str]) -> frozenset[str]:
    """Bylines as a comparable set: split on the usual separators, case and white space folded."""
    return frozenset(normalise(part).casefold() for byline in bylines
                     for part in _BYLINE_SEPARATORS.split(byline) if normalise(part))


@dataclass
class PageResult:
    path: str
    source: str
    expected: bool
    """Whether the page has any expected title, date or authors (only those are scored)."""
    ingested: bool = False
    read: bool = False
    has_url: bool = False
    reasons: list[str] = field(default_factory=list)
    headline: bool | None = None
    date: bool | None = None
    date_any_zone: bool | None = None
    authors: bool | None = None
    misses: list[str] = field(default_factory=list)
    """What differs from the expectation, for --verbose."""


def _expected_authors(expected: dict) -> list[str] | None:
    value = expected.get("authors", expected.get("author"))
    if value is None:
        return None
    return [value] if isinstance(value, str) else [str(item) for item in value]


def _expected_date(expected: dict) -> dt.date | None:
    value = expected.get("date") or expected.get("publish_date")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_ZONE_SPAN = dt.timedelta(hours=14)
"""How far time zones reach from UTC, either way (XML Schema's bound)."""


def falls_on(published: dt.date | dt.datetime, day: dt.date, *, any_zone: bool) -> bool:
    """Whether ``published`` is on ``day``: in its own offset, or (``any_zone``, for an instant
    with a time zone) in some time zone."""
    if not isinstance(published, dt.datetime):
        return published == day
    if published.date() == day:
        return True
    if not any_zone or published.tzinfo is None:
        return False
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    return start - _ZONE_SPAN <= published < start + dt.timedelta(days=1) + _ZONE_SPAN


def score_page(relative: str, meta: dict, root: Path) -> PageResult:
    """Read, map and validate one page and compare what was read with what is expected."""
    expected = meta.get("expected") or {}
    title = expected.get("title")
    day = _expected_date(expected)
    authors = _expected_authors(expected)
    result = PageResult(relative, relative.split("/")[1] if relative.count("/") > 1 else "other",
                        expected=bool(title or day or authors is not None))
    try:
        article = read_html((root / relative).read_bytes(), relative)
    except ReadError as error:
        result.reasons.append(f"not read: {error}")
        article = None
    except OSError as error:
        result.reasons.append(f"cannot open: {error.strerror}")
        article = None
    if article is not None:
        result.read = True
        result.has_url = article.url is not None
        problems = validate(map_article(article, Minter(BASE)))
        result.reasons += [str(problem) for problem in problems]
        result.ingested = not problems
    if title:
        result.headline = article is not None and normalise(article.headline or "") == normalise(title)
        if not result.headline:
            result.misses.append(f"headline {article.headline if article else None!r} != {title!r}")
    if day:
        published = article.published if article else None
        result.date = published is not None and falls_on(published, day, any_zone=False)
        result.date_any_zone = published is not None and falls_on(published, day, any_zone=True)
        if not result.date:
            result.misses.append(f"date {published.isoformat() if published else None} != {day}"
                                 + (" (the same day in another time zone)" if result.date_any_zone else ""))
    if authors is not None:
        ours_authors = article.authors if article else ()
        result.authors = author_set(ours_authors) == author_set(authors)
        if not result.authors:
            result.misses.append(f"authors {list(ours_authors)} != {authors}")
    return result


def _score_item(item: tuple[str, dict, Path]) -> PageResult:
    return score_page(*item)


def score_corpus(corpus: Path = CORPUS, workers: int = 1) -> list[PageResult]:
    """Every page of the corpus scored, in manifest order."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    root = corpus.parent
    items = [(relative, meta, root) for relative, meta in manifest.items()]
    if workers <= 1:
        return [score_page(*item) for item in items]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_score_item, items, chunksize=4))


@dataclass(frozen=True)
class Rates:
    pages: int
    ingested: tuple[int, int]
    headline: tuple[int, int]
    date: tuple[int, int]
    date_any_zone: tuple[int, int]
    authors: tuple[int, int]
    without_url: int

    @staticmethod
    def share(pair: tuple[int, int]) -> float:
        hits, total = pair
        return hits / total if total else 1.0


def rates(results: Sequence[PageResult]) -> Rates:
    """The figures over the pages with expectations (each over the pages expecting that value)."""
    scored = [result for result in results if result.expected]

    def count(name: str) -> tuple[int, int]:
        values = [getattr(result, name) for result in scored if getattr(result, name) is not None]
        return sum(values), len(values)

    return Rates(pages=len(scored), ingested=(sum(r.ingested for r in scored), len(scored)),
                 headline=count("headline"), date=count("date"),
                 date_any_zone=count("date_any_zone"), authors=count("authors"),
                 without_url=sum(1 for r in results if r.read and not r.has_url))


def _cell(pair: tuple[int, int]) -> str:
    return f"{pair[0]:>3}/{pair[1]:<3} {Rates.share(pair):6.1%}" if pair[1] else f"{'-':>15}"


def report(results: Sequence[PageResult], verbose: bool = False, seconds: float | None = None) -> str:
    lines = [f"{'pages':<12} {'n':>4}  {'ingested':>15}  {'headline':>15}  {'date':>15}  {'date, any zone':>15}  "
             f"{'authors':>15}  no URL"]
    groups = [("all", list(results))] + [(source, [r for r in results if r.source == source]) for source in SOURCES]
    for name, group in groups:
        figures = rates(group)
        lines.append(f"{name:<12} {figures.pages:>4}  {_cell(figures.ingested)}  {_cell(figures.headline)}  "
                     f"{_cell(figures.date)}  {_cell(figures.date_any_zone)}  {_cell(figures.authors)}  "
                     f"{figures.without_url:>6}")
    unscored = [r for r in results if not r.expected]
    lines.append(f"(pages without expectations, not in the figures: {len(unscored)}, "
                 f"of which ingested {sum(r.ingested for r in unscored)})")
    if seconds is not None:
        lines.append(f"{len(results)} pages in {seconds:.1f} s")
    failures = [r for r in results if not r.ingested or r.misses]  # refused pages without expectations too
    if verbose and failures:
        lines.append("")
        lines.append("failures:")
        for result in failures:
            marks = ("" if result.ingested else " (refused)") + ("" if result.expected else " (unscored)")
            lines.append(f"- {result.path}{marks}")
            lines += [f"    {reason}" for reason in result.reasons[:4]]
            lines += [f"    {miss}" for miss in result.misses]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder holding manifest.json")
    parser.add_argument("--verbose", action="store_true", help="list every failure with its reasons")
    parser.add_argument("--workers", type=int, default=4, help="processes (default 4)")
    options = parser.parse_args(argv)
    if not (options.corpus / "manifest.json").is_file():
        print(f"no corpus: {options.corpus / 'manifest.json'} not found", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    start = time.perf_counter()
    results = score_corpus(options.corpus, options.workers)
    print(report(results, options.verbose, time.perf_counter() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
