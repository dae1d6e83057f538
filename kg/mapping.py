"""Map stage: an :class:`~kg.article.Article` becomes RDF in a named graph of its own.

The graph describes the article with schema.org, and describes itself as a
``kg:ArticleGraph`` whose ``kg:article`` is the article it was made from, so that the
validator knows which news article is the one being published (a graph also mentions other
articles, such as "Read more" teasers, that carry only a headline).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rdflib import RDF, XSD, Graph, Literal, URIRef

from kg.annotate.model import Annotations
from kg.article import Article
from kg.iris import Minter
from kg.mapping_annotations import add_annotations
from kg.vocab import KG, PREFIXES, SCHEMA


@dataclass(frozen=True)
class ArticleGraph:
    name: URIRef
    """The named graph's IRI."""
    article: URIRef
    graph: Graph
    source: str


_ORGANIZATION_WORDS = re.compile(
    r"\b(?:staff|desk|team|newsroom|agency|agencies|editors|editorial|news|press|service|reuters|afp|dpa|ap"
    r"|associated press|bureau)\b", re.IGNORECASE)


_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")


def is_organization_byline(byline: str, publishers: tuple[str | None, ...]) -> bool:
    """Bylines such as "Reuters", "BBC News staff" or "NDR" name an organization, not a person;
    so does the publisher's own name or address ("ORF.at"), which many sites give as the
    author of an article without a byline."""
    return bool(_ORGANIZATION_WORDS.search(byline) or _DOMAIN.match(byline) or _ACRONYM.match(byline)
                or _folded(byline) in {_folded(publisher) for publisher in publishers if publisher})


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _date(value: dt.date | dt.datetime) -> Literal:
    if isinstance(value, dt.datetime):
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


def map_article(article: Article, minter: Minter, annotations: Annotations | None = None) -> ArticleGraph:
    """Describe ``article`` (and what the annotate stage found in it) in RDF; what the article
    lacks is left out, for the validator to judge."""
    iri = minter.article(article.url) if article.url else minter.unaddressed_article(
        "\n".join(map(str, (article.headline, article.published, article.lead, article.body))))
    name = minter.graph(iri)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)

    def text(value: str) -> Literal:
        return Literal(value, lang=article.language)

    def add_text(subject: URIRef, predicate: URIRef, value: str | None) -> None:
        if value:
            graph.add((subject, predicate, text(value)))

    graph.add((name, RDF.type, KG.ArticleGraph))
    graph.add((name, KG.article, iri))

    graph.add((iri, RDF.type, SCHEMA.NewsArticle))
    add_text(iri, SCHEMA.headline, article.headline)
    add_text(iri, SCHEMA.articleSection, article.section)
    add_text(iri, SCHEMA.description, article.lead)
    add_text(iri, SCHEMA.articleBody, article.body)
    add_text(iri, SCHEMA.creditText, article.credit_line)
    if article.published is not None:
        graph.add((iri, SCHEMA.datePublished, _date(article.published)))
    if article.modified is not None:
        graph.add((iri, SCHEMA.dateModified, _date(article.modified)))
    for keyword in article.keywords:
        graph.add((iri, SCHEMA.keywords, text(keyword)))
    if article.url:
        graph.add((iri, SCHEMA.url, URIRef(article.url)))
    if article.identifier:
        graph.add((iri, SCHEMA.identifier, Literal(article.identifier)))
    if article.language:
        graph.add((iri, SCHEMA.inLanguage, Literal(article.language)))

    def organization(org_name: str, alternate_name: str | None = None) -> URIRef:
        org = minter.organization(org_name)
        graph.add((org, RDF.type, SCHEMA.Organization))  # asserted too, so simple queries find it
        graph.add((org, RDF.type, SCHEMA.NewsMediaOrganization))
        graph.add((org, SCHEMA.name, Literal(org_name)))
        if alternate_name:
            graph.add((org, SCHEMA.alternateName, Literal(alternate_name)))
        return org

    if article.publisher:
        graph.add((iri, SCHEMA.publisher, organization(article.publisher, article.publisher_alternate_name)))
    for agency in article.agencies:
        graph.add((iri, SCHEMA.sourceOrganization, organization(agency)))
    for byline in article.authors:
        if is_organization_byline(byline, (article.publisher, article.publisher_alternate_name)):
            author = minter.organization(byline)
            graph.add((author, RDF.type, SCHEMA.Organization))
        else:
            author = minter.person(byline)
            graph.add((author, RDF.type, SCHEMA.Person))
        graph.add((author, SCHEMA.name, Literal(byline)))
        graph.add((iri, SCHEMA.author, author))

    for number, image in enumerate(article.images, start=1):
        node = URIRef(f"{iri}#image-{number}")
        graph.add((iri, SCHEMA.image, node))
        graph.add((node, RDF.type, SCHEMA.ImageObject))
        add_text(node, SCHEMA.caption, image.caption)
        if image.credit:
            graph.add((node, SCHEMA.creditText, Literal(image.credit)))
        if image.url:
            graph.add((node, SCHEMA.contentUrl, URIRef(image.url)))
    for number, caption in enumerate(article.media_captions, start=1):
        node = URIRef(f"{iri}#media-{number}")
        graph.add((iri, SCHEMA.associatedMedia, node))
        graph.add((node, RDF.type, SCHEMA.MediaObject))
        add_text(node, SCHEMA.caption, caption)

    for link in article.related:
        cited = minter.article(link.url) if link.url else minter.article_by_headline(link.title)
        graph.add((iri, SCHEMA.citation, cited))
        graph.add((cited, RDF.type, SCHEMA.NewsArticle))
        add_text(cited, SCHEMA.headline, link.title)
        if link.url:
            graph.add((cited, SCHEMA.url, URIRef(link.url)))
    if annotations is not None:
        add_annotations(graph, iri, annotations, minter, article.language)
    return ArticleGraph(name=name, article=iri, graph=graph, source=article.source)
