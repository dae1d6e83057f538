"""The project's competency questions (../shared/cq) hold on the live server and on its dumps."""
from __future__ import annotations

import gzip
import importlib.util
import urllib.request

import pyoxigraph
import pytest

from conftest import SHARED, SHARED_ARTICLE, SHARED_MISSING

SEED = SHARED / "cq" / "seed"
QUESTIONS = sorted(path.name for path in SEED.glob("*.rq"))

pytestmark = pytest.mark.skipif(not SHARED_ARTICLE.is_file(), reason=SHARED_MISSING)


@pytest.fixture(scope="module")
def check():
    """../shared/cq/check.py, imported as a module."""
    spec = importlib.util.spec_from_file_location("cq_check", SHARED / "cq" / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def question(name: str) -> str:
    path = SEED / name
    if not path.is_file():
        pytest.skip(f"competency question {path} is absent")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ask_server(check, live_server):
    return check.ask_endpoint(live_server + "/sparql")


@pytest.fixture(scope="module")
def ask_dump(live_server):
    """ASK over the downloaded N-Quads dump, loaded into a fresh in-memory Oxigraph (check.py's
    own ``--data`` path uses rdflib, which takes minutes on the event questions)."""
    with urllib.request.urlopen(live_server + "/dumps/kg.nq.gz", timeout=30) as response:
        data = gzip.decompress(response.read())
    dump = pyoxigraph.Store()
    dump.load(data, format=pyoxigraph.RdfFormat.N_QUADS)

    def ask(query: str) -> bool:
        return bool(dump.query(query, use_default_graph_as_union=True))

    return ask


@pytest.mark.parametrize("name", QUESTIONS)
def test_competency_question_holds_on_sparql_endpoint(ask_server, name):
    assert ask_server(question(name)) is True


@pytest.mark.parametrize("name", QUESTIONS)
def test_competency_question_holds_on_nquads_dump(ask_dump, name):
    assert ask_dump(question(name)) is True
