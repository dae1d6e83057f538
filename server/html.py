"""Turning a resource's document into what its HTML page shows.

The templates only lay out these plain values; Jinja escapes every one of them, so text
from articles (which may contain markup) is shown, never run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.describe import LABELS


@dataclass(frozen=True)
class Value:
    text: str
    href: str | None = None
    note: str | None = None
    """Datatype or language of a literal, type of a resource."""


@dataclass(frozen=True)
class Row:
    property: str
    property_href: str | None
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class ResourceView:
    """The property table any resource gets when no page is made for its type."""

    template: ClassVar[str] = "resource.html"
    iri: str
    label: str
    types: list[Value]
    rows: list[Row]
    incoming: list[Row]


def _curie(graph: Graph, iri: URIRef) -> str:
    try:
        return graph.namespace_manager.normalizeUri(iri)
    except ValueError:
        return str(iri)


def href(iri: str, base: str) -> str:
    """Our own resources link by path, so pages work on whatever host and port serve them."""
    return "/" + iri[len(base):] if iri.startswith(base) else iri


def external_href(iri: str) -> str | None:
    """A link to another site, only for web addresses: an IRI in the data such as
    ``javascript:...`` must not become a link that runs script."""
    return iri if iri.lower().startswith(("http://", "https://")) else None


def label(graph: Graph, node: Node) -> str:
    for predicate in LABELS:
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    return str(node)


def _value(graph: Graph, node: Node, base: str) -> Value:
    if isinstance(node, Literal):
        note = node.language or (_curie(graph, node.datatype) if node.datatype else None)
        return Value(str(node), note=note)
    if isinstance(node, BNode):
        return Value("; ".join(f"{_curie(graph, p)} {o}" for p, o in graph.predicate_objects(node)) or "(blank node)")
    types = ", ".join(sorted(_curie(graph, t) for t in graph.objects(node, RDF.type)))
    target = href(str(node), base) if str(node).startswith(base) else external_href(str(node))
    return Value(label(graph, node), href=target, note=types or None)


def resource_view(graph: Graph, subject: URIRef, base: str) -> ResourceView:
    rows: dict[URIRef, Row] = {}
    for predicate, obj in sorted(graph.predicate_objects(subject)):
        if predicate == RDF.type:
            continue
        row = rows.setdefault(predicate, Row(_curie(graph, predicate), external_href(str(predicate))))
        row.values.append(_value(graph, obj, base))
    incoming: dict[URIRef, Row] = {}
    for source, predicate in sorted(graph.subject_predicates(subject)):
        row = incoming.setdefault(predicate, Row(_curie(graph, predicate), external_href(str(predicate))))
        row.values.append(_value(graph, source, base))
    return ResourceView(
        iri=str(subject),
        label=label(graph, subject),
        types=[Value(_curie(graph, t), href=external_href(str(t))) for t in sorted(graph.objects(subject, RDF.type))],
        rows=list(rows.values()),
        incoming=list(incoming.values()),
    )
