"""The dataset's description in VoID and DCAT: what it holds, where to query and download it.

Statistics come from SPARQL aggregate queries through the :class:`~kg.store.Store` interface,
so they describe whatever store serves the data (embedded, workers, remote) and always
agree with what its endpoint counts. Every node has an IRI under ``{base}dataset``, so the
description can be linked to piece by piece and two descriptions of the same data are equal.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS, VOID

from kg.config import Settings
from kg.dumps import FILE_NAMES, MEDIA_TYPES, DumpInfo
from kg.store import DumpFormat, Store, select_text
from kg.vocab import GAF, KG, PREFIXES, SCHEMA, SEM

SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
EXAMPLE_RESOURCES = 3


@dataclass(frozen=True)
class LinkTarget:
    """A dataset our resources link to with ``owl:sameAs``, recognised by its IRIs' prefix."""

    key: str
    title: str
    homepage: str
    uri_space: str


LINK_TARGETS = (
    LinkTarget("geonames", "GeoNames", "https://www.geonames.org/", "https://sws.geonames.org/"),
    LinkTarget("wikidata", "Wikidata", "https://www.wikidata.org/", "http://www.wikidata.org/entity/"),
)

VOCABULARIES = {  # namespace: the vocabulary's own IRI
    str(SCHEMA): "https://schema.org/",
    str(SEM): "http://semanticweb.cs.vu.nl/2009/11/sem/",
    str(KG): "https://w3id.org/newskg/ns",
    str(GAF): "http://groundedannotationframework.org/gaf",
    str(SKOS): "http://www.w3.org/2004/02/skos/core",
    str(OWL): "http://www.w3.org/2002/07/owl",
    str(RDFS): "http://www.w3.org/2000/01/rdf-schema",
    str(RDF): "http://www.w3.org/1999/02/22-rdf-syntax-ns",
    str(DCTERMS): "http://purl.org/dc/terms/",
}
"""Vocabularies the description names with ``void:vocabulary`` when the data uses their terms."""

_TOTALS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
       (COUNT(DISTINCT ?o) AS ?objects) { ?s ?p ?o }"""
_ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), {space})) }}"
_CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) { ?s a ?class } GROUP BY ?class"
_PROPERTIES = "SELECT ?property (COUNT(*) AS ?n) { ?s ?property ?o } GROUP BY ?property"
_LINKS = ("PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
          "SELECT (COUNT(*) AS ?n) {{ ?s owl:sameAs ?o FILTER(STRSTARTS(STR(?o), {space})) }}")
_EXAMPLES = f"""PREFIX schema: <{SCHEMA}> PREFIX kg: <{KG}>
SELECT DISTINCT ?article ?date {{ ?graph kg:article ?article . ?article schema:datePublished ?date }}
ORDER BY DESC(?date) ?article LIMIT {EXAMPLE_RESOURCES}"""
_FRAGMENT_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def _count(store: Store, text: str) -> int:
    return int(select_text(store, text)[0]["n"])


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _part(graph: Graph, dataset: URIRef, kind: str, term: URIRef) -> URIRef:
    """A readable, stable IRI for the partition of ``term``: ``#class-schema-Person``, else a digest."""
    try:
        prefix, _, local = graph.namespace_manager.compute_qname(term, generate=False)
    except (KeyError, ValueError):
        prefix, local = "", ""
    key = f"{prefix}-{local}" if prefix and _FRAGMENT_SAFE.match(local) else \
        hashlib.sha256(str(term).encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{dataset}#{kind}-{key}")


def describe_dataset(store: Store, settings: Settings) -> Graph:
    """The VoID and DCAT description of the store's data as published under ``settings.base``.

    Every dump is listed, made or not, since downloading one makes it; :func:`describe_dumps`
    adds the size and checksum of those already made, which change without the data changing.
    """
    base = settings.base
    dataset = URIRef(base + "dataset")
    graph = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF),
                              ("spdx", SPDX), *PREFIXES.items()):  # also name the partitions
        graph.bind(prefix, namespace)
    add = graph.add

    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(settings.dataset_title, lang="en")))
    add((dataset, DCTERMS.description, Literal(settings.dataset_description, lang="en")))
    add((dataset, DCTERMS.license, URIRef(settings.license)))
    if settings.dataset_publisher:
        publisher = URIRef(f"{dataset}#publisher")
        add((dataset, DCTERMS.publisher, publisher))
        add((publisher, RDF.type, FOAF.Agent))
        add((publisher, FOAF.name, Literal(settings.dataset_publisher)))
    add((dataset, FOAF.homepage, URIRef(base)))
    add((dataset, DCAT.landingPage, URIRef(base)))
    add((dataset, VOID.uriSpace, Literal(base + "id/")))
    _add_endpoint(graph, dataset, base)
    for format in FILE_NAMES:
        _add_dump(graph, dataset, base, format)
    _add_statistics(graph, dataset, store, base)
    for target in LINK_TARGETS:
        _add_linkset(graph, dataset, store, target)
    for row in select_text(store, _EXAMPLES):
        add((dataset, VOID.exampleResource, URIRef(row["article"])))
    return graph


