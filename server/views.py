"""What the pages of articles, people, organizations, places and events show, by rdf:type.

Each view is plain values for one template; Jinja escapes all of them, so article text that
holds markup is shown as text. What the resource's document (``kg.describe``) already holds
is read from it; listings across the graph (the events someone takes part in, the articles
mentioning a place) come from SPARQL queries on the store, starting from the page's resource as
the document's do (see :mod:`kg.describe`), with the IRIs they need embedded by rdflib's
N-Triples serialization, never as raw request text.

What links to a resource is paged as its document is: the listings of people's and places'
articles, events and quotations show the resources on the document's page of incoming links
(newest first), and a :class:`Pager` leads to the other pages.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from string import Template
from typing import ClassVar

from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.describe import PAGE_SIZE, Document, Incoming
from kg.store import Store, select_text
from kg.vocab import GAF, KG, SCHEMA, SEM
from server.html import ResourceView, external_href, href, label, resource_view

PARAGRAPH_SEPARATOR = "\n\n"
"""How the annotated text joins headline, lead and body paragraphs (``kg/annotate/text.py``)."""
_MENTION = re.compile(r"#char=(\d+),(\d+)$")
_ROLES = {KG.hasAgent: "agent", KG.hasTarget: "target", KG.hasParticipant: "participant"}
_PLACE_KINDS = {SCHEMA.Country: "country", SCHEMA.City: "city", SCHEMA.AdministrativeArea: "region"}
_GEONAMES = "https://sws.geonames.org/"
_WIKIDATA = "http://www.wikidata.org/entity/"
_LIST_LIMIT = 200

_PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX kg: <https://w3id.org/newskg/ns#>
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_EVENT_DETAILS = """
  OPTIONAL { ?event rdfs:label ?label }
  OPTIONAL { ?event sem:eventType/skos:prefLabel ?typeLabel }
  OPTIONAL { ?event sem:hasTimeStamp ?stamp }
  OPTIONAL { ?event sem:hasBeginTimeStamp ?begin }
  OPTIONAL { ?event sem:hasEndTimeStamp ?end }
  OPTIONAL { ?event kg:planned ?planned }
  OPTIONAL { ?event kg:timeInferred ?inferred }
