"""Our ontology and event-type scheme (``ontology/*.ttl``) as one graph, parsed once.

It is stored in a graph of its own beside the articles, so that queries can ask for the
labels of event types and properties.
"""
from __future__ import annotations

from rdflib import Graph

from kg.resources import resource_graph


def ontology_graph() -> Graph:
    return resource_graph("ontology")
