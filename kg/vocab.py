"""The vocabularies the graph is written in."""
from rdflib import Namespace

SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
KG = Namespace("https://w3id.org/newskg/ns#")
"""Our own small ontology (``ontology/kg.ttl``): what schema.org and SEM lack."""
GAF = Namespace("http://groundedannotationframework.org/gaf#")
"""The Grounded Annotation Framework: ``gaf:denotedBy`` ties an instance to its mentions."""

PREFIXES = {
    "schema": str(SCHEMA),
    "sem": str(SEM),
    "kg": str(KG),
    "gaf": str(GAF),
    "et": "https://w3id.org/newskg/event-type/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