"""
EVENTS_OF_ACTOR = Template(_PREFIXES + """SELECT * WHERE {
  VALUES ?event { $subjects }
  ?event sem:hasActor $resource .
  OPTIONAL { VALUES (?roleProperty ?role) { (kg:hasAgent "agent") (kg:hasTarget "target") (kg:hasParticipant "participant") }
             ?event ?roleProperty $resource }""" + _EVENT_DETAILS + "}")
EVENTS_AT_PLACE = Template(_PREFIXES + "SELECT * WHERE {\n  VALUES ?event { $subjects }\n  ?event sem:hasPlace $resource ."
                           + _EVENT_DETAILS + "}")
EVENTS_IN_ARTICLE = Template(_PREFIXES + "SELECT * WHERE {\n  $resource schema:mentions ?event . ?event a sem:Event ."
                             + _EVENT_DETAILS + "} LIMIT $limit")
ARTICLES_LINKING = Template(_PREFIXES + """SELECT ?article ?headline ?date WHERE {
  VALUES ?article { $subjects }
  ?article a schema:NewsArticle ; schema:headline ?headline .
  OPTIONAL { ?article schema:datePublished ?date }
} ORDER BY DESC(?date)""")
RELATED_ARTICLES = Template(_PREFIXES + """SELECT ?article ?headline ?date (COUNT(DISTINCT ?thing) AS ?shared) WHERE {
  $resource schema:mentions ?thing . ?thing a ?kind .
  FILTER (?kind IN (schema:Person, schema:Organization, schema:Place))
  ?article schema:mentions ?thing ; schema:headline ?headline .
  FILTER (?article != $resource)
  OPTIONAL { ?article schema:datePublished ?date }
} GROUP BY ?article ?headline ?date ORDER BY DESC(?shared) DESC(?date) LIMIT 10""")
QUOTES_IN_ARTICLE = Template(_PREFIXES + """SELECT ?quote ?text ?mention ?speaker ?name WHERE {
  ?quote schema:isPartOf $resource ; a schema:Quotation ; schema:text ?text .
  OPTIONAL { ?quote gaf:denotedBy ?mention }
  OPTIONAL { ?quote schema:spokenByCharacter ?speaker OPTIONAL { ?speaker schema:name ?name } }
} LIMIT $limit""")
QUOTES_BY_SPEAKER = Template(_PREFIXES + """SELECT ?quote ?text ?article ?headline ?date WHERE {
  VALUES ?quote { $subjects }
  ?quote schema:spokenByCharacter $resource ; schema:text ?text ; schema:isPartOf ?article .
  ?article schema:headline ?headline .
  OPTIONAL { ?article schema:datePublished ?date }
} ORDER BY DESC(?date)""")
LINKS_BY_KIND = Template(_PREFIXES + """SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s ?p $resource ; a ?kind . FILTER (?s != $resource)
  FILTER (?kind IN (schema:NewsArticle, sem:Event, schema:Quotation, schema:Person, schema:Organization, schema:Place))
} GROUP BY ?kind""")
"""The kinds are a filter: as a VALUES block, Oxigraph began from every resource of each kind."""
_KIND_NAMES = {  # what the pager counts, in this order: (one, many)
    SCHEMA.NewsArticle: ("article", "articles"), SEM.Event: ("event", "events"),
    SCHEMA.Quotation: ("quotation", "quotations"), SCHEMA.Person: ("person", "people"),
    SCHEMA.Organization: ("organization", "organizations"), SCHEMA.Place: ("place", "places"),
}


@dataclass(frozen=True)
class Pager:
    """Where a page stands among the pages of links to its resource, newest first."""

    incoming: Incoming
    counts: list[str]
    """The kinds of what links in, counted over all pages ("230 articles")."""
    newer: str | None
    """The address of the page before, or None on the first."""
    older: str | None

    @property
    def first_item(self) -> int:
        return (self.incoming.page - 1) * PAGE_SIZE + 1

    @property
    def last_item(self) -> int:
        return self.first_item + len(self.incoming.subjects) - 1


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None
    note: str | None = None


@dataclass(frozen=True)
class EventItem:
    link: Link
    type_label: str | None
    when: str | None
    date: str
    """The ISO date it sorts by; empty when the event is undated."""
    planned: bool
    inferred: bool
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quote:
    text: str
    speakers: list[Link]
    source: Link | None = None


@dataclass(frozen=True)
class Paragraph:
    text: str
    is_heading: bool


@dataclass(frozen=True)
class Image:
    caption: str | None
    credit: str | None
    src: str | None


@dataclass(frozen=True)
class Passage:
    """A paragraph of an article with an event's sentence and trigger word picked out."""

    before: str
    sentence_start: str
    trigger: str
    sentence_end: str
    after: str


@dataclass(frozen=True)
class Source:
    article: Link
    context_before: list[str]
    passage: Passage | None
    context_after: list[str]


@dataclass(frozen=True)
class ArticleView:
    template: ClassVar[str] = "article.html"
    iri: str
    label: str
    section: str | None
    published: str | None
    published_iso: str | None
    lead: str | None
    images: list[Image]
    body: list[Paragraph]
    credit: str | None
    url: str | None
    authors: list[Link]
    publishers: list[Link]
    sources: list[Link]
    """The news agencies the article credits."""
    keywords: list[str]
    people: list[Link]
    organizations: list[Link]
    places: list[Link]
    events: list[EventItem]
    quotes: list[Quote]
    citations: list[Link]
    cited_by: list[Link]
    related: list[Link]


