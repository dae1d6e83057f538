"""The query mix of ``bench/compare.py`` is honest: on a small generated graph, our real server and
a real ``oxigraph serve`` holding the same dataset give every query the same answer, and every
kind of query finds something."""
from __future__ import annotations

import sys

import pytest
from rdflib import Literal

from conftest import REPO_ROOT
from oxigraph_server import NOT_INSTALLED, oxigraph_command

sys.path.insert(0, str(REPO_ROOT))

from bench import compare, query_mix  # noqa: E402
from bench.generate import generate  # noqa: E402

TRIPLES = 30_000
"""Enough articles that people meet people who met others, so the 2-hop query has answers."""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    """Our server and Oxigraph's, each loaded by the benchmark's own code with the same generated graph."""
    if oxigraph_command() is None:
        pytest.skip(NOT_INSTALLED)
    work = tmp_path_factory.mktemp("compare")
    generate(TRIPLES, work / "data", compare.BASE, seed=1)
    with compare.ours(work / "data", work) as ours, compare.oxigraph(work / "data", work) as oxigraph:
        yield ours, oxigraph


@pytest.fixture(scope="module")
def queries(servers) -> list[query_mix.Query]:
    ours, _ = servers
    return query_mix.mix(query_mix.draw(compare.select(ours), count=4, seed=1))


def test_every_query_of_the_mix_has_the_same_answer_on_our_server_as_on_oxigraph(servers, queries):
    ours, oxigraph = servers
    for query, mine, theirs in zip(queries, compare.answers(ours, queries), compare.answers(oxigraph, queries)):
        assert mine == theirs, query.text


def test_every_kind_of_query_finds_results(servers, queries):
    found = {query.kind for query, answer in zip(queries, compare.answers(servers[0], queries)) if answer}
    assert found == set(query_mix.KINDS)


def test_the_same_seed_draws_the_same_queries_and_another_seed_others(servers, queries):
    again = query_mix.mix(query_mix.draw(compare.select(servers[0]), count=4, seed=1))
    other = query_mix.mix(query_mix.draw(compare.select(servers[0]), count=4, seed=2))
    assert again == queries
    assert other != queries


def test_a_run_of_the_mix_times_every_query_with_concurrent_clients(servers, queries):
    run = compare.run_mix(servers[0], queries, clients=3, rounds=2, seed=1)
    assert run.requests == 2 * len(queries)
    assert set(run.latencies) == set(query_mix.KINDS)
    assert run.throughput > 0


def test_a_query_the_server_refuses_stops_the_run_with_its_answer(servers):
    broken = query_mix.Query("lookup", "SELECT ?x WHERE { ?x ")
    with pytest.raises(compare.BenchError, match="answered 400 to the lookup query"):
        compare.run_mix(servers[0], [broken], clients=2, rounds=1, seed=1)


def test_parameters_are_written_as_sparql_terms_not_pasted_text():
    text = query_mix.query("headline_search", word=Literal('say "no"')).text
    assert 'CONTAINS(LCASE(STR(?headline)), "say \\"no\\"")' in text
