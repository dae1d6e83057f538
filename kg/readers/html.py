"""Reader for saved HTML news pages of any publisher.

A news page says what it is twice: once for machines (JSON-LD, OpenGraph, ``<meta>`` tags,
microdata), written by the publisher's CMS and therefore exact, and once for people (the text
between the site's chrome). This reader trusts the first for the facts about the article
(headline, dates, bylines, publisher, address, language) and uses trafilatura, a general
main-text extractor, for the second. What the structured data lacks is taken from what the
page displays (its ``<h1>``, its byline elements: :mod:`kg.readers.bylines`, its share links)
and from trafilatura's own metadata, and the publication date, as a last resort, from htmldate.

Nothing here names a site: every rule follows a metadata convention that many sites share, so
that a page from a publisher never seen before reads as well as one from a known one.
"""
from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import html
import json
import logging
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from kg.article import Article, Image, Paragraph
from kg.language import guess_language
from kg.readers.bylines import (byline_names, choose_authors, clean_authors, comparable, labelled_bylines,
                                marked_bylines)
from kg.readers.errors import ReadError
from kg.readers.publishers import publisher_of
from kg.readers.urls import host, last_segment, unwrap_proxy

log = logging.getLogger(__name__)

MAX_BYTES = 15_000_000
"""Pages larger than this are refused: no news article is that long, and parsing it costs seconds."""

_WHITESPACE = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HTML_MARKERS = re.compile(r"<(?:!doctype\s+html|html|head|body|title|meta|article|div|p)\b", re.IGNORECASE)

_TRAILING_SEPARATORS = " |-–—:·"
"""What separates a kicker or a site's name from a headline."""

_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "liveblogposting",
                  "analysisnewsarticle", "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
                  "socialmediaposting", "report"}


def _clean(value: object) -> str | None:
    """A string with white space folded; None for anything empty or not a string."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    if "&" in value and ";" in value:  # CMSs write entities into JSON-LD and meta contents
        value = html.unescape(value)
    text = _WHITESPACE.sub(" ", value).strip()
    return text or None


# --- decoding -------------------------------------------------------------------------------

def decode_page(data: bytes) -> str:
    """The page's text: its byte-order mark or declared charset, else UTF-8, else Windows-1252.

    Windows-1252 with replacement never fails, so a page in a wrong or unknown encoding still
    reads (with a few wrong characters) rather than being refused. ISO-8859-1 and ASCII
    declarations mean Windows-1252, as browsers read them.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    head = data[:8192]
    declared = _XML_ENCODING.search(head) or _CHARSET.search(head)
    candidates = []
    if declared:
        name = declared.group(1).decode("ascii", errors="ignore").lower()
        try:
            name = codecs.lookup(name).name
        except LookupError:
            log.debug("unknown declared charset %r", name)
        else:
            if name in {"latin-1", "iso8859-1", "ascii"}:
                name = "cp1252"
            if not name.startswith("utf-16"):  # a page read as bytes is never UTF-16 without a BOM
                candidates.append(name)
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


# --- structured data ------------------------------------------------------------------------

