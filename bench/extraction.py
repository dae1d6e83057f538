"""Measure the annotator's entities, events and event dates against gold corpora.

    python bench/extraction.py [--gold DIR] [--limit N] [--split dev|held-out|both]

DIR (default `<repo>/../shared/gold`) holds two corpora; the same 120 English Wikinews articles
(topics Airbus/Boeing, Apple, GM/Chrysler/Ford, stock markets) are in both:

1. `meantime/output_data/en/` -- MEANTIME (NewsReader) as converted by the Diverse_CDCR_datasets
   scripts: `meantime.conll` (one token a line: `corpus_TOPIC/ID  sentence  token  word  chains`)
   gives the tokens, `entities_mentions.json` and `event_mentions.json` the gold mentions
   (document key, sentence, token numbers, type PER/ORG/LOC/PRO/FIN, OTH/SPE/GRA for events,
   head part of speech). Sentence 0 is the headline, sentence 1 the date line, which gives the
   document creation time (DCT) and is left out of the text (the DCT goes in as `published`).
   * entities: PER -> person, ORG -> organization, LOC -> place (PRO, FIN are not scored). A
     predicted mention is right when its span equals ("exact") or overlaps ("overlap") a gold
     mention of the same kind, or ("head") lies within it and covers its head word: the usual
     head match for gold that marks whole noun phrases ("Apple CEO Steve Jobs", "the Pentagon")
     where a name finder marks the name. MEANTIME marks full noun phrases, pronouns and common nouns
     ("the company", "its"), which a name finder does not aim at, so each figure is also given
     for "names": gold mentions whose head is a proper noun, with predictions that only match
     non-name gold mentions left out of precision (neither right nor wrong).
     Documents without any gold PER/ORG/LOC mention (14 GM articles in this conversion) are not
     scored: their mentions were not carried over, and every prediction would count as wrong.
   * events: a predicted trigger is right when it overlaps a gold event mention. This
     conversion keeps only event mentions linked to an event instance (455 in 60 documents,
     none in the other 60), so only documents with gold events are scored and precision is a
     floor. Entity mentions are partial in the same way (many named people and places of a text
     are not marked), hence the "Pann"/"F1ann" figures: precision over the predictions that
     overlap some gold mention of any type.
2. `timeline/` -- SemEval-2015 TimeLine: TimeML per document (DCT, sentences, `<EVENT>` tags in
   the track B files) and gold timelines (`DATE<TAB>DOCID-SENTENCE-WORD...`, one line per
   event, dates `YYYY-MM-DD` with `XX` for unknown parts). Each (document, sentence, word) of a
   timeline is one gold event mention, found in its sentence among the `<EVENT>` tokens (or,
   failing that, any token) with that word. For each dated gold mention that a predicted
   event's trigger overlaps ("covered"), the predicted `time` is right
   * "begin" when its begin date equals the gold date at the gold granularity (day, month or
     year: a begin of 2008-03-05 matches gold 2008-03),
   * "within" when the gold date lies within [begin, end] (for a month or year gold date: the
     two periods intersect).
   Undated gold events (`XXXX-XX-XX`) and mentions given different dates by different
   timelines are skipped, and counted.

Both corpora are split by document path relative to the corpus folder, sorted: first half
"dev" (for tuning), second half "held-out" (for reporting). In both corpora this makes dev the
Airbus and Apple articles and held-out the GM and stock-market ones, so one article is on the
same side of the split in both corpora.

Text is rebuilt from the gold tokens (headline, blank line, the body as one paragraph; spaces
dropped before punctuation and clitics, ``/'' turned into "), and gold token offsets are kept
so that gold mentions become character spans in the text given to `annotate_text`.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.annotate.timex import TimeSpan  # noqa: E402

DEFAULT_GOLD = REPO.parent / "shared" / "gold"
FALLBACK_DCT = date(2010, 1, 1)
"""Document date when a MEANTIME article has no readable date line (none in the 2015 data)."""

KINDS = ("person", "place", "organization")
MEANTIME_KINDS = {"PER": "person", "ORG": "organization", "LOC": "place"}
SPLITS = ("dev", "held-out")
ENTITY_TARGET = 0.80
ANCHOR_TARGET = 0.60

Span = tuple[int, int]
G = TypeVar("G")
TokenKey = tuple[int, int]  # (sentence, token number in the sentence)


# --- text from tokens -------------------------------------------------------------------------

_NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "}", "%", "...", "'s", "'S", "n't",
                    "'re", "'ve", "'ll", "'d", "'m", "''", "”", "’", "-"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "“", "‘", "#", "-"}
_QUOTES = {"``": '"', "''": '"'}


def detokenize(tokens: Sequence[str], offset: int = 0) -> tuple[str, list[Span]]:
    """Readable text for `tokens` and each token's (start, end) in it, counted from `offset`."""
    out: list[str] = []
    spans: list[Span] = []
    length = 0
    open_quote = False
    glue_next = True
    for token in tokens:
        word = _QUOTES.get(token, token)
        glue = glue_next or token in _NO_SPACE_BEFORE
        glue_next = token in _NO_SPACE_AFTER
        if token == '"':  # plain quotes: alternately opening and closing
            if open_quote:
                glue = True
            else:
                glue_next = True
            open_quote = not open_quote
        elif token == "'" and out and out[-1].endswith(("s", "S")):
            glue = True  # possessive: Beatles' Apple
        if not glue:
            out.append(" ")
            length += 1
        spans.append((offset + length, offset + length + len(word)))
        out.append(word)
        length += len(word)
    return "".join(out), spans


