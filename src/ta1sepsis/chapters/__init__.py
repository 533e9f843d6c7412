"""The chapters layer: the code behind each notebook, one module per notebook.

A notebook keeps its question, its parameter cell, the calls that show each section and its
prose; everything it computes, decides or words is here, in functions with unit tests. Each
module defines a :class:`ta1sepsis.chapters.base.Chapter` whose parameters are exactly those of
the notebook's schema (``params/<notebook>.schema.json`` and the shared names it takes).
"""
