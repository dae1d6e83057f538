"""The query page for people: YASGUI on our own endpoint, with example queries for the news graph.

YASGUI (``@zazuko/yasgui``) comes from the npm registry: ``npm ci`` (run by ``make``) puts its
build in ``node_modules``, and this blueprint serves those files from there, so the page loads
nothing from another host. Where the build is missing (no Node.js where the server was set
up) the page is what it is without script: one plain form per example query.

``/sparql`` renders the page (``query.html``); this blueprint gives that template the examples
and tells it whether YASGUI is there.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, request, send_from_directory

from server import context

blueprint = Blueprint("query_page", __name__)

YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
"""The build files the page loads; YASGUI is offered only when all of them are there."""


@dataclass(frozen=True)
class Example:
    title: str
    query: str


EXAMPLES = (
    Example("Latest articles", """
PREFIX schema: <https://schema.org/>
SELECT ?date ?headline ?article WHERE {
  ?article a schema:NewsArticle ;
    schema:headline ?headline ;
    schema:datePublished ?date .
}
ORDER BY DESC(?date)
LIMIT 20
"""),
    Example("Who met whom", """
# Meetings, talks and visits (the "consult" event types) with two of their actors.
PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX et: <https://w3id.org/newskg/event-type/>
SELECT ?actor ?otherActor ?type ?date ?sentence ?event WHERE {
  ?event a sem:Event ;
    sem:eventType ?eventType ;
    sem:hasActor ?a, ?b ;
    schema:description ?sentence .
  ?eventType skos:broader* et:consult ;
    skos:prefLabel ?type .
  ?a schema:name ?actor .
  ?b schema:name ?otherActor .
  FILTER(STR(?a) < STR(?b))
  OPTIONAL { ?event sem:hasTimeStamp|sem:hasBeginTimeStamp ?date }
}
ORDER BY DESC(?date)
LIMIT 100
"""),
    Example("Events in a place", """
# What happened where, place by place; to keep one place, add a line such as
#   VALUES ?place { "Damascus" }
PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?place ?date ?type ?sentence ?event WHERE {
  ?event a sem:Event ;
    sem:hasPlace/schema:name ?place ;
    sem:eventType/skos:prefLabel ?type ;
    schema:description ?sentence .
  OPTIONAL { ?event sem:hasTimeStamp|sem:hasBeginTimeStamp ?date }
}
ORDER BY ?place DESC(?date)
LIMIT 100
"""),
    Example("Quotes by a person", """
# Who said what, and where it was reported; to keep one person, add a line such as
#   VALUES ?person { "Mohammad Javad Zarif" }
PREFIX schema: <https://schema.org/>
SELECT ?person ?quote ?headline ?article WHERE {
  ?quotation a schema:Quotation ;
    schema:text ?quote ;
    schema:spokenByCharacter ?speaker ;
    schema:isPartOf ?article .
  ?speaker a schema:Person ;
    schema:name ?person .
  ?article schema:headline ?headline .
}
ORDER BY ?person
LIMIT 100
"""),
)
"""The queries the page offers; each answers on the articles ``kg ingest`` makes of a news page."""


def yasgui_available() -> bool:
    build = context.settings().yasgui_build
    return all((build / name).is_file() for name in YASGUI_FILES)


@blueprint.app_context_processor
def query_page_context() -> dict[str, object]:
    """The examples and YASGUI's presence, for the query page only."""
    if request.endpoint != "sparql.endpoint":
        return {}
    return {"examples": EXAMPLES, "yasgui": yasgui_available()}


@blueprint.route("/yasgui/<path:filename>")
def yasgui_file(filename: str) -> Response:
    """A file of the YASGUI build (its script, style sheet and their source maps)."""
    if not yasgui_available():
        abort(404, description="YASGUI is not installed on this server (run npm ci where it was set up)")
    return send_from_directory(context.settings().yasgui_build, filename)
