"""Bylines: who wrote an article, from wherever a page says it.

A page names its authors in its structured data (JSON-LD ``author``, ``<meta name=author>``),
in elements its markup marks as a byline (``class="byline"``, ``rel="author"`` links), in a
labelled line ("Author: Jane Doe") or in a line of the text ("By Jane Doe"). Every place also
carries what is not a name: the site's own name where the CMS knew no author, roles ("Staff
Writer", "for The Daily Planet"), dates, e-mail addresses and handles. This module reads those
places and keeps the names. Nothing in it names a site: the site's own name is whatever the
page calls itself.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from lxml.etree import XPath

_BY = re.compile(r"^(?:by|von|por|par|door)\s+(?=\S)", re.IGNORECASE)
_LABEL = re.compile(
    r"^(?:authors?|autor(?:in|en|es|a)?|auteurs?|autore|autori|writer|reporter|text|texto|texte|"
    r"written by|reported by|författare|forfatter|作者|记者)\s*[:：]\s*(?=\S)", re.IGNORECASE)
"""A label in front of a byline: "Author: ", "Auteur : ", "Autorin: ", "记者："."""
_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:;|,|\||\s[&–—-]\s|\s+and\s+|\s+und\s+|\s+y\s+|\s+et\s+|\s+e\s+)\s*", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\S+|(?<!\S)@\w+")
_LEADING_AND = re.compile(r"^(?:and|und|y|et|e)\s+", re.IGNORECASE)
_FOR = re.compile(r"\s+(?:for|für|pour|para)\s+\S.*$", re.IGNORECASE)
"""What follows a name in "Jane Doe for The Daily Planet": whom she wrote for, not who she is."""
_URL = re.compile(r"(?:https?://|www\.)\S*|\S+\.(?:com|org|net)(?:/\S*)?$", re.IGNORECASE)
_PLACEHOLDERS = {"no author", "unknown", "anonymous", "admin", "administrator", "author", "redaktion", "editor",
                 "none", "null", "by", "von", "por", "par", "door", "and", "und", "y", "et", "e"}
_ROLE = re.compile(r"\b(?:staff|writer|reporter|correspondent|editor|contributor|columnist|journalist|"
                   r"photographer|producer|analyst|anchor|redakteur(?:in)?|korrespondent(?:in)?|periodista|redactora?|"
                   r"rédact(?:eur|rice)|journaliste|correspondant(?:e)?)s?$", re.IGNORECASE)
"""A part of a byline that is a role ("Staff Writer"), dropped where the byline also names someone.
A role alone ("Staff") is the byline of the newsroom and stays."""
_PARTICLES = {"de", "del", "della", "der", "den", "van", "von", "da", "das", "do", "dos", "du", "la", "le",
              "y", "bin", "ibn", "al", "el", "ter", "zu", "di"}
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")
MAX_NAME_WORDS = 6


def looks_like_name(text: str, *, marked: bool = False) -> bool:
    """Whether text found in the page's prose or chrome reads as a name rather than words.

    Names are short and capitalised ("Jane Doe", "Ana de la Cruz", "NDR"); a single
    capitalised word ("Thursday", "Contact") is too likely to be chrome, unless the markup
    ``marked`` it as a name ("Reuters" in ``<span class="name">``). Scripts without letter
    case (Chinese, Japanese, Arabic, ...) are accepted when short.
    """
    words = text.split()
    if not words or len(words) > 5 or any(character.isdigit() for character in text):
        return False
    if not all(_NAME_WORD.match(word) for word in words):
        return False
    if all(word.lower() == word.upper() for word in words):  # no letter case: length is all we can judge
        return len(text) <= 12
    if len(words) == 1:
        return (words[0].isupper() or marked and words[0][0].isupper()) and len(words[0]) >= 2
    capitalised = [word[0].isupper() or word.lower() == word.upper() for word in words]
    return capitalised[0] and all(ok or word in _PARTICLES for ok, word in zip(capitalised, words))


def clean_authors(bylines: Iterable[str], *, strict: bool = False, marked: bool = False) -> tuple[str, ...]:
    """Names from bylines: "By A and B" gives A and B; "A, Staff Writer" gives A.

    Addresses, e-mail addresses and handles are not names and are dropped; so is a part that
    reads like a sentence. An organization byline ("Reuters") is kept as given. ``strict``
    keeps only parts that :func:`look like names <looks_like_name>` (``marked`` as names by
    the markup, or not), for bylines read from the page's text and chrome rather than from
    its structured data.
    """
    names: list[str] = []
    seen: set[str] = set()
    for byline in bylines:
        text = _LABEL.sub("", _URL.sub(" ", _EMAIL.sub(" ", byline)).strip())
        parts = []
        for part in filter(None, _SPLIT.split(text)):
            name = _BY.sub("", _LEADING_AND.sub("", part.strip(" \t-–—:·•/()[]\"'"))).strip(" \t-–—:·•,;")
            name = _FOR.sub("", name)
            if name.endswith(".") and len(name.rsplit(" ", 1)[-1]) > 4:  # a full stop, not "Jr." or "A."
                name = name.rstrip(".")
            if _SUFFIX.match(name) and parts:  # "Perry Bacon, Jr." is one name
                parts[-1] = f"{parts[-1]} {name}"
                continue
            if (not name or name.casefold() in _PLACEHOLDERS or len(name.split()) > MAX_NAME_WORDS
                    or not re.search(r"[^\W\d_]", name)):
                continue
            parts.append(name)
        people = [part for part in parts if not (_ROLE.search(part) and " " in part)]
        for name in people if people else parts:
            if (not strict or looks_like_name(name, marked=marked)) and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    return tuple(names)


def byline_names(line: str) -> tuple[str, ...]:
    """The names of a line that is a byline and nothing else: "By Jane Doe", "Author: Jane Doe"."""
    if len(line) > 120 or not (_BY.match(line) or _LABEL.match(line)):
        return ()
    names = clean_authors([line], strict=True)
    rest = _LABEL.sub("", _BY.sub("", line)).split()
    return names if names and sum(len(name.split()) for name in names) >= len(rest) - 2 else ()


_BYLINE_MARK = re.compile(r"byline|author|autor|auteur|credit", re.IGNORECASE)
_NOT_A_BYLINE = re.compile(r"comment|avatar|photo|image|bio", re.IGNORECASE)
_MARK_ATTRIBUTES = ("class", "id", "rel", "data-testid", "data-component")
_NOT_TEXT = {"script", "style", "img", "meta", "link", "noscript", "svg"}
_SIDE = {"aside", "nav", "figure", "figcaption"}
_LINE_TAGS = ("p", "span", "div", "li", "small", "em", "strong", "h5", "h6")
_INLINE = {"a", "span", "strong", "b", "em", "i", "small", "abbr", "cite", "font", "u", "bdi"}
_NAMED = XPath(".//*[@rel='author' or contains(translate(@class, 'NAME', 'name'), 'name')]")
_EMPHASISED = XPath(".//*[self::a or self::strong or self::b]")
MAX_BYLINE_CHARS = 300
"""A byline element with more text than this is an article or a teaser list that its CMS
marked with its author's name."""