def build_text(sentences: dict[int, list[str]], skip: Iterable[int] = ()) -> tuple[str, dict[TokenKey, Span]]:
    """The headline (first sentence), a blank line, then the other sentences as one paragraph."""
    skip = set(skip)
    ids = [s for s in sorted(sentences) if s not in skip]
    if not ids:
        return "", {}
    offsets: dict[TokenKey, Span] = {}
    headline, spans = detokenize(sentences[ids[0]])
    offsets.update(((ids[0], i), span) for i, span in enumerate(spans))
    body_tokens: list[str] = []
    keys: list[TokenKey] = []
    for s in ids[1:]:
        body_tokens += sentences[s]
        keys += [(s, i) for i in range(len(sentences[s]))]
    if not body_tokens:
        return headline, offsets
    body, spans = detokenize(body_tokens, len(headline) + 2)
    offsets.update(zip(keys, spans))
    return headline + "\n\n" + body, offsets


def char_span(keys: Iterable[TokenKey], offsets: dict[TokenKey, Span]) -> Span | None:
    spans = [offsets[k] for k in keys if k in offsets]
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


# --- documents --------------------------------------------------------------------------------

@dataclass
class GoldEntity:
    kind: str
    span: Span
    named: bool
    head: Span
    """The head word within ``span`` (``span`` itself where the gold names none that fits)."""


@dataclass
class GoldTimed:
    """A timeline event mention: where it may be (one span per candidate token) and its date."""

    label: str
    spans: list[Span]
    value: str


@dataclass
class Document:
    name: str
    """Path relative to the corpus folder: the sort key of the dev/held-out split."""
    doc_id: str
    dct: date
    text: str
    entities: list[GoldEntity] = field(default_factory=list)
    regions: list[Span] = field(default_factory=list)
    """Spans of every gold entity mention, whatever its type (products and sums too)."""
    events: list[Span] = field(default_factory=list)
    timed: list[GoldTimed] = field(default_factory=list)


@dataclass
class Corpus:
    docs: list[Document]
    notes: list[str] = field(default_factory=list)


_MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}


def parse_date_line(tokens: Sequence[str]) -> date | None:
    """`March 01 , 2008` (the Wikinews date line) as a date."""
    m = re.fullmatch(r"([A-Za-z]+)\s+(\d{1,2})\s*,?\s*(\d{4})", " ".join(tokens).strip())
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    except ValueError:
        return None


