"""Map and validate: an article record becomes an RDF graph that SHACL shapes accept or refuse in words."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import urllib.parse

import pytest
import rdflib.namespace
from rdflib import RDF, Literal, URIRef
from rdflib.compare import isomorphic

from kg.article import Article, Image
from kg.iris import Minter
from kg.mapping import map_article
from kg.readers import read_bytes
from kg import validation
from kg.validation import validate
from kg.vocab import KG, SCHEMA, SEM

BASE = "http://kg.example.test/"
XSD_DATE = rdflib.namespace.XSD.date
XSD_DATETIME = rdflib.namespace.XSD.dateTime

PAGE = """1. Skip to content
World

River delta braces for record flood

2020-10-02

Authorities in the delta region have asked thousands of residents to leave their homes as the river keeps rising after a week of heavy rain.

https://proxy.example:443/https/www.dw.com/en/delta-flood/a-55100001
Sandbags are stacked along the river bank
Image: Example Wire/P. Novak

Engineers said that the dams were holding for now, but that the water would reach its highest level on Sunday.

Read more: Why floods are getting worse

Emergency shelters have been opened in schools and sports halls in the higher parts of the region.

ab/cd (AFP, Reuters)
"""

OTHER_PAGE = """Business

Shipping firms cut routes through the strait

2020-11-15

Several shipping companies said on Monday that they would avoid the strait for the rest of the year because of rising insurance costs.

https://news.example.org/business/strait-routes-4410

Analysts expect that freight prices will rise as ships take the longer route around the cape.

