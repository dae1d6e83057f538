"""SPARQL 1.1 Update on a store whose default graph is the set union of its named graphs.

The embedded store keeps its default graph as a materialised union (see :mod:`kg.store.embedded`),
so an update cannot simply run as written: what it changes in a named graph must reach the union,
and what it writes to the default graph must live in a named graph of its own, or the next change
would take it back. :func:`plan_update` turns a request into one update text, run as one
transaction, that does both:

- writes addressed to the default graph go to the graph ``request.default_target``, which is part
  of the union like any other; reads of the default graph see the union;
- each operation is followed by the maintenance of the union for the graphs it wrote, so the next
  operation of the same request reads an up-to-date default graph. A graph an operation names is
  copied aside before it and compared after (cost: the size of that graph); an operation that
  writes or reads ``GRAPH ?variable`` cannot be told apart from the copies, so the union is then
  rebuilt whole (cost: the size of the store).

Operations are found with rdflib's SPARQL Update parser; those that must be redirected (``INSERT
DATA``, ``CLEAR DEFAULT``, ``COPY ... TO DEFAULT``) are written anew from the parsed terms, the
others keep their own text. ``LOAD`` is refused: the server fetches nothing from the web for a
client.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyparsing import ParseException
from rdflib import URIRef, Variable
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.sparql import QuerySyntaxError, UpdateRefused, UpdateRequest

_BEFORE = "urn:x-kg:before:"
"""Names of the graphs an operation's targets are copied into while it runs (never committed)."""

# Tokens of SPARQL text, enough to find the operations' boundaries: strings, IRIs and comments are
# single tokens, so that a ';' or a brace inside them does not count.
_TOKEN = re.compile(r'''"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|'''
                    r'''<[^<>"{}|^`\\\s]*>|#[^\n]*|[{};]|[^\s"'<#{};]+|\S''')


@dataclass
class _Segment:
    """One operation's text, and the PREFIX and BASE declarations before it."""

    prologue: str
    body: str
    where: int | None = None
    """Offset in ``body`` of the top-level WHERE keyword, for adding USING clauses."""


@dataclass
class _Effect:
    """The graphs an operation writes."""

    graphs: set[URIRef] = field(default_factory=set)
    default: bool = False
    everything: bool = False
    """Writes ``GRAPH ?var`` or reads it: the union must be rebuilt whole."""
    clears_default: bool = False
    """``CLEAR/DROP NAMED``: every named graph emptied, so the union is empty too."""


def plan_update(request: UpdateRequest) -> str:
    """The update text that runs ``request`` and keeps the default graph the union of the named graphs."""
    try:
        operations = translateUpdate(parseUpdate(request.text), base=request.base_iri or None).algebra
    except ParseException as error:
        raise QuerySyntaxError(f"SPARQL update syntax error at line {error.lineno}, column {error.col}: "
                               f"{error.msg}\n  {error.line}\n  {' ' * (error.col - 1)}^") from None
    except Exception as error:  # rdflib raises plain exceptions for undefined prefixes and the like
        raise QuerySyntaxError(f"SPARQL update error: {error}") from None
    segments = [segment for segment in _segments(request.text) if segment.body.strip()]
    if len(segments) != len(operations):
        raise QuerySyntaxError(f"could not tell the {len(operations)} operations of the update apart; "
                               "send them as separate requests")
    using = request.using_graphs or request.using_named_graphs
    default_target = URIRef(request.default_target)
    # Oxigraph reads PREFIX and BASE only at the start of a request (SPARQL allows them after each
    # ';'), so every operation's declarations go to the front.
    prologue = "".join(segment.prologue for segment in segments)
    parts = []
    for segment, operation in zip(segments, operations):
        if using and operation.name == "Modify":
            if operation.using or operation.withClause:
                raise UpdateRefused("using-graph-uri and using-named-graph-uri cannot be combined with USING or "
                                    "WITH in the update itself")
            segment = _with_using(segment, request)
        text, effect = _operation(segment, operation, default_target)
        parts.extend(_maintained(text, effect, default_target))
    return prologue + "\n" + " ;\n".join(parts)


def _segments(text: str) -> Iterator[_Segment]:
    """The operations of an update text, split at its top-level semicolons."""
    depth, start, prologue_end, expect = 0, 0, 0, 0
    in_prologue, where = True, None
    for token in _TOKEN.finditer(text):
        value = token.group()
        if value.startswith("#"):
            continue
        if in_prologue:
            if expect:
                expect -= 1
                prologue_end = token.end()
                continue
            if value.upper() in ("PREFIX", "BASE"):
                expect = 2 if value.upper() == "PREFIX" else 1
                continue
            in_prologue = False
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
        elif depth == 0 and value.upper() == "WHERE" and where is None:
            where = token.start() - prologue_end
        elif depth == 0 and value == ";":
            yield _Segment(text[start:prologue_end], text[prologue_end:token.start()], where)
            start = prologue_end = token.end()
            in_prologue, where = True, None
    yield _Segment(text[start:prologue_end], text[prologue_end:], where)