def _marks(element: Any) -> str:
    return " ".join(value for attribute in _MARK_ATTRIBUTES if (value := element.get(attribute)))


def _outside_chrome(element: Any, side: set[str]) -> bool:
    """Whether the element is outside comments, author photos and bios, side bars and figures
    (whose credit is the picture's)."""
    for node in (element, *element.iterancestors()):
        if node.tag in side or _NOT_A_BYLINE.search(_marks(node) if node is element else node.get("class") or ""):
            return False
    return True


def _marked_elements(tree: Any) -> Iterator[Any]:
    """Elements that the page's markup calls a byline, an author or a credit, in page order."""
    for element in tree.iter("*"):
        if element.tag not in _NOT_TEXT and _BYLINE_MARK.search(_marks(element)) and _outside_chrome(element, _SIDE):
            yield element


def _fields(element: Any) -> list[str]:
    """The element's text cut where the markup starts a block or a ``<time>``, where two
    elements' words touch (their styles set them apart) and where the text has a "|": a
    byline's name, role, place and date are fields apart, co-authors are not."""
    pieces: list[str] = []
    for text in element.xpath(".//text()[not(ancestor::script or ancestor::style)]"):
        glued = pieces and pieces[-1][-1:].isalpha() and text[:1].isalpha()  # "Jane DoeStaff Writer"
        if pieces and (text.getparent().tag not in _INLINE or glued):
            pieces.append("|")
        pieces.append(text)
    return [field for text in "".join(pieces).split("|") if (field := " ".join(text.split()))]


