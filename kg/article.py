"""The plain record every reader produces and every later stage consumes.

It holds what a page says, cleaned of the page's chrome, and nothing about RDF: readers know
formats, the mapper knows vocabularies, and this record is the contract between them.
Fields a page lacks stay empty; the validator, not the reader, decides whether that is fatal.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Image:
    caption: str | None
    credit: str | None
    url: str | None = None


@dataclass(frozen=True)
class RelatedLink:
    """A teaser for another article ("Read more: ..."); the page may not give its address."""

    title: str
    url: str | None = None


@dataclass(frozen=True)
class Paragraph:
    text: str
    is_subheading: bool = False


@dataclass(frozen=True)
class Article:
    source: str
    """Where the record was read from (a file path or ``-``), for messages and reports."""
    url: str | None = None
    """The article's canonical address, unwrapped from any web proxy."""
    identifier: str | None = None
    headline: str | None = None
    section: str | None = None
    published: dt.date | dt.datetime | None = None
    modified: dt.date | dt.datetime | None = None
    language: str | None = None
    """BCP 47 language tag."""
    lead: str | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    images: tuple[Image, ...] = ()
    media_captions: tuple[str, ...] = ()
    """Captions of embedded media that carry no credit (infographics, videos)."""
    related: tuple[RelatedLink, ...] = ()
    authors: tuple[str, ...] = ()
    """Bylines: the names of the people (or organizations) who wrote the article."""
    author_initials: tuple[str, ...] = ()
    """Editors' initials from a credits line ("dv/aw"), which name no one outside the newsroom."""
    agencies: tuple[str, ...] = ()
    """News agencies credited for the reporting."""
    keywords: tuple[str, ...] = ()
    credit_line: str | None = None
    publisher: str | None = None
    publisher_alternate_name: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)
    """What the reader noticed and dropped or could not interpret, in words."""

    @property
    def body(self) -> str:
        """The article text without lead, captions or chrome: paragraphs separated by blank lines."""
        return "\n\n".join(paragraph.text for paragraph in self.paragraphs)
