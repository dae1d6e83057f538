"""The W3C SPARQL 1.1 Graph Store HTTP Protocol tests replayed against a real ``kg serve``: the
manifests' /gsp requests go to /store with the maintainers' token, each record on an empty store."""
from __future__ import annotations

import pytest

from w3c import MISSING, SPARQL11
from w3c.expected_failures import marks
from w3c.manifest import HttpTest, http_tests
from w3c.report import SUITE
from w3c.suites import GRAPH_STORE, empty_server, run_http_record

TESTS = http_tests(GRAPH_STORE) if SPARQL11.is_dir() else []
PARAMS = [pytest.param(test, id=test.id, marks=marks(test.iri)) for test in TESTS] or [
    pytest.param(None, id="absent", marks=pytest.mark.skip(reason=MISSING))]


@pytest.fixture(scope="module")
def graph_store_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``kg serve`` with the graph store open to the token, on an empty store."""
    with empty_server(tmp_path_factory.mktemp("w3c-graph-store")) as url:
        yield url


@pytest.mark.parametrize("test", PARAMS)
def test_graph_store_request_gets_the_answer_the_w3c_test_expects(test: HttpTest, graph_store_server: str,
                                                                  record_property) -> None:
    record_property(SUITE, "graph store")
    run_http_record(graph_store_server, test)
