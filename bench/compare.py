"""Our server side by side with ``oxigraph serve`` and ``rdflib-endpoint`` on the same news graph.

    python bench/compare.py [--triples 1000000] [--rdflib-triples 100000] [--clients 1,8] [--rounds 3]

For each size it generates a synthetic news graph (``bench/generate.py``), loads it into each
engine and times the load, times ``kg dump`` and its peak memory, starts every server on a free
loopback port and runs the query mix of ``bench/query_mix.py`` against each in turn, with 1 and
8 clients on persistent HTTP connections. It prints, per query kind, each engine's median and
p95 latency and the ratio of our median to the peer's (lower is better for us), then each
engine's throughput over the whole mix and the ratio of ours to the peer's (higher is better
for us). Dereferencing and dump downloads exist only on our server and are printed apart.

The engines hold the same data:

- ours: ``kg load`` of the N-Quads (one graph per article; the store keeps the default graph
  as their union);
- ``oxigraph serve``: ``oxigraph load`` of the N-Quads and of the Turtle union into its default
  graph, which is exactly the dataset our store holds; it runs without
  ``--union-default-graph``, whose union repeats a triple once per graph stating it;
- ``rdflib-endpoint serve`` of the Turtle union (rdflib's in-memory store). It is slow, so it
  runs only at ``--rdflib-triples`` (100k by default); our server and Oxigraph run at that size
  too, and rdflib's ratios are computed only against our figures on the same data.

Before timing, every query of the mix is asked once of every engine (which also warms them);
engines that answer with different numbers of results are listed, as that would make the
comparison meaningless. ``--triples 10000000`` makes the longer 10M run.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.client
import os
import queue
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import query_mix  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.query_mix import Query  # noqa: E402

BASE = "http://127.0.0.1:5000/"
"""The base IRI the data is minted under and our server resolves paths against."""
CLI = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))"]
OURS, OXIGRAPH, RDFLIB = "ours", "oxigraph", "rdflib-endpoint"
RDFLIB_ROUNDS = 1
"""rdflib-endpoint answers one query at a time and takes seconds over a 2-hop join even at 100k
triples, so it is asked each query once per run whatever --rounds says."""


class BenchError(RuntimeError):
    """The benchmark cannot go on: a peer is missing, a server did not start or refused a query."""


def kg_env() -> dict[str, str]:
    """Our processes' environment: no KG_* settings of the caller, the repository importable."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("KG_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env["KG_BASE"] = BASE
    return env


