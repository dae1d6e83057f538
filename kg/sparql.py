"""SPARQL query requests and answers, independent of where the query runs.

A request carries the query text and the client's Accept header; the store that runs it picks
the result format, because only after parsing does it know whether the answer is a table
(SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE). Answers are bytes, so the same request can
be served in-process, by a worker process, or by a remote SPARQL server.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

# Offered formats, the default first (used for */* or no Accept header at all).
SOLUTION_FORMATS = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
)
GRAPH_FORMATS = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
)
# The names browsers and scripts give in a ``format`` parameter.
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}


class QuerySyntaxError(ValueError):
    """The query does not parse; the message is the parser's."""


class NotAcceptable(ValueError):
    """No format the client accepts can carry this kind of answer."""

    def __init__(self, kind: str, offered: tuple[str, ...]) -> None:
        super().__init__(f"a {kind} answer can be sent as {', '.join(offered)}; the request accepts none of them")
        self.kind = kind
        self.offered = offered


@dataclass(frozen=True)
class QueryRequest:
    text: str
    accept: str = "*/*"
    """The client's Accept header."""
    default_graphs: tuple[str, ...] = ()
    """``default-graph-uri``: when given, the default graph is their merge instead of the union of all graphs."""
    named_graphs: tuple[str, ...] = ()
    """``named-graph-uri``: when given, the only graphs ``GRAPH`` can see."""
    base_iri: str = ""
    """Resolves relative IRIs in the query; the endpoint's own URL (SPARQL 1.1 Protocol)."""


@dataclass(frozen=True)
class UpdateRequest:
    text: str
    default_target: str
    """The named graph that writes to the default graph go to: the default graph that queries see
    is the union of all named graphs, so it cannot hold triples of its own."""
    using_graphs: tuple[str, ...] = ()
    """``using-graph-uri``: the default graph of every DELETE/INSERT operation's WHERE clause."""
    using_named_graphs: tuple[str, ...] = ()
    """``using-named-graph-uri``: the named graphs its WHERE clauses may see."""
    base_iri: str = ""
    """Resolves relative IRIs in the update; the update service's own URL."""


class UpdateRefused(ValueError):
    """A well-formed update that this store will not run; the message says why and what to do instead."""


@dataclass(frozen=True)
class QueryAnswer:
    media_type: str
    body: bytes


@dataclass(frozen=True)
class StreamedAnswer:
    """An answer sent on as it is made. Whatever goes wrong before the first chunk raises from
    :meth:`QueryRunner.stream`; what goes wrong later (the time limit, the byte cap) raises from
    the iteration, and the client's transfer must then break off, not end as if complete."""

    media_type: str
    chunks: Iterator[bytes]


class QueryRunner(Protocol):
    """Whatever runs queries for the server: worker processes, or a remote SPARQL server."""

    def query(self, request: QueryRequest, timeout: float | None = None) -> QueryAnswer:
        """Answer ``request`` within ``timeout`` seconds (at most the runner's own limit)."""

    def stream(self, request: QueryRequest, timeout: float | None = None) -> QueryAnswer | StreamedAnswer:
        """Answer ``request`` as :meth:`query` does, but a large answer as it is evaluated."""

    def status(self) -> dict[str, int]:
        """Figures for the health check (workers, idle, replaced)."""


# What a query names outside the store: SERVICE calls out to other endpoints. Strings, IRIs
# and comments are blanked first, so that a literal "SERVICE" inside them does not count.
_NOT_CODE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_SERVICE = re.compile(r"\bSERVICE\s+(?:SILENT\s+)?(<[^>]*>|\S+)", re.IGNORECASE)


def services(text: str) -> list[str]:
    """The endpoints a query's SERVICE clauses name (IRIs without brackets; variables as ``?x``)."""
    code = _NOT_CODE.sub(" ", text)
    return [target.strip("<>") for target in _SERVICE.findall(code)]


@functools.lru_cache(maxsize=512)
def choose(accept: str, offered: tuple[str, ...]) -> str | None:
    """The offered media type the Accept header prefers (q-values honoured); None if none fits.

    Remembered, as clients send the same few Accept headers again and again and parsing one
    took a tenth of a cheap query's time in the server.

    The order of ``offered`` breaks ties, so ``*/*`` gets the first, the default.
    """
    # Parameters other than q (``text/turtle; charset=utf-8``) would make an entry match nothing.
    entries = [entry.split(";")[0].strip() + "".join(f";{part.strip()}" for part in entry.split(";")[1:]
                                                      if part.strip().startswith("q="))
               for entry in (accept or "*/*").split(",")]
    return MIMEAccept(parse_accept_header(",".join(entries))).best_match(offered)


def pick_format(accept: str, kind: str) -> str:
    """The media type for an answer of ``kind`` ("solutions", "boolean" or "graph")."""
    offered = GRAPH_FORMATS if kind == "graph" else SOLUTION_FORMATS
    chosen = choose(accept, offered)
    if chosen is None:
        raise NotAcceptable("graph" if kind == "graph" else "table", offered)
    return chosen