@dataclass
class PageData:
    """What the page's machine-readable parts say, each list in order of trust."""

    headlines: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    """Raw bylines, from the most trusted source that has any."""
    publishers: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    shared_url: str | None = None
    """The address the page's share links carry, for pages that state none of their own."""
    identifiers: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    uncredited_images: int = 0
    title: str | None = None
    """The ``<title>``, kept apart: it usually carries the site's name."""
    h1: list[str] = field(default_factory=list)
    """The distinct texts of the page's ``<h1>`` elements, kickers left out: the headline as
    displayed, or the site's logo."""
    wall_times: list[str] = field(default_factory=list)
    """The ``datetime``s of the page's ``<time>`` elements, which often give local time without a zone."""
    notes: list[str] = field(default_factory=list)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _is_article(node: dict[str, Any]) -> bool:
    return any(kind in _ARTICLE_TYPES or kind.endswith("article") for kind in _types(node))


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document, lists and ``@graph``s flattened, nested ones included."""
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, dict):
        yield value
        for key, item in value.items():
            if key != "@context" and isinstance(item, (dict, list)):
                yield from _nodes(item)


def _json_ld_documents(tree: Any, notes: list[str]) -> list[Any]:
    documents = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        text = (script.text or "").strip()
        text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|^<!--|-->$", "", text).strip()
        if not text:
            continue
        try:
            documents.append(json.loads(text, strict=False))
        except (ValueError, RecursionError):
            try:  # a common CMS slip: a trailing comma before a closing bracket
                documents.append(json.loads(re.sub(r",\s*([}\]])", r"\1", text), strict=False))
            except (ValueError, RecursionError):
                notes.append("ignored a JSON-LD block that is not valid JSON")
    return documents


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """The names in a JSON-LD person/organization value: a string, an object, a reference or a list."""
    if isinstance(value, list):
        return [name for item in value for name in _names(item, by_id)]
    if isinstance(value, dict):
        if set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
            value = by_id[value["@id"]]
        name = value.get("name")
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, dict):
            name = name.get("@value")
        if not _clean(name) and (value.get("givenName") or value.get("familyName")):
            name = f"{value.get('givenName') or ''} {value.get('familyName') or ''}"
        return [text] if (text := _clean(name)) else []
    return [text] if (text := _clean(value)) else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        return _strings(value.get("@value") or value.get("value") or value.get("name"))
    return [text] if (text := _clean(value)) else []


def _first_url(value: Any) -> str | None:
    if isinstance(value, list):
        return next(filter(None, map(_first_url, value)), None)
    if isinstance(value, dict):
        return _first_url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    text = _clean(value)
    return text if text and text.lower().startswith(("http://", "https://", "//", "/")) else None


def _json_ld_images(value: Any, by_id: dict[str, dict[str, Any]], data: PageData) -> None:
    """Credited images become :class:`Image`s; the others are only counted, to say so in a note."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and set(item) <= {"@id", "@type"} and item.get("@id") in by_id:
            item = by_id[item["@id"]]
        if not isinstance(item, dict):
            if _clean(item):
                data.uncredited_images += 1
            continue
        credit = next(iter(_strings(item.get("creditText"))
                           or _names(item.get("copyrightHolder"), by_id)
                           or _names(item.get("author"), by_id)
                           or _names(item.get("creator"), by_id)), None)
        caption = next(iter(_strings(item.get("caption")) or _strings(item.get("description"))), None)
        if credit:
            data.images.append(Image(caption=caption, credit=credit, url=_first_url(item)))
        else:
            data.uncredited_images += 1


def _read_json_ld(tree: Any, data: PageData) -> None:
    documents = _json_ld_documents(tree, data.notes)
    nodes = [node for document in documents for node in _nodes(document)]
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str) and len(node) > 2}
    articles = [node for node in nodes if _is_article(node)]
    # The page's own article comes first: a headline and a body or date, not a teaser in a list.
    articles.sort(key=lambda node: (not node.get("headline"), not (node.get("datePublished") or node.get("articleBody"))))
    for node in articles[:1]:
        data.headlines += _strings(node.get("headline")) or _strings(node.get("name"))
        data.published += _strings(node.get("datePublished")) or _strings(node.get("dateCreated"))
        data.modified += _strings(node.get("dateModified"))
        data.authors += _names(node.get("author"), by_id) or _names(node.get("creator"), by_id)
        data.publishers += _names(node.get("publisher"), by_id) or _names(node.get("sourceOrganization"), by_id)
        data.sections += _strings(node.get("articleSection"))
        keywords = _strings(node.get("keywords"))
        data.keywords += [k for text in keywords for k in text.split(",")] if len(keywords) == 1 else keywords
        data.leads += _strings(node.get("description"))
        data.urls += list(filter(None, [_first_url(node.get("url")), _first_url(node.get("mainEntityOfPage"))]))
        data.identifiers += [text for text in _strings(node.get("identifier")) if " " not in text]
        data.languages += _strings(node.get("inLanguage"))
        _json_ld_images(node.get("image"), by_id, data)
    for node in nodes:  # the site's own description of itself, where the article does not say
        if "website" in _types(node):
            data.site_names += _names(node, by_id)
            data.languages += _strings(node.get("inLanguage"))


