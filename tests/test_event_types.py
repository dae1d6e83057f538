"""Checks for ontology/event-types.ttl, the SKOS scheme of news event types.

The file is also the event extractor's lexicon (kg:triggerLemma), so the
lexicon rules are tested here as well as the SKOS structure.
"""

import pathlib
import re
from collections import defaultdict

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

TTL = pathlib.Path(__file__).resolve().parents[1] / "ontology" / "event-types.ttl"

KG = Namespace("https://w3id.org/newskg/ns#")
ET = Namespace("https://w3id.org/newskg/event-type/")
SCHEME = KG.EventTypes
TRIGGER = KG.triggerLemma

NOTATION_RE = re.compile(r"^[0-9]{2,4}$")
LEMMA_RE = re.compile(r"^[a-z]+$")


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(TTL, format="turtle")
    return g


@pytest.fixture(scope="module")
def concepts(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, SKOS.Concept))


@pytest.fixture(scope="module")
def top_concepts(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(SKOS.topConceptOf, SCHEME))


def test_file_parses_and_declares_the_scheme(graph, concepts):
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    assert len(concepts) > 0


def test_trigger_lemma_is_declared_as_annotation_property(graph):
    assert (TRIGGER, RDF.type, OWL.AnnotationProperty) in graph


def test_concepts_use_the_event_type_namespace(concepts):
    for c in concepts:
        assert str(c).startswith(str(ET)), c


def test_every_concept_is_in_the_scheme(graph, concepts):
    for c in concepts:
        assert (c, SKOS.inScheme, SCHEME) in graph, c


def test_every_concept_has_exactly_one_english_pref_label(graph, concepts):
    for c in concepts:
        labels = [lbl for lbl in graph.objects(c, SKOS.prefLabel) if lbl.language == "en"]
        assert len(labels) == 1, (c, labels)


def test_every_concept_has_an_english_definition(graph, concepts):
    for c in concepts:
        defs = [d for d in graph.objects(c, SKOS.definition) if d.language == "en"]
        assert len(defs) >= 1, c
        assert all(str(d).strip() for d in defs), c


def test_every_notation_is_a_cameo_like_code(graph, concepts):
    for c in concepts:
        notations = list(graph.objects(c, SKOS.notation))
        assert len(notations) <= 1, (c, notations)
        for n in notations:
            assert isinstance(n, Literal), (c, n)
            assert NOTATION_RE.match(str(n)), (c, n)


def test_notations_are_unique(graph):
    seen = defaultdict(list)
    for c, n in graph.subject_objects(SKOS.notation):
        seen[str(n)].append(c)
    dupes = {n: cs for n, cs in seen.items() if len(cs) > 1}
    assert not dupes, dupes


def test_top_concepts_have_no_broader(graph, top_concepts):
    assert top_concepts
    for c in top_concepts:
        assert list(graph.objects(c, SKOS.broader)) == [], c


def test_scheme_lists_exactly_its_top_concepts(graph, top_concepts):
    assert set(graph.objects(SCHEME, SKOS.hasTopConcept)) == top_concepts


def test_other_concepts_have_one_broader_top_concept_in_the_scheme(
    graph, concepts, top_concepts
):
    for c in concepts - top_concepts:
        broader = list(graph.objects(c, SKOS.broader))
        assert len(broader) == 1, (c, broader)
        parent = broader[0]
        assert parent in concepts, (c, parent)
        assert (parent, SKOS.inScheme, SCHEME) in graph, (c, parent)
        # two-level hierarchy: the parent is a top concept
        assert parent in top_concepts, (c, parent)


def test_trigger_lemmas_only_on_concepts(graph, concepts):
    for s in graph.subjects(TRIGGER, None):
        assert s in concepts, s


def test_no_trigger_lemma_belongs_to_two_concepts(graph):
    owners = defaultdict(set)
    for c, lemma in graph.subject_objects(TRIGGER):
        owners[str(lemma)].add(c)
    shared = {lemma: cs for lemma, cs in owners.items() if len(cs) > 1}
    assert not shared, shared


def test_every_trigger_lemma_is_a_lower_case_single_token(graph):
    for c, lemma in graph.subject_objects(TRIGGER):
        assert isinstance(lemma, Literal) and lemma.language is None, (c, lemma)
        assert LEMMA_RE.match(str(lemma)), (c, lemma)


def test_ambiguous_lemmas_are_assigned_as_documented(graph):
    def owner(lemma: str) -> URIRef:
        (c,) = set(graph.subjects(TRIGGER, Literal(lemma)))
        return c

    assert owner("warn") == ET.warn
    assert owner("call") == ET.appeal
    assert owner("phone") == ET.phoneCall
    assert owner("strike") == ET.strike
    assert owner("airstrike") == ET.aerialWeapons
    assert (ET.warn, SKOS.broader, ET.threaten) in graph
    assert (ET.threaten, SKOS.notation, Literal("130")) in graph
