"""The stages in order: read, annotate, map, validate, store; one outcome per input.

One bad input never stops a batch: whatever goes wrong with it becomes the reasons of a
``refused`` outcome, and nothing of it is stored.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import glob
import hashlib
import json
import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO
from typing import Literal as Choice

from rdflib import XSD, Graph, Literal, URIRef

from kg.annotate import Annotator
from kg.article import Article
from kg.iris import Minter
from kg.mapping import ArticleGraph, map_article
from kg.ontology import ontology_graph
from kg.readers import ReadError, read_data, read_path
from kg.store import Store
from kg.validation import validate
from kg.vocab import KG, SCHEMA


UNADDRESSED = ("the input gives no web address of the article: it is named after its text, so a changed "
               "copy will be stored as another article")

Status = Choice["stored", "unchanged", "valid", "refused"]


@dataclass(frozen=True)
class Outcome:
    source: str
    status: Status
    article: str | None = None
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """What the user should know about an article that was not refused (a skipped stage)."""


@dataclass(frozen=True)
class ArticleTriples:
    """A valid article graph on its way to the store: its N-Triples, sorted, and their digest.

    The processes that prepare articles hand these to the one that writes the store: text
    crosses between processes far cheaper than an rdflib graph (unpickling one took the writer
    2 ms an article), and the store reads it with its own parser.
    """

    name: URIRef
    """The named graph's IRI."""
    article: URIRef
    ntriples: str
    """The graph, the triple stating its digest included."""
    digest: Literal
    article_digest: Literal
    """The digest of what the article itself says (:func:`article_digest`), also in the graph."""
    dated: bool
    """Whether the article states when it was modified (``schema:dateModified``)."""


@dataclass(frozen=True)
class Piped:
    """An input given on standard input (``-``), read once by the main process."""

    data: bytes
    source: str = "-"


Input = Path | Piped


def inputs(arguments: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Input]:
    """What the command line names: files; folders, searched recursively (hidden files skipped);
    glob patterns the shell did not expand; ``-`` for standard input. In name order."""
    for argument in arguments:
        if argument == "-":
            if stdin is None:
                raise ValueError("'-' (standard input) is not available here")
            yield Piped(stdin.read())
            continue
        path = Path(argument)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        elif not path.exists() and glob.has_magic(argument):
            yield from inputs(sorted(glob.glob(argument, recursive=True)), stdin)
        else:
            yield path


class Preparer:
    """Read, annotate, map and validate one input at a time.

    Built once per process, because loading the NLP model takes a second and annotating an
    article milliseconds. What it loads lives as long as the process, so it is frozen out of
    the cyclic garbage collector, whose full collections walked its 300,000 objects again and
    again (2 ms an article).
    """

    def __init__(self, base: str, nlp_model: str) -> None:
        self.minter = Minter(base)
        self.annotator = Annotator(nlp_model)
        gc.freeze()

    def __call__(self, item: Input) -> list[tuple[Outcome, ArticleTriples | None]]:
        """For each article of the input, a ``valid`` outcome with its graph, or a ``refused`` one."""
        source = item.source if isinstance(item, Piped) else str(item)
        try:
            readings = read_data(item.data, source) if isinstance(item, Piped) else read_path(item)
        except ReadError as error:
            return [(Outcome(source, "refused", reasons=(str(error),)), None)]
        return [self.prepare(reading) for reading in readings]

    def prepare(self, reading: Article | ReadError) -> tuple[Outcome, ArticleTriples | None]:
        if isinstance(reading, ReadError):
            return Outcome(reading.source, "refused", reasons=(str(reading),)), None
        article = reading
        annotations = self.annotator.annotate(article)
        mapped = map_article(article, self.minter, annotations)
        problems = validate(mapped)
        if problems:
            return Outcome(article.source, "refused", str(mapped.article), tuple(str(p) for p in problems)), None
        notes = [*article.notes, *annotations.notes]
        if article.url is None:
            notes.append(UNADDRESSED)
        outcome = Outcome(article.source, "valid", str(mapped.article), notes=tuple(notes))
        return outcome, publishable(mapped, article)


_worker: Preparer | None = None


def _start_worker(base: str, nlp_model: str) -> None:
    global _worker
    _worker = Preparer(base, nlp_model)


def _prepare_in_worker(item: Input) -> list[tuple[Outcome, ArticleTriples | None]]:
    assert _worker is not None, "worker process not started"
    return _worker(item)


