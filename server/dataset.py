"""What the server says about the dataset as a whole, for crawlers and data catalogues.

``/dataset`` and ``/.well-known/void`` (RFC 5785, as VoID asks) serve its VoID and DCAT
description; ``/ontology`` and ``/shapes`` serve the vocabulary and the SHACL shapes the data is
written and checked with; ``/sitemap.xml`` lists the HTML pages for search engines. The graphs
are negotiated like resource documents (HTML, Turtle, JSON-LD, N-Triples, RDF/XML) or fixed by
an extension (``/dataset.ttl``).
"""
from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS, VOID
from rdflib.term import Node
from werkzeug.urls import iri_to_uri

from kg.dumps import FILE_NAMES, ready_dump
from kg.ontology import ontology_graph
from kg import validation
from kg.sparql import choose
from kg.store import select_text
from kg.validation import SH, TARGETS
from kg.vocab import KG, SCHEMA, SEM
from kg.void import IANA_MEDIA_TYPES, describe_dataset, describe_dumps
from server import context
from server.html import href
from server.linked_data import EXTENSIONS, OFFERED, SERIALIZATIONS, serialize

blueprint = Blueprint("dataset", __name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_URLS = 50_000
"""The most URLs one sitemap may hold (sitemaps.org); more are split into numbered pages."""
_PREFIXES = f"PREFIX schema: <{SCHEMA}> PREFIX kg: <{KG}> PREFIX sem: <{SEM}>\n"
_DOCUMENTS = """{{
  {{ ?graph kg:article ?resource .
     OPTIONAL {{ ?resource schema:dateModified ?modified }} OPTIONAL {{ ?resource schema:datePublished ?published }} }}
  UNION {{ VALUES ?type {{ schema:Person schema:Organization schema:Place sem:Event }} ?resource a ?type }}
  FILTER(STRSTARTS(STR(?resource), {space}))
}}"""
"""The resources a sitemap lists: published articles (with their dates) and the entities they name."""
_TIME_ZONE = re.compile(r"(Z|[+-]\d\d:\d\d)$")


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


@dataclass(frozen=True)
class Page:
    """What ``dataset.html`` lays out: a few tables about one graph."""

    title: str
    intro: str
    tables: list[Table]


class _LatestGraph:
    """The last graph made, kept while its key (the store version) stays the same.

    Making it runs aggregate queries over all the data, so concurrent requests wait for one
    another instead of each computing it again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Hashable = None
        self._graph = Graph()

    def get(self, key: Hashable, make: Callable[[], Graph]) -> Graph:
        with self._lock:
            if key != self._key:
                self._graph, self._key = make(), key
            return self._graph


@blueprint.record_once
def _set_up(state: BlueprintSetupState) -> None:
    state.app.extensions["kg_dataset"] = _LatestGraph()


# --- Graphs: the dataset description, the ontology, the shapes -----------------------------------

@blueprint.route("/.well-known/void")
@blueprint.route("/dataset")
@blueprint.route("/dataset.<extension>")
def dataset(extension: str | None = None) -> Response:
    graph = dataset_graph()
    return negotiated(graph, extension, "dataset", lambda: dataset_page(graph))


@blueprint.route("/ontology")
@blueprint.route("/ontology.<extension>")
def ontology(extension: str | None = None) -> Response:
    graph = ontology_graph()
    return negotiated(graph, extension, "ontology", lambda: ontology_page(graph))


@blueprint.route("/shapes")
@blueprint.route("/shapes.<extension>")
def shapes(extension: str | None = None) -> Response:
    graph = validation.shapes()
    return negotiated(graph, extension, "shapes", lambda: shapes_page(graph))


def dataset_graph() -> Graph:
    """The description of the current data, its statistics made again only when the data changed."""
    store, settings = context.store(), context.settings()
    latest: _LatestGraph = current_app.extensions["kg_dataset"]
    description = latest.get(store.version(), lambda: describe_dataset(store, settings))
    ready = [info for format in FILE_NAMES if (info := ready_dump(store, settings.dumps, format)) is not None]
    # A copy: the cached graph is shared by all requests, the dumps' details are this request's.
    return description + describe_dumps(settings, ready)


def negotiated(graph: Graph, extension: str | None, name: str, page: Callable[[], Page]) -> Response:
    """``graph`` in the format the extension names, else the one the Accept header prefers.

    ``name`` is both the document's name and its view's; ``page`` makes the HTML view only when
    it is asked for.
    """
    if extension is not None:
        if extension not in EXTENSIONS:
            abort(404, description=f"there is no {name}.{extension}; try " +
                  ", ".join(f"{name}.{known}" for known in EXTENSIONS))
        media_type: str | None = EXTENSIONS[extension]
    else:
        media_type = choose(request.headers.get("Accept", "*/*"), OFFERED)
    if media_type is None:
        response = Response("this document is available as " + ", ".join(OFFERED[:1] + OFFERED[2:]) + "\n",
                            status=406, mimetype="text/plain")
    elif media_type in ("text/html", "application/xhtml+xml"):
        response = Response(render_template("dataset.html", page=page(), endpoint=name), mimetype="text/html")
    else:
        response = Response(serialize(graph, media_type), mimetype=media_type)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{url_for(f".{name}", extension=alternate_extension)}>; rel="alternate"; type="{alternate}"'
        for alternate, alternate_extension in SERIALIZATIONS.items()
    )
    return response



# --- HTML views of the graphs ---------------------------------------------------------------------

def _name(graph: Graph, term: Node) -> str:
    """A term as a CURIE where a prefix is bound, else in full."""
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term).removeprefix("<").removesuffix(">")
        except ValueError:
            return str(term)
    return str(term)


def _link(graph: Graph, term: Node) -> Cell:
    if isinstance(term, URIRef):
        return Cell(_name(graph, term), href(str(term), context.settings().base))
    return Cell("" if term is None or isinstance(term, BNode) else str(term))


def _text(graph: Graph, subject: Node, *predicates: URIRef) -> Cell:
    """The first of ``predicates`` the subject has, preferring English."""
    for predicate in predicates:
        values = list(graph.objects(subject, predicate))
        english = [value for value in values if isinstance(value, Literal) and value.language == "en"]
        if english or values:
            return Cell(str((english or values)[0]))
    return Cell("")


def _number(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    return int(value) if value is not None else 0


def dataset_page(graph: Graph) -> Page:
    dataset = URIRef(context.settings().base + "dataset")
    about = [row for row in [
        (Cell("Title"), _text(graph, dataset, DCTERMS.title)),
        (Cell("Description"), _text(graph, dataset, DCTERMS.description)),
        (Cell("Licence"), _link(graph, graph.value(dataset, DCTERMS.license))),
        (Cell("Publisher"), _text(graph, graph.value(dataset, DCTERMS.publisher), FOAF.name)),
        (Cell("SPARQL endpoint"), _link(graph, graph.value(dataset, VOID.sparqlEndpoint))),
        (Cell("URI space"), _text(graph, dataset, VOID.uriSpace)),
        *((Cell("Example resource"), _link(graph, example))
          for example in sorted(graph.objects(dataset, VOID.exampleResource))),
    ] if row[1].text]
    statistics = [(Cell(label), Cell(f"{_number(graph, dataset, predicate):,}")) for label, predicate in (
        ("Triples", VOID.triples), ("Entities", VOID.entities), ("Distinct subjects", VOID.distinctSubjects),
        ("Distinct objects", VOID.distinctObjects), ("Properties", VOID.properties), ("Classes", VOID.classes))]
    downloads = [
        (_link(graph, graph.value(distribution, DCAT.downloadURL)),
         Cell(str(graph.value(distribution, DCAT.mediaType)).removeprefix(IANA_MEDIA_TYPES)),
         Cell(f"{_number(graph, distribution, DCAT.byteSize):,} bytes" if graph.value(distribution, DCAT.byteSize)
              else "made when first downloaded"))
        for distribution in sorted(graph.objects(dataset, DCAT.distribution))
    ]
    linksets = [
        (_text(graph, linkset, DCTERMS.title), _link(graph, graph.value(linkset, VOID.linkPredicate)),
         Cell(f"{_number(graph, linkset, VOID.triples):,}"))
        for linkset in sorted(graph.objects(dataset, VOID.subset))
    ]
    classes = sorted(((_link(graph, graph.value(part, VOID["class"])), _number(graph, part, VOID.entities))
                      for part in graph.objects(dataset, VOID.classPartition)), key=lambda row: (-row[1], row[0].text))
    properties = sorted(((_link(graph, graph.value(part, VOID.property)), _number(graph, part, VOID.triples))
                         for part in graph.objects(dataset, VOID.propertyPartition)),
                        key=lambda row: (-row[1], row[0].text))
    return Page(
        title=str(graph.value(dataset, DCTERMS.title) or "Dataset"),
        intro="The VoID and DCAT description of this knowledge graph: where to query and download it, "
              "and what it holds.",
        tables=[
            Table("About", ("", ""), about),
            Table("Statistics", ("", ""), statistics),
            Table("Downloads", ("File", "Media type (gzip-compressed)", "Size"), downloads),
            Table("Links to other datasets", ("Linkset", "Predicate", "Links"), linksets),
            Table("Classes", ("Class", "Entities"), [(name, Cell(f"{n:,}")) for name, n in classes]),
            Table("Properties", ("Property", "Triples"), [(name, Cell(f"{n:,}")) for name, n in properties]),
        ],
    )


def ontology_page(graph: Graph) -> Page:
    def terms(*types: URIRef) -> list[tuple[Cell, ...]]:
        subjects = sorted({subject for kind in types for subject in graph.subjects(RDF.type, kind)
                           if isinstance(subject, URIRef)})
        return [(_link(graph, subject), _text(graph, subject, SKOS.notation),
                 _text(graph, subject, RDFS.label, SKOS.prefLabel),
                 _text(graph, subject, RDFS.comment, SKOS.definition)) for subject in subjects]

    columns = ("Term", "Code", "Label", "Comment")
    return Page(
        title="Ontology",
        intro="The news knowledge graph's own terms (what schema.org and the Simple Event Model lack) "
              "and its event-type scheme, as published in ontology/*.ttl.",
        tables=[
            Table("Classes", columns, terms(OWL.Class, RDFS.Class)),
            Table("Properties", columns, terms(OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                                               RDF.Property)),
            Table("Concept schemes", columns, terms(SKOS.ConceptScheme)),
            Table("Concepts", columns, terms(SKOS.Concept)),
        ],
    )


def shapes_page(graph: Graph) -> Page:
    node_shapes = sorted(subject for subject in graph.subjects(RDF.type, SH.NodeShape) if isinstance(subject, URIRef))
    described = [
        (_link(graph, shape),
         Cell(", ".join(f"{_name(graph, kind)} {_name(graph, target)}"
                        for kind in TARGETS for target in graph.objects(shape, kind))),
         _text(graph, shape, RDFS.comment))
        for shape in node_shapes
    ]
    constraints = [
        (_link(graph, shape), _link(graph, graph.value(constraint, SH.path)),
         _text(graph, constraint, SH.message))
        for shape in node_shapes
        for constraint in sorted(graph.objects(shape, SH.property), key=lambda node: str(graph.value(node, SH.path)))
    ]
    return Page(
        title="Shapes",
        intro="The SHACL shapes that decide what may be published: an article that breaks one is refused "
              "with the constraint's message.",
        tables=[
            Table("Node shapes", ("Shape", "Applies to", "Comment"), described),
            Table("Property constraints", ("Shape", "Path", "Message"), constraints),
        ],
    )


# --- Sitemap ---------------------------------------------------------------------------------------

@blueprint.route("/sitemap.xml")
def sitemap() -> Response:
    """One sitemap when the pages fit in one, else an index of numbered sitemaps."""
    pages = (1 + _count_documents() + SITEMAP_URLS - 1) // SITEMAP_URLS
    if pages <= 1:
        return sitemap_page(1)
    index = ET.Element("sitemapindex", xmlns=SITEMAP_NS)
    for number in range(1, pages + 1):
        ET.SubElement(ET.SubElement(index, "sitemap"), "loc").text = url_for(".sitemap_page", number=number,
                                                                              _external=True)
    return _xml(index)


@blueprint.route("/sitemap-<int:number>.xml")
def sitemap_page(number: int) -> Response:
    """The ``number``-th run of up to 50,000 pages: the home page first, then documents by IRI."""
    first = (number - 1) * SITEMAP_URLS
    if number < 1 or (number > 1 and first >= 1 + _count_documents()):
        abort(404, description="there is no such sitemap page; see /sitemap.xml")
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    if number == 1:
        ET.SubElement(ET.SubElement(urlset, "url"), "loc").text = request.url_root
    offset, limit = max(first - 1, 0), SITEMAP_URLS - (1 if number == 1 else 0)
    for row in _select(f"SELECT ?resource (MAX(COALESCE(?modified, ?published)) AS ?lastmod) "
                       f"{_documents()} GROUP BY ?resource ORDER BY ?resource LIMIT {limit} OFFSET {offset}"):
        url = ET.SubElement(urlset, "url")
        key = row["resource"][len(context.settings().base + "id/"):]
        ET.SubElement(url, "loc").text = iri_to_uri(request.url_root + "doc/" + key)
        if "lastmod" in row:
            ET.SubElement(url, "lastmod").text = _w3c_datetime(row["lastmod"])
    return _xml(urlset)


def _documents() -> str:
    return _DOCUMENTS.format(space=Literal(context.settings().base + "id/").n3())


def _count_documents() -> int:
    return int(_select(f"SELECT (COUNT(DISTINCT ?resource) AS ?n) {_documents()}")[0]["n"])


def _select(text: str) -> list[dict[str, str]]:
    return select_text(context.store(), _PREFIXES + text)


def _w3c_datetime(value: str) -> str:
    """A date, or a date-time with its time zone, as sitemaps require; a zoneless time keeps its date."""
    if "T" in value and not _TIME_ZONE.search(value):
        return value.split("T", 1)[0]
    return value


def _xml(root: ET.Element) -> Response:
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), mimetype="application/xml")