ef (AFP)
"""


@pytest.fixture(autouse=True)
def _quiet_rdflib():
    # An ill-typed literal (the malformed date below) makes rdflib log a traceback; it is expected.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


@pytest.fixture
def minter() -> Minter:
    return Minter(BASE)


@pytest.fixture
def article() -> Article:
    return read_bytes(PAGE.encode("utf-8"), "delta.txt")


def problems_for(article: Article, minter: Minter):
    mapped = map_article(article, minter)
    return mapped, validate(mapped)


def test_sample_like_article_conforms(article, minter):
    mapped, problems = problems_for(article, minter)
    assert problems == []
    graph = mapped.graph
    assert (mapped.name, KG.article, mapped.article) in graph
    assert (mapped.article, RDF.type, SCHEMA.NewsArticle) in graph
    assert str(graph.value(mapped.article, SCHEMA.headline)) == "River delta braces for record flood"
    assert graph.value(mapped.article, SCHEMA.url) == URIRef("https://www.dw.com/en/delta-flood/a-55100001")
    assert graph.value(mapped.article, SCHEMA.datePublished) == Literal("2020-10-02", datatype=XSD_DATE)


def test_utc_datetime_is_mapped_as_xsd_datetime_and_conforms(article, minter):
    published = dt.datetime(2020, 10, 2, 7, 30, tzinfo=dt.timezone.utc)
    mapped, problems = problems_for(dataclasses.replace(article, published=published), minter)
    assert problems == []
    value = mapped.graph.value(mapped.article, SCHEMA.datePublished)
    assert value.datatype == XSD_DATETIME
    assert value.toPython() == published


def fields_of(problems) -> set[str]:
    return {problem.field for problem in problems}


@pytest.mark.parametrize(("change", "field"), [
    ({"headline": None}, "headline"),
    ({"published": None}, "datePublished"),
])
def test_missing_required_field_is_a_problem_naming_field_and_article(article, minter, change, field):
    mapped, problems = problems_for(dataclasses.replace(article, **change), minter)
    assert fields_of(problems) == {field}
    (problem,) = problems
    assert problem.focus == str(mapped.article)
    assert field in str(problem) and str(mapped.article) in str(problem)
    assert problem.message


def test_address_that_is_not_a_web_address_is_a_problem_naming_url(article, minter):
    mapped, problems = problems_for(dataclasses.replace(article, url="ftp://files.example.org/ferries"), minter)
    assert fields_of(problems) == {"url"}
    assert problems[0].focus == str(mapped.article)


def test_image_without_credit_is_a_problem_naming_credit_text_and_the_image(article, minter):
    uncredited = (Image(caption="Sandbags are stacked along the river bank", credit=None),)
    mapped, problems = problems_for(dataclasses.replace(article, images=uncredited), minter)
    assert fields_of(problems) == {"creditText"}
    (problem,) = problems
    (image,) = mapped.graph.objects(mapped.article, SCHEMA.image)
    assert problem.focus == str(image)


def test_malformed_date_literal_is_a_problem_naming_date_published(article, minter):
    mapped = map_article(article, minter)
    mapped.graph.set((mapped.article, SCHEMA.datePublished, Literal("2018-13-45", datatype=XSD_DATE)))
    problems = validate(mapped)
    assert fields_of(problems) == {"datePublished"}
    assert problems[0].focus == str(mapped.article)
    assert "2018-13-45" in str(problems[0])


def test_two_headlines_are_a_problem(article, minter):
    mapped = map_article(article, minter)
    mapped.graph.add((mapped.article, SCHEMA.headline, Literal("A second headline")))
    assert fields_of(validate(mapped)) == {"headline"}


def test_related_article_without_headline_is_a_problem(article, minter):
    mapped = map_article(article, minter)
    (cited,) = mapped.graph.objects(mapped.article, SCHEMA.citation)
    mapped.graph.remove((cited, SCHEMA.headline, None))
    problems = validate(mapped)
    assert fields_of(problems) == {"headline"}
    assert problems[0].focus == str(cited)


def test_shapes_as_checked_refuse_exactly_what_the_shape_files_refuse(article, minter):
    # Validation runs the shapes with each nested property shape made a targeted shape of its
    # own, for speed; a graph breaking rules of every node shape must get the same results.
    import pyshacl

    mapped = map_article(article, minter)
    graph = mapped.graph
    graph.remove((mapped.article, SCHEMA.headline, None))
    graph.add((mapped.article, SCHEMA.datePublished, Literal("2020-10-03", datatype=XSD_DATE)))
    (cited,) = graph.objects(mapped.article, SCHEMA.citation)
    graph.remove((cited, SCHEMA.headline, None))
    event = URIRef(f"{mapped.article}#event-1")
    graph.add((event, RDF.type, SEM.Event))
    graph.add((event, SEM.hasTimeStamp, Literal("2020-10-01T08:00:00", datatype=XSD_DATETIME)))
    actor = Literal("the river authority")
    graph.add((event, SEM.hasActor, actor))

    def results(shapes):
        conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
        return {(report.value(r, validation.SH.focusNode), report.value(r, validation.SH.resultPath),
                 report.value(r, validation.SH.resultMessage))
                for r in report.subjects(RDF.type, validation.SH.ValidationResult)}

    written = results(validation.shapes())
    assert {focus for focus, _, _ in written} == {mapped.article, cited, event, actor}
    assert len(written) >= 8
    assert results(validation._checked_shapes()) == written


# --- IRIs ----------------------------------------------------------------------------------------

def test_same_article_mapped_twice_gives_same_iris_and_same_graph(article):
    first = map_article(article, Minter(BASE))
    second = map_article(read_bytes(PAGE.encode("utf-8"), "elsewhere/delta-copy.txt"), Minter(BASE))
    assert first.name == second.name
    assert first.article == second.article
    assert isomorphic(first.graph, second.graph)


def test_article_iri_comes_from_unwrapped_url_under_base(article, minter):
    mapped = map_article(article, minter)
    assert str(mapped.article).startswith(BASE)
    assert str(mapped.article).endswith("dw.com/en/delta-flood/a-55100001")
    assert "proxy.example" not in str(mapped.article)
    assert mapped.name != mapped.article


def test_different_articles_get_different_iris(article, minter):
    other = read_bytes(OTHER_PAGE.encode("utf-8"), "strait.txt")
    first, second = map_article(article, minter), map_article(other, minter)
    assert first.article != second.article
    assert first.name != second.name


@pytest.mark.parametrize(("byline", "kind"), [
    ("Maria Okafor", SCHEMA.Person),
    ("J.R. Stone", SCHEMA.Person),
    ("Reuters", SCHEMA.Organization),
    ("ORF.at", SCHEMA.Organization),  # the site's address
    ("NDR", SCHEMA.Organization),  # an acronym
    ("delta news online", SCHEMA.Organization),  # the publisher's own name, written otherwise
])
def test_a_byline_naming_an_organization_or_the_publisher_itself_is_an_organization(article, minter, byline, kind):
    article = dataclasses.replace(article, authors=(byline,), publisher="Delta News Online")
    mapped, problems = problems_for(article, minter)
    assert problems == []
    (author,) = mapped.graph.objects(mapped.article, SCHEMA.author)
    assert mapped.graph.value(author, RDF.type) == kind
    assert byline in {str(name) for name in mapped.graph.objects(author, SCHEMA.name)}


@pytest.mark.parametrize(("with_form", "without"), [
    ("Apple Inc.", "Apple"), ("General Motors Corp.", "General Motors"), ("Deutsche Bank AG", "Deutsche Bank"),
    ("Banco Santander, S.A.", "Banco Santander"),
])
def test_a_company_named_with_or_without_its_legal_form_is_one_iri(minter, with_form, without):
    assert minter.organization(with_form) == minter.organization(without)
    assert minter.organization(with_form) != minter.organization(f"{without} Records")


def test_agency_credited_by_two_articles_is_one_iri(article, minter):
    other = read_bytes(OTHER_PAGE.encode("utf-8"), "strait.txt")
    first, second = map_article(article, minter), map_article(other, minter)

    def agencies(mapped):
        return {str(mapped.graph.value(org, SCHEMA.name)): org
                for org in mapped.graph.objects(mapped.article, SCHEMA.sourceOrganization)}

    assert set(agencies(first)) == {"AFP", "Reuters"}
    assert set(agencies(second)) == {"AFP"}
    assert agencies(first)["AFP"] == agencies(second)["AFP"]
    assert agencies(first)["AFP"] != agencies(first)["Reuters"]


def test_article_without_url_or_publisher_is_published_and_named_after_its_text(article, minter):
    unaddressed = dataclasses.replace(article, url=None, publisher=None, publisher_alternate_name=None)
    mapped = map_article(unaddressed, minter)
    assert validate(mapped) == []
    assert "/id/article/unaddressed/" in mapped.article
    assert map_article(dataclasses.replace(unaddressed, source="elsewhere/a.txt"), minter).article == mapped.article
    changed = dataclasses.replace(unaddressed, paragraphs=unaddressed.paragraphs[:-1])
    assert map_article(changed, minter).article != mapped.article


@pytest.mark.parametrize("url", [
    "https://www.dw.com/en/plain-path/a-100",
    "https://www.example.de/kultur/münchen-feiert/a-101",
    "https://www.example.de/kultur/m%C3%BCnchen-feiert/a-102",
    "https://www.example.de/kultur/m%c3%bcnchen-feiert/a-103",
    "https://news.example.org/world/two words/5",
])
def test_minted_article_iri_is_found_again_from_its_decoded_request_path(minter, url):
    # A web server hands the handler the decoded path of a request for the IRI; the minter must
    # name the same resource from it, or the IRI cannot be dereferenced.
    iri = minter.article(url)
    request_path = urllib.parse.unquote(urllib.parse.urlsplit(str(iri)).path)
    assert minter.resource(request_path.removeprefix("/id/")) == iri