@dataclass(frozen=True)
class AgentView:
    """A person's or an organization's page."""

    template: ClassVar[str] = "person.html"
    iri: str
    label: str
    kind: str
    alternate_names: list[str]
    job_titles: list[str]
    affiliations: list[Link]
    members: list[Link]
    articles: list[Link]
    events: list[EventItem]
    quotes: list[Quote]


@dataclass(frozen=True)
class PlaceView:
    template: ClassVar[str] = "place.html"
    iri: str
    label: str
    kind: str
    geonames: str | None
    wikidata: str | None
    timeline: list[EventItem]
    """Events that happened there, oldest first."""
    as_actor: list[EventItem]
    people: list[Link]
    articles: list[Link]
    figures: list[str]


@dataclass(frozen=True)
class EventView:
    template: ClassVar[str] = "event.html"
    iri: str
    label: str
    type: Link | None
    type_definition: str | None
    actors: list[Link]
    places: list[Link]
    when: str | None
    planned: bool
    inferred: bool
    about: list[Link]
    about_it: list[Link]
    sentence: str | None
    sources: list[Source]
    figures: list[str]


@dataclass
class _Context:
    store: Store
    graph: Graph
    subject: URIRef
    base: str
    incoming: Incoming
    """The document's page of incoming links, which the paged listings are limited to."""

    def text(self, predicate: URIRef, subject: Node | None = None) -> str | None:
        value = self.graph.value(subject if subject is not None else self.subject, predicate)
        return str(value) if value is not None else None

    def texts(self, predicate: URIRef, subject: Node | None = None) -> list[str]:
        return sorted({str(o) for o in self.graph.objects(subject if subject is not None else self.subject, predicate)})

    def link(self, node: Node, note: str | None = None) -> Link:
        return Link(label(self.graph, node), _link_target(str(node), self.base), note)

    def links(self, nodes: object) -> list[Link]:
        return sorted({self.link(node) for node in nodes if isinstance(node, URIRef)}, key=lambda l: l.text.lower())

    def select(self, template: Template, resource: URIRef | None = None) -> list[dict[str, str]]:
        """Rows of a SELECT listing about ``resource`` (the page's subject by default); ``$subjects``
        in the template stands for the resources on the document's page of incoming links."""
        subjects = " ".join(node.n3() for node in self.incoming.subjects if isinstance(node, URIRef))
        text = template.substitute(resource=(resource or self.subject).n3(), limit=_LIST_LIMIT, subjects=subjects)
        return select_text(self.store, text)


def _link_target(iri: str, base: str) -> str | None:
    return href(iri, base) if iri.startswith(base) else external_href(iri)


def human_date(lexical: str) -> str:
    """``2018-09-04`` as "4 September 2018"; a time of day is kept ("…, 09:45 UTC")."""
    try:
        if "T" in lexical:
            moment = dt.datetime.fromisoformat(lexical.replace("Z", "+00:00"))
            zone = " UTC" if moment.utcoffset() == dt.timedelta(0) else ""
            return f"{moment.day} {moment:%B %Y, %H:%M}{zone}"
        day = dt.date.fromisoformat(lexical)
        return f"{day.day} {day:%B %Y}"
    except ValueError:
        return lexical


def event_time(stamp: str | None, begin: str | None, end: str | None) -> str | None:
    """An event's time in words: its day, or the span from its begin to its end."""
    if stamp:
        return human_date(stamp)
    if begin and end and begin != end:
        return f"{human_date(begin)} – {human_date(end)}"
    return human_date(begin or end) if begin or end else None


