"""The annotate stage on articles it has never seen: entities, titles, events, times, quotes,
figures, and the SHACL shapes that guard what it publishes."""
from __future__ import annotations

import datetime as dt

import pytest
from rdflib import RDF, XSD, Literal, URIRef

from kg.annotate import Annotator
from kg.article import Article, Paragraph
from kg.config import Settings
from kg.iris import Minter
from kg.mapping import map_article
from kg.validation import validate
from kg.vocab import KG, SCHEMA, SEM

PUBLISHED = dt.date(2024, 3, 15)  # a Friday
ARTICLE = Article(
    source="nordic.txt",
    url="https://news.example.org/p/nordic-border",
    headline="Sweden and Norway agree on joint border patrols",
    published=PUBLISHED,
    language="en",
    lead="The two neighbours will share patrol boats and radar data along their northern border.",
    paragraphs=(
        Paragraph("Swedish Prime Minister Anna Lindqvist met Norwegian Foreign Minister Lars Haugen in Oslo on "
                  "Wednesday to discuss border security."),
        Paragraph('"We will protect our shared border together," Lindqvist said after the meeting.'),
        Paragraph("Haugen warned smugglers against using the northern routes. Police said the crackdown could "
                  "displace 2,000 people living near the border."),
        Paragraph("The two governments are set to sign an agreement in Stockholm next week."),
    ),
    publisher="news.example.org",
)


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator(Settings().nlp_model)


@pytest.fixture(scope="module")
def found(annotator):
    return annotator.annotate(ARTICLE)


def entity(found, name):
    matches = [e for e in found.entities if e.name == name]
    assert len(matches) == 1, f"{name!r} is not exactly one entity: {[e.name for e in found.entities]}"
    return matches[0]


def events_of(found, lemma_type: str):
    return [e for e in found.events if e.type.endswith("/" + lemma_type)]


def test_short_mentions_join_the_person_of_the_full_name(found):
    assert [m.text for m in entity(found, "Anna Lindqvist").mentions] == ["Anna Lindqvist", "Lindqvist"]
    assert not [e for e in found.entities if e.kind == "person" and e.name == "Lindqvist"]


def test_surname_the_model_did_not_tag_still_joins_its_person(found):
    assert "Haugen" in [m.text for m in entity(found, "Lars Haugen").mentions]


def test_title_before_a_name_becomes_job_title_and_affiliation(found):
    lindqvist = entity(found, "Anna Lindqvist")
    assert lindqvist.job_titles == ["Prime Minister"]
    assert [a.name for a in lindqvist.affiliations] == ["Sweden"]
    assert entity(found, "Lars Haugen").job_titles == ["Foreign Minister"]


def test_countries_and_cities_are_linked_to_geonames(found):
    assert entity(found, "Norway").place.kind == "country"
    oslo = entity(found, "Oslo").place
    assert oslo.kind == "city" and oslo.country_code == "NO" and oslo.geonames_id


def test_meeting_has_both_people_the_city_and_the_resolved_weekday(found):
    (meeting,) = [e for e in events_of(found, "meet") if e.trigger.text == "met"]
    assert {entity.name for entity, _ in meeting.actors} == {"Anna Lindqvist", "Lars Haugen"}
    assert [place.name for place in meeting.places] == ["Oslo"]
    assert meeting.time.begin == meeting.time.end == dt.date(2024, 3, 13)  # the Wednesday before
    assert not meeting.planned


def test_event_without_subject_inherits_the_subject_of_its_clause(found):
    (discussion,) = [e for e in events_of(found, "meet") if e.trigger.text == "discuss"]
    assert [(entity.name, role) for entity, role in discussion.actors] == [("Anna Lindqvist", "agent")]


def test_planned_event_is_marked_and_its_relative_time_resolved_forward(found):
    (signing,) = [e for e in events_of(found, "signAgreement") if e.trigger.text == "sign"]
    assert signing.planned
    assert (signing.time.begin, signing.time.end) == (dt.date(2024, 3, 18), dt.date(2024, 3, 24))


