"""The ``kg`` command line: ingest, validate, serve, dump and query a news knowledge graph."""
from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kg import config
from kg.iris import Minter
from kg.store import StoreError, configured_store

if TYPE_CHECKING:  # the pipeline loads the NLP library: only the commands that run it import it
    from rdflib import URIRef

    from kg.pipeline import ArticleTriples, Input, Outcome

log = logging.getLogger("kg")
T = TypeVar("T")


def _progress(items: Iterable[T], total: int, description: str) -> Iterable[T]:
    """A progress bar with articles per second on a terminal; the plain items elsewhere (logs, pipes, CI)."""
    from tqdm import tqdm

    return tqdm(items, total=total, desc=description, unit="article", disable=not sys.stderr.isatty(),
                file=sys.stderr)


def _record(outcomes: Iterable[Outcome], report: Path | None, done: list[Outcome]) -> None:
    """Collect the outcomes into ``done``, each written to the JSON Lines report as soon as it is
    known, so an interrupted run's report still lists everything it stored."""
    with report.open("w", encoding="utf-8") if report else contextlib.nullcontext() as lines:
        for outcome in outcomes:
            if lines is not None:
                lines.write(json.dumps({"file": outcome.source, "article": outcome.article, "status": outcome.status,
                                        "reasons": list(outcome.reasons), "notes": list(outcome.notes)},
                                       ensure_ascii=False) + "\n")
                lines.flush()
            done.append(outcome)


NOTES_SHOWN = 20
"""Notes printed after a run; a large batch has more, and the report lists them all."""


def _summary(outcomes: Sequence[Outcome], statuses: Sequence[str]) -> int:
    counts = Counter(outcome.status for outcome in outcomes)
    notes = [f"note {outcome.source}: {note}" for outcome in outcomes for note in outcome.notes]
    for line in notes[:NOTES_SHOWN]:
        print(line)
    if len(notes) > NOTES_SHOWN:
        print(f"... and {len(notes) - NOTES_SHOWN} more notes; --report FILE lists them all")
    for outcome in outcomes:
        if outcome.status == "refused":
            print(f"refused {outcome.source}" + (f" ({outcome.article})" if outcome.article else ""))
            for reason in outcome.reasons:
                print(f"  - {reason}")
    print(", ".join([f"{len(outcomes)} read"] + [f"{counts[status]} {status}" for status in statuses]))
    return 1 if counts["refused"] else 0


def _preparing(items: Sequence[Input], args: argparse.Namespace, settings: config.Settings
               ) -> contextlib.AbstractContextManager[Iterable[tuple[Outcome, ArticleTriples | None]]]:
    """The inputs read, annotated, mapped and validated by this machine's processes, or by a Dask
    cluster with ``--cluster``."""
    if args.cluster:
        from kg.cluster import prepare_on_cluster

        return prepare_on_cluster(items, settings, args.cluster, args.workers, args.partitions)
    from kg.pipeline import prepare_all

    return contextlib.nullcontext(prepare_all(items, settings.base, settings.nlp_model, args.workers))