def _events(context: _Context, template: Template, default_role: str | None = None) -> list[EventItem]:
    """Events from a listing query, one item each whatever the number of rows (roles, labels);
    ``default_role`` names the part of an actor no role property states."""
    rows: dict[str, dict] = {}
    for row in context.select(template):
        item = rows.setdefault(row["event"], {**row, "roles": set()})
        if "role" in row:
            item["roles"].add(row["role"])
    items = []
    for event, row in rows.items():
        items.append(EventItem(
            link=Link(row.get("label") or event, _link_target(event, context.base)),
            type_label=row.get("typeLabel"), when=event_time(row.get("stamp"), row.get("begin"), row.get("end")),
            date=row.get("stamp") or row.get("begin") or row.get("end") or "",
            planned=row.get("planned") == "true", inferred=row.get("inferred") == "true",
            roles=tuple(sorted(row["roles"])) or ((default_role,) if default_role else ())))
    return items


def _newest_first(events: list[EventItem]) -> list[EventItem]:
    return sorted(events, key=lambda e: (e.date, e.link.text), reverse=True)


def _oldest_first(events: list[EventItem]) -> list[EventItem]:
    """Dated events in time order, undated ones after them."""
    return sorted(events, key=lambda e: (not e.date, e.date, e.link.text))


def _articles(context: _Context) -> list[Link]:
    seen: dict[str, Link] = {}
    for row in context.select(ARTICLES_LINKING):
        seen.setdefault(row["article"], Link(row["headline"], _link_target(row["article"], context.base),
                                             human_date(row["date"]) if "date" in row else None))
    return list(seen.values())


def _is_heading(paragraph: str) -> bool:
    """A subheading ("Costs and doubts"): the body keeps it as a short paragraph with no closing punctuation."""
    return len(paragraph) <= 80 and "\n" not in paragraph and not paragraph.rstrip().endswith(
        (".", "!", "?", ":", ";", ",", '"', "”", "'", "’", ")"))


def _mention_offsets(mention: str) -> tuple[int, int] | None:
    found = _MENTION.search(mention)
    return (int(found.group(1)), int(found.group(2))) if found else None


def _figures(context: _Context) -> list[str]:
    return sorted(str(o) for figure in context.graph.objects(context.subject, KG.figure)
                  for _, _, o in context.store.triples(figure, SCHEMA.description))


def article_view(context: _Context) -> ArticleView:
    graph, subject = context.graph, context.subject
    mentioned = set(graph.objects(subject, SCHEMA.mentions))

    def of_type(kind: URIRef) -> list[Link]:
        return context.links(node for node in mentioned if (node, RDF.type, kind) in graph)

    images = [Image(context.text(SCHEMA.caption, node), context.text(SCHEMA.creditText, node),
                    external_href(context.text(SCHEMA.contentUrl, node) or ""))
              for node in sorted(graph.objects(subject, SCHEMA.image))]
    quotes: dict[str, dict] = {}
    for row in context.select(QUOTES_IN_ARTICLE):
        quote = quotes.setdefault(row["quote"], {"text": row["text"], "speakers": set(),
                                                 "start": (_mention_offsets(row.get("mention", "")) or (0, 0))[0]})
        if "speaker" in row:
            quote["speakers"].add(Link(row.get("name", row["speaker"]), _link_target(row["speaker"], context.base)))
    date = context.text(SCHEMA.datePublished)
    return ArticleView(
        iri=str(subject), label=label(graph, subject),
        section=context.text(SCHEMA.articleSection),
        published=human_date(date) if date else None, published_iso=date,
        lead=context.text(SCHEMA.description),
        images=images,
        body=[Paragraph(p, _is_heading(p)) for p in (context.text(SCHEMA.articleBody) or "").split(PARAGRAPH_SEPARATOR)
              if p.strip()],
        credit=context.text(SCHEMA.creditText),
        url=external_href(context.text(SCHEMA.url) or ""),
        authors=context.links(graph.objects(subject, SCHEMA.author)),
        publishers=context.links(graph.objects(subject, SCHEMA.publisher)),
        sources=context.links(graph.objects(subject, SCHEMA.sourceOrganization)),
        keywords=context.texts(SCHEMA.keywords),
        people=of_type(SCHEMA.Person),
        organizations=of_type(SCHEMA.Organization),
        places=of_type(SCHEMA.Place),
        events=_oldest_first(_events(context, EVENTS_IN_ARTICLE)),
        quotes=[Quote(q["text"], sorted(q["speakers"], key=lambda l: l.text))
                for q in sorted(quotes.values(), key=lambda q: q["start"])],
        citations=context.links(graph.objects(subject, SCHEMA.citation)),
        cited_by=context.links(graph.subjects(SCHEMA.citation, subject)),
        related=[Link(row["headline"], _link_target(row["article"], context.base),
                      human_date(row["date"]) if "date" in row else None)
                 for row in context.select(RELATED_ARTICLES)],
    )


