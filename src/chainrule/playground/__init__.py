"""The playground: backpropagation to watch, step through and change, in the browser.

``chainrule playground`` serves one page on 127.0.0.1 (Starlette + uvicorn,
the ``playground`` extra). The page draws the network and the derivation;
every number comes from :func:`chainrule.explain` on the server
(:mod:`chainrule.playground.views`), every change is a POST that
:mod:`chainrule.playground.state` checks before it applies it, and
:mod:`chainrule.playground.server` guards the Host, the Origin and the sizes.

Layer: may import the explainer and everything below it (network, loading,
core, train, persist, data, errors, validation); only the command line
imports it.
"""
