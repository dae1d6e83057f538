"""Measure `kg.annotate.timex.resolve` against gold temporal annotation.

    python bench/timex.py [--gold DIR]

DIR (default `<repo>/../shared/gold/timeline`, the SemEval-2015 TimeLine data) is searched for
TimeML (`*.tml`, inline `<TIMEX3 value=...>text</TIMEX3>`) and CAT (`*.xml`, stand-off TIMEX3
over tokens) files. A document appearing in several folders (the data ships each in more than
one track) counts once, by its DOCID.

Two measures, each split by file name into a first half ("dev", for tuning rules) and a second
half ("held-out", for reporting):

1. timex: every in-text TIMEX3 of type DATE whose gold value is a day, month, year or ISO week
   is resolved with the document creation time as anchor; a hit is a span equal to the gold one.
2. anchor (proxy, needs spaCy and `en_core_web_sm*`): the TimeLine data annotates no in-text
   TIMEX3, only the DCT and gold timelines that date events. For each sentence whose gold events
   carry a day/month/year date and in which spaCy finds exactly one DATE mention, that mention is
   resolved against the DCT; a hit is a span equal to one of the sentence's gold event dates.
   It measures what the knowledge graph needs (dating events), but counts misses that are the
   mention finder's or the events' (an event dated by another sentence), so read it as a floor.

Both use `future=False`: the TimeML here carries no tense on events near the TIMEX3.
"""
from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.annotate.timex import TimeSpan, resolve  # noqa: E402

DEFAULT_GOLD = REPO.parent / "shared" / "gold" / "timeline"


@dataclass
class Document:
    """One article: its creation time, sentences and in-text gold TIMEX3 (text, type, value)."""

    doc_id: str
    name: str
    dct: date
    sentences: dict[int, str] = field(default_factory=dict)
    timexes: list[tuple[str, str, str]] = field(default_factory=list)