def command(name: str) -> str:
    """An executable installed beside this Python (a virtualenv not on PATH), else on PATH."""
    found = Path(sys.executable).with_name(name)
    if found.is_file():
        return str(found)
    if path := shutil.which(name):
        return path
    raise BenchError(f"`{name}` is not installed; pip install -e '.[bench]' provides it")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measured(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run ``argv``; its wall time in seconds and its peak resident memory in bytes."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest so far
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        elapsed = time.perf_counter() - started
        if process.returncode != 0:
            output.seek(0)
            raise BenchError(f"{' '.join(argv[-4:])} failed with exit {process.returncode}:\n"
                             f"{output.read().decode('utf-8', errors='replace')}")
    return elapsed, usage.ru_maxrss * 1024


# --- Servers ----------------------------------------------------------------------------------


@dataclass
class Endpoint:
    """A running SPARQL server: where it answers and how long its data took to load."""

    name: str
    port: int
    path: str
    """The path queries are POSTed to."""
    load_seconds: float


def wait_until_answering(process: subprocess.Popen, endpoint: Endpoint, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{endpoint.name} exited with status {process.returncode}:\n{log.read_text()[-2000:]}")
        connection = Connection(endpoint)
        try:
            connection.ask(Query("probe", "ASK {}"))
            return
        except (OSError, http.client.HTTPException, BenchError):
            time.sleep(0.1)
        finally:
            connection.close()
    raise BenchError(f"{endpoint.name} did not answer within {timeout:g} s:\n{log.read_text()[-2000:]}")


@contextlib.contextmanager
def running(argv: list[str], endpoint: Endpoint, log: Path, env: dict[str, str] | None = None,
            timeout: float = 60) -> Iterator[Endpoint]:
    with log.open("wb") as output:
        process = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_answering(process, endpoint, log, timeout)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def ours(data: Path, work: Path, query_timeout: float | None = None) -> Iterator[Endpoint]:
    """``kg load`` of the N-Quads, then ``kg serve`` with its default settings (but for the time
    limit per query, when ``query_timeout`` is given)."""
    store = work / "kg-store"
    seconds, peak = measured([*CLI, "load", "--store", str(store), str(data / "news.nq.gz")], kg_env())
    print(f"  {OURS:16} kg load of the N-Quads: {seconds:7.1f} s   peak RSS {peak / 2**20:.0f} MB")
    endpoint = Endpoint(OURS, free_port(), "/sparql", seconds)
    env = kg_env() | ({"KG_QUERY_TIMEOUT": str(query_timeout)} if query_timeout else {})
    with running([*CLI, "serve", "--store", str(store), "--port", str(endpoint.port)], endpoint,
                 work / "kg-serve.log", env) as endpoint:
        yield endpoint


@contextlib.contextmanager
def oxigraph(data: Path, work: Path) -> Iterator[Endpoint]:
    """The same dataset as ours: the named graphs and, in the default graph, their union."""
    oxigraph = command("oxigraph")
    location = work / "oxigraph"
    files = [str(data / "news.nq.gz"), str(data / "news.ttl.gz")]
    seconds, peak = measured([oxigraph, "load", "--location", str(location), "--file", *files])
    print(f"  {OXIGRAPH:16} oxigraph load of the N-Quads and the Turtle union: {seconds:7.1f} s   "
          f"peak RSS {peak / 2**20:.0f} MB")
    endpoint = Endpoint(OXIGRAPH, free_port(), "/query", seconds)
    with running([oxigraph, "serve", "--location", str(location), "--bind", f"127.0.0.1:{endpoint.port}"],
                 endpoint, work / "oxigraph.log") as endpoint:
        yield endpoint


@contextlib.contextmanager
def rdflib_endpoint(data: Path, work: Path) -> Iterator[Endpoint]:
    """The union in rdflib's memory store; its load time is the time until it answers."""
    turtle = work / "news.ttl"  # rdflib does not read gzip
    with gzip.open(data / "news.ttl.gz", "rb") as packed, turtle.open("wb") as plain:
        shutil.copyfileobj(packed, plain)
    endpoint = Endpoint(RDFLIB, free_port(), "/", 0.0)
    started = time.perf_counter()
    argv = [command("rdflib-endpoint"), "serve", str(turtle), "--host", "127.0.0.1", "--port", str(endpoint.port)]
    with running(argv, endpoint, work / "rdflib-endpoint.log", timeout=1800) as endpoint:
        endpoint.load_seconds = time.perf_counter() - started
        print(f"  {RDFLIB:16} parse of the Turtle union until it answers: {endpoint.load_seconds:7.1f} s")
        yield endpoint


# --- Clients ----------------------------------------------------------------------------------


class Connection:
    """One persistent HTTP connection to an endpoint, as one client holds it."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.http = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=600)

    def ask(self, query: Query) -> bytes:
        headers = {"Content-Type": "application/sparql-query", "Accept": query.accept}
        status, _, body = self.request("POST", self.endpoint.path, query.text.encode("utf-8"), headers)
        if status != 200:
            raise BenchError(f"{self.endpoint.name} answered {status} to the {query.kind} query\n{query.text}\n"
                             f"{body[:500].decode('utf-8', errors='replace')}")
        return body

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        try:
            self.http.request(method, path, body=body, headers=headers or {})
            response = self.http.getresponse()
            return response.status, response.headers, response.read()
        except (OSError, http.client.HTTPException):
            self.http.close()  # the next request opens a new connection
            raise

    def close(self) -> None:
        self.http.close()


def select(endpoint: Endpoint) -> query_mix.Select:
    def run(text: str) -> list[dict[str, str]]:
        return query_mix.rows(Connection(endpoint).ask(Query("parameters", text)))
    return run


@dataclass
class Run:
    """Latencies in seconds by kind of request, and the wall time of the whole run."""

    latencies: dict[str, list[float]]
    seconds: float

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


def drive(endpoint: Endpoint, jobs: list, clients: int, send) -> Run:
    """Hand ``jobs`` out to ``clients`` threads, each on its own connection; ``send(connection, job)``
    makes one request and returns the kind of request it was."""
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: list[BaseException] = []
    lock = threading.Lock()

    def client() -> None:
        connection = Connection(endpoint)
        try:
            while not failures:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                kind = send(connection, job)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies[kind].append(elapsed)
        except BaseException as error:  # reported by the main thread, which stops the others
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return Run(dict(latencies), time.perf_counter() - started)


def run_mix(endpoint: Endpoint, queries: list[Query], clients: int, rounds: int, seed: int) -> Run:
    jobs = [query for _ in range(rounds) for query in queries]
    random.Random(seed).shuffle(jobs)

    def send(connection: Connection, query: Query) -> str:
        connection.ask(query)
        return query.kind

    return drive(endpoint, jobs, clients, send)


def answers(endpoint: Endpoint, queries: list[Query]) -> list[list | set]:
    """``endpoint``'s answer to each query (see :func:`query_mix.answer`), asked once each."""
    connection = Connection(endpoint)
    try:
        return [query_mix.answer(connection.ask(query), query.accept) for query in queries]
    finally:
        connection.close()


def check_answers(endpoints: list[Endpoint], queries: list[Query]) -> None:
    """Ask every query of every engine once; print the queries that engines answer differently."""
    found = {endpoint.name: answers(endpoint, queries) for endpoint in endpoints}
    differing = [number for number in range(len(queries))
                 if any(given[number] != found[OURS][number] for given in found.values())]
    if not differing:
        print(f"answers agree: every engine gives the same {sum(map(len, found[OURS]))} results to the "
              f"{len(queries)} queries")
    for number in differing:
        sizes = ", ".join(f"{name} {len(given[number])}" for name, given in found.items())
        print(f"ANSWERS DIFFER (results: {sizes}) for:\n{queries[number].text}")


# --- Reports ----------------------------------------------------------------------------------


def milliseconds(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def median_ms(values: list[float]) -> float:
    return 1000 * statistics.median(values)


def print_runs(runs: dict[str, Run], clients: int) -> None:
    """Per kind: each engine's median and p95, and our median over each peer's; then throughput."""
    names = list(runs)
    peers = [name for name in names if name != OURS]
    header = "".join(f" {name + ' p50':>18} {'p95':>8}" for name in names)
    print(f"  {clients} client(s), ms{header}" + "".join(f" {'ours/' + name:>18}" for name in peers))
    for kind in query_mix.KINDS:
        medians = {name: median_ms(run.latencies[kind]) for name, run in runs.items()}
        cells = "".join(f" {medians[name]:18.2f} {milliseconds(runs[name].latencies[kind], 0.95):8.2f}"
                        for name in names)
        ratio = "".join(f" {medians[OURS] / medians[name]:18.2f}" for name in peers)
        print(f"  {kind:21}{cells}{ratio}")
    cells = "".join(f" {runs[name].throughput:18.1f} {'':8}" for name in names)
    ratio = "".join(f" {runs[OURS].throughput / runs[name].throughput:18.2f}" for name in peers)
    print(f"  {'mix, queries/s':21}{cells}{ratio}")


def linked_data(endpoint: Endpoint, resources: list[str], clients: int, rounds: int) -> Run:
    """Dereference each resource (303, then the Turtle document) and download both dumps. The
    server keeps documents until the data changes, so the first visit to each resource
    ("dereference") is timed apart from the later ones ("dereference again")."""
    jobs = [("dereference", resource) for resource in resources]
    jobs += [("dereference again", resource) for resource in resources] * (rounds - 1)
    jobs += [("dump", name) for name in ("/dumps/kg.nq.gz", "/dumps/kg.ttl.gz")] * rounds

    def send(connection: Connection, job: tuple[str, str]) -> str:
        kind, path = job
        status, headers, body = connection.request("GET", path, headers={"Accept": "text/turtle"})
        if kind.startswith("dereference"):
            location = urllib.parse.urlsplit(headers.get("Location", "")).path
            if status != 303 or not location:
                raise BenchError(f"GET {path} answered {status}, not 303 See Other with a Location")
            status, _, body = connection.request("GET", location, headers={"Accept": "text/turtle"})
        if status != 200 or not body:
            raise BenchError(f"GET {path} answered {status} with {len(body)} bytes")
        return kind

    return drive(endpoint, jobs, clients, send)


def print_linked_data(endpoint: Endpoint, resources: list[str], clients: list[int], rounds: int) -> None:
    connection = Connection(endpoint)
    for name in ("/dumps/kg.nq.gz", "/dumps/kg.ttl.gz"):
        started = time.perf_counter()
        status, _, body = connection.request("GET", name)
        print(f"  first GET {name} (makes the dump): {time.perf_counter() - started:.1f} s, "
              f"{len(body) / 1e6:.1f} MB, status {status}")
    connection.close()
    for number, count in enumerate(clients):
        # Resources of its own for each run, so that its first visits are first for the server too.
        run = linked_data(endpoint, resources[number::len(clients)], count, rounds)
        cells = "   ".join(f"{kind} p50 {median_ms(values):.2f} ms p95 {milliseconds(values, 0.95):.2f} ms"
                           for kind, values in sorted(run.latencies.items()))
        print(f"  {count} client(s): {cells}   ({run.throughput:.1f} requests/s)")


def print_dumps(store: Path) -> None:
    """Time ``kg dump`` in both formats and its peak memory, each in a process of its own."""
    for format in ("nquads", "turtle"):
        output = store.parent / f"dump-{format}.gz"
        seconds, peak = measured([*CLI, "dump", "--store", str(store), "--format", format, "-o", str(output)],
                                    kg_env())
        print(f"  kg dump --format {format:7} {seconds:7.1f} s   peak RSS {peak / 2**20:6.0f} MB   "
              f"{output.stat().st_size / 1e6:.1f} MB gzip   (target < 300 MB at 10M)")
        output.unlink()


def compare(size: int, work: Path, engines: list, clients: list[int], rounds: int, count: int, seed: int) -> None:
    data = work / "data"
    started = time.perf_counter()
    quads, union = generate(size, data, BASE, seed)
    print(f"\n== {quads:,} quads ({union:,} distinct triples in their union), generated in "
          f"{time.perf_counter() - started:.1f} s ==")
    print("load:")
    with contextlib.ExitStack() as stack:
        endpoints = [stack.enter_context(engine(data, work)) for engine in engines]
        ours_endpoint = endpoints[0]
        print(f"  kg load: {quads / ours_endpoint.load_seconds:,.0f} quads of the file per second, "
              f"{(quads + union) / ours_endpoint.load_seconds:,.0f} quads written per second with the default "
              f"graph, start-up of the command included; target 300,000 triples/s")
        print("dump:")
        print_dumps(work / "kg-store")
        # Drawn through the peer: the draw reads whole classes, which at 10M triples takes longer
        # than our server's time limit allows one query.
        sample = query_mix.draw(select(endpoints[1]), count, seed)
        queries = query_mix.mix(sample)
        check_answers(endpoints, queries)
        for number in clients:
            runs = {endpoint.name: run_mix(endpoint, queries, number,
                                           RDFLIB_ROUNDS if endpoint.name == RDFLIB else rounds, seed)
                    for endpoint in endpoints}
            print_runs(runs, number)
        print("dereferencing and dumps (ours only):")
        print_linked_data(ours_endpoint, [urllib.parse.urlsplit(str(iri)).path for iri in sample.documents],
                          clients, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the main comparison")
    parser.add_argument("--rdflib-triples", type=int, default=100_000,
                        help="size at which rdflib-endpoint runs (with the other two); 0 leaves it out")
    parser.add_argument("--clients", default="1,8", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--rounds", type=int, default=3, help="times each query of the mix is asked per run")
    parser.add_argument("--per-kind", type=int, default=10, help="queries of each kind in the mix")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--query-timeout", type=float, default=None,
                        help="our server's time limit per query in seconds (default: its setting, 30); "
                             "at 10M triples the 2-hop co_actors queries take longer")
    args = parser.parse_args()
    clients = [int(number) for number in args.clients.split(",")]
    oxigraph_version = subprocess.run([command("oxigraph"), "--version"], capture_output=True, text=True).stdout
    print(f"{os.cpu_count()} cores; {oxigraph_version.strip()}, rdflib-endpoint {metadata.version('rdflib-endpoint')}; "
          f"mix of {args.per_kind} queries per kind asked {args.rounds} times per run ({RDFLIB}: {RDFLIB_ROUNDS}); "
          f"kg serve with its default settings"
          + (f" but a time limit of {args.query_timeout:g} s per query" if args.query_timeout else ""))
    started = time.perf_counter()
    kg = functools.partial(ours, query_timeout=args.query_timeout)
    sizes = {args.triples: [kg, oxigraph]}
    if args.rdflib_triples:
        sizes[args.rdflib_triples] = [kg, oxigraph, rdflib_endpoint]
    for size, engines in sorted(sizes.items()):
        with tempfile.TemporaryDirectory(prefix="kg-compare-") as scratch:
            compare(size, Path(scratch), engines, clients, args.rounds, args.per_kind, args.seed)
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s. End-to-end ingest (articles per second, per "
          f"stage): python bench/ingest.py")


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        sys.exit(f"compare: {error}")
