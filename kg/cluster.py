"""Ingest on a Dask cluster: the stages before the store, batch by batch, on many machines.

Reading, annotating, mapping and validating need nothing but an input and the deterministic
IRIs, so they scale out. The inputs are cut into batches and each batch is one task, which
writes the validated graphs of its batch as one gzip N-Quads partition into a folder that the
workers and this process share, and returns the batch's outcomes. This process reads the
partitions back in input order and hands them to the same :func:`~kg.pipeline.store_all` as
``kg ingest`` on one machine: an unchanged article stays unchanged, a changed one replaces its
graph whole, and each article is written in one transaction, on the embedded store as on a
remote one. (A bulk load of the partitions would be faster into an empty store, but it is not
transactional, so an interrupted load could leave half an article that a rerun takes for
unchanged; it would add to graphs that already exist instead of replacing them; and only the
embedded store has one.)

The address ``local`` starts a cluster of worker processes on this machine; any other address
is a running scheduler (``tcp://host:8786``) whose workers have this project and its NLP model
installed. The input files are read here and sent with the tasks, so only the partitions folder
must be shared.
"""
from __future__ import annotations

import functools
import gc
import gzip
import itertools
import logging
import os
import tempfile
import threading
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from distributed import Client, Future, LocalCluster
from rdflib import Literal, URIRef

from kg.config import Settings
from kg.pipeline import ArticleTriples, Input, Outcome, Piped, Preparer
from kg.vocab import KG, SCHEMA

LOCAL = "local"
"""The ``--cluster`` address that starts a cluster on this machine."""

Prepared = tuple[Outcome, ArticleTriples | None]
Entry = tuple[Outcome, int]
"""An outcome as a task returns it, with the number of quads its graph has in the partition."""


class ClusterError(RuntimeError):
    """The cluster cannot be reached or cannot be used; the message says why in words."""


@contextmanager
def prepare_on_cluster(items: Sequence[Input], settings: Settings, address: str, workers: int,
                       partitions: Path | None = None) -> Iterator[Iterator[Prepared]]:
    """Every input prepared on the cluster at ``address``, in input order, as
    :func:`~kg.pipeline.prepare_all` yields them.

    ``workers`` is the number of processes of a ``local`` cluster. The partitions go into a
    temporary folder inside ``partitions`` (default: the folder holding the store), removed
    at the end.
    """
    parent = partitions.resolve() if partitions else settings.store.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = tempfile.TemporaryDirectory(prefix="kg-partitions-", dir=parent)
    except OSError as error:
        raise ClusterError(f"cannot make the partitions folder in {parent}: {error.strerror or error}") from None
    with work as folder, _connect(address, workers) as client:
        _check_shared(client, Path(folder))
        # As in prepare_all: what this process holds so far (modules, the client) is frozen out of
        # the cyclic garbage collector, which would otherwise walk it again and again as article
        # graphs arrive (3 ms an article).
        gc.freeze()
        yield _prepared(client, items, Path(folder), settings.base, settings.nlp_model)


