"""Map what the annotate stage found into the article's graph: entities, events, quotes, figures.

Entities get IRIs from their names (or gazetteer entries), so every article that names
Donald Trump or Syria meets at one resource. Events and quotes belong to their article and
get IRIs under it. Mentions are RFC 5147 fragments of the article IRI (``#char=120,135``)
counting characters of the annotated text (headline, lead and body joined by blank lines),
linked with ``gaf:denotedBy`` as NewsReader does.
"""
from __future__ import annotations

import datetime as dt

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.annotate.model import Annotations, Entity, Figure, Span
from kg.iris import Minter
from kg.vocab import GAF, KG, SCHEMA, SEM

GEONAMES = "https://sws.geonames.org/{}/"
_PLACE_TYPES = {"country": SCHEMA.Country, "city": SCHEMA.City, "region": SCHEMA.AdministrativeArea}
_ROLE_PROPERTIES = {"agent": KG.hasAgent, "target": KG.hasTarget, "participant": KG.hasParticipant}


def _mention(article: URIRef, span: Span) -> URIRef:
    return URIRef(f"{article}#char={span.start},{span.end}")


def _date(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


class _Writer:
    def __init__(self, graph: Graph, article: URIRef, minter: Minter, language: str | None) -> None:
        self.graph, self.article, self.minter, self.language = graph, article, minter, language
        self.iris: dict[int, URIRef] = {}
        self.figures = 0

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.language)

    def entity(self, entity: Entity) -> URIRef:
        """The entity's IRI, describing it in the graph the first time."""
        if id(entity) in self.iris:
            return self.iris[id(entity)]
        add = self.graph.add
        if entity.kind == "person":
            iri = self.minter.person(entity.name)
            add((iri, RDF.type, SCHEMA.Person))
        elif entity.kind == "organization":
            iri = self.minter.organization(entity.name)
            add((iri, RDF.type, SCHEMA.Organization))
        else:
            place = entity.place
            iri = self.minter.place(entity.name, None if entity.region_kind == "country" or place is None
                                    else place.country_code)
            add((iri, RDF.type, SCHEMA.Place))
            if entity.region_kind in _PLACE_TYPES:
                add((iri, RDF.type, _PLACE_TYPES[entity.region_kind]))
            if place is not None and place.geonames_id is not None:
                add((iri, OWL.sameAs, URIRef(GEONAMES.format(place.geonames_id))))
            if place is not None and place.wikidata_id:
                add((iri, OWL.sameAs, URIRef(f"http://www.wikidata.org/entity/{place.wikidata_id}")))
        self.iris[id(entity)] = iri
        add((iri, SCHEMA.name, Literal(entity.name)))
        for span in [*entity.mentions, *entity.references]:
            add((iri, GAF.denotedBy, _mention(self.article, span)))
        for title in entity.job_titles:
            add((iri, SCHEMA.jobTitle, self.text(title)))
        for affiliation in entity.affiliations:
            add((iri, SCHEMA.affiliation, self.entity(affiliation)))
        return iri

    def figure(self, owner: URIRef, figure: Figure) -> None:
        self.figures += 1
        node = URIRef(f"{self.article}#figure-{self.figures}")
        self.graph.add((owner, KG.figure, node))
        self.graph.add((node, RDF.type, SCHEMA.QuantitativeValue))
        self.graph.add((node, SCHEMA.value, Literal(figure.value)))
        self.graph.add((node, SCHEMA.unitText, Literal(figure.unit)))
        self.graph.add((node, SCHEMA.description, self.text(figure.text)))


def add_annotations(graph: Graph, article: URIRef, annotations: Annotations, minter: Minter,
                    language: str | None) -> None:
    writer = _Writer(graph, article, minter, language)
    add = graph.add
    for entity in annotations.entities:
        add((article, SCHEMA.mentions, writer.entity(entity)))

    event_iris = {id(event): minter.event(article, number) for number, event in enumerate(annotations.events, 1)}
    for event in annotations.events:
        iri = event_iris[id(event)]
        add((article, SCHEMA.mentions, iri))
        add((iri, RDF.type, SEM.Event))
        add((iri, SEM.eventType, URIRef(event.type)))
        names = ", ".join(entity.name for entity, _ in event.actors)
        add((iri, RDFS.label, writer.text(f"{event.trigger.text} ({names})" if names else event.trigger.text)))
        add((iri, SCHEMA.description, writer.text(event.sentence.text)))
        add((iri, GAF.denotedBy, _mention(article, event.trigger)))
        for entity, role in event.actors:
            actor = writer.entity(entity)
            add((iri, SEM.hasActor, actor))
            add((iri, _ROLE_PROPERTIES[role], actor))
        for place in event.places:
            add((iri, SEM.hasPlace, writer.entity(place)))
        if event.time is not None:
            if event.time.is_day:
                add((iri, SEM.hasTimeStamp, _date(event.time.begin)))
            else:
                add((iri, SEM.hasBeginTimeStamp, _date(event.time.begin)))
                add((iri, SEM.hasEndTimeStamp, _date(event.time.end)))
        if event.time_inferred:
            add((iri, KG.timeInferred, Literal(True)))
        if event.planned:
            add((iri, KG.planned, Literal(True)))
        for other in event.about:
            add((iri, KG.aboutEvent, event_iris[id(other)]))
        for figure in event.figures:
            writer.figure(iri, figure)

    for number, quote in enumerate(annotations.quotes, 1):
        iri = minter.quote(article, number)
        add((iri, RDF.type, SCHEMA.Quotation))
        add((iri, SCHEMA.text, writer.text(quote.span.text)))
        add((iri, SCHEMA.isPartOf, article))
        add((iri, GAF.denotedBy, _mention(article, quote.span)))
        for speaker in quote.speakers:
            add((iri, SCHEMA.spokenByCharacter, writer.entity(speaker)))

    for place, figure in annotations.place_figures:
        writer.figure(writer.entity(place), figure)
