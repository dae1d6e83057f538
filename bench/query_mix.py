"""The query mix of ``bench/compare.py``: what users of a news graph ask, as SPARQL every engine runs.

Six kinds of query, each asked about several resources drawn from the data itself:

- ``lookup``: a resource's concise bounded description, written as a CONSTRUCT of its
  statements (the data has no blank nodes, so that is the whole CBD); DESCRIBE would be the
  natural text, but engines differ in what they describe and in which formats they send it;
- ``latest_articles``: the ten latest articles mentioning a person;
- ``events_in_place``: the events at a place within a year, by day;
- ``co_actors``: who met whom, two hops: the people in meetings with those who met a person;
- ``events_by_month``: counts of events by type and month within a year;
- ``headline_search``: the latest articles whose headline contains a word.

The same text goes to every engine. Parameters are drawn by :func:`draw` from the answers of
one engine (ours) with a seeded generator, so two runs on the same data ask the same queries.
People and places are drawn in proportion to how often the data mentions them, as readers ask
about the well-known more often; articles, years and words uniformly.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import string
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

SELECT_RESULTS = "application/sparql-results+json"
GRAPH_RESULTS = "application/n-triples"
PROLOGUE = """PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX et: <https://w3id.org/newskg/event-type/>
"""

TEMPLATES = {
    "lookup": "CONSTRUCT { $resource ?property ?value } WHERE { $resource ?property ?value }",
    "latest_articles": """SELECT ?article ?headline ?published WHERE {
  ?article schema:mentions $person ; schema:headline ?headline ; schema:datePublished ?published .
} ORDER BY DESC(?published) ?article LIMIT 10""",
    "events_in_place": """SELECT ?event ?type ?day WHERE {
  ?event sem:hasPlace $place ; sem:hasTimeStamp ?day ; sem:eventType ?type .
  FILTER(?day >= $start && ?day < $end)
} ORDER BY ?day ?event""",
    "co_actors": """SELECT ?other (COUNT(DISTINCT ?second) AS ?meetings) WHERE {
  ?first sem:eventType et:meeting ; sem:hasActor $person, ?middle .
  ?second sem:eventType et:meeting ; sem:hasActor ?middle, ?other .
  ?other a schema:Person .
  FILTER(?middle != $person && ?other != $person && ?other != ?middle)
} GROUP BY ?other ORDER BY DESC(?meetings) ?other LIMIT 20""",
    "events_by_month": """SELECT ?type ?month (COUNT(?event) AS ?events) WHERE {
  ?event a sem:Event ; sem:eventType ?type ; sem:hasTimeStamp ?day .
  FILTER(YEAR(?day) = $year)
  BIND(SUBSTR(STR(?day), 1, 7) AS ?month)
} GROUP BY ?type ?month ORDER BY ?month ?type""",
    "headline_search": """SELECT ?article ?headline ?published WHERE {
  ?article schema:headline ?headline ; schema:datePublished ?published .
  FILTER(CONTAINS(LCASE(STR(?headline)), $word))
} ORDER BY DESC(?published) ?article LIMIT 20""",
}
KINDS = tuple(TEMPLATES)

# What the parameters are drawn from; every answer is ordered, so the draw is repeatable.
ARTICLES = """SELECT ?article ?headline WHERE { ?article a schema:NewsArticle ; schema:headline ?headline }
ORDER BY ?article"""
PEOPLE = """SELECT ?person (COUNT(?article) AS ?weight) WHERE {
  ?article schema:mentions ?person . ?person a schema:Person
} GROUP BY ?person ORDER BY ?person"""
MEETINGS = """SELECT ?meeting ?actor ?person WHERE {
  ?meeting sem:eventType et:meeting ; sem:hasActor ?actor .
  BIND(EXISTS { ?actor a schema:Person } AS ?person)
} ORDER BY ?meeting ?actor"""
"""Who took part in each meeting: the 2-hop walk that finds whom ``co_actors`` can ask about is
done on these rows, as the same walk in SPARQL over all meetings took over a minute at 3M triples."""
PLACES = "SELECT ?place (COUNT(?event) AS ?weight) WHERE { ?event sem:hasPlace ?place } GROUP BY ?place ORDER BY ?place"
EVENTS = "SELECT ?event WHERE { ?event a sem:Event } ORDER BY ?event"
DAYS = "SELECT (MIN(?day) AS ?first) (MAX(?day) AS ?last) WHERE { ?event sem:hasTimeStamp ?day }"

Select = Callable[[str], list[dict[str, str]]]
"""Runs a SELECT query and returns its rows as variable -> value."""


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    accept: str = SELECT_RESULTS
    """The answer format asked for: N-Triples for graphs, SPARQL JSON for the rest."""


def query(kind: str, **parameters: Node) -> Query:
    """The query of ``kind`` about ``parameters``, each written as a SPARQL term."""
    template = TEMPLATES[kind]
    text = string.Template(template).substitute({name: term.n3() for name, term in parameters.items()})
    return Query(kind, PROLOGUE + text, GRAPH_RESULTS if template.startswith("CONSTRUCT") else SELECT_RESULTS)


@dataclass(frozen=True)
class Sample:
    """Parameters drawn from the data, ``count`` of each."""

    resources: list[URIRef]
    """Articles, people, places and events in turn: to look up."""
    documents: list[URIRef]
    """Articles, people, places and events in turn, ``count`` of each: to dereference."""
    people: list[URIRef]
    meeting_people: list[URIRef]
    places: list[URIRef]
    years: list[int]
    words: list[str]


def draw(select: Select, count: int, seed: int) -> Sample:
    """``count`` resources of each kind from the data ``select`` answers from."""
    rng = random.Random(seed)

    def ask(text: str) -> list[dict[str, str]]:
        return select(PROLOGUE + text)

    def weighted(text: str, column: str) -> list[URIRef]:
        rows = ask(text)
        if not rows:
            raise ValueError(f"the data has nothing to draw ?{column} from:\n{text}")
        return [URIRef(row[column]) for row in rng.choices(rows, weights=[int(row["weight"]) for row in rows], k=count)]

    articles = ask(ARTICLES)
    if not articles:
        raise ValueError("the data holds no schema:NewsArticle to draw from")
    picked = rng.choices(articles, k=count)
    words = sorted({word for row in picked for word in re.findall(r"[a-z]{5,}", row["headline"].lower())})
    (days,) = ask(DAYS)
    first, last = (dt.date.fromisoformat(days[name]).year for name in ("first", "last"))
    people, places = weighted(PEOPLE, "person"), weighted(PLACES, "place")
    events = [URIRef(row["event"]) for row in rng.choices(ask(EVENTS), k=count)]
    kinds = ([URIRef(row["article"]) for row in picked], people, places, events)
    meeting_people = _met_through_others(ask(MEETINGS))
    if not meeting_people:
        raise ValueError("the data has no person who met someone who met a third person, for co_actors")
    in_turn = [kinds[number % len(kinds)][number // len(kinds)] for number in range(len(kinds) * count)]
    return Sample(
        resources=in_turn[:count],
        documents=in_turn,
        people=people,
        meeting_people=[URIRef(person) for person in
                        rng.choices(list(meeting_people), weights=list(meeting_people.values()), k=count)],
        places=places,
        years=[rng.randint(first, last) for _ in range(count)],
        words=rng.choices(words, k=count),
    )


def _met_through_others(rows: list[dict[str, str]]) -> dict[str, int]:
    """The people ``co_actors`` finds someone for (a person who met another actor who met a third
    person, both walks through meetings), each with their number of meetings."""
    actors: dict[str, set[str]] = defaultdict(set)
    meetings: dict[str, set[str]] = defaultdict(set)
    people = set()
    for row in rows:
        actors[row["meeting"]].add(row["actor"])
        meetings[row["actor"]].add(row["meeting"])
        if row["person"] == "true":
            people.add(row["actor"])

    def answered(person: str) -> bool:
        return any(other in people and other not in (person, middle)
                   for first in meetings[person] for middle in actors[first] - {person}
                   for second in meetings[middle] for other in actors[second])

    return {person: len(meetings[person]) for person in sorted(people) if answered(person)}


def mix(sample: Sample) -> list[Query]:
    """One query of each kind per drawn parameter, kind after kind."""
    return [
        *(query("lookup", resource=resource) for resource in sample.resources),
        *(query("latest_articles", person=person) for person in sample.people),
        *(query("events_in_place", place=place, start=Literal(dt.date(year, 1, 1)),
                end=Literal(dt.date(year + 1, 1, 1))) for place, year in zip(sample.places, sample.years)),
        *(query("co_actors", person=person) for person in sample.meeting_people),
        *(query("events_by_month", year=Literal(year, datatype=XSD.integer)) for year in sample.years),
        *(query("headline_search", word=Literal(word)) for word in sample.words),
    ]


def answer(body: bytes, accept: str) -> list[dict[str, object]] | set[tuple[str, str, object]]:
    """An answer in a form two engines' answers compare by: a SELECT's rows in order (the mix's
    orders leave no ties) or a graph's set of triples, literals by value, as engines may write the
    same value differently (rdflib writes ``...Z`` back as ``...+00:00``)."""
    if accept == GRAPH_RESULTS:
        return {(triple.subject.value, triple.predicate.value, _graph_value(triple.object))
                for triple in ox.parse(body, ox.RdfFormat.N_TRIPLES)}
    bindings = json.loads(body)["results"]["bindings"]
    return [{name: _result_value(cell) for name, cell in row.items()} for row in bindings]


def _result_value(cell: dict[str, str]) -> object:
    if cell["type"] not in ("literal", "typed-literal"):
        return cell["type"], cell["value"]
    return _literal_value(cell["value"], cell.get("datatype"), cell.get("xml:lang"))


def _graph_value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
    if not isinstance(term, ox.Literal):
        return type(term).__name__, term.value
    return _literal_value(term.value, term.datatype.value, term.language)


def _literal_value(lexical: str, datatype: str | None, language: str | None) -> object:
    if language:
        return lexical, language.lower()
    return Literal(lexical, datatype=datatype).toPython()


def rows(body: bytes) -> list[dict[str, str]]:
    """The rows of a SPARQL JSON answer as variable -> value."""
    bindings = json.loads(body)["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in bindings]
