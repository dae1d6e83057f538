"""Reader for article records in JSON, as news agencies (IPTC ninjs) and CMS exports give them.

The input is one JSON object, a JSON array of objects, or JSON Lines (one object per line,
blank lines skipped). Every record becomes an :class:`~kg.article.Article` or, when it cannot
be one, a :class:`~kg.readers.errors.ReadError` of its own: one bad record never spoils the
others. Only an input that is not JSON at all (or JSON that holds no records, such as a bare
number) raises.

Records are numbered for messages and for ``Article.source`` (``file.json#3``): in an array by
their position (``record 3``, counting from 1; a single object is record 1), in JSON Lines by
their line number in the file, blank lines included (``line 7``), so that an editor finds them.

JSON Lines is recognised when the whole input is not one JSON document and either its first
non-blank line, or at least half of its non-blank lines, are JSON on their own; anything else
that fails to parse is reported as one JSON syntax error for the whole file.

Field mapping
-------------

IPTC ninjs 1.x and 2.x names come first, then common CMS and schema.org aliases; for each
article field the first name present (and not null or empty) wins, except keywords, which are
gathered from every name. Names are case-sensitive; unknown fields are ignored.

=================  =====================================================================  ==========================
Article field      Record fields, in order                                                Accepted values
=================  =====================================================================  ==========================
url                ``uri``, ``url``, ``canonical_url``, ``link``                           http(s) address, unwrapped
                                                                                          from web proxies
identifier         ``guid``, ``id``; else a ``uri`` that is no web address (a ninjs URN);  string or number
                   else the last path segment of the url
headline           ``headline``, ``headlines`` (ninjs 2), ``title``                        text [#text]_
published          ``firstcreated``, ``datePublished``, ``published``, ``pubdate``;        ISO 8601 date or date-time
                   else the modification date                                             [#dates]_
modified           ``versioncreated``, ``dateModified``, ``modified``, ``updated``         ISO 8601 date or date-time
paragraphs         ``body_text``; else ``bodies`` (ninjs 2, plain text before HTML);       plain text [#body]_ or
                   else ``body_html``; else ``articleBody``, ``body``, ``content``,        HTML [#html]_
                   ``text`` (HTML when they contain tags)
lead               ``description_text``, ``descriptions`` (ninjs 2), ``description``,      text
                   ``summary``, ``abstract``, ``lead``; else ``description_html``
authors            ``byline``, ``by`` (ninjs 2), ``authors``, ``author``                   byline text [#byline]_, or
                                                                                          names / objects with
                                                                                          ``name``
language           ``language``, ``lang``, ``inLanguage``; else guessed from the text      BCP 47 tag, kept whole
                                                                                          ("en-GB") [#language]_
keywords           ``subject``, ``subjects`` (ninjs 2), ``keywords``, ``tags`` (all,       names, objects with
                   duplicates dropped)                                                    ``name``, or a comma list
section            ``genre``, ``section``, ``category``                                    name or object with
                                                                                          ``name`` (first of a list)
publisher          ``copyrightholder``, ``publisher``, ``provider``, ``source``; else      name or object with
                   the publisher at the url's host                                        ``name``
images             ``associations`` of type ``picture`` (ninjs), then ``images``,          objects [#images]_
                   ``image``
=================  =====================================================================  ==========================

.. [#text] Text is a string, or ninjs 2's list of ``{"role", "value"}`` objects (the ``main``
   role, else the first); white space is folded to single spaces.
.. [#dates] ``2018-09-04`` is a date; ``2018-09-04T10:15:00Z`` and ``...+02:00`` are
   time-zone-aware date-times (the offset is kept; aware date-times compare across zones);
   a date-time without a zone is kept as it is, with a note. A value that is present but
   not such a date refuses the record: ``record 2: 'versioncreated' is not a date: '2018-13-45'``.
.. [#body] Plain text is split into paragraphs at blank lines, or at every line break when it
   has no blank lines. Plain text marks no subheadings.
.. [#html] HTML gives one paragraph per ``<p>``, ``<h1>``-``<h6>``, ``<blockquote>`` and
   ``<li>``, with tags stripped and entities unescaped; headings are subheadings, and a heading
   that repeats the headline is dropped. Scripts, styles, figures and their captions are left
   out; so is text outside those elements (with a note). HTML with no such elements at all is
   read as plain text, with ``<br>`` as line breaks.
.. [#byline] A byline is split into names: "By Ana Lima and Ben Ode", "A, B and C", "A & B".
   Names in a list (``authors``, ``author``) are kept as they are.
.. [#language] A value that is not a BCP 47 tag (``^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$``) is
   dropped with a note, and the language is guessed from the text as for a record without one.
.. [#images] An association of type ``picture`` gives its caption from ``description_text``,
   ``descriptions``, ``headline`` or ``headlines``, its credit from ``copyrightholder``,
   ``creditline``, ``byline`` or ``by``, and its address from ``uri`` or the first
   ``renditions`` ``href`` (ninjs 1 object or ninjs 2 list). ``images`` / ``image`` hold objects
   with ``caption`` (or ``description``, ``alt``), ``credit`` (or ``creditline``,
   ``copyright``, ``copyrightholder``, ``byline``) and ``url`` (or ``src``, ``href``,
   ``contentUrl``), or plain addresses. An image without a credit is passed on all the same:
   the validator refuses the article and says why, so the user sees it.

Records whose ninjs ``type`` is ``picture``, ``graphic``, ``video`` or ``audio`` are media
items, not articles, and are refused. ``located`` and ``dateline`` are ignored: the
knowledge graph takes places from the text. A field whose value has the wrong kind (a
headline that is a number, a keyword that is a list) refuses the record, naming the field
and the value; objects without a name in a list of names (a ninjs subject known only by its
code) are skipped.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from kg.article import Article, Image, Paragraph
from kg.language import guess_language
from kg.readers.errors import ReadError
from kg.readers.publishers import publisher_of
from kg.readers.urls import last_segment, unwrap_proxy

__all__ = ["read_records"]

_URL_FIELDS = ("uri", "url", "canonical_url", "link")
_IDENTIFIER_FIELDS = ("guid", "id")
_HEADLINE_FIELDS = ("headline", "headlines", "title")
_PUBLISHED_FIELDS = ("firstcreated", "datePublished", "published", "pubdate")
_MODIFIED_FIELDS = ("versioncreated", "dateModified", "modified", "updated")
_LEAD_FIELDS = ("description_text", "descriptions", "description", "summary", "abstract", "lead")
_AUTHOR_FIELDS = ("byline", "by", "authors", "author")
_BYLINE_FIELDS = ("byline", "by")
_LANGUAGE_FIELDS = ("language", "lang", "inLanguage")
_KEYWORD_FIELDS = ("subject", "subjects", "keywords", "tags")
_SECTION_FIELDS = ("genre", "section", "category")
_PUBLISHER_FIELDS = ("copyrightholder", "publisher", "provider", "source")
_BODY_FIELDS = ("articleBody", "body", "content", "text")
_MEDIA_TYPES = ("picture", "graphic", "video", "audio")

_CAPTION_FIELDS = ("caption", "description_text", "descriptions", "description", "headline", "headlines", "alt")
_CREDIT_FIELDS = ("credit", "copyrightholder", "creditline", "copyright", "byline", "by")
_IMAGE_URL_FIELDS = ("url", "uri", "src", "href", "contentUrl")

_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_WEB_ADDRESS = re.compile(r"^https?://\S+$", re.IGNORECASE)
_BYLINE_PREFIX = re.compile(r"^\s*by\s+", re.IGNORECASE)
_BYLINE_SEPARATORS = re.compile(r"\s*(?:,\s*and\s+|,|\band\b|&)\s*", re.IGNORECASE)
_LOOKS_LIKE_HTML = re.compile(r"<(?:p|br|h[1-6]|div|blockquote|ul|ol|li|span|a|em|strong|b|i)\b[^>]*>", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


class _RecordError(Exception):
    """What is wrong with one record, said without naming it (the caller knows which it is)."""


# --- Reading the file -------------------------------------------------------------------------

def read_records(data: bytes, source: str) -> list[Article | ReadError]:
    """The articles of a file of JSON records, each read or refused on its own.

    Raises :class:`ReadError` when the file is not JSON, or is JSON but holds no records.
    """
    if not data.strip():
        raise ReadError("the file is empty", source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(f"not UTF-8 text (bad byte at offset {error.start})", source) from None
    readings = []
    for label, number, record in _records(text, source):
        where = f"{source}#{number}"
        if isinstance(record, ReadError):
            readings.append(record)
            continue
        if not isinstance(record, dict):
            readings.append(ReadError(f"{label} is not a JSON object but {_kind(record)}", where))
            continue
        try:
            readings.append(_article(record, where))
        except _RecordError as error:
            readings.append(ReadError(f"{label}: {error}", where))
    return readings


def _records(text: str, source: str) -> Iterator[tuple[str, int, Any]]:
    """(label for messages, number, parsed value or a ReadError) for each record of the text."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        lines = text.splitlines()
        if not _is_json_lines(lines):
            raise ReadError(f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
                            source) from None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", number, json.loads(line)
            except json.JSONDecodeError as line_error:
                yield (f"line {number}", number,
                       ReadError(f"line {number} is not valid JSON: {line_error.msg} at column {line_error.colno}",
                                 f"{source}#{number}"))
        return
    if isinstance(document, dict):
        yield "record 1", 1, document
    elif isinstance(document, list):
        for number, record in enumerate(document, start=1):
            yield f"record {number}", number, record
    else:
        raise ReadError(f"the JSON is {_kind(document)}, not an article record or an array of them", source)


