"""Direct quotations with their speakers, and the figures an article states.

A quotation is text between quotation marks of at least three words; its speaker is the
person or organization that is the subject of a verb of saying in the same sentence
("..., Zarif said."). Shorter quoted phrases are scare quotes or titles, not speech.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from kg.annotate.entities import EntityIndex
from kg.annotate.events import entities_in, subject_tokens
from kg.annotate.model import Entity, Event, Figure, Quote, Span

SPEECH_VERBS = {
    "say", "tell", "add", "warn", "insist", "claim", "state", "note", "stress", "declare", "announce", "write",
    "explain", "argue", "vow", "caution", "urge", "ask", "reply", "respond", "accuse", "call", "describe",
}
_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_MIN_WORDS = 3
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|trillion)?", re.IGNORECASE)
_COUNTED = {"people", "person", "civilian", "refugee", "resident", "child", "troop", "soldier", "fighter",
            "migrant", "inhabitant", "worker", "protester", "casualty", "victim", "citizen", "voter", "student"}


def find_quotes(docs: list[tuple[Doc, int]], index: EntityIndex) -> list[Quote]:
    quotes: list[Quote] = []
    for part, (doc, offset) in enumerate(docs):
        for match in _QUOTED.finditer(doc.text):
            words = match.group(1).split()
            if len(words) < _MIN_WORDS:
                continue
            start, end = match.span(1)
            inner = match.group(1).strip(" ,.")
            span = Span(offset + start, offset + start + len(inner), inner)
            sentence = doc.char_span(match.start(), match.start() + 1, alignment_mode="expand")
            quotes.append(Quote(span, _speakers(sentence.sent if sentence else None, part, index)))
    return quotes


def _speakers(sentence, part: int, index: EntityIndex) -> list[Entity]:
    if sentence is None:
        return []
    for token in sentence:
        if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
            subjects = subject_tokens(token)
            speakers = [e for s in subjects for e in entities_in(s, part, index) if e.kind in ("person", "organization")]
            if speakers:
                return speakers
    return []


def _value(text: str) -> float | None:
    match = _NUMBER.search(text)
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    return value * _SCALES.get((match.group(2) or "").lower(), 1)


def find_figures(docs: list[tuple[Doc, int]], index: EntityIndex, events_by_token: dict[tuple[int, int], Event]
                 ) -> tuple[list[tuple[Event, Figure]], list[tuple[Entity, Figure]]]:
    """Counts of people and the like: attached to the event that governs them, else to the place
    the sentence is about ("Idlib is home to some 3 million people")."""
    on_events: list[tuple[Event, Figure]] = []
    on_places: list[tuple[Entity, Figure]] = []
    for part, (doc, _) in enumerate(docs):
        for ent in doc.ents:
            if ent.label_ not in ("CARDINAL", "QUANTITY"):
                continue
            counted = _counted_noun(ent.root)
            value = _value(ent.text)
            if counted is None or value is None:
                continue
            figure = Figure(value=value, unit=counted.lemma_.lower() if counted.lemma_ != "person" else "people",
                            text=f"{ent.text} {counted.text}")
            owner = _governing_event(counted, part, events_by_token)
            if owner is not None:
                on_events.append((owner, figure))
                continue
            root = ent.root.sent.root
            for subject in (c for c in root.children if c.dep_ == "nsubj"):
                place = index.at(part, subject) or index.names.get(subject.text.lower())
                if place is not None and place.kind == "place":
                    on_places.append((place, figure))
                    break
    return on_events, on_places


def _counted_noun(token: Token) -> Token | None:
    for candidate in (token, token.head):
        if candidate.pos_ == "NOUN" and candidate.lemma_.lower() in _COUNTED | {"people"}:
            return candidate
    return None


def _governing_event(token: Token, part: int, events_by_token: dict[tuple[int, int], Event]) -> Event | None:
    current = token
    while current.head.i != current.i:
        current = current.head
        if (part, current.i) in events_by_token:
            return events_by_token[(part, current.i)]
        if current.dep_ in ("ROOT",):
            break
    return None
