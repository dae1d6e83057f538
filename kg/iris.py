"""Minting resource IRIs: deterministic, readable, under one base IRI.

The same input always yields the same IRI, so re-ingesting an article replaces it and two
articles naming the same organization meet at one resource. An article's IRI comes from its
canonical URL (host and path), which survives edits to its headline.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from urllib.parse import quote, unquote, urlsplit

from rdflib import URIRef

_NOT_SLUG = re.compile(r"[^\w]+")
_MAX_PATH = 200
_PATH_SAFE = "/-._~!$&'()*+,;=:@%"
"""Characters kept as they are in IRI paths; everything else is percent-encoded."""
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def slug(text: str) -> str:
    """Lower-case words joined by hyphens, accents folded; other scripts are kept as they are."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return _NOT_SLUG.sub("-", folded.lower().replace("_", "-")).strip("-")


_LEGAL_FORM = re.compile(r",?\s+(?:inc|corp|corporation|co|ltd|llc|plc|ag|gmbh|s\.?a|n\.?v|s\.?p\.?a|b\.?v)\.?$",
                         re.IGNORECASE)


def without_legal_form(name: str) -> str:
    """A company's name without its legal form: "Apple Inc." is "Apple", "General Motors Corp."
    is "General Motors"."""
    return _LEGAL_FORM.sub("", name) or name


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Minter:
    """Mints the IRIs of one knowledge graph, whose resources live under ``base``."""

    def __init__(self, base: str) -> None:
        self.base = base

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def article_key(self, url: str) -> str:
        """The readable part of an article's IRI: its URL's host and path."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        # Decoded first, so that the key is the one :meth:`resource` finds from a decoded request path.
        key = quote(unquote(f"{host}{parts.path}").rstrip("/"), safe=_PATH_SAFE)
        if len(key) > _MAX_PATH or not host:
            key = f"{host or 'unknown'}/{_digest(url)}"
        return key

    def article(self, url: str) -> URIRef:
        """The article at ``url``."""
        return self._iri("id", "article", self.article_key(url))

    def unaddressed_article(self, content: str) -> URIRef:
        """An article that names no address, after its ``content`` (what it says): a saved page
        then is the same article whichever folder it is read from, and a changed copy of it is
        another article, as nothing else tells the two apart."""
        return self._iri("id", "article", "unaddressed", _digest(content))

    def article_by_headline(self, headline: str) -> URIRef:
        """An article known only by its headline, as a "Read more" teaser gives it."""
        return self._iri("id", "article", "by-headline", slug(headline) or _digest(headline))

    def graph_of(self, name: str) -> URIRef | None:
        """The graph of an article named by its IRI, its graph's IRI, or its web address."""
        if name.startswith(self.base + "graph/article/"):
            return URIRef(name)
        if name.startswith(self.base + "id/article/"):
            return self.graph(URIRef(name))
        if name.startswith(("http://", "https://")):
            return self.graph(self.article(name))
        return None

    def graph(self, article: URIRef) -> URIRef:
        """The named graph holding what one article says."""
        return URIRef(article.replace(self.base + "id/", self.base + "graph/", 1))

    def resource(self, path: str) -> URIRef | None:
        """The resource an ``id/`` path names, given the path as a web server decodes it.

        Minted IRIs are percent-encoded; encoding the decoded path again the same way finds
        them. None when the path cannot be part of an IRI.
        """
        iri = self.base + "id/" + quote(path, safe=_PATH_SAFE)
        return None if _NOT_IRI.search(iri) else URIRef(iri)

    def organization(self, name: str) -> URIRef:
        """Organizations by name without their legal form, so that an article naming "Apple Inc."
        and one naming "Apple" meet at one resource."""
        short = without_legal_form(name)
        return self._iri("id", "organization", slug(short) or _digest(short))

    def person(self, name: str) -> URIRef:
        return self._iri("id", "person", slug(name) or _digest(name))

    def place(self, name: str, country_code: str | None = None) -> URIRef:
        """Countries by name; cities and regions by country and name, so Paris, France and
        Paris, Texas differ."""
        key = slug(name) or _digest(name)
        return self._iri("id", "place", country_code.lower(), key) if country_code else self._iri("id", "place", key)

    def _in_article(self, kind: str, article: URIRef, number: int) -> URIRef:
        key = str(article).removeprefix(self.base + "id/article/")
        return self._iri("id", kind, key, str(number))

    def event(self, article: URIRef, number: int) -> URIRef:
        return self._in_article("event", article, number)

    def quote(self, article: URIRef, number: int) -> URIRef:
        return self._in_article("quote", article, number)

    @property
    def ontology_graph(self) -> URIRef:
        """The named graph holding our ontology and event-type scheme, so queries can use their labels."""
        return self._iri("graph", "ontology")

    @property
    def default_graph(self) -> URIRef:
        """The named graph that maintainers' writes to the default graph go to (SPARQL Update, Graph
        Store Protocol): the default graph itself is the union of all named graphs."""
        return self._iri("graph", "default")

    def new_graph(self) -> URIRef:
        """A fresh graph name, for a graph a maintainer creates without naming it."""
        return self._iri("graph", uuid.uuid4().hex)
