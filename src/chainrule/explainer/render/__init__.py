"""Every format of every document: they format records and never compute.

One module per format -- :mod:`~chainrule.explainer.render.text`,
:mod:`~chainrule.explainer.render.markdown`,
:mod:`~chainrule.explainer.render.latex`,
:mod:`~chainrule.explainer.render.html`,
:mod:`~chainrule.explainer.render.json` -- with one escape each and one
Unicode-to-LaTeX table (``latex.escape``). An explanation is walked once
(:mod:`~chainrule.explainer.render.walk` yields
:mod:`~chainrule.explainer.render.records`); ``grid`` lays out matrices,
``details`` the lines under a step, ``diagram`` the network as SVG.
Sentences of the data (questions, errata, descriptions, notes) hold their
maths as ``$...$`` LaTeX spans; :mod:`~chainrule.explainer.render.prose` reads
them once and each format writes them (``prose`` in each format module).

Layer: above :mod:`chainrule.explainer.notation`. May import the model, the
notation and :mod:`chainrule.errors`; a document (an explanation, a worksheet,
a derivation) is read through its public attributes, never imported.
"""