@contextmanager
def _connect(address: str, workers: int) -> Iterator[Client]:
    # Dask sets its loggers to INFO; its start-up and shut-down chatter shows with ``kg -v`` only.
    logging.getLogger("distributed").setLevel(logging.getLogger().getEffectiveLevel())
    if address == LOCAL:
        if workers < 1:
            raise ValueError(f"a local cluster needs at least one worker, not {workers}")
        # One thread per process: annotating is Python holding the GIL, so processes are the unit.
        # The dashboard on a free port (logged with -v), so that two runs do not compete for one.
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address)
    except (OSError, ValueError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    with client:
        if not client.nthreads():
            raise ClusterError(f"the Dask scheduler at {address} has no workers; start some with "
                               f"`dask worker {address} --nthreads 1`")
        yield client


def _check_shared(client: Client, folder: Path) -> None:
    """Refuse to start when a worker cannot see the partitions folder, before any work is lost."""
    marker = folder / "shared"
    marker.touch()
    seen = client.run(os.path.exists, str(marker))
    blind = sorted(worker for worker, exists in seen.items() if not exists)
    if blind:
        raise ClusterError(f"the partitions folder {folder} is not visible to the worker(s) {', '.join(blind)}: "
                           "--partitions must name a folder on a filesystem that the workers and this machine share")


def _prepared(client: Client, items: Sequence[Input], folder: Path, base: str, nlp_model: str) -> Iterator[Prepared]:
    """Submit the batches, a few per worker ahead of the one being stored, and yield their
    outcomes in input order; only the batches in flight are held in memory."""
    slots = max(1, sum(client.nthreads().values()))
    size = max(1, min(16, len(items) // (4 * slots)))
    pending: deque[tuple[Sequence[Input], Path, Future]] = deque()
    for number, start in enumerate(range(0, len(items), size)):
        batch = items[start:start + size]
        partition = folder / f"batch-{number:06d}.nq.gz"
        future = client.submit(prepare_batch, [_shipped(item) for item in batch], str(partition), base, nlp_model,
                               pure=False)
        pending.append((batch, partition, future))
        if len(pending) >= 4 * slots:
            yield from _collect(*pending.popleft())
    while pending:
        yield from _collect(*pending.popleft())


def _collect(batch: Sequence[Input], partition: Path, future: Future) -> list[Prepared]:
    """The batch's outcomes and graphs; when its task failed (an error, a worker that kept
    dying), every input of the batch refused with the reason, so nothing is lost silently."""
    try:
        return list(_read_partition(partition, future.result()))
    except Exception as error:
        reason = f"the cluster task for its batch failed: {type(error).__name__}: {error}"
        return [(Outcome(_source(item), "refused", reasons=(reason,)), None) for item in batch]
    finally:
        future.release()
        partition.unlink(missing_ok=True)


def _read_partition(path: Path, entries: list[Entry]) -> Iterator[Prepared]:
    digest_of, said_of = ox.NamedNode(str(KG.contentDigest)), ox.NamedNode(str(KG.articleDigest))
    modified = ox.NamedNode(str(SCHEMA.dateModified))
    with gzip.open(path, "rb") as input:
        quads = ox.parse(input, ox.RdfFormat.N_QUADS)
        for outcome, size in entries:
            if not size:
                yield outcome, None
                continue
            read = list(itertools.islice(quads, size))
            if len(read) != size:
                raise ValueError(f"the partition {path} holds {len(read)} of the {size} triples of {outcome.article}")
            name, article = read[0].graph_name, ox.NamedNode(outcome.article)
            (digest,) = (q.object.value for q in read if q.subject == name and q.predicate == digest_of)
            (said,) = (q.object.value for q in read if q.subject == name and q.predicate == said_of)
            triples = (ox.Triple(q.subject, q.predicate, q.object) for q in read)
            yield outcome, ArticleTriples(
                URIRef(name.value), URIRef(outcome.article),
                ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), Literal(digest), Literal(said),
                any(q.subject == article and q.predicate == modified for q in read))


def _source(item: Input) -> str:
    return item.source if isinstance(item, Piped) else str(item)


def _shipped(item: Input) -> Input:
    """The input's bytes, named as given here, so that a worker elsewhere reads the same
    article under the same source; a file this process cannot read goes as its path, for the
    reader to refuse in its own words."""
    if isinstance(item, Piped):
        return item
    try:
        return Piped(item.read_bytes(), str(item))
    except OSError:
        return item


# --- On the workers ------------------------------------------------------------------------------

_preparing = threading.Lock()
"""One batch at a time per process: a worker started with several threads gains nothing from
them (the GIL), and the Preparer is not made for threads."""


@functools.cache
def _preparer(base: str, nlp_model: str) -> Preparer:
    """One Preparer per worker process and settings: the NLP model loads once, not per batch."""
    return Preparer(base, nlp_model)


def prepare_batch(batch: list[Input], partition: str, base: str, nlp_model: str) -> list[Entry]:
    """The task: read, annotate, map and validate a batch, write the valid graphs to
    ``partition``, and return each outcome with the size of its graph there (0 if refused).

    The partition appears whole or not at all (written aside, then renamed), so a retry of a
    task whose worker died, or a straggling first attempt, never leaves half a file.
    """
    target = Path(partition)
    aside = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
    entries: list[Entry] = []
    with _preparing:
        preparer = _preparer(base, nlp_model)
        with gzip.open(aside, "wb") as output:
            for item in batch:
                for outcome, triples in preparer(item):
                    size = 0
                    if triples is not None:
                        name = ox.NamedNode(str(triples.name))
                        quads = [ox.Quad(t.subject, t.predicate, t.object, name)
                                 for t in ox.parse(triples.ntriples, ox.RdfFormat.N_TRIPLES)]
                        ox.serialize(quads, output, ox.RdfFormat.N_QUADS)
                        size = len(quads)
                    entries.append((outcome, size))
    os.replace(aside, target)
    return entries