def read_conll(path: Path) -> dict[str, dict[int, list[str]]]:
    """Tokens per document key and sentence, from a `key sent tok word chains` CoNLL file."""
    docs: dict[str, dict[int, list[str]]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 4 or line.startswith("#"):
                continue
            sentence = docs.setdefault(fields[0], {}).setdefault(int(fields[1]), [])
            if int(fields[2]) != len(sentence):
                raise ValueError(f"{path}: token {fields[2]} of {fields[0]}/{fields[1]} out of order")
            sentence.append(fields[3])
    return docs


def head_span(mention: dict, tokens: dict[str, dict[int, list[str]]],
              offsets_of: dict[str, dict[TokenKey, Span]]) -> Span | None:
    """The head word of a gold mention: its token whose word is ``mention_head`` (the last such),
    as the conversion's ``mention_head_id`` is off by a few tokens in one mention in eight; None
    when no token of the mention has that word."""
    key = mention.get("conll_doc_key") or mention.get("topic/subtopic_name")
    sent = int(mention["sent_id"])
    words = tokens[key].get(sent, [])
    heads = [n for n in map(int, mention["tokens_number"])
             if n < len(words) and words[n] == mention.get("mention_head")]
    return char_span([(sent, heads[-1])], offsets_of[key]) if heads else None


def meantime_documents(tokens: dict[str, dict[int, list[str]]], entity_mentions: list[dict],
                       event_mentions: list[dict]) -> Corpus:
    """Documents from MEANTIME tokens and the converted mention lists (see the module doc)."""
    notes: list[str] = []
    fallback = mismatch = in_date_line = 0
    docs: dict[str, Document] = {}
    offsets_of: dict[str, dict[TokenKey, Span]] = {}
    for key, sentences in tokens.items():
        dct = parse_date_line(sentences.get(1, []))
        skip = [1] if dct else []
        if dct is None:
            fallback += 1
            dct = FALLBACK_DCT
        text, offsets = build_text(sentences, skip)
        docs[key] = Document(key, key.rsplit("/", 1)[-1], dct, text)
        offsets_of[key] = offsets

    def locate(mention: dict) -> tuple[Document, Span] | None:
        nonlocal mismatch, in_date_line
        key = mention.get("conll_doc_key") or mention.get("topic/subtopic_name")
        doc = docs.get(key)
        if doc is None:
            return None
        sent = int(mention["sent_id"])
        numbers = [int(n) for n in mention["tokens_number"]]
        words = tokens[key].get(sent, [])
        if " ".join(words[n] for n in numbers if n < len(words)) != mention.get("tokens_str", "").strip():
            mismatch += 1
        span = char_span(((sent, n) for n in numbers), offsets_of[key])
        if span is None:
            in_date_line += 1
            return None
        return doc, span

    for mention in entity_mentions:
        kind = MEANTIME_KINDS.get(mention.get("mention_type", ""))
        if found := locate(mention):
            doc, span = found
            doc.regions.append(span)
            if kind:
                doc.entities.append(GoldEntity(kind, span, mention.get("mention_head_pos") == "PROPN",
                                               head_span(mention, tokens, offsets_of) or span))
    for mention in event_mentions:
        if found := locate(mention):
            doc, span = found
            doc.events.append(span)
    if fallback:
        notes.append(f"{fallback} documents without a date line: DCT {FALLBACK_DCT} used")
    if mismatch:
        notes.append(f"{mismatch} gold mentions whose words differ from their tokens")
    if in_date_line:
        notes.append(f"{in_date_line} gold mentions in the date line or unknown documents: skipped")
    return Corpus(sorted(docs.values(), key=lambda d: d.name), notes)


def load_meantime(folder: Path) -> Corpus:
    conlls = sorted(folder.rglob("meantime.conll"))
    english = [p for p in conlls if p.parent.name == "en"] or conlls
    if not english:
        raise FileNotFoundError(f"no meantime.conll under {folder}")
    base = english[0].parent
    tokens = read_conll(english[0])
    entities = json.loads((base / "entities_mentions.json").read_text(encoding="utf-8"))
    events = json.loads((base / "event_mentions.json").read_text(encoding="utf-8"))
    corpus = meantime_documents(tokens, entities, events)
    corpus.notes.insert(0, f"read {english[0].relative_to(folder)} and its mention lists")
    return corpus


# --- TimeLine ---------------------------------------------------------------------------------

_REF = re.compile(r"(\d+)-(\d+)-(.+)")
_DATE = re.compile(r"[\dX]{4}-[\dX]{2}-[\dX]{2}")


def read_timeline_refs(lines: Iterable[str]) -> dict[tuple[str, int, str], set[str]]:
    """Gold dates per event mention (DOCID, sentence, word) from timeline lines."""
    refs: dict[tuple[str, int, str], set[str]] = {}
    for line in lines:
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 3 or not _DATE.fullmatch(fields[1].strip()):
            continue
        for ref in fields[2:]:
            if m := _REF.fullmatch(ref.strip()):
                refs.setdefault((m.group(1), int(m.group(2)), m.group(3)), set()).add(fields[1].strip())
    return refs


@dataclass
class TimeMLDoc:
    doc_id: str
    dct: date | None
    sentences: dict[int, list[str]]
    event_tokens: set[TokenKey]


def read_timeml(source: str | Path) -> TimeMLDoc | None:
    """DOCID, DCT, whitespace tokens per `<s id>` and which tokens are inside `<EVENT>`."""
    root = ET.parse(source).getroot() if isinstance(source, Path) else ET.fromstring(source)
    doc_id = (root.findtext("DOCID") or "").strip()
    if not doc_id:
        return None
    dct_el = root.find("DCT/TIMEX3")
    dct = None
    if dct_el is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", dct_el.get("value", "")):
        dct = date.fromisoformat(dct_el.get("value"))
    sentences: dict[int, list[str]] = {}
    events: set[TokenKey] = set()
    for s in root.iter("s"):
        if not s.get("id", "").isdigit():
            continue
        sid = int(s.get("id"))
        words = sentences.setdefault(sid, [])

        def walk(element: ET.Element, inside: bool) -> None:
            here = inside or element.tag == "EVENT"
            for word in (element.text or "").split():
                if here:
                    events.add((sid, len(words)))
                words.append(word)
            for child in element:
                walk(child, here)
                for word in (child.tail or "").split():
                    if here:
                        events.add((sid, len(words)))
                    words.append(word)

        walk(s, False)
    return TimeMLDoc(doc_id, dct, sentences, events)


def find_word(tml: TimeMLDoc, sent: int, word: str) -> list[tuple[int, int]]:
    """(first token, token count) of each place `word` (multi-word ones joined by `_`, as in
    `job_cuts`) is in sentence `sent`: the `<EVENT>`-tagged places if any, else all."""
    words = tml.sentences.get(sent, [])
    parts = [w.lower() for w in word.split("_") if w]
    n = len(parts)
    places = [i for i in range(len(words) - n + 1) if [w.lower() for w in words[i:i + n]] == parts]
    tagged = [i for i in places if any((sent, j) in tml.event_tokens for j in range(i, i + n))]
    return [(i, n) for i in (tagged or places)]


def _prefer(path: Path) -> tuple[int, str]:
    """Track B / events_timelines TimeML carries the timeline events; it wins over other copies."""
    name = str(path)
    return (0 if ("trackB" in name or "events_timelines" in name) else 1, name)


def timeline_documents(timeml: list[tuple[str, TimeMLDoc]],
                       refs: dict[tuple[str, int, str], set[str]]) -> Corpus:
    notes: list[str] = []
    docs: dict[str, Document] = {}
    parsed: dict[str, tuple[TimeMLDoc, dict[TokenKey, Span]]] = {}
    no_dct = 0
    for name, tml in timeml:
        if tml.doc_id in docs:
            continue
        dct = tml.dct
        if dct is None:
            no_dct += 1
            dct = parse_date_line(tml.sentences.get(1, [])) or FALLBACK_DCT
        skip = [1] if parse_date_line(tml.sentences.get(1, [])) else []
        text, offsets = build_text(tml.sentences, skip)
        docs[tml.doc_id] = Document(name, tml.doc_id, dct, text)
        parsed[tml.doc_id] = (tml, offsets)
    undated = conflicting = unresolved = 0
    for (doc_id, sent, word), values in sorted(refs.items()):
        dated = {v for v in values if not v.startswith("XXXX")}
        if not dated:
            undated += 1
            continue
        if len(dated) > 1:
            conflicting += 1
            continue
        if doc_id not in docs:
            unresolved += 1
            continue
        tml, offsets = parsed[doc_id]
        spans = [span for i, n in find_word(tml, sent, word)
                 if (span := char_span(((sent, j) for j in range(i, i + n)), offsets))]
        if not spans:
            unresolved += 1
            continue
        docs[doc_id].timed.append(GoldTimed(f"{doc_id}-{sent}-{word}", spans, dated.pop()))
    notes.append(f"gold event mentions: {sum(len(d.timed) for d in docs.values())} dated and found in "
                 f"the text; skipped: {undated} undated (XXXX-XX-XX), {conflicting} with conflicting "
                 f"dates, {unresolved} not found in their sentence")
    if no_dct:
        notes.append(f"{no_dct} documents without a DCT: date line or {FALLBACK_DCT} used")
    return Corpus(sorted(docs.values(), key=lambda d: d.name), notes)


def load_timeline(folder: Path) -> Corpus:
    timeml: list[tuple[str, TimeMLDoc]] = []
    bad = 0
    for path in sorted(folder.rglob("*.tml"), key=_prefer):
        try:
            tml = read_timeml(path)
        except ET.ParseError:
            tml = None
        if tml is None:
            bad += 1
            continue
        timeml.append((str(path.relative_to(folder)), tml))
    refs: dict[tuple[str, int, str], set[str]] = {}
    for path in sorted(folder.rglob("*.txt")):
        for key, values in read_timeline_refs(path.read_text(encoding="utf-8", errors="replace")
                                              .splitlines()).items():
            refs.setdefault(key, set()).update(values)
    corpus = timeline_documents(timeml, refs)
    if bad:
        corpus.notes.append(f"{bad} TimeML files unreadable or without DOCID")
    return corpus


# --- scoring ----------------------------------------------------------------------------------

def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _within(inner: Span, outer: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


MATCHERS: dict[str, Callable[[Span, GoldEntity], bool]] = {
    "exact": lambda predicted, gold: predicted == gold.span,
    "overlap": lambda predicted, gold: overlaps(predicted, gold.span),
    "head": lambda predicted, gold: _within(predicted, gold.span) and _within(gold.head, predicted),
}


@dataclass
class PRF:
    right_predicted: int = 0
    predicted: int = 0
    found_gold: int = 0
    gold: int = 0
    right_in_regions: int = 0
    predicted_in_regions: int = 0
    """Predictions overlapping some gold mention of any type (see `prf`)."""

    def add(self, other: PRF) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float | None:
        return _ratio(self.right_predicted, self.predicted)

    @property
    def recall(self) -> float | None:
        return _ratio(self.found_gold, self.gold)

    @property
    def f1(self) -> float | None:
        return _f1(self.precision, self.recall)

    @property
    def precision_annotated(self) -> float | None:
        return _ratio(self.right_in_regions, self.predicted_in_regions)

    @property
    def f1_annotated(self) -> float | None:
        return _f1(self.precision_annotated, self.recall)


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def prf(gold: Sequence[G], predicted: Sequence[Span], match: Callable[[Span, G], bool],
        ignore: Sequence[G] = (), regions: Sequence[Span] | None = None) -> PRF:
    """Precision counts over `predicted`, recall over `gold`; a prediction that matches nothing in
    `gold` but something in `ignore` counts neither way. With `regions` (the spans of all gold
    mentions of any type), precision is also counted over the predictions that overlap one: in
    partially annotated gold, that leaves out mentions nobody annotated."""
    kept = [p for p in predicted if any(match(p, g) for g in gold) or not any(match(p, i) for i in ignore)]
    right = [any(match(p, g) for g in gold) for p in kept]
    result = PRF(sum(right), len(kept), sum(any(match(p, g) for p in kept) for g in gold), len(gold))
    if regions is not None:
        inside = [any(overlaps(p, r) for r in regions) for p in kept]
        result.predicted_in_regions = sum(inside)
        result.right_in_regions = sum(r and i for r, i in zip(right, inside))
    return result


def score_entities(gold: Sequence[GoldEntity], predicted: Iterable[tuple[str, Span]],
                   regions: Sequence[Span] | None = None, named: Iterable[tuple[str, Span]] | None = None
                   ) -> dict[tuple[str, str, str], PRF]:
    """PRF per (kind, scope "all"/"names", match "exact"/"overlap") for one document; `regions`
    as in `prf` (default: the spans of `gold`). The gold names are matched with `named`, the
    predictions that are names (default: all of `predicted`); the pronouns and descriptions the
    annotator resolved are scored with all mentions only."""
    regions = [g.span for g in gold] if regions is None else regions
    predicted = set(predicted)
    named = predicted if named is None else set(named)
    result = {}
    for kind in KINDS:
        pred = sorted(span for k, span in predicted if k == kind)
        pred_names = sorted(span for k, span in named if k == kind)
        every = [g for g in gold if g.kind == kind]
        names = [g for g in gold if g.kind == kind and g.named]
        others = [g for g in gold if g.kind == kind and not g.named]
        for mode, match in MATCHERS.items():
            result[(kind, "all", mode)] = prf(every, pred, match, regions=regions)
            result[(kind, "names", mode)] = prf(names, pred_names, match, ignore=others, regions=regions)
    return result


def predicted_entities(annotations, references: bool = True) -> set[tuple[str, Span]]:
    """Where the annotator found each kind of entity: its names, and (``references``) the
    pronouns and descriptions it resolved to them."""
    return {(e.kind, (m.start, m.end)) for e in annotations.entities
            for m in (e.mentions + e.references if references else e.mentions)}


def predicted_triggers(annotations) -> list[Span]:
    return sorted({(e.trigger.start, e.trigger.end) for e in annotations.events})


def granularity(value: str) -> str | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}(-XX)?", value):
        return "month"
    if re.fullmatch(r"\d{4}(-XX){0,2}", value):
        return "year"
    return None


def gold_timespan(value: str) -> TimeSpan | None:
    from bench.timex import gold_span

    return gold_span(value)


def anchor_matches(value: str, predicted: TimeSpan | None) -> tuple[bool, bool]:
    """(begin right at the gold granularity, gold date within [begin, end]) for one event."""
    gold = gold_timespan(value)
    grain = granularity(value)
    if predicted is None or gold is None or grain is None:
        return False, False
    b = predicted.begin
    begin_ok = {"day": b == gold.begin, "month": (b.year, b.month) == (gold.begin.year, gold.begin.month),
                "year": b.year == gold.begin.year}[grain]
    within = gold.begin <= predicted.end and predicted.begin <= gold.end
    return begin_ok, within


@dataclass
class Anchoring:
    dated: int = 0
    covered: int = 0
    begin_right: int = 0
    within_right: int = 0
    timed: int = 0
    """Covered events whose predicted event has a time at all."""

    def add(self, other: Anchoring) -> None:
        for name in ("dated", "covered", "begin_right", "within_right", "timed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def score_anchoring(gold: Sequence[GoldTimed], events: Sequence) -> Anchoring:
    """Coverage and date accuracy of the predicted events (with `.trigger` and `.time`)."""
    result = Anchoring()
    for item in gold:
        result.dated += 1
        hits = [e for e in events if any(overlaps((e.trigger.start, e.trigger.end), s) for s in item.spans)]
        if not hits:
            continue
        result.covered += 1
        best = next((e for e in hits if e.time is not None), hits[0])
        result.timed += best.time is not None
        begin_ok, within = anchor_matches(item.value, best.time)
        result.begin_right += begin_ok
        result.within_right += within
    return result


# --- running ----------------------------------------------------------------------------------

@dataclass
class Results:
    entities: dict[str, dict[tuple[str, str, str], PRF]] = field(default_factory=dict)
    events: dict[str, PRF] = field(default_factory=dict)
    anchoring: dict[str, Anchoring] = field(default_factory=dict)
    docs: dict[str, int] = field(default_factory=dict)
    scored_entity_docs: dict[str, int] = field(default_factory=dict)
    scored_event_docs: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    annotated: int = 0


def halves(docs: list[Document]) -> dict[str, list[Document]]:
    middle = len(docs) // 2
    return {"dev": docs[:middle], "held-out": docs[middle:]}


def _annotate(annotator, doc: Document, results: Results):
    start = time.perf_counter()
    try:
        annotations = annotator.annotate_text(doc.text, doc.dct)
    except Exception as error:  # one bad document must not hide the others' figures
        results.failures.append(f"{doc.name}: {type(error).__name__}: {error}")
        print(f"  annotating {doc.name} failed:\n{traceback.format_exc()}", file=sys.stderr)
        annotations = None
    results.seconds += time.perf_counter() - start
    results.annotated += 1
    return annotations


def run_meantime(corpus: Corpus, annotator, splits: Sequence[str], limit: int | None) -> Results:
    results = Results()
    for split, docs in halves(corpus.docs).items():
        if split not in splits:
            continue
        docs = docs[:limit] if limit else docs
        results.docs[split] = len(docs)
        ents = results.entities.setdefault(split, {})
        events = results.events.setdefault(split, PRF())
        results.scored_entity_docs[split] = results.scored_event_docs[split] = 0
        for i, doc in enumerate(docs, 1):
            _progress("meantime", split, i, len(docs))
            annotations = _annotate(annotator, doc, results)
            if annotations is None:
                continue
            if doc.entities:
                results.scored_entity_docs[split] += 1
                for key, score in score_entities(doc.entities, predicted_entities(annotations), doc.regions,
                                                  predicted_entities(annotations, references=False)).items():
                    ents.setdefault(key, PRF()).add(score)
            if doc.events:
                results.scored_event_docs[split] += 1
                events.add(prf(doc.events, predicted_triggers(annotations), overlaps))
    return results


def run_timeline(corpus: Corpus, annotator, splits: Sequence[str], limit: int | None) -> Results:
    results = Results()
    for split, docs in halves(corpus.docs).items():
        if split not in splits:
            continue
        docs = docs[:limit] if limit else docs
        results.docs[split] = len(docs)
        anchoring = results.anchoring.setdefault(split, Anchoring())
        for i, doc in enumerate(docs, 1):
            _progress("timeline", split, i, len(docs))
            if not doc.timed:
                continue
            annotations = _annotate(annotator, doc, results)
            if annotations is not None:
                anchoring.add(score_anchoring(doc.timed, annotations.events))
    return results


def _progress(corpus: str, split: str, i: int, n: int) -> None:
    if i == 1 or i == n or i % 10 == 0:
        print(f"[{corpus} {split}] document {i}/{n}", file=sys.stderr, flush=True)


# --- printing ---------------------------------------------------------------------------------

def fmt(x: float | None, width: int = 4) -> str:
    return f"{x:.2f}".rjust(width) if x is not None else "-".rjust(width)


def entity_table(results: Results, splits: Sequence[str]) -> list[str]:
    head = f"{'kind':<13}{'gold':<6}{'match':<8}" + "".join(
        f"| {s:<8} {'P':>4} {'Pann':>4} {'R':>4} {'F1':>4} {'F1ann':>5} {'gold':>4} " for s in splits)
    lines = [head]
    for kind in KINDS:
        for scope in ("all", "names"):
            for mode in MATCHERS:
                row = f"{kind:<13}{scope:<6}{mode:<8}"
                for s in splits:
                    p = results.entities.get(s, {}).get((kind, scope, mode), PRF())
                    row += (f"| {'':<8} {fmt(p.precision)} {fmt(p.precision_annotated)} {fmt(p.recall)} "
                            f"{fmt(p.f1)} {fmt(p.f1_annotated, 5)} {p.gold:>4} ")
                lines.append(row)
    return lines


def print_report(meantime: Corpus | None, mt: Results | None, timeline: Corpus | None,
                 tl: Results | None, splits: Sequence[str], out=sys.stdout) -> None:
    def say(line: str = "") -> None:
        print(line, file=out)

    if meantime is not None and mt is not None:
        parts = halves(meantime.docs)
        say(f"MEANTIME English Wikinews: {len(meantime.docs)} documents; split by path: dev "
            f"{_topics(parts['dev'])}, held-out {_topics(parts['held-out'])}")
        for note in meantime.notes:
            say(f"  {note}")
        for s in splits:
            say(f"  {s}: {mt.docs.get(s, 0)} annotated, {mt.scored_entity_docs.get(s, 0)} with gold entity "
                f"mentions scored, {mt.scored_event_docs.get(s, 0)} with gold event mentions scored")
        say()
        say("entity mentions: P, R, F1 over all predictions; Pann, F1ann: precision over predictions that")
        say("overlap some gold mention of any type (much of each text is not annotated); gold: all mentions,")
        say("or names (head is a proper noun; predictions matching other gold mentions left out)")
        for line in entity_table(mt, splits):
            say("  " + line)
        say()
        say("event mentions (trigger overlaps a gold event mention; gold is partial: P is a floor)")
        for s in splits:
            p = mt.events.get(s, PRF())
            say(f"  {s:<9} P {fmt(p.precision)}  R {fmt(p.recall)}  F1 {fmt(p.f1)}  "
                f"(gold {p.gold}, predicted {p.predicted})")
        say()
    if timeline is not None and tl is not None:
        parts = halves(timeline.docs)
        say(f"SemEval-2015 TimeLine: {len(timeline.docs)} documents; dev {_topics(parts['dev'])}, "
            f"held-out {_topics(parts['held-out'])}")
        for note in timeline.notes:
            say(f"  {note}")
        say(f"  {'split':<9} {'dated':>5} {'covered':>7} {'cov%':>5} {'timed':>5} "
            f"{'begin acc':>9} {'within acc':>10} {'begin/all':>9}")
        for s in splits:
            a = tl.anchoring.get(s, Anchoring())
            say(f"  {s:<9} {a.dated:>5} {a.covered:>7} {fmt(_ratio(a.covered, a.dated), 5)} {a.timed:>5} "
                f"{fmt(_ratio(a.begin_right, a.covered), 9)} {fmt(_ratio(a.within_right, a.covered), 10)} "
                f"{fmt(_ratio(a.begin_right, a.dated), 9)}")
        say("  (accuracies over covered gold events: those a predicted trigger overlaps; "
            "begin/all over all dated ones)")
        say()
    # summary
    failures = (mt.failures if mt else []) + (tl.failures if tl else [])
    seconds = (mt.seconds if mt else 0) + (tl.seconds if tl else 0)
    annotated = (mt.annotated if mt else 0) + (tl.annotated if tl else 0)
    final = "held-out" if "held-out" in splits else splits[-1]
    say(f"== summary ({final}) ==")
    if mt is not None:
        rows = (("all", "f1", f"{final} entity F1 (exact / head / overlap):"),
                ("all", "f1_annotated", "  F1, precision over annotated spans only:"),
                ("names", "f1_annotated", "  same, gold names only (head a proper noun):"))
        for scope, measure, label in rows:
            cells = []
            for kind in KINDS:
                ex, hd, ov = (getattr(mt.entities.get(final, {}).get((kind, scope, mode), PRF()), measure)
                              for mode in ("exact", "head", "overlap"))
                cells.append(f"{kind} {fmt(ex, 0)}/{fmt(hd, 0)}/{fmt(ov, 0)}{_mark(hd, ENTITY_TARGET)}")
            say(f"{label:<46}{'  '.join(cells)}   (target >= {ENTITY_TARGET:.2f}, judged on head)")
        ev = mt.events.get(final, PRF())
        say(f"{final} event mention F1: {fmt(ev.f1, 0)}  (P {fmt(ev.precision, 0)}, R {fmt(ev.recall, 0)}; "
            f"n gold={ev.gold})")
    if tl is not None:
        a = tl.anchoring.get(final, Anchoring())
        acc = _ratio(a.begin_right, a.covered)
        say(f"{final} event anchoring accuracy: {fmt(acc, 0)}{_mark(acc, ANCHOR_TARGET)} begin, "
            f"{fmt(_ratio(a.within_right, a.covered), 0)} within  (n={a.covered} covered of {a.dated} "
            f"dated gold events, coverage {fmt(_ratio(a.covered, a.dated), 0)})   (target >= {ANCHOR_TARGET:.2f})")
    rate = annotated / seconds if seconds else 0.0
    say(f"annotator speed: {rate:.1f} documents/s ({annotated} documents in {seconds:.1f} s)")
    if failures:
        say(f"annotation failed on {len(failures)} documents (scored as missing): {failures[0]}")


def _ratio(n: int, d: int) -> float | None:
    return n / d if d else None


def _mark(value: float | None, target: float) -> str:
    return "" if value is None else (" ok" if value >= target else " (below)")


_TOPICS = {"corpus_1": "airbus", "corpus_2": "gm", "corpus_3": "stock", "Corpus-trial": "apple"}


def _topics(docs: list[Document]) -> str:
    """How many documents of each topic (the corpus folder of a document's path) a split holds."""
    seen: dict[str, int] = {}
    for d in docs:
        m = re.search(r"corpus_\w+?(?=/)|corpus_\d|Corpus-trial", d.name)
        topic = _TOPICS.get(m.group(0), m.group(0).removeprefix("corpus_")) if m else "?"
        seen[topic] = seen.get(topic, 0) + 1
    return ", ".join(f"{topic} {n}" for topic, n in seen.items()) or "none"


def load_annotator():
    """The project's annotator with the configured NLP model."""
    from kg import config
    from kg.annotate import Annotator

    return Annotator(config.load().nlp_model)


def main(argv: list[str] | None = None, annotator=None) -> int:
    """Run the benchmark; `annotator` (anything with `annotate_text`) replaces the real one in tests."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--limit", type=int, default=None, help="documents per split (a quick run)")
    parser.add_argument("--split", choices=("dev", "held-out", "both"), default="both")
    args = parser.parse_args(argv)
    splits = SPLITS if args.split == "both" else (args.split,)
    meantime_dir, timeline_dir = args.gold / "meantime", args.gold / "timeline"
    if not meantime_dir.is_dir() and not timeline_dir.is_dir():
        print(f"no gold data at {args.gold} (expected meantime/ and timeline/)", file=sys.stderr)
        return 2
    meantime = load_meantime(meantime_dir) if meantime_dir.is_dir() else None
    timeline = load_timeline(timeline_dir) if timeline_dir.is_dir() else None
    if annotator is None:
        print("loading the annotator...", file=sys.stderr, flush=True)
        annotator = load_annotator()
    mt = run_meantime(meantime, annotator, splits, args.limit) if meantime else None
    tl = run_timeline(timeline, annotator, splits, args.limit) if timeline else None
    print_report(meantime, mt, timeline, tl, splits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
