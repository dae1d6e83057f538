"""The event-type scheme (``ontology/event-types.ttl``) as the extractor's lexicon.

The published vocabulary and the words that trigger each type are one file, so a newsroom
that adds a type or a trigger word edits Turtle, not code.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import SKOS

from kg.ontology import ontology_graph
from kg.vocab import KG


@dataclass(frozen=True)
class EventLexicon:
    by_lemma: dict[str, str]
    """Trigger lemma -> event-type concept IRI."""
    ancestors: dict[str, frozenset[str]]
    """Concept IRI -> itself and every broader concept, for asking "is this a kind of X"."""

    def is_a(self, concept: str, broader: str) -> bool:
        return broader in self.ancestors.get(concept, frozenset())


@functools.cache
def event_lexicon() -> EventLexicon:
    graph = ontology_graph()
    by_lemma = {str(lemma).lower(): str(concept) for concept, lemma in graph.subject_objects(KG.triggerLemma)}
    ancestors = {}
    for concept in graph.subjects(SKOS.inScheme, KG.EventTypes):
        chain = {str(concept)}
        chain.update(str(b) for b in graph.transitive_objects(URIRef(concept), SKOS.broader))
        ancestors[str(concept)] = frozenset(chain)
    return EventLexicon(by_lemma, ancestors)