def _with_using(segment: _Segment, request: UpdateRequest) -> _Segment:
    """The operation with the protocol's ``using-graph-uri`` parameters as USING clauses."""
    assert segment.where is not None, "a DELETE/INSERT operation has a WHERE clause"
    clauses = [f"USING {URIRef(iri).n3()}" for iri in request.using_graphs]
    clauses += [f"USING NAMED {URIRef(iri).n3()}" for iri in request.using_named_graphs]
    body = segment.body[:segment.where] + " ".join(clauses) + " " + segment.body[segment.where:]
    return _Segment(segment.prologue, body)


def _operation(segment: _Segment, operation: CompValue, default_target: URIRef) -> tuple[str, _Effect]:
    """The text to run for one operation, redirected where it writes the default graph, and its effect."""
    name = operation.name
    original = segment.body
    if name == "Load":
        raise UpdateRefused("LOAD is not supported: this server fetches nothing from the web; "
                            "send the data with the Graph Store Protocol (PUT or POST to /store)")
    if name in ("InsertData", "DeleteData"):
        keyword = "INSERT DATA" if name == "InsertData" else "DELETE DATA"
        quads = {graph: list(triples) for graph, triples in operation.quads.items()}
        if operation.triples:
            quads.setdefault(default_target, []).extend(operation.triples)
        return f"{keyword} {{ {_quad_data(quads)} }}", _Effect(graphs=set(quads))
    if name in ("Clear", "Drop"):
        silent = " SILENT" if operation.silent else ""
        target = operation.graphiri
        if target == "DEFAULT":
            return f"{name.upper()} SILENT GRAPH {default_target.n3()}", \
                _Effect(graphs={default_target})
        if target == "NAMED":
            return original, _Effect(clears_default=True)
        if target == "ALL":
            return original, _Effect()
        return f"{name.upper()}{silent} GRAPH {target.n3()}", _Effect(graphs={target})
    if name == "Create":
        return original, _Effect()
    if name in ("Add", "Copy", "Move"):
        source, destination = operation.graph
        if destination == "DEFAULT":
            destination = default_target
        if source == "DEFAULT" and name == "Move":
            raise UpdateRefused("MOVE DEFAULT cannot be done: the default graph is the union of all graphs; "
                                "COPY it, then DROP the graphs you mean")
        silent = " SILENT" if operation.silent else ""
        source_text = "DEFAULT" if source == "DEFAULT" else source.n3()
        graphs = {destination} | ({source} if name == "Move" else set())
        return f"{name.upper()}{silent} {source_text} TO {destination.n3()}", _Effect(graphs=graphs)
    # DELETE WHERE and DELETE/INSERT ... WHERE keep their own text.
    effect = _Effect()
    templates = [operation] if name == "DeleteWhere" else [c for c in (operation.delete, operation.insert) if c]
    for template in templates:
        for graph in template.quads:
            if isinstance(graph, Variable):
                effect.everything = True
            else:
                effect.graphs.add(graph)
        if template.triples:
            if operation.withClause:
                effect.graphs.add(operation.withClause)
            else:
                effect.default = True
    if name == "Modify" and _reads_graph_variable(operation.where):
        effect.everything = True
    if effect.everything and effect.default:
        raise UpdateRefused("an operation that uses GRAPH ?variable cannot also write the default graph here; "
                            "name the graph it should write (WITH or GRAPH <...>)")
    return original, effect


def _reads_graph_variable(pattern: object) -> bool:
    if isinstance(pattern, CompValue):
        if pattern.name == "Graph" and isinstance(pattern.term, Variable):
            return True
        return any(_reads_graph_variable(value) for value in pattern.values())
    if isinstance(pattern, list | tuple):
        return any(_reads_graph_variable(item) for item in pattern)
    return False


def _quad_data(quads: dict[URIRef, list]) -> str:
    return " ".join(f"GRAPH {graph.n3()} {{ {' '.join(_triple(t) for t in triples)} }}" for graph, triples in quads.items())


def _triple(triple: Iterable) -> str:
    return " ".join(term.n3() for term in triple) + " ."


def _maintained(text: str, effect: _Effect, default_target: URIRef) -> list[str]:
    """``text`` between the copies of what it writes and the repair of the union from them."""
    if effect.everything or effect.clears_default:
        rebuild = ["CLEAR DEFAULT"] if effect.clears_default else [
            "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }",
            "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"]
        return [text, *rebuild]
    before, after = [], []
    if effect.default:
        # What the operation wrote into the default graph itself belongs to the default target.
        copy = URIRef(_BEFORE + "default").n3()
        target = default_target.n3()
        before.append(f"COPY DEFAULT TO {copy}")
        after += [
            f"INSERT {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH {copy} {{ ?s ?p ?o }} }} }}",
            f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {copy} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}",
            f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {copy} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} "
            f"GRAPH ?g {{ ?s ?p ?o }} FILTER(!STRSTARTS(STR(?g), \"{_BEFORE}\")) }}",
            f"DROP SILENT GRAPH {copy}",
        ]
    for number, graph in enumerate(sorted(effect.graphs)):
        copy = URIRef(f"{_BEFORE}{number}").n3()
        before.append(f"COPY SILENT {graph.n3()} TO {copy}")
        after += [
            f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {copy} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(!STRSTARTS(STR(?g), \"{_BEFORE}\")) }} }}",
            f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}",
            f"DROP SILENT GRAPH {copy}",
        ]
    return [*before, text, *after]