def prepare_all(paths: Sequence[Input], base: str, nlp_model: str, workers: int = 1
                ) -> Iterator[tuple[Outcome, ArticleTriples | None]]:
    """Every input prepared, in input order, by ``workers`` processes.

    The stages before the store need nothing but the input and the deterministic IRIs, so they
    run in parallel; only the store is written by one process. That process's objects so far
    (mostly modules) are frozen out of the cyclic garbage collector, which otherwise walked them
    again and again as article graphs arrived (3 ms an article).
    """
    if workers <= 1 or len(paths) < 2:
        preparer = Preparer(base, nlp_model)
        for path in paths:
            yield from preparer(path)
        return
    gc.freeze()
    with multiprocessing.Pool(workers, _start_worker, (base, nlp_model)) as pool:
        chunks = max(1, min(16, len(paths) // (4 * workers)))
        for prepared in pool.imap(_prepare_in_worker, paths, chunksize=chunks):
            yield from prepared


def store_all(prepared: Iterable[tuple[Outcome, ArticleTriples | None]], store: Store, minter: Minter,
              today: dt.date | None = None) -> Iterator[Outcome]:
    """Store every valid article graph, yielding each outcome as it is known.

    An article whose graph is what the store already holds is ``unchanged`` and not written.
    A changed one replaces its graph whole and carries ``schema:dateModified``: the article's
    own, or the day the change was found. The ontology goes in first, so that queries over the
    articles can use its labels.
    """
    if store.triples(minter.ontology_graph, KG.contentDigest) != [(minter.ontology_graph, KG.contentDigest,
                                                                   _ontology_digest())]:
        store.replace_graph(minter.ontology_graph, ontology_record(minter.ontology_graph).serialize(format="nt"))
    for outcome, triples in prepared:
        if triples is not None:
            outcome = _store(outcome, triples, store, today or dt.datetime.now(dt.UTC).date())
        yield outcome


def _store(outcome: Outcome, triples: ArticleTriples, store: Store, today: dt.date) -> Outcome:
    """Write one article; a :class:`StoreError` (a full disk, a store that cannot be written)
    stops the run, since every later article would fail the same way."""
    stored = [o for _, _, o in store.triples(triples.name, KG.contentDigest)]
    if stored == [triples.digest]:
        return replace(outcome, status="unchanged")
    ntriples = triples.ntriples
    if stored and not triples.dated:
        modified = _modification_date(triples, store, today)
        if modified is not None:
            ntriples += Graph().add((triples.article, SCHEMA.dateModified, modified)).serialize(format="nt")
    store.replace_graph(triples.name, ntriples)
    return replace(outcome, status="stored")


def _modification_date(triples: ArticleTriples, store: Store, today: dt.date) -> Literal | None:
    """When a stored article that states no modification date of its own was modified: today,
    when what it says changed; the date it had, if any, when only our reading of it changed."""
    if store.triples(triples.name, KG.articleDigest) == [(triples.name, KG.articleDigest, triples.article_digest)]:
        kept = store.triples(triples.article, SCHEMA.dateModified)
        return kept[0][2] if kept else None
    return Literal(today.isoformat(), datatype=XSD.date)


def publishable(mapped: ArticleGraph, article: Article) -> ArticleTriples:
    """The valid article graph as the store takes it, stating the digest of what the article
    says and of the whole graph, by which a rerun knows the article unchanged."""
    said = Literal(article_digest(article))
    mapped.graph.add((mapped.name, KG.articleDigest, said))
    lines = _sorted_ntriples(mapped.graph)
    digest = Literal(_digest(lines))
    stated = Graph().add((mapped.name, KG.contentDigest, digest)).serialize(format="nt")
    return ArticleTriples(mapped.name, mapped.article, "\n".join([*lines, stated]), digest, said,
                          (mapped.article, SCHEMA.dateModified, None) in mapped.graph)


def article_digest(article: Article) -> str:
    """SHA-256 of what the article says: every field of its record but where it was read from."""
    fields = dataclasses.asdict(replace(article, source="", notes=()))
    text = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_digest(graph: Graph) -> str:
    """SHA-256 of the graph's sorted N-Triples: equal for equal graphs (ours have no blank nodes)."""
    return _digest(_sorted_ntriples(graph))


def _sorted_ntriples(graph: Graph) -> list[str]:
    return sorted(line for line in graph.serialize(format="nt").splitlines() if line)


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@functools.cache
def _ontology_digest() -> Literal:
    return Literal(content_digest(ontology_graph()))


def ontology_record(name: URIRef) -> Graph:
    """The ontology as stored beside the articles, with its digest, in the graph ``name``."""
    graph = Graph()
    graph += ontology_graph()
    graph.add((name, KG.contentDigest, _ontology_digest()))
    return graph