def gold_span(value: str) -> TimeSpan | None:
    """The span a TimeML value names, for the precisions we score (day, month, year, week)."""
    value = re.sub(r"(-XX)+$", "", value.strip())
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
            d = date(*map(int, m.groups()))
            return TimeSpan(d, d)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            y, mo = map(int, m.groups())
            nxt = date(y + mo // 12, mo % 12 + 1, 1)
            return TimeSpan(date(y, mo, 1), nxt - timedelta(days=1))
        if m := re.fullmatch(r"(\d{4})", value):
            y = int(m.group(1))
            return TimeSpan(date(y, 1, 1), date(y, 12, 31))
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return TimeSpan(monday, monday + timedelta(days=6))
    except ValueError:
        return None
    return None


def _text(element: ET.Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _read_timeml(path: Path) -> Document | None:
    root = ET.parse(path).getroot()
    dct_el = root.find("DCT/TIMEX3")
    doc_id = root.findtext("DOCID")
    if dct_el is None or not doc_id:
        return None
    dct_span = gold_span(dct_el.get("value", ""))
    if dct_span is None or not dct_span.is_day:
        return None
    doc = Document(doc_id.strip(), path.stem, dct_span.begin)
    text = root.find("TEXT")
    if text is None:
        return doc
    for sentence in text.iter("s"):
        if sentence.get("id", "").isdigit():
            doc.sentences[int(sentence.get("id"))] = _text(sentence)
    for timex in text.iter("TIMEX3"):
        if timex.get("functionInDocument") != "CREATION_TIME":
            doc.timexes.append((_text(timex), timex.get("type", ""), timex.get("value", "")))
    return doc


def _read_cat(path: Path) -> Document | None:
    root = ET.parse(path).getroot()
    if root.tag != "Document":
        return None
    tokens = {t.get("t_id"): (int(t.get("sentence", -1)), t.text or "") for t in root.iter("token")}
    sentences: dict[int, list[str]] = {}
    for sent, word in tokens.values():
        sentences.setdefault(sent, []).append(word)
    dct: date | None = None
    timexes = []
    for timex in root.iter("TIMEX3"):
        words = [tokens[a.get("t_id")][1] for a in timex.iter("token_anchor") if a.get("t_id") in tokens]
        if timex.get("functionInDocument") == "CREATION_TIME":
            span = gold_span(timex.get("value", ""))
            dct = span.begin if span and span.is_day else None
        elif words:
            timexes.append((" ".join(words), timex.get("type", ""), timex.get("value", "")))
    if dct is None:
        return None
    doc = Document(root.get("doc_id", path.stem), path.name.split(".")[0], dct)
    doc.sentences = {k: " ".join(v) for k, v in sentences.items()}
    doc.timexes = timexes
    return doc


def load_documents(gold: Path) -> tuple[list[Document], list[str]]:
    """All documents under `gold`, one per DOCID (TimeML preferred), sorted by file name, and
    the names of files left out because they lack a day-precision creation time."""
    found: dict[str, Document] = {}
    unusable: set[str] = set()
    for path in sorted(gold.rglob("*.tml")) + sorted(gold.rglob("*.xml")):
        try:
            doc = _read_timeml(path) if path.suffix == ".tml" else _read_cat(path)
        except ET.ParseError:
            doc = None
        if doc is None:
            unusable.add(path.name.split(".")[0])
        elif doc.doc_id not in found:
            found[doc.doc_id] = doc
    names = {d.name for d in found.values()}
    return sorted(found.values(), key=lambda d: (d.name, d.doc_id)), sorted(unusable - names)


def load_event_dates(gold: Path) -> dict[tuple[str, int], set[TimeSpan]]:
    """Gold timeline dates of events, keyed by (DOCID, sentence); undated events are left out."""
    dates: dict[tuple[str, int], set[TimeSpan]] = {}
    for path in sorted(gold.rglob("*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in lines[1:]:
            fields = line.split("\t")
            if len(fields) < 3:
                continue
            span = gold_span(fields[1])
            for ref in fields[2:]:
                m = re.match(r"(\d+)-(\d+)-", ref)
                if span is not None and m:
                    dates.setdefault((m.group(1), int(m.group(2))), set()).add(span)
    return dates


@dataclass
class Score:
    total: int = 0
    resolved: int = 0
    right: int = 0

    def add(self, predicted: TimeSpan | None, correct: bool) -> None:
        self.total += 1
        self.resolved += predicted is not None
        self.right += correct

    def row(self, label: str) -> str:
        def pct(n: int, d: int) -> str:
            return f"{100 * n / d:6.1f}%" if d else "     -"
        return (f"{label:<10} {self.total:>6} {self.resolved:>8} {self.right:>6}  "
                f"{pct(self.resolved, self.total):>8} {pct(self.right, self.total):>9} "
                f"{pct(self.right, self.resolved):>11}")


HEADER = (f"{'split':<10} {'items':>6} {'resolved':>8} {'right':>6}  "
          f"{'coverage':>8} {'acc(all)':>9} {'acc(resolv)':>11}")


def halves(docs: list[Document]) -> Iterator[tuple[str, list[Document]]]:
    middle = len(docs) // 2
    yield "dev", docs[:middle]
    yield "held-out", docs[middle:]


def timex_items(doc: Document) -> Iterator[tuple[str, TimeSpan]]:
    for text, kind, value in doc.timexes:
        span = gold_span(value)
        if kind == "DATE" and span is not None:
            yield text, span


def score_timex(docs: Iterable[Document], verbose: bool) -> Score:
    score = Score()
    for doc in docs:
        for text, gold in timex_items(doc):
            predicted = resolve(text, doc.dct)
            score.add(predicted, predicted == gold)
            if verbose and predicted != gold:
                print(f"  {doc.doc_id} dct={doc.dct} {text!r}: gold {gold} got {predicted}")
    return score


def _load_spacy():
    try:
        import spacy
    except ImportError:
        return None
    for name in sorted(spacy.util.get_installed_models()):
        if name.startswith("en_core_web"):
            return spacy.load(name, disable=["lemmatizer"])
    return None


def score_anchor(docs: Iterable[Document], events: dict[tuple[str, int], set[TimeSpan]],
                 nlp, verbose: bool) -> Score:
    score = Score()
    for doc in docs:
        for sent_id, text in sorted(doc.sentences.items()):
            gold = events.get((doc.doc_id, sent_id))
            if not gold:
                continue
            mentions = [e.text for e in nlp(text).ents if e.label_ == "DATE"]
            if len(mentions) != 1:
                continue
            predicted = resolve(mentions[0], doc.dct)
            score.add(predicted, predicted in gold)
            if verbose and predicted not in gold:
                golds = ", ".join(sorted(f"{g.begin}..{g.end}" for g in gold))
                print(f"  {doc.doc_id}-{sent_id} dct={doc.dct} {mentions[0]!r}: "
                      f"gold {{{golds}}} got {predicted}")
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--verbose", action="store_true",
                        help="list the misses of the dev half (never the held-out one)")
    args = parser.parse_args(argv)
    if not args.gold.is_dir():
        print(f"no gold data at {args.gold}", file=sys.stderr)
        return 2
    docs, unusable = load_documents(args.gold)
    print(f"{len(docs)} documents under {args.gold} (dev: first {len(docs) // 2} by file name)")
    for name in unusable:
        print(f"  left out, no day-precision creation time (DCT): {name}")

    n_timex = sum(1 for d in docs for _ in timex_items(d))
    print(f"\n1. in-text TIMEX3 (DATE; day/month/year/week values): {n_timex}")
    if n_timex:
        print(HEADER)
        for label, part in halves(docs):
            print(score_timex(part, args.verbose and label == "dev").row(label))
    else:
        print("   none annotated in this data (only each document's creation time): skipped")

    events = load_event_dates(args.gold)
    nlp = _load_spacy() if events else None
    print("\n2. proxy: sole spaCy DATE mention of a sentence vs its gold event dates")
    if not events:
        print("   no gold timelines found: skipped")
    elif nlp is None:
        print("   spaCy or an en_core_web model is missing: skipped")
    else:
        print(HEADER)
        for label, part in halves(docs):
            print(score_anchor(part, events, nlp, args.verbose and label == "dev").row(label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
