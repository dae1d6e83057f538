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


def test_personal_pronouns_refer_to_the_person_named_before_them(annotator):
    found = annotate(annotator, "Maria Okafor runs the harbour authority in Lagos. "
                                "She said the new cranes had arrived. Her deputy confirmed it.")
    assert references(found, "Maria Okafor") == ["She", "Her"]


def test_a_pronoun_of_the_other_gender_skips_a_person_already_referred_to(annotator):
    found = annotate(annotator, "Maria Okafor met Daniel Brandt in Hamburg on Tuesday. "
                                "She showed him the port. He praised her plans.")
    assert references(found, "Maria Okafor") == ["She", "her"]
    assert references(found, "Daniel Brandt") == ["him", "He"]


def test_its_and_the_company_refer_to_the_organization(annotator):
    found = annotate(annotator, "Norvik Shipping reported a loss on Thursday. "
                                "The company blamed fuel prices for its results.")
    assert references(found, "Norvik Shipping") == ["The company", "its"]


def test_the_title_before_a_name_and_a_later_the_title_refer_to_the_person(annotator):
    found = annotate(annotator, "Norvik Shipping CEO Paul Ferreira resigned on Thursday. "
                                "The board thanked the CEO for ten years of work.")
    assert references(found, "Paul Ferreira") == ["CEO", "the CEO"]


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


def test_we_in_a_quotation_refers_to_the_organization_whose_spokesman_speaks(annotator):
    found = annotate(annotator, "Norvik Shipping cut four routes on Thursday. "
                                '"We expect our costs to fall next year," Norvik Shipping spokesman Ola Berg said. '
                                "We will see.")
    assert references(found, "Norvik Shipping") == ["We", "our"]


def test_i_in_a_quotation_refers_to_its_speaker(annotator):
    found = annotate(annotator, '"I will not stand again," Maria Okafor said on Friday.')
    assert references(found, "Maria Okafor") == ["I"]


def test_it_as_the_subject_of_what_an_organization_says_refers_to_it_and_other_its_do_not(annotator):
    found = annotate(annotator, "Norvik Shipping said it would close two terminals. "
                                "Maria Okafor said it was raining.")
    assert references(found, "Norvik Shipping") == ["it"]