def _meta(tree: Any) -> dict[str, list[str]]:
    """``<meta>`` contents by lower-cased name/property/itemprop, in page order."""
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        content = _clean(element.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attribute)
            if key:
                for name in key.lower().split():
                    found.setdefault(name, []).append(content)
    return found


def _microdata(tree: Any, prop: str) -> list[str]:
    """The values of ``itemprop`` ``prop`` (content, datetime, or text; a nested item's name)."""
    values = []
    for element in tree.xpath(f'//*[contains(concat(" ", normalize-space(@itemprop), " "), " {prop} ")]'):
        if element.tag == "meta":
            continue  # read with the other meta tags
        if element.get("itemscope") is not None:
            names = element.xpath('.//*[contains(concat(" ", normalize-space(@itemprop), " "), " name ")]')
            value = (names[0].get("content") or names[0].text_content()) if names else element.text_content()
        else:
            value = element.get("content") or element.get("datetime") or element.text_content()
        if text := _clean(value):
            values.append(text)
    return values


def _pick(meta: dict[str, list[str]], *names: str) -> list[str]:
    return [value for name in names for value in meta.get(name, [])]


_SHARED = re.compile(r"[?&](?:amp;)?(?:url|u)=(https?%3A%2F%2F[^&'\"\s)]+)", re.IGNORECASE)
_MIN_SHARE_LINKS = 2


def _shared_address(tree: Any) -> str | None:
    """The address that the page's share links ("…/submit?url=ADDRESS") agree on.

    Links that share the page on other sites carry its address, encoded; where two or more
    carry the same one, it is the page's own. Pages with metadata state it themselves.
    """
    counts = Counter(unquote(match.group(1)) for href in tree.xpath("//a/@href") if "=http" in href.lower()
                     for match in _SHARED.finditer(href))
    address, count = next(iter(counts.most_common(1)), (None, 0))
    return address if count >= _MIN_SHARE_LINKS else None


_KICKER = re.compile(r"kicker|overline|dachzeile|topline|roofline|eyebrow|supertitle|pretitle|label|flag|rubric",
                     re.IGNORECASE)
_HIDDEN = re.compile(r"hidden|sr-only|screen-reader|visually", re.IGNORECASE)
_MAX_TIMES = 20
"""``<time>`` elements read for the local clock time: the article's own come first, teasers' later."""


def _is_hidden(element: Any) -> bool:
    return element.get("aria-hidden") == "true" or bool(_HIDDEN.search(element.get("class") or ""))


def displayed_headline(h1: Any) -> str | None:
    """The text of an ``<h1>`` without the kicker that opens it.

    Pages display a short label above or before the headline ("Climate: ", "Analysis") as
    the heading's first child, marked by its class (``kicker``, ``overline``, ``dachzeile``,
    ...) or by a visually hidden separator after it that reads ": " to screen readers. The
    structured data usually glue it to the headline; the headline proper is what follows.
    """
    children = [child for child in h1 if isinstance(child.tag, str)]
    if children and not (h1.text or "").strip():
        first = children[0]
        if _KICKER.search(first.get("class") or "") or (len(children) > 1 and _is_hidden(children[1])):
            rest = [first.tail or ""]
            for child in children[1:]:
                if not _is_hidden(child):
                    rest.append(child.text_content())
                rest.append(child.tail or "")
            if text := _clean(" ".join(rest).lstrip(_TRAILING_SEPARATORS)):
                return text
    return _clean(h1.text_content())


