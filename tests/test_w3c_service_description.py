"""The W3C SPARQL 1.1 Service Description tests against a real ``kg serve``: a GET of /sparql
without a query returns RDF that names the endpoint and uses the vocabulary as specified."""
from __future__ import annotations

import pytest

from w3c import MISSING, SPARQL11
from w3c.expected_failures import marks
from w3c.manifest import entry_names
from w3c.report import SUITE
from w3c.suites import SERVICE_DESCRIPTION, empty_server, run_service_description_test

ENTRIES = entry_names(SERVICE_DESCRIPTION) if SPARQL11.is_dir() else []
PARAMS = [pytest.param(test_id, id=test_id, marks=marks(iri)) for iri, test_id, _ in ENTRIES] or [
    pytest.param(None, id="absent", marks=pytest.mark.skip(reason=MISSING))]


@pytest.fixture(scope="module")
def described_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``kg serve`` with updates open, so that its description names both services."""
    with empty_server(tmp_path_factory.mktemp("w3c-service-description")) as url:
        yield url


@pytest.mark.parametrize("test_id", PARAMS)
def test_service_description_meets_the_w3c_criterion(test_id: str, described_server: str, record_property) -> None:
    record_property(SUITE, "service description")
    run_service_description_test(described_server, test_id)