def test_figure_attaches_to_the_event_that_counts_it(found):
    (displacement,) = events_of(found, "displacement")
    assert [(f.value, f.unit) for f in displacement.figures] == [(2000.0, "people")]


def test_direct_quote_is_attributed_to_the_subject_of_the_speech_verb(found):
    (quote,) = found.quotes
    assert quote.span.text == "We will protect our shared border together"
    assert [s.name for s in quote.speakers] == ["Anna Lindqvist"]


def test_mention_offsets_point_at_the_mention_in_the_annotated_text(found):
    from kg.annotate.text import annotated_text

    text = annotated_text(ARTICLE)
    for item in found.entities:
        for span in item.mentions:
            assert text[span.start:span.end] == span.text
    for event in found.events:
        assert text[event.trigger.start:event.trigger.end] == event.trigger.text
        assert text[event.sentence.start:event.sentence.end].strip() == event.sentence.text


def test_article_in_another_language_gets_a_note_and_no_extraction(annotator):
    german = Article(source="de.txt", headline="Regierung plant neue Brücke", language="de",
                     lead="Die Regierung will eine neue Brücke über den Rhein bauen.")
    found = annotator.annotate(german)
    assert not found.entities and not found.events
    assert found.notes and "English-only" in found.notes[0]


@pytest.fixture(scope="module")
def mapped(found):
    return map_article(ARTICLE, Minter("http://kg.example/"), found)


def test_annotated_article_graph_conforms_to_the_shapes(mapped):
    assert validate(mapped) == []


def test_events_are_sem_events_mentioned_by_the_article_with_roles_and_sem_actor(mapped):
    graph, article = mapped.graph, mapped.article
    events = set(graph.subjects(RDF.type, SEM.Event))
    assert events and events <= set(graph.objects(article, SCHEMA.mentions))
    for event in events:
        for role in (KG.hasAgent, KG.hasTarget, KG.hasParticipant):
            for actor in graph.objects(event, role):
                assert (event, SEM.hasActor, actor) in graph


def test_same_person_gets_the_same_iri_in_two_articles(annotator):
    minter = Minter("http://kg.example/")
    other = Article(source="other.txt", url="https://news.example.org/p/other", headline="Talks go on",
                    published=PUBLISHED, language="en", publisher="news.example.org",
                    lead="Swedish Prime Minister Anna Lindqvist said on Thursday that talks would go on.")
    first = map_article(ARTICLE, minter, annotator.annotate(ARTICLE)).graph
    second = map_article(other, minter, annotator.annotate(other)).graph
    people = lambda g: {s for s in g.subjects(RDF.type, SCHEMA.Person) if "Lindqvist" in str(g.value(s, SCHEMA.name))}
    assert people(first) == people(second) and len(people(first)) == 1


def _problems_after(mapped, change) -> list[str]:
    graph = mapped.graph
    event = next(graph.subjects(RDF.type, SEM.Event))
    change(graph, event)
    return [f"{p.field}: {p.message}" for p in validate(mapped)]


def test_event_without_a_type_is_refused(annotator):
    mapped = map_article(ARTICLE, Minter("http://kg.example/"), annotator.annotate(ARTICLE))
    problems = _problems_after(mapped, lambda g, e: g.remove((e, SEM.eventType, None)))
    assert any(p.startswith("eventType:") for p in problems)


def test_timestamp_that_is_not_a_date_is_refused(annotator):
    mapped = map_article(ARTICLE, Minter("http://kg.example/"), annotator.annotate(ARTICLE))
    problems = _problems_after(mapped, lambda g, e: g.add((e, SEM.hasTimeStamp, Literal("next Tuesday"))))
    assert any(p.startswith("hasTimeStamp:") for p in problems)


def test_actor_without_a_name_is_refused(annotator):
    mapped = map_article(ARTICLE, Minter("http://kg.example/"), annotator.annotate(ARTICLE))
    nameless = URIRef("http://kg.example/id/person/nameless")
    problems = _problems_after(mapped, lambda g, e: g.add((e, SEM.hasActor, nameless)))
    assert any("needs a name" in p for p in problems)


