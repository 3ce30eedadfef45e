"""Renderers of an explanation: they format ``Step`` records and never compute.

Layer: part of :mod:`chainrule.explainer`.
"""
