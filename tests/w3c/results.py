"""Expected and received query answers, and how they are compared.

An answer is a boolean (ASK), a :class:`Solutions` table (SELECT) or an rdflib graph
(CONSTRUCT, DESCRIBE). As the W3C test suite page says, literals compare by value: tables hold
pyoxigraph terms with every literal in Oxigraph's canonical form (``"1.0"^^xsd:decimal`` and
``"1"^^xsd:decimal`` are one value), the way Oxigraph's own test harness compares them. Tables
match as multisets, or as sequences where the query orders its solutions, with blank nodes mapped
one-to-one between the two sides; graphs match by isomorphism. CSV cannot carry term types, so a
CSV table holds each cell as a plain literal of its text (a ``_:`` cell as a blank node) on both
sides.
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]

RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SOLUTION_TYPES = {
    "srx": "application/sparql-results+xml",
    "srj": "application/sparql-results+json",
    "tsv": "text/tab-separated-values",
    "csv": "text/csv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
_CANONICAL = ox.Store()
_SUBJECT = ox.NamedNode("urn:x-w3c-suite:canonical")


@dataclass
class Solutions:
    variables: list[str]
    rows: list[Row]


class Mismatch(AssertionError):
    """The answer is not the one the test expects; the message shows both."""


def expected_answer(path: Path) -> bool | Solutions | Graph:
    """The answer a result file holds, by its extension: .srx, .srj, .tsv, .csv, or an RDF file
    holding a graph or a result set in the DAWG result-set vocabulary."""
    extension = path.suffix.lstrip(".")
    if extension in SOLUTION_TYPES:
        return received_answer(SOLUTION_TYPES[extension], path.read_bytes())
    base = path.resolve().as_uri()
    graph = Graph().parse(path, publicID=base)
    if (None, RDF.type, URIRef(RS + "ResultSet")) in graph:
        return _result_set(path, base)
    return graph


def received_answer(content_type: str, body: bytes) -> bool | Solutions | Graph:
    """The answer in an HTTP body of ``content_type``."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in GRAPH_TYPES:
        return Graph().parse(data=body, format=GRAPH_TYPES[media_type])
    if media_type == "text/csv":
        return _csv(body.decode("utf-8"))
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media_type))
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    variables = [variable.value for variable in results.variables]
    rows = [{name: canonical(solution[name]) for name in variables if solution[name] is not None}
            for solution in results]
    return Solutions(variables, rows)


def canonical(term: Term) -> Term:
    """``term`` with a literal in its canonical form, as an Oxigraph store writes it back (stores
    keep numbers, booleans and dates as values)."""
    if not isinstance(term, ox.Literal):
        return term
    _CANONICAL.add(ox.Quad(_SUBJECT, _SUBJECT, term))
    (quad,) = _CANONICAL
    _CANONICAL.clear()
    return quad.object


def compare(expected: bool | Solutions | Graph, actual: bool | Solutions | Graph, ordered: bool) -> None:
    """Raise :class:`Mismatch` unless ``actual`` is ``expected``."""
    if isinstance(expected, Graph) or isinstance(actual, Graph):
        if not (isinstance(expected, Graph) and isinstance(actual, Graph) and isomorphic(expected, actual)):
            raise Mismatch(f"expected the graph\n{_show(expected)}\ngot\n{_show(actual)}")
        return
    if isinstance(expected, bool) or isinstance(actual, bool):
        if expected is not actual:
            raise Mismatch(f"expected {_show(expected)}, got {_show(actual)}")
        return
    if set(expected.variables) != set(actual.variables):
        raise Mismatch(f"expected the variables {sorted(expected.variables)}, got {sorted(actual.variables)}")
    if not same_solutions(expected.rows, actual.rows, ordered):
        order = "in this order" if ordered else "in any order"
        raise Mismatch(f"expected {len(expected.rows)} solution(s) {order}:\n{_show(expected)}\n"
                       f"got {len(actual.rows)}:\n{_show(actual)}")


