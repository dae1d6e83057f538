"""The W3C SPARQL 1.1 query tests over HTTP against a real ``kg serve``: query evaluation
(answers compared as the manifests say), query syntax (accepted, or refused with 400) and the
result formats (JSON, CSV, TSV). One server on one store holds the data of every test."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import serve
from w3c import MISSING, SPARQL11
from w3c.expected_failures import marks
from w3c.manifest import QueryTest, query_tests
from w3c.report import SUITE
from w3c.results import canonical, same_solutions
from w3c.suites import QUERY_SUITES, load_graphs, orders_solutions, query_graphs, run_query_test

TESTS = {suite: query_tests(manifest) for suite, manifest in QUERY_SUITES.items()} if SPARQL11.is_dir() else {}
ABSENT = [pytest.param(None, None, id="absent", marks=pytest.mark.skip(reason=MISSING))]


def _params(kinds: set[str]) -> list:
    return [pytest.param(suite, test, id=test.id, marks=marks(test.iri))
            for suite, tests in TESTS.items() for test in tests if test.kind in kinds] or ABSENT


@pytest.fixture(scope="module")
def query_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``kg serve`` on a store holding every data file of the suites, each as a graph named by its IRI."""
    root: Path = tmp_path_factory.mktemp("w3c-query")
    load_graphs(root / "store", query_graphs(test for tests in TESTS.values() for test in tests))
    with serve(root / "store", root) as url:
        yield url


@pytest.mark.parametrize(("suite", "test"), _params({"evaluation"}))
def test_query_answers_as_the_w3c_test_expects(suite: str, test: QueryTest, query_server: str,
                                              record_property) -> None:
    record_property(SUITE, suite)
    run_query_test(query_server, test)


@pytest.mark.parametrize(("suite", "test"), _params({"syntax", "bad syntax"}))
def test_query_syntax_is_accepted_or_refused_with_400(suite: str, test: QueryTest, query_server: str,
                                                      record_property) -> None:
    record_property(SUITE, suite)
    run_query_test(query_server, test)


# --- The comparison the suites rely on must tell wrong answers apart ---------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"


def _typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(_XSD + datatype))


def test_blank_nodes_must_correspond_one_to_one_between_answers() -> None:
    a, b = ox.BlankNode("a"), ox.BlankNode("b")
    assert same_solutions([{"x": a, "y": b}], [{"x": b, "y": a}], ordered=False)
    assert not same_solutions([{"x": a, "y": a}], [{"x": a, "y": b}], ordered=False)
    assert not same_solutions([{"x": a}, {"x": b}], [{"x": a}, {"x": a}], ordered=False)


def test_solutions_match_as_multisets_unless_the_query_orders_them() -> None:
    one, two = {"n": _typed("1", "integer")}, {"n": _typed("2", "integer")}
    assert same_solutions([one, two], [two, one], ordered=False)
    assert not same_solutions([one, two], [two, one], ordered=True)
    assert not same_solutions([one, one], [one, two], ordered=False)
    assert not same_solutions([one], [one, one], ordered=False)


def test_literals_compare_by_value_within_their_datatype() -> None:
    assert canonical(_typed("1.0", "decimal")) == canonical(_typed("1", "decimal"))
    assert canonical(_typed("3.0E4", "double")) == canonical(_typed("30000", "double"))
    assert canonical(_typed("1", "decimal")) != canonical(_typed("1", "integer"))
    assert canonical(ox.Literal("1")) != canonical(_typed("1", "integer"))


def test_the_query_level_order_by_is_told_from_a_subquery_one() -> None:
    assert orders_solutions("SELECT * { ?s ?p ?o } ORDER BY ?s")
    assert not orders_solutions("SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 2 } }")
    assert not orders_solutions('SELECT * { ?s ?p "ORDER BY" } # ORDER BY ?s')
