"""The stages in order: read, annotate, map, validate, store; one outcome per input.

One bad input never stops a batch: whatever goes wrong with it becomes the reasons of a
``refused`` outcome, and nothing of it is stored.
"""
from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kg.annotate import Annotator
from kg.iris import Minter
from kg.mapping import ArticleGraph, map_article
from kg.ontology import ontology_graph
from kg.article import Article
from kg.readers import ReadError, read_path
from kg.store import Store, StoreError
from kg.validation import validate

log = logging.getLogger(__name__)

Status = Literal["stored", "valid", "refused"]


@dataclass(frozen=True)
class Outcome:
    source: str
    status: Status
    article: str | None = None
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """What the user should know about an article that was not refused (a skipped stage)."""


def input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and the files under the folders named (recursively, in name order, hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        else:
            yield path


class Preparer:
    """Read, annotate, map and validate one input at a time.

    Built once per process, because loading the NLP model takes a second and annotating an
    article milliseconds.
    """

    def __init__(self, base: str, nlp_model: str) -> None:
        self.minter = Minter(base)
        self.annotator = Annotator(nlp_model)

    def __call__(self, path: Path) -> list[tuple[Outcome, ArticleGraph | None]]:
        """For each article of the file, a ``valid`` outcome with its graph, or a ``refused`` one."""
        try:
            readings = read_path(path)
        except ReadError as error:
            return [(Outcome(str(path), "refused", reasons=(str(error),)), None)]
        return [self.prepare(reading) for reading in readings]

    def prepare(self, reading: Article | ReadError) -> tuple[Outcome, ArticleGraph | None]:
        if isinstance(reading, ReadError):
            return Outcome(reading.source, "refused", reasons=(str(reading),)), None
        article = reading
        for note in article.notes:
            log.info("%s: %s", article.source, note)
        annotations = self.annotator.annotate(article)
        mapped = map_article(article, self.minter, annotations)
        problems = validate(mapped)
        if problems:
            return Outcome(article.source, "refused", str(mapped.article), tuple(str(p) for p in problems)), None
        return Outcome(article.source, "valid", str(mapped.article), notes=tuple(annotations.notes)), mapped


_worker: Preparer | None = None


def _start_worker(base: str, nlp_model: str) -> None:
    global _worker
    _worker = Preparer(base, nlp_model)


def _prepare_in_worker(path: Path) -> list[tuple[Outcome, ArticleGraph | None]]:
    assert _worker is not None, "worker process not started"
    return _worker(path)


def prepare_all(paths: Sequence[Path], base: str, nlp_model: str, workers: int = 1
                ) -> Iterator[tuple[Outcome, ArticleGraph | None]]:
    """Every input prepared, in input order, by ``workers`` processes.

    The stages before the store need nothing but the input and the deterministic IRIs, so they
    run in parallel; only the store is written by one process.
    """
    if workers <= 1 or len(paths) < 2:
        preparer = Preparer(base, nlp_model)
        for path in paths:
            yield from preparer(path)
        return
    with multiprocessing.Pool(workers, _start_worker, (base, nlp_model)) as pool:
        chunks = max(1, min(16, len(paths) // (4 * workers)))
        for prepared in pool.imap(_prepare_in_worker, paths, chunksize=chunks):
            yield from prepared


def store_all(prepared: Iterable[tuple[Outcome, ArticleGraph | None]], store: Store, minter: Minter
              ) -> Iterator[Outcome]:
    """Store every valid article graph, yielding each outcome as it is known.

    The ontology goes in first, so that queries over the articles can use its labels.
    """
    store.replace_graph(minter.ontology_graph, ontology_graph())
    for outcome, mapped in prepared:
        if mapped is not None:
            try:
                store.replace_graph(mapped.name, mapped.graph)
            except StoreError as error:
                outcome = Outcome(outcome.source, "refused", outcome.article, (str(error),))
            else:
                outcome = Outcome(outcome.source, "stored", outcome.article, notes=outcome.notes)
        yield outcome