def agent_view(context: _Context) -> AgentView:
    graph, subject = context.graph, context.subject
    quotes = [Quote(row["text"], [], Link(row["headline"], _link_target(row["article"], context.base),
                                          human_date(row["date"]) if "date" in row else None))
              for row in context.select(QUOTES_BY_SPEAKER)]
    return AgentView(
        iri=str(subject), label=label(graph, subject),
        kind="person" if (subject, RDF.type, SCHEMA.Person) in graph else "organization",
        alternate_names=context.texts(SCHEMA.alternateName),
        job_titles=context.texts(SCHEMA.jobTitle),
        affiliations=context.links(graph.objects(subject, SCHEMA.affiliation)),
        members=context.links(graph.subjects(SCHEMA.affiliation, subject)),
        articles=_articles(context),
        events=_newest_first(_events(context, EVENTS_OF_ACTOR, "actor")),
        quotes=quotes,
    )


def place_view(context: _Context) -> PlaceView:
    graph, subject = context.graph, context.subject
    kinds = [_PLACE_KINDS[t] for t in graph.objects(subject, RDF.type) if t in _PLACE_KINDS]
    same = [str(o) for o in graph.objects(subject, OWL.sameAs)]
    return PlaceView(
        iri=str(subject), label=label(graph, subject), kind=kinds[0] if kinds else "place",
        geonames=next((external_href(iri) for iri in same if iri.startswith(_GEONAMES)), None),
        wikidata=next((external_href(iri) for iri in same if iri.startswith(_WIKIDATA)), None),
        timeline=_oldest_first(_events(context, EVENTS_AT_PLACE)),
        as_actor=_newest_first(_events(context, EVENTS_OF_ACTOR, "actor")),
        people=context.links(graph.subjects(SCHEMA.affiliation, subject)),
        articles=_articles(context),
        figures=_figures(context),
    )


def passage(text: str, start: int, end: int, sentence: str | None) -> tuple[list[str], Passage, list[str]] | None:
    """The paragraph of ``text`` holding the trigger at ``start``-``end``, with its sentence
    marked, and the paragraphs either side for context; None when the offsets do not fit."""
    if not 0 <= start < end <= len(text):
        return None
    found = text.rfind(PARAGRAPH_SEPARATOR, 0, start)
    paragraph_start = 0 if found < 0 else found + len(PARAGRAPH_SEPARATOR)
    found = text.find(PARAGRAPH_SEPARATOR, end)
    paragraph_end = len(text) if found < 0 else found
    sentence_start, sentence_end = start, end
    if sentence:
        at = text.find(sentence, paragraph_start, paragraph_end)
        while at >= 0 and not at <= start < end <= at + len(sentence):
            at = text.find(sentence, at + 1, paragraph_end)
        if at >= 0:
            sentence_start, sentence_end = at, at + len(sentence)
    before = [p for p in text[:paragraph_start].split(PARAGRAPH_SEPARATOR) if p.strip()][-1:]
    after = [p for p in text[paragraph_end:].split(PARAGRAPH_SEPARATOR) if p.strip()][:1]
    return before, Passage(
        before=text[paragraph_start:sentence_start], sentence_start=text[sentence_start:start],
        trigger=text[start:end], sentence_end=text[end:sentence_end], after=text[sentence_end:paragraph_end],
    ), after