def _is_json_lines(lines: list[str]) -> bool:
    """Whether text that is not one JSON document is JSON Lines rather than broken JSON."""
    filled = [line for line in lines if line.strip()]
    if len(filled) < 2:
        return False
    parsed = 0
    for position, line in enumerate(filled):
        try:
            json.loads(line)
        except json.JSONDecodeError:
            continue
        if position == 0:
            return True
        parsed += 1
    return parsed * 2 >= len(filled)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# --- One record ---------------------------------------------------------------------------------

def _article(record: dict[str, Any], source: str) -> Article:
    notes: list[str] = []
    kind = record.get("type")
    if isinstance(kind, str) and kind.lower() in _MEDIA_TYPES:
        raise _RecordError(f"a ninjs {kind!r} item is media, not an article")

    url, identifier = _address(record, notes)
    headline = _text(record, _HEADLINE_FIELDS)
    published = _date(record, _PUBLISHED_FIELDS, notes)
    modified = _date(record, _MODIFIED_FIELDS, notes)
    lead = _text(record, _LEAD_FIELDS)
    if lead is None and _present(record.get("description_html")):
        lead = " ".join(paragraph.text for paragraph in _html_paragraphs(_string(record, "description_html"), notes))
        lead = lead or None
    paragraphs = _body(record, headline, notes)
    language = _language(record, notes)
    if language is None:
        language = guess_language(" ".join(filter(None, [headline, lead, *(p.text for p in paragraphs)])))
    publisher = _name(record, _PUBLISHER_FIELDS)
    alternate_name = None
    if publisher is None:
        publisher, alternate_name = publisher_of(url)
    return Article(
        source=source,
        url=url,
        identifier=identifier,
        headline=headline,
        section=_name(record, _SECTION_FIELDS, notes),
        published=published if published is not None else modified,
        modified=modified,
        language=language,
        lead=lead,
        paragraphs=tuple(paragraphs),
        images=tuple(_images(record)),
        authors=tuple(_authors(record)),
        keywords=tuple(_keywords(record)),
        publisher=publisher,
        publisher_alternate_name=alternate_name,
        notes=tuple(notes),
    )


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _first(record: dict[str, Any], fields: tuple[str, ...]) -> tuple[str, Any] | None:
    """(field, value) of the first of ``fields`` the record fills."""
    for field in fields:
        if _present(record.get(field)):
            return field, record[field]
    return None


