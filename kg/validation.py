"""Validate stage: SHACL shapes (``shapes/*.ttl``) decide what may be published.

The result is a list of problems in words, one per violated constraint, naming the resource,
the field and what is wrong, so that a user can fix the input without reading SHACL.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import split_uri

from kg.resources import resource_graph

if TYPE_CHECKING:  # the server reads the shapes without loading the pipeline and its NLP library
    from kg.mapping import ArticleGraph

SH = Namespace("http://www.w3.org/ns/shacl#")
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    focus: str
    """The resource that breaks the rule."""
    field: str | None
    """The property (as a short name such as ``headline``) the rule is about."""
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message} ({self.focus})"


def shapes() -> Graph:
    """All shapes, parsed once per process."""
    return resource_graph("shapes")


@functools.cache
def _checked_shapes() -> Graph:
    """The shapes as pyshacl runs them fastest: each property shape of a node shape with
    targets becomes a shape of its own, with the same targets.

    That changes no verdict (the same focus nodes must conform to the same property shapes),
    but pyshacl checks a nested property shape once per focus node, building its constraints
    anew each time, and a targeted one once over all focus nodes together: an article with
    thirty events validated in 6 ms instead of 16. The files keep the usual nested form, which
    people read and the shapes page lists.
    """
    graph = Graph()
    graph += shapes()
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)):
        targets = [(kind, target) for kind in TARGETS for target in graph.objects(shape, kind)]
        if not targets:
            continue
        for property_shape in list(graph.objects(shape, SH.property)):
            graph.remove((shape, SH.property, property_shape))
            for kind, target in targets:
                graph.add((property_shape, kind, target))
    return graph


def _short(term: object) -> str:
    if isinstance(term, URIRef):
        try:
            return split_uri(term)[1]
        except ValueError:
            return str(term)
    return str(term)


def validate(article_graph: ArticleGraph) -> list[Problem]:
    """The problems that keep ``article_graph`` from being published; empty when it conforms."""
    import pyshacl  # only where articles are validated: the server serves the shapes without it

    conforms, report, _ = pyshacl.validate(
        article_graph.graph, shacl_graph=_checked_shapes(), inference="none", allow_warnings=True
    )
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "breaks a rule"
        value = report.value(result, SH.value)
        if value is not None and str(value) not in str(message):
            message = f"{message}; got {value.n3()}"
        problems.append(Problem(focus=str(report.value(result, SH.focusNode)), field=_short(path) if path else None,
                                message=str(message)))
    problems.sort(key=lambda problem: (problem.focus, problem.field or "", problem.message))
    log.debug("%s: %d problem(s)", article_graph.article, len(problems))
    return problems
