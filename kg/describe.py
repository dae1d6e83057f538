"""What a resource's document says: the concise description a linked-data client expects.

The document holds the resource's own triples, closed over its blank nodes and its hash
resources (``<article#image-1>``), the types and labels of what it links to, and the
triples that point at it. It is built from pattern lookups with bound terms, never from
query text, so no request path can become a query.
"""
from __future__ import annotations

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import SKOS

from kg.store import Store
from kg.vocab import PREFIXES, SCHEMA

LABELS = (SCHEMA.name, SCHEMA.headline, RDFS.label, SKOS.prefLabel)
INCOMING_LIMIT = 500


def _owned(resource: URIRef, node: object) -> bool:
    """Nodes described as part of ``resource``'s own document."""
    return isinstance(node, BNode) or (isinstance(node, URIRef) and str(node).startswith(str(resource) + "#"))


def is_known(store: Store, resource: URIRef) -> bool:
    """Whether the store says anything about ``resource``, as subject or object."""
    return bool(store.triples(resource, limit=1) or store.triples(None, None, resource, limit=1))


def describe(store: Store, resource: URIRef) -> Graph:
    """The document of ``resource``; empty when the store knows nothing about it."""
    document = Graph()
    for prefix, namespace in PREFIXES.items():
        document.bind(prefix, namespace)
    pending, seen = [resource], {resource}
    linked: set[URIRef] = set()
    while pending:
        subject = pending.pop()
        for triple in store.triples(subject):
            document.add(triple)
            node = triple[2]
            if _owned(resource, node) and node not in seen:
                seen.add(node)
                pending.append(node)
            elif isinstance(node, URIRef) and triple[1] != RDF.type:
                linked.add(node)
    for triple in store.triples(None, None, resource, limit=INCOMING_LIMIT):
        document.add(triple)
        if isinstance(triple[0], URIRef):
            linked.add(triple[0])
    for node in linked - seen:
        for predicate in (RDF.type, *LABELS):
            for triple in store.triples(node, predicate):
                document.add(triple)
    return document
