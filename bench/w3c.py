"""Pass rates of the W3C SPARQL 1.1 test suites against a real server.

    python bench/w3c.py

It starts ``kg serve`` twice on temporary stores: one holding the data of every query test
(each file as a graph named by its IRI), one with updates open to a token for the protocol,
graph store and service description suites, whose records each start by resetting the store.
Every test runs over HTTP as in ``tests/test_w3c_*.py`` (the same code, in ``tests/w3c/``). It
prints one line per suite, ``W3C <suite>: <passed>/<total> passed (<x>%), <n> expected failures``
and the seconds it took, every failure not listed in ``tests/w3c/expected_failures.py`` (and every
listed test that passes), and the suites it does not run, with why.
"""
from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO)]

from conftest import serve  # noqa: E402
from w3c import MISSING, SPARQL11  # noqa: E402
from w3c.expected_failures import EXPECTED_FAILURES  # noqa: E402
from w3c.manifest import entry_names, http_tests, query_tests  # noqa: E402
from w3c.report import Tally, line  # noqa: E402
from w3c.suites import (GRAPH_STORE, NOT_RUN, PROTOCOL, QUERY_SUITES, SERVICE_DESCRIPTION, TOKEN,  # noqa: E402
                        http_graphs, load_graphs, query_graphs, run_http_record,
                        run_query_test, run_service_description_test)

Case = tuple[str, str, Callable[[], None]]
"""A W3C test's IRI, its id, and what runs it (raising when it fails)."""


def run(cases: Iterable[Case], surprises: list[str]) -> Tally:
    """Run the cases; what the expected-failure table does not foresee goes to ``surprises``."""
    tally = Tally()
    for iri, test_id, check in cases:
        try:
            check()
            problem = None
        except Exception as error:  # a failed W3C test, whatever raised it
            problem = f"{type(error).__name__}: {error}".splitlines()[0]
        listed = iri in EXPECTED_FAILURES
        if problem is None and not listed:
            tally.passed += 1
        elif problem is not None and listed:
            tally.expected += 1
        else:
            tally.failed += 1
            surprises.append(f"  {test_id}: " + (problem or "passes, but is listed as an expected failure"))
    return tally


def main() -> None:
    if not SPARQL11.is_dir():
        raise SystemExit(MISSING)
    queries = {suite: query_tests(manifest) for suite, manifest in QUERY_SUITES.items()}
    protocol, graph_store = http_tests(PROTOCOL), http_tests(GRAPH_STORE)
    surprises: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        query_root, write_root = Path(scratch) / "query", Path(scratch) / "write"
        query_root.mkdir()
        write_root.mkdir()
        load_graphs(query_root / "store", query_graphs(test for tests in queries.values() for test in tests))
        load_graphs(write_root / "store", http_graphs(protocol))
        with serve(query_root / "store", query_root) as query_url, \
                serve(write_root / "store", write_root, env={"KG_UPDATE_TOKEN": TOKEN}) as write_url:
            cases: dict[str, list[Case]] = {
                suite: [(test.iri, test.id, partial(run_query_test, query_url, test)) for test in tests]
                for suite, tests in queries.items()}
            cases["protocol"] = [(test.iri, test.id, partial(run_http_record, write_url, test)) for test in protocol]
            cases["graph store"] = [(test.iri, test.id, partial(run_http_record, write_url, test))
                                    for test in graph_store]
            cases["service description"] = [(iri, test_id, partial(run_service_description_test, write_url, test_id))
                                            for iri, test_id, _ in entry_names(SERVICE_DESCRIPTION)]
            for suite, suite_cases in cases.items():
                started = time.perf_counter()
                tally = run(suite_cases, surprises)
                print(f"{line(suite, tally)} in {time.perf_counter() - started:.1f} s", flush=True)
    if surprises:
        print("Not foreseen in tests/w3c/expected_failures.py:", *surprises, sep="\n")
    for suite, reason in NOT_RUN.items():
        print(f"W3C {suite}: not run ({reason})")


if __name__ == "__main__":
    main()
