"""Figure functions: tidy DataFrames in, ``plotly.graph_objects.Figure`` out, no I/O.

:mod:`curves` draws quantities against context length; :mod:`breakdowns`
draws shares, areas and model-vs-published bars.
"""