def _read_tags(tree: Any, data: PageData) -> None:
    """OpenGraph, then other ``<meta>`` conventions, microdata, ``<link rel=canonical>`` and ``<html lang>``."""
    meta = _meta(tree)
    parsely: dict[str, Any] = {}
    for text in meta.get("parsely-page", [])[:1]:
        try:
            loaded = json.loads(text)
            parsely = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            data.notes.append("ignored a parsely-page tag that is not valid JSON")
    data.headlines += _pick(meta, "og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title",
                            "headline") + _strings(parsely.get("title")) + _microdata(tree, "headline")
    data.published += _pick(meta, "article:published_time", "og:published_time", "article:published",
                            "datepublished", "rnews:datepublished", "parsely-pub-date", "sailthru.date",
                            "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
                            "date", "pubdate", "publishdate", "publish-date", "publication_date", "article.published",
                            "og:article:published_time", "cxenseparse:recs:publishtime") \
        + _strings(parsely.get("pub_date")) + _microdata(tree, "datePublished")
    data.modified += _pick(meta, "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
                           "dcterms.modified", "last-modified", "lastmod") + _microdata(tree, "dateModified")
    data.authors += _pick(meta, "author", "article:author", "dc.creator", "dcterms.creator", "parsely-author",
                          "sailthru.author", "byl", "byline", "cxenseparse:author", "twitter:creator") \
        + _strings(parsely.get("author")) + _strings(parsely.get("authors")) + _microdata(tree, "author")
    data.site_names += _pick(meta, "og:site_name", "application-name", "dc.publisher", "publisher")
    data.sections += _pick(meta, "article:section", "parsely-section", "sailthru.section", "section",
                           "cxenseparse:recs:category") + _strings(parsely.get("section"))
    tags = _pick(meta, "article:tag") + [k for text in _pick(meta, "news_keywords", "keywords", "parsely-tags",
                                                             "sailthru.tags", "dc.subject") for k in text.split(",")]
    data.keywords += tags
    data.leads += _pick(meta, "og:description", "description", "twitter:description", "dc.description")
    data.urls += _pick(meta, "og:url", "parsely-link", "twitter:url") + _strings(parsely.get("link"))
    for link in tree.xpath('//link[@href and contains(concat(" ", translate(@rel, "CANONICAL", "canonical"), " "),'
                           ' " canonical ")]'):
        data.urls.append(link.get("href").strip())
    data.shared_url = _shared_address(tree)
    data.languages += _pick(meta, "og:locale", "content-language", "dc.language", "language", "inlanguage")
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    data.languages += list(filter(None, [_clean(root.get("lang")), _clean(root.get("xml:lang"))]))
    data.h1 = list(dict.fromkeys(text for h1 in tree.xpath("//h1") if (text := displayed_headline(h1))))
    data.wall_times = [value for time in tree.xpath("//time[@datetime]")[:_MAX_TIMES]
                       if (value := _clean(time.get("datetime")))]
    titles = tree.xpath("//title")
    data.title = _clean(titles[0].text_content()) if titles else None
    if not data.images and (meta.get("og:image") or meta.get("twitter:image")):
        data.uncredited_images += 1


def read_structured_data(tree: Any) -> PageData:
    """Everything the page's markup says about the article, before any text extraction."""
    data = PageData()
    _read_json_ld(tree, data)
    json_ld_authors = list(data.authors)
    _read_tags(tree, data)
    if json_ld_authors:  # bylines come from one source: mixing them would double every name
        data.authors = json_ld_authors
    return data


