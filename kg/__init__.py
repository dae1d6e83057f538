"""Publish news articles as a linked-data knowledge graph.

Data flows one way through the stages, one module each:
read (:mod:`kg.readers`) -> map (:mod:`kg.mapping`) -> validate (:mod:`kg.validation`)
-> store (:mod:`kg.store`) -> serve (the :mod:`server` package).
"""
