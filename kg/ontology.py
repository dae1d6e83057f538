"""Our ontology and event-type scheme (``ontology/*.ttl``) as one graph, parsed once.

It is stored in a graph of its own beside the articles, so that queries can ask for the
labels of event types and properties.
"""
from __future__ import annotations

import functools

from rdflib import Graph

from kg.resources import resource_dir


@functools.cache
def ontology_graph() -> Graph:
    graph = Graph()
    for path in sorted(resource_dir("ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph
