"""What a resource's document says: the concise description a linked-data client expects.

The document holds the resource's own triples, closed over its blank nodes and its hash
resources (``<article#image-1>``), one page of the resources that point at it with the
triples by which they do (a famous person is mentioned by more articles than one document
should hold), and the types and labels of what it links to and of what links to it. Its own
triples come from pattern lookups with bound terms; the page of incoming links, the labels and
the modification time from SPARQL on the store itself, embedded or remote. These queries are
not the client's: each starts from the resource's IRI, so they cost what the links to it cost,
and they run in the request's thread rather than in the query workers, where a document would
wait behind clients' heavy queries. The IRIs in that query text are the resource's (minted
from the path by :class:`kg.iris.Minter`, percent-encoded) and the store's own, embedded by
rdflib's N-Triples serialization: no request text becomes query text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from string import Template

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.store import Store
from kg.vocab import PREFIXES, SCHEMA

LABELS = (SCHEMA.name, SCHEMA.headline, RDFS.label, SKOS.prefLabel)
PAGE_SIZE = 100
"""Resources linking in, per page of a document."""

_PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX kg: <https://w3id.org/newskg/ns#>
"""
INCOMING_COUNT = Template(_PREFIXES + """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s ?p $resource FILTER (?s != $resource)
}""")
INCOMING_PAGE = Template(_PREFIXES + """SELECT ?s ?p ?date WHERE {
  { SELECT ?s (MAX(STR(?d)) AS ?date) WHERE {
      ?s ?link $resource FILTER (?s != $resource)
      OPTIONAL { ?s schema:datePublished|sem:hasTimeStamp|sem:hasBeginTimeStamp
                    |schema:isPartOf/schema:datePublished ?d }
    } GROUP BY ?s ORDER BY DESC(?date) STR(?s) LIMIT $limit OFFSET $offset }
  ?s ?p $resource .
}""")
"""A page of the resources linking in, newest first: articles by publication, events by their
time, quotations by their article's publication; undated ones last, ties in IRI order, so
that the pages partition the links."""
LABELS_OF = Template("""SELECT ?node ?property ?value WHERE {
  VALUES ?node { $nodes }
  ?node ?property ?value
  FILTER (?property IN ($properties))
}""")
"""The properties are a filter, not a second VALUES block: joined with the first, that made
Oxigraph scan the whole store (half a second at a million triples, against 2 ms)."""
LAST_MODIFIED = Template(_PREFIXES + """SELECT (MAX(STR(?date)) AS ?modified) WHERE {
  { SELECT DISTINCT ?g WHERE { GRAPH ?g { { $resource ?p ?o } UNION { ?s ?p $resource } } } }
  ?g kg:article ?article .
  ?article schema:dateModified|schema:datePublished ?date .
}""")
"""The newest date of the articles whose graphs state something about the resource: what its
document is made of. Dates are compared as ISO 8601 text, which orders them but for time
zones within a day."""


@dataclass(frozen=True)
class Incoming:
    """One page of the resources that link to a resource (see :data:`INCOMING_PAGE` for the order)."""

    page: int
    total: int
    """Resources linking in, over all pages."""
    subjects: tuple[Node, ...] = ()
    """This page's, in order."""

    @property
    def pages(self) -> int:
        """How many pages the links fill; a resource nothing links to has one, empty."""
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass(frozen=True)
class Document:
    graph: Graph
    incoming: Incoming
    modified: dt.datetime | None
    """When the newest article stating something about the resource was published or last
    modified; None when no article dates it."""


class PageNotFound(LookupError):
    """A page number past the last page; the message says how many pages there are."""


def _owned(resource: URIRef, node: object) -> bool:
    """Nodes described as part of ``resource``'s own document."""
    return isinstance(node, BNode) or (isinstance(node, URIRef) and str(node).startswith(str(resource) + "#"))


def is_known(store: Store, resource: URIRef) -> bool:
    """Whether the store says anything about ``resource``, as subject or object."""
    return bool(store.triples(resource, limit=1) or store.triples(None, None, resource, limit=1))


def describe(store: Store, resource: URIRef, page: int = 1) -> Document:
    """The document of ``resource`` holding page ``page`` (from 1) of its incoming links.

    Raises :class:`PageNotFound` for a page past the last one.
    """
    # Our prefixes only: binding rdflib's thirty defaults took longer than the rest of a small document.
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    pending, seen = [resource], {resource}
    linked: set[URIRef] = set()
    while pending:
        subject = pending.pop()
        for triple in store.triples(subject):
            graph.add(triple)
            node = triple[2]
            if _owned(resource, node) and node not in seen:
                seen.add(node)
                pending.append(node)
            elif isinstance(node, URIRef) and triple[1] != RDF.type:
                linked.add(node)
    incoming, links = _incoming(store, resource, page)
    for subject, predicate in links:
        graph.add((subject, predicate, resource))
        if isinstance(subject, URIRef):
            linked.add(subject)
    for triple in _labels(store, linked - seen):
        graph.add(triple)
    return Document(graph, incoming, last_modified(store, resource))


def _incoming(store: Store, resource: URIRef, page: int) -> tuple[Incoming, list[tuple[Node, Node]]]:
    """Which resources link to ``resource`` on ``page``, in order, and by which predicates.

    The first page of a resource with fewer links than a page holds is all of them, so only a
    full first page, or a later one, needs counting (most documents save a query)."""
    total = None
    if page > 1:
        total = _count_incoming(store, resource)
        incoming = Incoming(page, total)
        if page > incoming.pages:
            raise PageNotFound(f"there is no page {page}: {total} resources link to {resource}, on "
                               f"{incoming.pages} page{'s' if incoming.pages > 1 else ''} of {PAGE_SIZE}")
    rows = store.select(INCOMING_PAGE.substitute(resource=resource.n3(), limit=PAGE_SIZE,
                                                 offset=(page - 1) * PAGE_SIZE))
    dated = sorted({(row["s"], row.get("date")) for row in rows}, key=lambda pair: str(pair[0]))
    dated.sort(key=lambda pair: (pair[1] is not None, str(pair[1] or "")), reverse=True)  # stable: ties keep IRI order
    if total is None:
        total = len(dated) if len(dated) < PAGE_SIZE else _count_incoming(store, resource)
    return Incoming(page, total, tuple(subject for subject, _ in dated)), [(row["s"], row["p"]) for row in rows]


def _count_incoming(store: Store, resource: URIRef) -> int:
    (row,) = store.select(INCOMING_COUNT.substitute(resource=resource.n3()))
    return int(row["n"])


def _labels(store: Store, nodes: set[URIRef]) -> list[tuple[Node, Node, Node]]:
    """The types and labels of ``nodes``, in one query."""
    if not nodes:
        return []
    text = LABELS_OF.substitute(nodes=" ".join(sorted(node.n3() for node in nodes)),
                                properties=", ".join(term.n3() for term in (RDF.type, *LABELS)))
    return [(row["node"], row["property"], row["value"]) for row in store.select(text)]


def last_modified(store: Store, resource: URIRef) -> dt.datetime | None:
    """When what the store says about ``resource`` last changed, as far as the articles' dates tell
    (see :data:`LAST_MODIFIED`): a date without a time counts from its midnight, UTC."""
    (row,) = store.select(LAST_MODIFIED.substitute(resource=resource.n3()))
    if "modified" not in row:
        return None
    lexical = str(row["modified"])
    try:
        moment = dt.datetime.fromisoformat(lexical if "T" in lexical else lexical[:10])
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