def _fold(text: str) -> str:
    return " ".join(text.split())


def _string(record: dict[str, Any], field: str) -> str:
    value = record[field]
    if not isinstance(value, str):
        raise _RecordError(f"{field!r} is not text: {_show(value)}")
    return value


def _show(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _text_value(field: str, value: Any) -> str:
    """A string, or ninjs 2's list of ``{"role", "value"}`` objects: the main one, else the first."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        chosen = next((item for item in value if item.get("role") in ("main", "text", "default")), value[0])
        text = chosen.get("value", chosen.get("text"))
        if isinstance(text, str):
            return text
    raise _RecordError(f"{field!r} is not text: {_show(value)}")


def _text(record: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    found = _first(record, fields)
    if found is None:
        return None
    return _fold(_text_value(*found)) or None


# --- Addresses and identifiers -------------------------------------------------------------------

def _address(record: dict[str, Any], notes: list[str]) -> tuple[str | None, str | None]:
    url = None
    urn = None
    for field in _URL_FIELDS:
        value = record.get(field)
        if not _present(value):
            continue
        if not isinstance(value, str):
            raise _RecordError(f"{field!r} is not an address: {_show(value)}")
        value = value.strip()
        if _WEB_ADDRESS.match(value):
            url = unwrap_proxy(value)
            break
        if field == "uri":
            urn = value  # ninjs: the news object's identifier, which need not be a web address
        else:
            notes.append(f"dropped {field!r}, which is not a web address: {value[:80]}")
    identifier = None
    found = _first(record, _IDENTIFIER_FIELDS)
    if found is not None:
        field, value = found
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise _RecordError(f"{field!r} is not an identifier: {_show(value)}")
        identifier = str(value).strip() or None
    if identifier is None:
        identifier = urn or (last_segment(url) if url else None)
    return url, identifier


# --- Dates -------------------------------------------------------------------------------------

def parse_iso_date(text: str) -> dt.date | dt.datetime | None:
    """An ISO 8601 date (``datetime.date``) or date-time (``datetime.datetime``), or None."""
    text = text.strip()
    if not re.match(r"^\d{4}", text):  # fromisoformat also reads forms no CMS writes; a year comes first
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _date(record: dict[str, Any], fields: tuple[str, ...], notes: list[str]) -> dt.date | dt.datetime | None:
    found = _first(record, fields)
    if found is None:
        return None
    field, value = found
    parsed = parse_iso_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise _RecordError(f"{field!r} is not a date: {_show(value)}")
    if isinstance(parsed, dt.datetime) and parsed.tzinfo is None:
        notes.append(f"{field!r} has no time zone: {value}")
    return parsed


# --- Body --------------------------------------------------------------------------------------

def _body(record: dict[str, Any], headline: str | None, notes: list[str]) -> list[Paragraph]:
    if _present(record.get("body_text")):
        return _text_paragraphs(_string(record, "body_text"))
    if _present(record.get("bodies")):
        return _ninjs_bodies(record["bodies"], headline, notes)
    if _present(record.get("body_html")):
        return _html_paragraphs(_string(record, "body_html"), notes, headline)
    found = _first(record, _BODY_FIELDS)
    if found is None:
        return []
    field, value = found
    text = _text_value(field, value)
    if _LOOKS_LIKE_HTML.search(text):
        return _html_paragraphs(text, notes, headline)
    return _text_paragraphs(text)


def _ninjs_bodies(bodies: Any, headline: str | None, notes: list[str]) -> list[Paragraph]:
    """ninjs 2 ``bodies``: the plain-text body when there is one, else the first HTML one."""
    if not isinstance(bodies, list) or not all(isinstance(body, dict) for body in bodies):
        raise _RecordError(f"'bodies' is not a list of objects: {_show(bodies)}")

    def kind(body: dict[str, Any]) -> str:
        return str(body.get("contenttype") or body.get("role") or "").lower()

    usable = [body for body in bodies if isinstance(body.get("value"), str)]
    for body in usable:
        if kind(body) in ("text/plain", "text", "plain"):
            return _text_paragraphs(body["value"])
    for body in usable:
        if "html" in kind(body):
            return _html_paragraphs(body["value"], notes, headline)
    if usable:
        notes.append(f"no plain-text or HTML body among {len(bodies)} 'bodies'")
    return []


def _text_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs at blank lines; at every line break when the text has no blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    return [Paragraph(folded) for block in blocks if (folded := _fold(block))]


class _BlockParser(HTMLParser):
    """The text of an HTML body's paragraphs, headings, quotes and list items, in order."""

    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
    BLOCKS = HEADINGS | {"p", "blockquote", "li"}
    SKIPPED = {"script", "style", "figure", "figcaption", "noscript", "template", "aside", "nav", "head"}
    VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []
        self.loose: list[str] = []
        """Text outside any block element, with ``<br>`` as line breaks."""
        self.open: list[str] = []
        self.skipping: list[str] = []
        self.buffer: list[str] = []

    def _flush(self) -> None:
        text = _fold("".join(self.buffer))
        self.buffer = []
        if text:
            is_heading = bool(self.open) and self.open[-1] in self.HEADINGS
            self.blocks.append((text, is_heading))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            if tag == "br":
                (self.buffer if self.open else self.loose).append("\n" if not self.open else " ")
            return
        if tag in self.SKIPPED:
            self.skipping.append(tag)
        elif tag in self.BLOCKS and not self.skipping:
            self._flush()
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in self.BLOCKS and tag in self.open:
            self._flush()
            while self.open and self.open.pop() != tag:
                pass
        elif tag in ("div", "section", "article", "body") and not self.open:
            self.loose.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        (self.buffer if self.open else self.loose).append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _html_paragraphs(markup: str, notes: list[str], headline: str | None = None) -> list[Paragraph]:
    parser = _BlockParser()
    parser.feed(markup)
    parser.close()
    loose = "".join(parser.loose)
    if not parser.blocks:
        return _text_paragraphs(loose)  # the parser has unescaped the entities already
    if _fold(loose):
        notes.append(f"dropped text outside paragraphs in the HTML body: {_fold(loose)[:60]}")
    paragraphs = [Paragraph(text, is_subheading) for text, is_subheading in parser.blocks]
    if paragraphs and paragraphs[0].is_subheading and headline and paragraphs[0].text == headline:
        paragraphs = paragraphs[1:]
    return paragraphs


# --- Names: people, keywords, sections, publishers ----------------------------------------------

def _name_of(field: str, value: Any) -> str:
    """A name given as a string or as an object's ``name``; "" for an object without one (a
    ninjs subject known only by its code), which is skipped."""
    if isinstance(value, dict):
        value = value.get("name", value.get("value", ""))
    if not isinstance(value, str):
        raise _RecordError(f"{field!r} holds something that is not a name: {_show(value)}")
    return _fold(value)


def _names(field: str, value: Any, *, split_commas: bool = False) -> list[str]:
    if isinstance(value, str) and split_commas:
        return [name for part in value.split(",") if (name := _fold(part))]
    items = value if isinstance(value, list) else [value]
    return [name for item in items if (name := _name_of(field, item))]


def _name(record: dict[str, Any], fields: tuple[str, ...], notes: list[str] | None = None) -> str | None:
    found = _first(record, fields)
    if found is None:
        return None
    field, value = found
    names = _names(field, value)
    if len(names) > 1 and notes is not None:
        notes.append(f"kept the first of {len(names)} values of {field!r}: {names[0]}")
    return names[0] if names else None


def split_byline(byline: str) -> list[str]:
    """The names in a byline: "By Ana Lima and Ben Ode", "A, B and C", "A & B"."""
    byline = _BYLINE_PREFIX.sub("", _fold(byline))
    return [name for part in _BYLINE_SEPARATORS.split(byline) if (name := part.strip(" .;"))]


def _authors(record: dict[str, Any]) -> list[str]:
    found = _first(record, _AUTHOR_FIELDS)
    if found is None:
        return []
    field, value = found
    if field in _BYLINE_FIELDS and isinstance(value, str):
        return split_byline(value)
    return _dedupe(_names(field, value))


def _keywords(record: dict[str, Any]) -> list[str]:
    keywords = []
    for field in _KEYWORD_FIELDS:
        if _present(record.get(field)):
            keywords += _names(field, record[field], split_commas=True)
    return _dedupe(keywords)


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def _language(record: dict[str, Any], notes: list[str]) -> str | None:
    found = _first(record, _LANGUAGE_FIELDS)
    if found is None:
        return None
    field, value = found
    tag = value.strip() if isinstance(value, str) else None
    if tag and _LANGUAGE_TAG.match(tag):
        return tag
    notes.append(f"dropped {field!r}, which is not a BCP 47 language tag: {_show(value)}; guessed from the text")
    return None


# --- Images ------------------------------------------------------------------------------------

def _images(record: dict[str, Any]) -> list[Image]:
    images = []
    associations = record.get("associations")
    if _present(associations):
        if isinstance(associations, dict):
            associations = list(associations.values())
        if not isinstance(associations, list):
            raise _RecordError(f"'associations' is not an object or a list: {_show(associations)}")
        for association in associations:
            if isinstance(association, dict) and association.get("type") == "picture":
                images.append(_image("associations", association))
    for field in ("images", "image"):
        value = record.get(field)
        if _present(value):
            for item in value if isinstance(value, list) else [value]:
                images.append(_image(field, item))
    return images


def _image(field: str, item: Any) -> Image:
    if isinstance(item, str) and _WEB_ADDRESS.match(item.strip()):
        return Image(caption=None, credit=None, url=item.strip())
    if not isinstance(item, dict):
        raise _RecordError(f"{field!r} holds something that is not an image: {_show(item)}")
    caption = _text(item, _CAPTION_FIELDS)
    credit = _text(item, _CREDIT_FIELDS)
    url = None
    found = _first(item, _IMAGE_URL_FIELDS)
    if found is not None and isinstance(found[1], str) and _WEB_ADDRESS.match(found[1].strip()):
        url = found[1].strip()
    if url is None:
        url = _rendition_href(item.get("renditions"))
    return Image(caption=caption, credit=credit, url=url)


def _rendition_href(renditions: Any) -> str | None:
    """The address of the first rendition (ninjs 1: an object of renditions; ninjs 2: a list)."""
    if isinstance(renditions, dict):
        renditions = list(renditions.values())
    if not isinstance(renditions, list):
        return None
    for rendition in renditions:
        href = rendition.get("href") if isinstance(rendition, dict) else None
        if isinstance(href, str) and _WEB_ADDRESS.match(href.strip()):
            return href.strip()
    return None