# --- values ---------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_datetime(text: str) -> dt.date | dt.datetime | None:
    """A date, or a timezone-aware datetime when the text gives a time and its zone.

    A time without a zone names no instant, so only its day is kept; so is a midnight that
    CMSs write for "no time known" (``T00:00:00`` without a zone).
    """
    value = text.strip()
    if match := _ISO_DAY.match(value):
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    parsed: dt.datetime | None = None
    candidate = _OFFSET_WITHOUT_COLON.sub(r"\1:\2", value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", value)
                                          else value)
    try:
        parsed = dt.datetime.fromisoformat(candidate.replace("z", "Z"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            try:
                from dateutil import parser as dateutil_parser  # htmldate's own dependency

                with warnings.catch_warnings():  # an unknown zone name only costs the time
                    warnings.simplefilter("ignore")
                    parsed = dateutil_parser.parse(value, fuzzy=False)
            except (ValueError, OverflowError, TypeError, LookupError):
                return None
    if parsed is None or not 1900 <= parsed.year <= dt.date.today().year + 1:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return parsed.date()
    return parsed


def _wall_time(text: str) -> dt.datetime | None:
    """A date and time without a zone ("2023-11-08 23:30:59"): the clock on the publisher's wall."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return value if value.tzinfo is None else None


_MAX_OFFSET = dt.timedelta(hours=14)


def _first_date(values: Iterable[str], wall_times: Iterable[str] = ()) -> dt.date | dt.datetime | None:
    """The first date that parses, in the publisher's own offset where the page gives it.

    Of the same instant written in UTC and in a local offset, the local one is kept, whose day
    is the day the publisher's readers saw. A page that states only UTC often shows the local
    clock time in a ``<time>`` element without a zone; a clock time whole quarter-hours away
    from the UTC time, to the second, gives the offset.
    """
    parsed = [value for value in map(parse_datetime, values) if value is not None]
    if not parsed:
        return None
    first = parsed[0]
    if not (isinstance(first, dt.datetime) and first.utcoffset() == dt.timedelta(0)):
        return first
    for other in parsed[1:]:
        if isinstance(other, dt.datetime) and other == first and other.utcoffset() != dt.timedelta(0):
            return other
    if (first.minute, first.second) != (0, 0):  # a round hour could be any page's clock
        for wall in filter(None, map(_wall_time, wall_times)):
            offset = wall - first.replace(tzinfo=None)
            if offset and abs(offset) <= _MAX_OFFSET and offset % dt.timedelta(minutes=15) == dt.timedelta(0):
                return first.astimezone(dt.timezone(offset))
    return first


_HOST_FIRST = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?/", re.IGNORECASE)
"""An address written without its scheme: "www.example.com/path"."""


def _absolute_url(candidates: Iterable[str]) -> str | None:
    """The first address that is (or resolves, against an absolute one, to) an http(s) URL.

    An address without a scheme ("//host/path", "www.host.example/path") is read as a
    browser reads it, with https."""
    values = [value.strip() for value in candidates if value and value.strip()]
    base = next((value for value in values if value.lower().startswith(("http://", "https://"))), None)
    for value in values:
        if value.startswith("//"):
            value = "https:" + value
        elif _HOST_FIRST.match(value):
            value = "https://" + value
        elif not value.lower().startswith(("http://", "https://")):
            if base is None or not value.startswith("/"):
                continue
            value = urljoin(base, value)
        value = unwrap_proxy(value)
        parts = urlsplit(value)
        if parts.scheme in {"http", "https"} and parts.hostname and "." in parts.hostname:
            return quote(value, safe=":/?#[]@!$&'()*+,;=%~")
    return None


_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


def _language(values: Iterable[str]) -> str | None:
    for value in values:
        if match := _LANGUAGE.match(value.strip()):
            return match.group(1).lower()
    return None


def strip_site_suffix(title: str, site_names: Iterable[str]) -> str:
    """A ``<title>`` without its " | Site" / " - Site" part, when that part names the site."""
    names = {comparable(name) for name in site_names if name}
    names |= {name.rsplit(".", 1)[0] for name in list(names)}
    names.discard("")
    for separator in (" | ", " - ", " – ", " — ", " :: ", " · ", " : ", "：", " » "):
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        if tail and comparable(tail) and head.strip() and any(
                comparable(tail) == name or comparable(tail).removesuffix("com") == name
                or (len(name) > 3 and name in comparable(tail)) for name in names):
            return head.strip()
        head, _, tail = title.partition(separator)  # "Site | Headline"
        if head and any(comparable(head) == name for name in names) and tail.strip():
            return tail.strip()
    return title


_TITLE_SEPARATOR = re.compile(r"\s*[|\-–—_·»:：]\s*")


def _head_stated_alone(title: str, texts: Iterable[str]) -> str:
    """A ``<title>`` without what follows a separator, where the page states the head alone.

    A site that names itself nowhere else still ends its titles with its name ("Headline-Site");
    when the description (or another copy) opens with the head and not with the whole title,
    the tail is the site's name. A head shorter than half the title is not taken: that
    separator more likely opens a subtitle.
    """
    whole = comparable(title)
    for match in reversed(list(_TITLE_SEPARATOR.finditer(title))):
        head = title[:match.start()].strip()
        key = comparable(head)
        if len(key) >= len(whole) / 2 and any(
                (text_key := comparable(text)).startswith(key) and not text_key.startswith(whole) for text in texts):
            return head
    return title


_WORD = re.compile(r"\w+")
_MIN_WORDS_WITHOUT_HEADLINE = 30
"""A page without any headline is an article only if it has some text: a menu's words are not one."""


def _similar(one: str, other: str) -> bool:
    """Whether two headlines say the same in other words: half their words in common, at least."""
    words, others = set(_WORD.findall(one.casefold())), set(_WORD.findall(other.casefold()))
    return bool(words and others) and len(words & others) / max(len(words), len(others)) >= 0.5


_ELLIPSIS = re.compile(r"\s*(?:\.{3}|…)$")


def _untruncated(text: str, others: Iterable[str]) -> str:
    """A headline cut short with "..." made whole from another copy that goes on where it stops."""
    stem = _ELLIPSIS.sub("", text)
    if stem == text:
        return text
    return next((other for other in others if other and len(other) > len(stem) and other.startswith(stem)), text)


def choose_headline(page: PageData, site_names: list[str], fallback: str | None) -> str | None:
    """The headline: the structured data's, or the displayed ``<h1>`` where it is a truer copy.

    Publishers write a headline for search engines and social media (with a kicker such as
    "Brexit: ", a shortened or truncated wording) and display another. The one ``<h1>`` that
    says much the same as the structured headline shows the article's own headline (other
    ``<h1>``s are the site's logo or chrome). An ``<h1>`` that only adds words around the
    structured headline (a section label) is not preferred, unless another copy (the
    ``<title>``, OpenGraph) states the same words.
    """
    title = strip_site_suffix(page.title, site_names) if page.title else None
    if title and not page.headlines:
        title = _head_stated_alone(title, page.leads)
    candidates = [strip_site_suffix(text, site_names).rstrip(_TRAILING_SEPARATORS) for text in page.headlines]
    copies = [text for text in [*candidates, title] if text]
    candidates = [_untruncated(text, [*page.h1, *copies]) for text in candidates]
    copies = [text for text in [*candidates, title] if text]
    structured = next((text for text in candidates if text), None) or title or fallback
    shown_candidates = [text.rstrip(_TRAILING_SEPARATORS) for text in page.h1
                        if any(_similar(text, copy) for copy in copies)]
    if len(shown_candidates) == 1 and (shown := shown_candidates[0]):
        shown_key, structured_key = comparable(shown), comparable(structured or "")
        adds_chrome = bool(structured_key) and structured_key in shown_key and structured_key != shown_key
        if not adds_chrome or any(comparable(copy) == shown_key for copy in copies):
            return shown
    return structured


# --- text -----------------------------------------------------------------------------------

@dataclass
class Extracted:
    text: str = ""
    subheadings: set[str] = field(default_factory=set)
    title: str | None = None
    date: str | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    description: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def extract_text(tree: Any) -> Extracted:
    """The main text and trafilatura's metadata (trafilatura works on a copy of the tree)."""
    import trafilatura

    root = tree.getroot() if hasattr(tree, "getroot") else tree
    document = trafilatura.bare_extraction(root, with_metadata=True, include_comments=False, include_tables=True,
                                           favor_recall=False, deduplicate=False)
    if document is None:
        return Extracted()
    values = document if isinstance(document, dict) else document.as_dict()
    body = values.get("body")
    subheadings = set()
    if body is not None:
        for head in body.iter("head"):
            if text := _clean("".join(head.itertext())):
                subheadings.add(text)
    return Extracted(
        text=values.get("text") or "",
        subheadings=subheadings,
        title=_clean(values.get("title")),
        date=_clean(values.get("date")),
        author=_clean(values.get("author")),
        sitename=_clean(values.get("sitename")),
        url=_clean(values.get("url")),
        description=_clean(values.get("description")),
        categories=[c for c in (values.get("categories") or []) if _clean(c)],
        tags=[t for t in (values.get("tags") or []) if _clean(t)],
    )


def _is_copy_of_headline(text: str, headline: str) -> bool:
    """Whether a paragraph is the headline, or the headline after a kicker ("Climate: Headline")."""
    key, headline_key = comparable(text), comparable(headline)
    return key == headline_key or (
        bool(headline_key) and key.endswith(headline_key) and len(key) < 2 * len(headline_key))


def _paragraphs(extracted: Extracted, headline: str | None, lead: str | None
                ) -> tuple[tuple[Paragraph, ...], tuple[str, ...]]:
    """The text's paragraphs, and the names of a byline line that opens or closes it ("By Jane Doe")."""
    paragraphs = []
    for line in extracted.text.splitlines():
        if text := _clean(line):
            paragraphs.append(Paragraph(text, is_subheading=text in extracted.subheadings))
    # The extractor often repeats the headline (with its kicker) and the lead on top of the text.
    if paragraphs and headline and _is_copy_of_headline(paragraphs[0].text, headline):
        paragraphs.pop(0)
    if paragraphs and lead and comparable(paragraphs[0].text) == comparable(lead):
        paragraphs.pop(0)
    names: tuple[str, ...] = ()
    for index in (0, -1):
        if len(paragraphs) > 1 and (names := byline_names(paragraphs[index].text)):
            paragraphs.pop(index)
            break
    return tuple(paragraphs), names


def _other_bylines(tree: Any, text_byline: tuple[str, ...], extracted: str | None) -> Iterator[tuple[str, ...]]:
    """The page's bylines besides its structured data's, most trusted first; each is looked
    for only when the ones before name nobody."""
    yield marked_bylines(tree)
    yield text_byline
    yield labelled_bylines(tree)
    yield clean_authors([extracted], strict=True) if extracted else ()


def _htmldate(text: str, url: str | None) -> str | None:
    from htmldate import find_date

    return find_date(text, original_date=True, extensive_search=True, url=url)


# --- the reader -----------------------------------------------------------------------------

def _parse(text: str) -> Any:
    import lxml.html
    from lxml import etree

    text = _XML_DECLARATION.sub("", text, count=1).replace("\x00", "")
    parser = lxml.html.HTMLParser(remove_comments=True, huge_tree=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser).getroottree()
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise ReadError(f"the HTML cannot be parsed ({error})") from None


def _dedupe(values: Iterable[str], limit: int = 50) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        if (text := _clean(value)) and text.casefold() not in seen:
            seen[text.casefold()] = text
    return tuple(seen.values())[:limit]


def read_html(data: bytes, source: str) -> Article:
    """Read the one article of a saved HTML page; raise :class:`ReadError` saying why not."""
    if len(data) > MAX_BYTES:
        raise ReadError(f"the page is too large to be one article ({len(data) // 1_000_000} MB)", source)
    if not data.strip():
        raise ReadError("the file is empty", source)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError("not an HTML page (binary content)", source)
    text = decode_page(data)
    if not _HTML_MARKERS.search(text[:100_000]):
        raise ReadError("not an HTML page (no HTML markup found)", source)
    try:
        return _read(text, source)
    except ReadError as error:
        error.source = error.source or source
        raise
    except RecursionError:
        raise ReadError("the page's markup is nested too deeply to read", source) from None
    except Exception as error:  # a library's failure on a strange page must not stop a batch
        log.debug("%s: reading failed", source, exc_info=True)
        raise ReadError(f"the page could not be read ({type(error).__name__}: {error})", source) from None


def _read(text: str, source: str) -> Article:
    tree = _parse(text)
    page = read_structured_data(tree)
    notes = list(page.notes)
    try:
        extracted = extract_text(tree)
    except (RecursionError, MemoryError):
        raise
    except Exception as error:
        log.debug("%s: trafilatura failed", source, exc_info=True)
        raise ReadError(f"the text extractor failed on the page ({type(error).__name__}: {error})", source) from None

    url = _absolute_url([*page.urls, *(filter(None, [extracted.url]))])
    if url is None and page.shared_url:
        url = _absolute_url([page.shared_url])
        notes.append("the page's address is taken from its share links")
    known_publisher, alternate_name = publisher_of(url)
    site_names = [*page.publishers, *page.site_names, *(filter(None, [extracted.sitename]))]
    if url and alternate_name:  # a publisher the project knows keeps one name across readers
        publisher: str | None = known_publisher
    else:
        publisher, alternate_name = next(iter(site_names), None) or known_publisher, None

    headline = choose_headline(page, [*site_names, host(url) if url else ""], extracted.title)
    lead = next(iter(page.leads), None) or extracted.description
    paragraphs, text_byline = _paragraphs(extracted, headline, lead)
    if not headline and sum(len(p.text.split()) for p in paragraphs) < _MIN_WORDS_WITHOUT_HEADLINE:
        raise ReadError("no article text found in the page", source)
    if not paragraphs:
        notes.append("no article text found in the page; only its metadata was read")

    published = _first_date(page.published, page.wall_times)
    if published is None and extracted.date:
        published = parse_datetime(extracted.date)
    if published is None:
        try:
            found = _htmldate(text, url)
        except Exception as error:  # htmldate is a last resort: its failure only costs the date
            log.debug("%s: htmldate failed", source, exc_info=True)
            notes.append(f"the date finder failed ({type(error).__name__})")
            found = None
        published = parse_datetime(found) if found else None
        if published is not None:
            notes.append("publication date guessed from the page by htmldate")
    if published is None:
        notes.append("no publication date found in the page")

    authors = choose_authors(page.authors, [*site_names, publisher or "", host(url) if url else ""],
                             _other_bylines(tree, text_byline, extracted.author))
    if page.uncredited_images:
        notes.append(f"left out {page.uncredited_images} image(s) without a credit: "
                     "an image may only be published with its credit")
    language = _language(page.languages) or guess_language(" ".join(
        filter(None, [headline, lead, *(p.text for p in paragraphs[:30])])))
    identifier = next(iter(page.identifiers), None) or (last_segment(url) if url else None)
    return Article(
        source=source,
        url=url,
        identifier=identifier,
        headline=headline,
        section=next(iter(_dedupe([*page.sections, *extracted.categories])), None),
        published=published,
        modified=_first_date(page.modified),
        language=language,
        lead=lead,
        paragraphs=paragraphs,
        images=tuple(page.images),
        authors=authors,
        keywords=_dedupe([*page.keywords, *(tag for tags in extracted.tags for tag in tags.split(","))]),
        publisher=publisher,
        publisher_alternate_name=alternate_name,
        notes=tuple(notes),
    )
