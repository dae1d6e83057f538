"""The stages in order: read, annotate, map, validate, store; one outcome per input.

One bad input never stops a batch: whatever goes wrong with it becomes the reasons of a
``refused`` outcome, and nothing of it is stored.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kg.annotate import Annotator
from kg.iris import Minter
from kg.mapping import ArticleGraph, map_article
from kg.ontology import ontology_graph
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


def prepare(path: Path, minter: Minter, annotator: Annotator) -> tuple[Outcome, ArticleGraph | None]:
    """Read, annotate, map and validate one input: a ``valid`` outcome with its graph, or a
    ``refused`` one."""
    try:
        article = read_path(path)
    except ReadError as error:
        return Outcome(str(path), "refused", reasons=(str(error),)), None
    for note in article.notes:
        log.info("%s: %s", path, note)
    annotations = annotator.annotate(article)
    mapped = map_article(article, minter, annotations)
    problems = validate(mapped)
    if problems:
        return Outcome(str(path), "refused", str(mapped.article), tuple(str(p) for p in problems)), None
    return Outcome(str(path), "valid", str(mapped.article), notes=tuple(annotations.notes)), mapped


def ingest(paths: Iterable[Path], store: Store, minter: Minter, annotator: Annotator) -> Iterator[Outcome]:
    """Run every input through the stages into ``store``, yielding each outcome as it is known.

    The ontology goes in first, so that queries over the articles can use its labels.
    """
    store.replace_graph(minter.ontology_graph, ontology_graph())
    for path in paths:
        outcome, mapped = prepare(path, minter, annotator)
        if mapped is not None:
            try:
                store.replace_graph(mapped.name, mapped.graph)
            except StoreError as error:
                outcome = Outcome(outcome.source, "refused", outcome.article, (str(error),))
            else:
                outcome = Outcome(outcome.source, "stored", outcome.article, notes=outcome.notes)
        yield outcome
