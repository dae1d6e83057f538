"""Pronouns, descriptions and titles that refer to a named entity, on texts the annotator has
never seen: what they resolve to, what they leave alone, and what that gives events, quotes and
the published graph."""
from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Literal, URIRef

from kg.annotate import Annotator
from kg.annotate.text import annotated_text
from kg.article import Article, Paragraph
from kg.config import Settings
from kg.iris import Minter
from kg.mapping import map_article
from kg.validation import validate
from kg.vocab import GAF, SCHEMA

PUBLISHED = dt.date(2023, 6, 9)


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator(Settings().nlp_model)


def annotate(annotator, text: str):
    return annotator.annotate_text(text, PUBLISHED)


def references(found, name: str) -> list[str]:
    (entity,) = [e for e in found.entities if e.name == name]
    return [span.text for span in entity.references]


@pytest.mark.parametrize(("text", "name", "expected"), [
    pytest.param("Maria Okafor runs the harbour authority in Lagos. She said the new cranes had arrived. "
                 "Her deputy confirmed it.", "Maria Okafor", ["She", "Her"], id="personal pronouns"),
    pytest.param("Norvik Shipping reported a loss on Thursday. The company blamed fuel prices for its results.",
                 "Norvik Shipping", ["The company", "its"], id="its and the company"),
    pytest.param("Norvik Shipping CEO Paul Ferreira resigned on Thursday. The board thanked the CEO for ten years "
                 "of work.", "Paul Ferreira", ["CEO", "the CEO"], id="a title before the name and the title later"),
    pytest.param('"I will not stand again," Maria Okafor said on Friday.', "Maria Okafor", ["I"],
                 id="I in a quotation is its speaker"),
    pytest.param('Norvik Shipping cut four routes on Thursday. "We expect our costs to fall next year," Norvik '
                 "Shipping spokesman Ola Berg said. We will see.", "Norvik Shipping", ["We", "our"],
                 id="we in a quotation is the company its spokesman speaks for, we outside it nobody"),
    pytest.param("Norvik Shipping said it would close two terminals. Maria Okafor said it was raining.",
                 "Norvik Shipping", ["it"], id="it as the subject of what a company says, and no other it"),
])
def test_references_resolve_to_the_entity_they_refer_to(annotator, text, name, expected):
    assert references(annotate(annotator, text), name) == expected


def test_a_pronoun_of_the_other_gender_skips_a_person_already_referred_to(annotator):
    found = annotate(annotator, "Maria Okafor met Daniel Brandt in Hamburg on Tuesday. "
                                "She showed him the port. He praised her plans.")
    assert references(found, "Maria Okafor") == ["She", "her"]
    assert references(found, "Daniel Brandt") == ["him", "He"]


def test_nothing_is_resolved_beyond_a_few_sentences_or_without_a_fitting_entity(annotator):
    found = annotate(annotator, "Paul Ferreira opened the meeting. The weather was cold. The hall was full. "
                                "The chairs were new. The coffee was late. He spoke for an hour. "
                                "It was long, and the company paid for its lunch.")
    assert references(found, "Paul Ferreira") == []
    assert all(not entity.references for entity in found.entities)


def test_he_said_gives_the_quotation_its_speaker_and_the_event_its_actor(annotator):
    found = annotate(annotator, "Paul Ferreira chairs the port council of Lisbon. "
                                '"We cannot wait for another storm," he said. He warned ministers against delays.')
    (quote,) = found.quotes
    assert [speaker.name for speaker in quote.speakers] == ["Paul Ferreira"]
    (warning,) = [event for event in found.events if event.type.endswith("/warn")]
    assert ("Paul Ferreira", "agent") in [(entity.name, role) for entity, role in warning.actors]


def test_resolved_references_are_published_as_mentions_of_the_entity(annotator):
    article = Article(source="port.txt", url="https://news.example.org/port-cranes", headline="Port gets new cranes",
                      published=PUBLISHED, language="en",
                      paragraphs=(Paragraph("Maria Okafor runs the harbour authority in Lagos."),
                                  Paragraph("She said the new cranes had arrived.")),
                      publisher="news.example.org")
    mapped = map_article(article, Minter("http://kg.example.test/"), annotator.annotate(article))
    assert validate(mapped) == []
    (person,) = mapped.graph.subjects(SCHEMA.name, Literal("Maria Okafor"))
    text = annotated_text(article)
    name, pronoun = text.index("Maria Okafor"), text.index("She")
    assert set(mapped.graph.objects(person, GAF.denotedBy)) == {
        URIRef(f"{mapped.article}#char={name},{name + len('Maria Okafor')}"),
        URIRef(f"{mapped.article}#char={pronoun},{pronoun + 3}")}
