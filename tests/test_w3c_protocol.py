"""The W3C SPARQL 1.1 Protocol tests replayed over HTTP against a real ``kg serve``: queries to
/sparql, updates to /update with the maintainers' token, each record on a clean dataset holding
just the graphs it names."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import serve
from w3c import MISSING, SPARQL11
from w3c.expected_failures import marks
from w3c.manifest import HttpTest, http_tests
from w3c.report import SUITE
from w3c.suites import PROTOCOL, TOKEN, http_graphs, load_graphs, run_http_record

TESTS = http_tests(PROTOCOL) if SPARQL11.is_dir() else []
PARAMS = [pytest.param(test, id=test.id, marks=marks(test.iri)) for test in TESTS] or [
    pytest.param(None, id="absent", marks=pytest.mark.skip(reason=MISSING))]


@pytest.fixture(scope="module")
def protocol_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``kg serve`` with updates open to the token, on a store that starts with the suite's graphs
    (data1.nt ... as http://kasei.us/2009/09/sparql/data/data1.rdf ...)."""
    root: Path = tmp_path_factory.mktemp("w3c-protocol")
    load_graphs(root / "store", http_graphs(TESTS))
    with serve(root / "store", root, env={"KG_UPDATE_TOKEN": TOKEN}) as url:
        yield url


@pytest.mark.parametrize("test", PARAMS)
def test_protocol_request_gets_the_answer_the_w3c_test_expects(test: HttpTest, protocol_server: str,
                                                                record_property) -> None:
    record_property(SUITE, "protocol")
    run_http_record(protocol_server, test)