def same_solutions(expected: list[Row], actual: list[Row], ordered: bool) -> bool:
    """Whether the rows are the same, blank nodes mapped one-to-one (bijectively) between the sides."""
    if len(expected) != len(actual):
        return False
    if ordered:
        mapping: dict[ox.BlankNode, ox.BlankNode] | None = {}
        for wanted, got in zip(expected, actual):
            mapping = _extend(mapping, wanted, got)
            if mapping is None:
                return False
        return True
    # Rows without blank nodes must match exactly, as multisets; only the rest need a search.
    ground_expected = Counter(_key(row) for row in expected if not _has_blank(row))
    ground_actual = Counter(_key(row) for row in actual if not _has_blank(row))
    if ground_expected != ground_actual:
        return False
    return _search([row for row in expected if _has_blank(row)], [row for row in actual if _has_blank(row)], {})


def _search(expected: list[Row], actual: list[Row], mapping: dict) -> bool:
    if not expected:
        return True
    first, rest = expected[0], expected[1:]
    for index, candidate in enumerate(actual):
        extended = _extend(mapping, first, candidate)
        if extended is not None and _search(rest, actual[:index] + actual[index + 1:], extended):
            return True
    return False


def _extend(mapping: dict, expected: Row, actual: Row) -> dict | None:
    """``mapping`` extended so that ``expected`` becomes ``actual``, or None if it cannot be."""
    if expected.keys() != actual.keys():
        return None
    extended = dict(mapping)
    for name, wanted in expected.items():
        got = actual[name]
        if isinstance(wanted, ox.BlankNode) and isinstance(got, ox.BlankNode):
            if extended.get(wanted, got) != got or (wanted not in extended and got in extended.values()):
                return None
            extended[wanted] = got
        elif wanted != got:
            return None
    return extended


def _has_blank(row: Row) -> bool:
    return any(isinstance(term, ox.BlankNode) for term in row.values())


def _key(row: Row) -> tuple:
    return tuple(sorted((name, str(term)) for name, term in row.items()))


def _result_set(path: Path, base: str) -> bool | Solutions:
    """A result set written in the DAWG result-set vocabulary (rs:ResultSet) in an RDF file."""
    properties: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for triple in ox.parse(path=str(path), base_iri=base):
        properties[triple.subject][triple.predicate.value].append(triple.object)
    result_set = next(subject for subject, values in properties.items()
                      if any(o.value == RS + "ResultSet" for o in values[_RDF_TYPE]))
    values = properties[result_set]
    if values[RS + "boolean"]:
        return values[RS + "boolean"][0].value == "true"
    solutions = []
    for solution in values[RS + "solution"]:
        row = {properties[binding][RS + "variable"][0].value: canonical(properties[binding][RS + "value"][0])
               for binding in properties[solution][RS + "binding"]}
        index = properties[solution][RS + "index"]
        solutions.append((int(index[0].value) if index else 0, row))
    solutions.sort(key=lambda pair: pair[0])
    return Solutions([term.value for term in values[RS + "resultVariable"]], [row for _, row in solutions])


def _csv(text: str) -> Solutions:
    records = list(csv.reader(io.StringIO(text)))
    if not records:
        return Solutions([], [])
    variables = records[0]
    rows = [{name: _csv_cell(cell) for name, cell in zip(variables, record) if cell != ""} for record in records[1:]]
    return Solutions(variables, rows)


def _csv_cell(text: str) -> Term:
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.Literal(text)


def _show(answer: object, limit: int = 25) -> str:
    if isinstance(answer, Graph):
        lines = sorted(answer.serialize(format="nt").splitlines())
    elif isinstance(answer, Solutions):
        lines = [" ".join(f"?{name}={term}" for name, term in sorted(row.items())) or "(empty solution)"
                 for row in answer.rows]
    else:
        return str(answer).lower() if isinstance(answer, bool) else repr(answer)
    more = [f"  ... and {len(lines) - limit} more"] if len(lines) > limit else []
    return "\n".join(["  " + line for line in lines[:limit]] + more) or "  (none)"