def cmd_ingest(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.pipeline import inputs, store_all

    if args.partitions and not args.cluster:
        raise ValueError("--partitions is the work folder of --cluster; give --cluster too")
    items = list(inputs(args.paths, sys.stdin.buffer))
    store = configured_store(settings)
    outcomes: list[Outcome] = []
    try:
        with _preparing(items, args, settings) as prepared:
            _record(_progress(store_all(prepared, store, Minter(settings.base)), len(items), "ingest"), args.report,
                    outcomes)
    except StoreError as error:
        _summary(outcomes, ("stored", "unchanged", "refused"))
        print(f"kg: stopped after {len(outcomes)} article(s): {error}; what was reported stored is whole",
              file=sys.stderr)
        return 2
    finally:
        store.close()
    return _summary(outcomes, ("stored", "unchanged", "refused"))


def cmd_validate(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.pipeline import inputs, prepare_all

    items = list(inputs(args.paths, sys.stdin.buffer))
    prepared = prepare_all(items, settings.base, settings.nlp_model, args.workers)
    outcomes: list[Outcome] = []
    _record((outcome for outcome, _ in _progress(prepared, len(items), "validate")), args.report, outcomes)
    return _summary(outcomes, ("valid", "refused"))


def cmd_export(args: argparse.Namespace, settings: config.Settings) -> int:
    """The validated article graphs as N-Quads, for a SPARQL server's own bulk loader."""
    import pyoxigraph as ox

    from kg.pipeline import inputs, ontology_record, prepare_all

    def write(ntriples: str, name: URIRef) -> None:
        target = ox.NamedNode(str(name))
        ox.serialize((ox.Quad(t.subject, t.predicate, t.object, target)
                      for t in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES)), output, ox.RdfFormat.N_QUADS)

    items = list(inputs(args.paths, sys.stdin.buffer))
    prepared = prepare_all(items, settings.base, settings.nlp_model, args.workers)
    outcomes: list[Outcome] = []
    opener = gzip.open if args.output.suffix == ".gz" else open
    with opener(args.output, "wb") as output:
        minter = Minter(settings.base)
        write(ontology_record(minter.ontology_graph).serialize(format="nt"), minter.ontology_graph)

        def written():
            for outcome, triples in prepared:
                if triples is not None:
                    write(triples.ntriples, triples.name)
                yield outcome

        _record(_progress(written(), len(items), "export"), args.report, outcomes)
    return _summary(outcomes, ("valid", "refused"))


def cmd_delete(args: argparse.Namespace, settings: config.Settings) -> int:
    minter = Minter(settings.base)
    store = configured_store(settings)
    missing = 0
    try:
        for name in args.articles:
            graph = minter.graph_of(name)
            if graph is not None and store.remove_graph(graph):
                print(f"deleted {name}")
            else:
                print(f"no article {name} in the store")
                missing += 1
    finally:
        store.close()
    return 1 if missing else 0


def cmd_serve(args: argparse.Namespace, settings: config.Settings) -> int:
    import waitress

    from kg.store.workers import QueryWorkers
    from server import create_app

    store = configured_store(settings, read_only=True)
    if settings.store_url:  # the remote server runs (and bounds) its own queries
        queries = store
    else:
        workers = settings.query_workers or 4 * (os.cpu_count() or 1)
        queries = QueryWorkers(settings.store, workers, settings.query_timeout, settings.query_wait,
                               settings.max_answer_bytes, settings.max_answer_rows)
    logging.getLogger("kg.access").setLevel(logging.INFO)
    app = create_app(settings, store, queries)
    root = f"http://{settings.host}:{settings.port}/"
    print(f"Serving the knowledge graph in {settings.store} on {root}")
    print(f"  home page:        {root}")
    print(f"  SPARQL endpoint:  {root}sparql")
    print(f"  dumps:            {root}dumps/")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the query workers on the way out
    try:
        waitress.serve(app, host=settings.host, port=settings.port, threads=settings.threads, ident="kg")
    finally:
        queries.close()
        store.close()
    return 0


def cmd_dump(args: argparse.Namespace, settings: config.Settings) -> int:
    store = configured_store(settings, read_only=True)
    try:
        if args.output is None:
            store.dump(sys.stdout.buffer, args.format)
        else:
            from kg.dumps import COMPRESSION

            output = gzip.open(args.output, "wb", COMPRESSION) if args.output.suffix == ".gz" else args.output.open("wb")
            with output:
                store.dump(output, args.format)
    finally:
        store.close()
    return 0


def cmd_load(args: argparse.Namespace, settings: config.Settings) -> int:
    """Bulk-load RDF files (a dump to restore, data made elsewhere) into the embedded store."""
    from rdflib import URIRef

    from kg.store.embedded import EmbeddedStore, rdf_format

    if settings.store_url:
        raise StoreError("kg load writes the embedded store; load a SPARQL server with its own bulk loader")
    for path in args.files:  # refuse what cannot load before anything is written
        rdf_format(path)
        if not path.is_file():
            raise FileNotFoundError(f"no file {path}")
    store = EmbeddedStore(settings.store)
    try:
        for path in args.files:
            try:
                count = store.load(path, URIRef(args.graph) if args.graph else None)
            except SyntaxError as error:
                print(f"kg: {path} is not valid {rdf_format(path).name}: {error.msg}; "
                      "what came before the error was loaded", file=sys.stderr)
                return 2
            print(f"loaded {count} quads from {path}")
    finally:
        store.close()
    return 0


def cmd_query(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.sparql import QueryRequest

    text = sys.stdin.read() if args.query == "-" else args.query
    accept = "text/tab-separated-values, text/turtle"
    if args.endpoint:
        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(args.endpoint)
        client.setMethod(POST)
        client.setQuery(text)
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
        try:
            body = client.query().response.read()
        except SPARQLWrapperException as error:
            raise StoreError(f"the endpoint refused the query: {error}") from None
        except OSError as error:  # urllib's URLError: no server there, a name that does not resolve
            raise StoreError(f"the endpoint {args.endpoint} cannot be reached: {getattr(error, 'reason', error)}"
                             ) from None
    else:
        store = configured_store(settings, read_only=True)
        try:
            body = store.query(QueryRequest(text, accept)).body
        finally:
            store.close()
    sys.stdout.buffer.write(body if body.endswith(b"\n") else body + b"\n")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kg", description=__doc__)
    top.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    commands = top.add_subparsers(dest="command", required=True)

    def command(name: str, handler, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    def store_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--store", type=Path, help="store directory (default: KG_STORE or ./kg-store)")
        sub.add_argument("--store-url", help="query endpoint of a SPARQL 1.1 server to use as the store instead "
                                             "(with store_update_url or store_graph_store_url to write)")

    def workers_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                         help="processes that read, annotate, map and validate (default: the number of cores)")

    def inputs_arguments(sub: argparse.ArgumentParser) -> None:
        workers_option(sub)
        sub.add_argument("--report", type=Path, help="write one JSON line per article: file, article, status, reasons, notes")
        sub.add_argument("paths", nargs="+", metavar="PATH",
                         help="files, folders (searched recursively), glob patterns, or - for standard input")

    sub = command("ingest", cmd_ingest, "read, annotate, map, validate and store articles")
    store_option(sub)
    sub.add_argument("--base", help="base IRI of the resources (default: KG_BASE or http://127.0.0.1:5000/)")
    sub.add_argument("--cluster", metavar="ADDRESS",
                     help="read, annotate, map and validate on a Dask cluster: a scheduler address (tcp://host:8786), "
                          "or 'local' for --workers processes on this machine")
    sub.add_argument("--partitions", type=Path, metavar="DIR",
                     help="with --cluster, where the workers write the validated N-Quads partitions; on a real "
                          "cluster a folder that the workers and this machine share (default: beside the store)")
    inputs_arguments(sub)

    sub = command("validate", cmd_validate, "read, annotate, map and validate articles without storing them")
    sub.add_argument("--base", help="base IRI of the resources")
    inputs_arguments(sub)

    sub = command("export", cmd_export, "read, annotate, map and validate articles into an N-Quads file "
                                         "for a SPARQL server's bulk loader")
    sub.add_argument("--base", help="base IRI of the resources")
    sub.add_argument("-o", "--output", type=Path, required=True, help="N-Quads file to write (gzip when it ends in .gz)")
    inputs_arguments(sub)

    sub = command("delete", cmd_delete, "delete articles (by URL or IRI) and what only they stated")
    store_option(sub)
    sub.add_argument("--base", help="base IRI of the resources")
    sub.add_argument("articles", nargs="+", metavar="URL|IRI", help="the article's web address or its IRI")

    sub = command("serve", cmd_serve, "serve SPARQL, linked-data pages and dumps over HTTP")
    store_option(sub)
    sub.add_argument("--base", help="base IRI the served resources live under")
    sub.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    sub.add_argument("--port", type=int, help="port to listen on (default 5000)")

    sub = command("dump", cmd_dump, "write all the data as Turtle (union of graphs) or N-Quads")
    store_option(sub)
    sub.add_argument("--format", choices=["turtle", "nquads"], required=True)
    sub.add_argument("-o", "--output", type=Path, help="file to write (gzip when it ends in .gz); default stdout")

    sub = command("load", cmd_load, "bulk-load RDF files (N-Quads, TriG, Turtle, N-Triples; .gz too) into the "
                                     "embedded store, e.g. to restore a dump")
    sub.add_argument("--store", type=Path, help="store directory (default: KG_STORE or ./kg-store)")
    sub.add_argument("--graph", help="named graph for the triples of Turtle or N-Triples files (and for those "
                                     "outside any graph in N-Quads or TriG)")
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="RDF file; the format is taken from its "
                                                                       "extension")

    sub = command("query", cmd_query, "run a SPARQL query on the store or on an endpoint")
    where = sub.add_mutually_exclusive_group()
    where.add_argument("--store", type=Path, help="store directory")
    where.add_argument("--endpoint", help="SPARQL endpoint URL")
    sub.add_argument("query", help="the query text, or - to read it from standard input")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = config.load().replace(**{
            name: getattr(args, name, None) for name in ("store", "store_url", "base", "host", "port")
        })
        return args.handler(args, settings)
    except (StoreError, ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"kg: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