def _texts(elements: Iterable[Any]) -> list[str]:
    return [" | ".join(fields) for element in elements if (fields := _fields(element))]


def marked_bylines(tree: Any, limit: int = 5) -> tuple[str, ...]:
    """The names in the first byline element of the page that names anyone.

    A byline element's parts classed as names (and ``rel="author"`` links) are its names;
    else its links (to each author's page) and emphasised words, where they read as names;
    else the first of its fields that names anyone, so that a place, a date or a "Follow"
    button beside the name stays out. Only the first few marked elements are read: further
    ones are teasers of other articles.
    """
    tried = 0
    for element in _marked_elements(tree):
        fields = _fields(element)
        if not fields or sum(map(len, fields)) > MAX_BYLINE_CHARS:
            continue
        names = clean_authors(_texts(_NAMED(element)), strict=True, marked=True) or clean_authors(
            _texts(_EMPHASISED(element)), strict=True)
        for field in fields if not names else ():
            if names := clean_authors([field], strict=True):
                break
        if names:
            return names
        tried += 1
        if tried >= limit:
            break
    return ()


def labelled_bylines(tree: Any) -> tuple[str, ...]:
    """The names of the first short element that is a byline by its words ("Author: Jane Doe",
    "By Jane Doe"), for pages that mark up no byline."""
    for element in tree.iter(_LINE_TAGS):
        if len(element) > 3 or not any(text.strip() for text in (element.text or "", *(c.tail or "" for c in element))):
            continue  # a container, not a line of text
        text = " ".join(element.text_content().split())
        if (names := byline_names(text)) and _outside_chrome(element, {*_SIDE, "footer"}):
            return names
    return ()


def comparable(text: str) -> str:
    """A name or title reduced for comparison: case, punctuation, spaces and "www" left out."""
    return re.sub(r"[\W_]+", "", text.casefold()).removeprefix("www")


def _site_keys(site_names: Iterable[str]) -> set[str]:
    keys = {comparable(name) for name in site_names if name}
    keys |= {key.removesuffix(suffix) for key in keys for suffix in ("com", "de", "net", "org") if key.endswith(suffix)}
    keys.discard("")
    return keys


def _names_site(name: str, sites: set[str]) -> bool:
    key = comparable(name)
    return key in sites or any(len(site) > 3 and (site in key or key in site) for site in sites)


def _without_site_role(name: str, sites: set[str]) -> str:
    """ "FOCUS-Experte Jane Doe" and "Jane Doe Gazette Staff" without the words naming the site."""
    words = name.split()
    for size in range(1, len(words) - 1):
        if any(len(site) > 3 and comparable(" ".join(words[:size])).startswith(site) for site in sites):
            return " ".join(words[size:])
        if any(len(site) > 3 and comparable(" ".join(words[-size:])).startswith(site) for site in sites):
            return " ".join(words[:-size])
    return name


def _before_site_address(names: tuple[str, ...], sites: set[str]) -> tuple[str, ...]:
    """A byline's names without what follows its last mention of the site: "Jane Doe, Gazette,
    Springfield" and "Gazette GmbH, Springfield, Germany" go on with places, not people."""
    last = max((index for index, name in enumerate(names) if _names_site(name, sites)), default=None)
    return names if last is None else names[:last + 1]


def choose_authors(structured: list[str], site_names: list[str], others: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The bylines: the structured data's, unless they only name the site itself.

    Many CMSs fill the author field with the site's name when an article has no byline of its
    own; then the bylines found elsewhere in the page are read (``others``: the names of one
    byline each, most trusted first, taken from an iterable only as far as needed). The
    site's name stays as the byline when nothing names an author.
    """
    sites = _site_keys(site_names)
    candidates = tuple(name for byline in structured for name in _before_site_address(clean_authors([byline]), sites))
    first_found = candidates
    for names in chain([candidates], (_before_site_address(names, sites) for names in others)):
        people = (_without_site_role(name, sites) for name in names)
        named = tuple(dict.fromkeys(name for name in people if not _names_site(name, sites)))
        if named:
            return named
        first_found = first_found or names
    return tuple(dict.fromkeys(first_found))