def test_malformed_date_literal_on_an_event_is_refused(annotator):
    mapped = map_article(ARTICLE, Minter("http://kg.example/"), annotator.annotate(ARTICLE))
    problems = _problems_after(
        mapped, lambda g, e: g.add((e, SEM.hasBeginTimeStamp, Literal("2024-02-31", datatype=XSD.date))))
    assert any(p.startswith("hasBeginTimeStamp:") for p in problems)


def test_event_without_stated_time_takes_the_narrative_time_and_says_it_was_inferred(annotator):
    text = ("Nordic Motors praised its engineers.\n\n"
            "On Tuesday, Nordic Motors unveiled a new electric truck in Gothenburg. "
            "Nordic Motors also announced a new factory in Gothenburg.")
    found = annotator.annotate_text(text, PUBLISHED)
    by_trigger = {event.trigger.text: event for event in found.events}
    tuesday = dt.date(2024, 3, 12)
    assert (by_trigger["unveiled"].time.begin, by_trigger["unveiled"].time_inferred) == (tuesday, False)
    assert (by_trigger["announced"].time.begin, by_trigger["announced"].time_inferred) == (tuesday, True)
    assert (by_trigger["praised"].time.begin, by_trigger["praised"].time_inferred) == (PUBLISHED, True)


def test_a_day_long_before_publication_does_not_date_the_events_told_after_it(annotator):
    text = ("Nordic Motors unveiled its first truck in Gothenburg on 3 May 1990. "
            "Nordic Motors announced a new factory in Gothenburg.")
    found = annotator.annotate_text(text, PUBLISHED)
    by_trigger = {event.trigger.text: event for event in found.events}
    assert (by_trigger["unveiled"].time.begin, by_trigger["unveiled"].time_inferred) == (dt.date(1990, 5, 3), False)
    assert (by_trigger["announced"].time.begin, by_trigger["announced"].time_inferred) == (PUBLISHED, True)


def test_a_date_in_what_someone_says_does_not_date_the_saying(annotator):
    found = annotator.annotate_text("Nordic Motors said the new factory in Gothenburg will open next month.", PUBLISHED)
    (said,) = [event for event in found.events if event.trigger.text == "said"]
    assert (said.time.begin, said.time_inferred) == (PUBLISHED, True)


def test_a_one_word_name_of_a_known_city_is_the_city_even_where_the_model_takes_it_for_a_person(annotator):
    found = annotator.annotate_text("City officials from Vienna, Bratislava and Budapest on Monday signed an "
                                    "agreement to share river gauge readings.", PUBLISHED)
    assert not [e for e in found.entities if e.kind == "person"]
    bratislava = entity(found, "Bratislava")
    assert (bratislava.kind, bratislava.place.geonames_id) == ("place", 3060972)


def test_a_name_the_model_tags_a_common_noun_counts_where_the_article_names_it_so_elsewhere(annotator):
    text = ("Apple unveils a smaller music player\n\n"
            "Apple said on Tuesday that its new player would cost less. Apple shares rose.")
    found = annotator.annotate_text(text, PUBLISHED)
    (apple,) = [e for e in found.entities if e.name == "Apple"]
    assert [m.start for m in apple.mentions] == [0, text.index("Apple said"), text.index("Apple shares")]


def test_a_company_named_with_and_without_its_legal_form_is_one_organization(annotator):
    found = annotator.annotate_text("Apple Inc. said on Tuesday that its new player would cost less. Apple shares "
                                    "rose. General Motors Corp. and GM workers agreed on pay.", PUBLISHED)
    organizations = {e.name: [m.text for m in e.mentions] for e in found.entities if e.kind == "organization"}
    assert organizations == {"Apple Inc.": ["Apple Inc.", "Apple"], "General Motors Corp.": ["General Motors Corp.", "GM"]}
