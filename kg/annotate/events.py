"""Events found by their trigger words, with actors, places, times and provenance.

A token whose lemma is a trigger of the event-type scheme starts an event. Its arguments come
from the dependency parse: subjects act, objects are targeted, "with" joins participants,
"in"/"on"/"against" name places; a verb without a subject inherits the one of the clause it
depends on ("Zarif said ... after meeting with Assad"). Dates attached to the trigger are
resolved against the publication date, forward when the event is planned or possible.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc, Token

from kg.annotate.entities import EntityIndex
from kg.annotate.lexicon import EventLexicon
from kg.annotate.model import Entity, Event, Role, Span
from kg.annotate.timex import TimeSpan, resolve

NARRATIVE_REACH = dt.timedelta(days=31)
"""How long before publication a stated day may be and still date the events told after it."""

_COORDINATION = {"conj", "appos", "cc"}
_MEMBERSHIP = {"of", "from"}
"""Prepositions inside a noun phrase that name who it consists of ("leaders from Iran"); others
("an agreement in Stockholm") say where, and belong to the event, not to its actors."""
_CLAUSES = {"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "parataxis", "pcomp"}
_INHERIT_THROUGH = {"xcomp", "advcl", "pcomp", "prep", "conj", "ccomp", "acl", "pobj", "dobj"}
_PLACE_PREPOSITIONS = {"in", "at", "on", "against", "into", "near", "across", "to", "inside", "around", "toward",
                       "towards", "outside", "throughout"}
_TARGET_PREPOSITIONS = {"against", "on", "at", "to"}
_MODALS = {"will", "would", "could", "may", "might", "should", "shall", "can", "must", "'ll"}
_INTENT_VERBS = {"set", "plan", "prepare", "expect", "intend", "aim", "seek", "want", "threaten", "vow",
                 "promise", "agree", "hope", "schedule", "propose", "warn", "urge", "call", "consider", "refuse"}
_LIGHT_VERBS = {"prepare", "launch", "plan", "begin", "start", "carry", "conduct", "hold", "stage", "mount",
                "step", "continue", "announce", "order", "escalate"}
FIGHT = "https://w3id.org/newskg/event-type/fight"
STATEMENT = "https://w3id.org/newskg/event-type/statement"
ASSAULT = "https://w3id.org/newskg/event-type/assault"


@dataclass(frozen=True)
class Trigger:
    part: int
    token: Token
    concept: str


def find_triggers(docs: list[tuple[Doc, int]], lexicon: EventLexicon) -> list[Trigger]:
    return [
        Trigger(part, token, lexicon.by_lemma[token.lemma_.lower()])
        for part, (doc, _) in enumerate(docs)
        for token in doc
        if token.pos_ in ("VERB", "NOUN") and token.lemma_.lower() in lexicon.by_lemma
    ]


def entities_in(token: Token, part: int, index: EntityIndex) -> list[Entity]:
    """The entities a noun phrase names, without entering the clauses inside it.

    Below a name only people and coordinated names count: "US" in "US President Donald
    Trump" is his affiliation, not a second actor.
    """
    found: list[Entity] = []
    stack = [(token, False)]
    while stack:
        current, below_name = stack.pop()
        entity = index.at(part, current)
        if entity is not None and entity not in found and (not below_name or entity.kind == "person"):
            found.append(entity)
        below = below_name or entity is not None
        stack.extend((child, below and child.dep_ not in _COORDINATION)
                     for child in current.children
                     if child.dep_ not in _CLAUSES and not (child.dep_ == "prep" and child.lower_ not in _MEMBERSHIP))
    return found


def subject_tokens(verb: Token) -> list[Token]:
    """The subject of ``verb``, or of the clause it hangs from ("Zarif said ... after meeting")."""
    current, via = verb, None
    for _ in range(8):
        # A raising verb's passive subject is the subject of its complement: "leaders are set to meet".
        wanted = ("nsubj", "csubj", "nsubjpass") if via == "xcomp" else ("nsubj", "csubj")
        subjects = [c for c in current.children if c.dep_ in wanted]
        if subjects:
            return subjects
        if current.dep_ not in _INHERIT_THROUGH or current.head.i == current.i:
            return []
        current, via = current.head, current.dep_
    return []


def _is_planned(token: Token) -> bool:
    current = token
    for _ in range(6):
        if any(c.dep_ in ("aux", "neg") and c.lower_ in _MODALS | {"not", "n't", "never"} for c in current.children):
            return True
        if current.dep_ in ("xcomp", "dobj") and current.head.lemma_ in _INTENT_VERBS:
            return True
        if current.dep_ not in ("xcomp", "dobj", "conj", "pobj", "prep") or current.head.i == current.i:
            return False
        current = current.head
    return False


def _trigger_ancestor(token: Token, triggers: dict[int, Event]) -> Event | None:
    current = token
    while current.head.i != current.i:
        current = current.head
        if current.i in triggers:
            return triggers[current.i]
    return None


def _dated_ancestor(token: Token, triggers: dict[int, Event]) -> Event | None:
    """The event a time expression dates: the nearest trigger above it, but not a statement
    above the clause it is in ("he said the store will open within 90 days" dates the opening,
    not the saying)."""
    current = token
    while current.head.i != current.i:
        child, current = current, current.head
        if current.i in triggers:
            event = triggers[current.i]
            return None if event.type == STATEMENT and child.dep_ == "ccomp" else event
    return None


def extract_events(docs: list[tuple[Doc, int]], triggers: list[Trigger], index: EntityIndex,
                   published: dt.date | None) -> dict[tuple[int, int], Event]:
    """Every event of the article by (part, token) of its trigger, in text order; see :func:`informative`."""
    events: dict[tuple[int, int], Event] = {}
    for part, (doc, offset) in enumerate(docs):
        local = {t.token.i: t for t in triggers if t.part == part}
        by_token: dict[int, Event] = {}
        for i, trigger in sorted(local.items()):
            token = trigger.token
            sentence = token.sent
            event = Event(
                type=trigger.concept,
                trigger=Span(offset + token.idx, offset + token.idx + len(token.text), token.text),
                sentence=Span(offset + sentence.start_char, offset + sentence.end_char, sentence.text.strip()),
                planned=_is_planned(token),
            )
            _arguments(event, token, part, index)
            by_token[i] = event
        for i, event in by_token.items():
            parent = _trigger_ancestor(doc[i], by_token)
            if parent is not None and parent is not event:
                parent.about.append(event)
        for ent in doc.ents:
            if ent.label_ != "DATE" or published is None:
                continue
            owner = by_token.get(ent.root.i) or _dated_ancestor(ent.root, by_token)
            if owner is None or owner.time is not None:
                continue
            owner.time = resolve(ent.text, published, future=owner.planned)
        events.update(((part, i), event) for i, event in by_token.items())
    return events


def infer_times(events: list[Event], published: dt.date | None) -> None:
    """Give events the article states no time for the narrative time they were reported in.

    News tells what happened in order from an anchor ("On Monday, X met Y. They discussed
    ..."): an event without its own time happened on the last day the article named before it,
    or, before any, around the publication date. Only recent days anchor the story: a day long
    before publication is background (a birth, a founding) that the next sentences leave
    behind. Planned events are left without a time.
    """
    narrative = None
    for event in events:
        if event.time is not None:
            if event.time.is_day and not event.planned and (
                    published is None or published - NARRATIVE_REACH <= event.time.begin <= published):
                narrative = event.time
        elif not event.planned:
            event.time = narrative or (TimeSpan(published, published) if published else None)
            event.time_inferred = event.time is not None


def informative(events: list[Event]) -> list[Event]:
    """The events worth publishing: those with an actor, a place, a stated time or a figure. A
    trigger word alone ("the conflict") says nothing a reader could query."""
    kept = [event for event in events
            if event.actors or event.places or (event.time and not event.time_inferred) or event.figures]
    ids = {id(event) for event in kept}
    for event in kept:
        event.about = [other for other in event.about if id(other) in ids]
    return kept


def _arguments(event: Event, token: Token, part: int, index: EntityIndex) -> None:
    military = event.type in (FIGHT, ASSAULT)

    def add(entities: list[Entity], role: Role | Literal["place"]) -> None:
        for entity in entities:
            if entity.kind == "place" and (role == "place" or (military and role == "target")):
                if entity not in event.places:
                    event.places.append(entity)
            elif role != "place" and all(entity is not e for e, _ in event.actors):
                event.actors.append((entity, role))

    if token.pos_ == "VERB":
        subjects = subject_tokens(token)
        for subject in subjects:
            add(entities_in(subject, part, index), "agent")
    for child in token.children:
        dep = child.dep_
        if dep in ("dobj", "dative", "iobj", "nsubjpass", "npadvmod", "attr"):
            add(entities_in(child, part, index), "target")
        elif dep == "agent" or (dep == "prep" and child.lower_ == "by"):
            for pobj in child.children:
                add(entities_in(pobj, part, index), "agent")
        elif dep == "prep":
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                entities = entities_in(pobj, part, index)
                if child.lower_ == "with":
                    add(entities, "participant")
                elif child.lower_ in _PLACE_PREPOSITIONS:
                    add([e for e in entities if e.kind == "place"], "place")
                    if child.lower_ in _TARGET_PREPOSITIONS:
                        add([e for e in entities if e.kind != "place"], "target")
        elif dep in ("poss", "compound", "amod", "nmod") and token.pos_ == "NOUN":
            entity = index.at(part, child) or index.demonyms.get((part, child.i))
            if entity is not None:
                add([entity], "place" if entity.kind == "place" and dep == "compound" else "agent")
    if token.pos_ == "NOUN" and token.dep_ == "dobj" and token.head.lemma_ in _LIGHT_VERBS:
        subjects = subject_tokens(token.head)
        for subject in subjects:
            add(entities_in(subject, part, index), "agent")
