"""What the annotate stage finds in an article, as plain records (no RDF, no spaCy objects).

Offsets count characters in the article's annotated text: its headline, lead and body joined
by blank lines (:func:`kg.annotate.text.annotated_text`), so a mention can be shown in place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kg.annotate.places import Place
from kg.annotate.timex import TimeSpan

EntityKind = Literal["person", "organization", "place"]
Role = Literal["agent", "target", "participant"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass
class Entity:
    """One real-world thing as the article names it, with every mention merged in."""

    kind: EntityKind
    name: str
    """The fullest name the article gives."""
    mentions: list[Span] = field(default_factory=list)
    """Where the article names it."""
    references: list[Span] = field(default_factory=list)
    """Pronouns and descriptions that refer to it ("he", "the company"), resolved from context."""
    place: Place | None = None
    """The gazetteer entry a place was linked to."""
    region_kind: Literal["country", "city", "region"] | None = None
    job_titles: list[str] = field(default_factory=list)
    affiliations: list[Entity] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    """A number the article states ("some 3 million people"), with what it counts."""

    value: float
    unit: str
    text: str


@dataclass
class Event:
    type: str
    """IRI of the event-type concept in ``ontology/event-types.ttl``."""
    trigger: Span
    sentence: Span
    actors: list[tuple[Entity, Role]] = field(default_factory=list)
    places: list[Entity] = field(default_factory=list)
    time: TimeSpan | None = None
    time_inferred: bool = False
    """The article states no time for this event; ``time`` is the narrative time it was reported
    in (the last day the article stated before it, else the publication date)."""
    planned: bool = False
    """Reported as planned, expected or possible rather than as having happened."""
    about: list[Event] = field(default_factory=list)
    """Events this one concerns (a warning about an offensive)."""
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Quote:
    span: Span
    """The quoted words, without the quotation marks."""
    speakers: list[Entity] = field(default_factory=list)


@dataclass
class Annotations:
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    place_figures: list[tuple[Entity, Figure]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