def _add_endpoint(graph: Graph, dataset: URIRef, base: str) -> None:
    endpoint = URIRef(base + "sparql")
    service = URIRef(f"{dataset}#sparql")
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))


def _add_dump(graph: Graph, dataset: URIRef, base: str, format: DumpFormat) -> None:
    download = URIRef(f"{base}dumps/{FILE_NAMES[format]}")
    distribution = URIRef(f"{dataset}#dump-{format}")
    graph.add((dataset, VOID.dataDump, download))
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.downloadURL, download))
    graph.add((distribution, DCAT.accessURL, URIRef(base + "dumps/")))
    graph.add((distribution, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + MEDIA_TYPES[format])))
    graph.add((distribution, DCAT.compressFormat, URIRef(IANA_MEDIA_TYPES + "application/gzip")))
    graph.add((distribution, DCTERMS.license, graph.value(dataset, DCTERMS.license)))


def describe_dumps(settings: Settings, dumps: list[DumpInfo]) -> Graph:
    """Size, time and SHA-256 of the dumps already made, for the distributions :func:`describe_dataset` lists."""
    graph = Graph()
    for info in dumps:
        distribution = URIRef(f"{settings.base}dataset#dump-{info.format}")
        checksum = URIRef(f"{distribution}-sha256")
        graph.add((distribution, DCAT.byteSize, Literal(info.size, datatype=XSD.nonNegativeInteger)))
        graph.add((distribution, DCTERMS.modified, Literal(info.modified, datatype=XSD.dateTime)))
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(info.sha256, datatype=XSD.hexBinary)))
    return graph


def _add_statistics(graph: Graph, dataset: URIRef, store: Store, base: str) -> None:
    totals = select_text(store, _TOTALS)[0]
    graph.add((dataset, VOID.triples, _integer(int(totals["triples"]))))
    graph.add((dataset, VOID.distinctSubjects, _integer(int(totals["subjects"]))))
    graph.add((dataset, VOID.properties, _integer(int(totals["properties"]))))
    graph.add((dataset, VOID.distinctObjects, _integer(int(totals["objects"]))))
    graph.add((dataset, VOID.entities, _integer(_count(store, _ENTITIES.format(space=Literal(base + "id/").n3())))))
    used: set[str] = set()
    classes = select_text(store, _CLASSES)
    graph.add((dataset, VOID.classes, _integer(len(classes))))
    for row in classes:
        term = URIRef(row["class"])
        partition = _part(graph, dataset, "class", term)
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], term))
        graph.add((partition, VOID.entities, _integer(int(row["n"]))))
        used.add(str(term))
    for row in select_text(store, _PROPERTIES):
        term = URIRef(row["property"])
        partition = _part(graph, dataset, "property", term)
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, term))
        graph.add((partition, VOID.triples, _integer(int(row["n"]))))
        used.add(str(term))
    for namespace, vocabulary in VOCABULARIES.items():
        if any(term.startswith(namespace) for term in used):
            graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))


def _add_linkset(graph: Graph, dataset: URIRef, store: Store, target: LinkTarget) -> None:
    other = URIRef(f"{dataset}#{target.key}")
    linkset = URIRef(f"{dataset}#links-{target.key}")
    graph.add((other, RDF.type, VOID.Dataset))
    graph.add((other, DCTERMS.title, Literal(target.title)))
    graph.add((other, FOAF.homepage, URIRef(target.homepage)))
    graph.add((other, VOID.uriSpace, Literal(target.uri_space)))
    graph.add((dataset, VOID.subset, linkset))
    graph.add((linkset, RDF.type, VOID.Linkset))
    graph.add((linkset, DCTERMS.title, Literal(f"Links to {target.title}", lang="en")))
    graph.add((linkset, VOID.linkPredicate, OWL.sameAs))
    graph.add((linkset, VOID.subjectsTarget, dataset))
    graph.add((linkset, VOID.objectsTarget, other))
    graph.add((linkset, VOID.target, dataset))
    graph.add((linkset, VOID.target, other))
    count = _count(store, _LINKS.format(space=Literal(target.uri_space).n3()))
    graph.add((linkset, VOID.triples, _integer(count)))