def _source(context: _Context, mention: str, sentence: str | None) -> Source | None:
    offsets = _mention_offsets(mention)
    if offsets is None:
        return None
    article = URIRef(mention.split("#", 1)[0])
    parts = [next((str(o) for _, _, o in context.store.triples(article, predicate)), "")
             for predicate in (SCHEMA.headline, SCHEMA.description, SCHEMA.articleBody)]
    text = PARAGRAPH_SEPARATOR.join(part for part in parts if part)
    link = Link(parts[0] or str(article), _link_target(str(article), context.base))
    found = passage(text, *offsets, sentence)
    if found is None:
        return Source(link, [], None, [])
    return Source(link, found[0], found[1], found[2])


def event_view(context: _Context) -> EventView:
    graph, subject = context.graph, context.subject
    event_type = graph.value(subject, SEM.eventType)
    roles: dict[Node, list[str]] = {}
    for predicate, role in _ROLES.items():
        for actor in graph.objects(subject, predicate):
            roles.setdefault(actor, []).append(role)
    actors = sorted((context.link(actor, ", ".join(roles.get(actor, ["actor"])))
                     for actor in set(graph.objects(subject, SEM.hasActor))), key=lambda l: l.text.lower())
    sentence = context.text(SCHEMA.description)
    definition = next((str(o) for _, _, o in context.store.triples(event_type, SKOS.definition)), None) \
        if isinstance(event_type, URIRef) else None
    sources = [_source(context, str(mention), sentence) for mention in sorted(graph.objects(subject, GAF.denotedBy))]
    return EventView(
        iri=str(subject), label=label(graph, subject),
        type=context.link(event_type) if isinstance(event_type, URIRef) else None,
        type_definition=definition,
        actors=actors,
        places=context.links(graph.objects(subject, SEM.hasPlace)),
        when=event_time(context.text(SEM.hasTimeStamp), context.text(SEM.hasBeginTimeStamp),
                  context.text(SEM.hasEndTimeStamp)),
        planned=context.text(KG.planned) == "true",
        inferred=context.text(KG.timeInferred) == "true",
        about=context.links(graph.objects(subject, KG.aboutEvent)),
        about_it=context.links(graph.subjects(KG.aboutEvent, subject)),
        sentence=sentence,
        sources=[source for source in sources if source is not None],
        figures=_figures(context),
    )


_VIEWS = (  # the first type the resource has decides its page
    (SEM.Event, event_view),
    (SCHEMA.NewsArticle, article_view),
    (SCHEMA.Person, agent_view),
    (SCHEMA.Organization, agent_view),
    (SCHEMA.Place, place_view),
)

PageView = ArticleView | AgentView | PlaceView | EventView | ResourceView


def page_view(store: Store, document: Document, subject: URIRef, base: str) -> PageView:
    """The view of ``subject``'s page, chosen by its rdf:type; the property table for other types."""
    graph = document.graph
    types = set(graph.objects(subject, RDF.type))
    for kind, view in _VIEWS:
        if kind in types:
            return view(_Context(store, graph, subject, base, document.incoming))
    return resource_view(graph, subject, base)


def pager(store: Store, incoming: Incoming, subject: URIRef, page_href: Callable[[int], str]) -> Pager:
    """The pager of ``subject``'s page; ``page_href`` gives the address of a page by its number."""
    counts: dict[str, int] = {}
    if incoming.total:
        rows = select_text(store, LINKS_BY_KIND.substitute(resource=subject.n3()))
        counts = {row["kind"]: int(row["n"]) for row in rows}
    return Pager(
        incoming=incoming,
        counts=[f"{counts[str(kind)]} {one if counts[str(kind)] == 1 else many}"
                for kind, (one, many) in _KIND_NAMES.items() if str(kind) in counts],
        newer=page_href(incoming.page - 1) if incoming.page > 1 else None,
        older=page_href(incoming.page + 1) if incoming.page < incoming.pages else None,
    )
