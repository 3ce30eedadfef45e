"""The chain rule along paths: one weight's paths, a scalar chain, flows, vary.

- :mod:`~chainrule.explainer.paths.weight_chain`: ``Explanation.chain`` -- one
  weight's gradient as the sum over its paths of products of local derivatives.
- :mod:`~chainrule.explainer.paths.scalar_chain`: the elementary table and the
  chain-rule products when every layer is one unit wide.
- :mod:`~chainrule.explainer.paths.flows`: one hidden unit's gradient as the
  sum over the paths out of it (the bracket notation's "flows").
- :mod:`~chainrule.explainer.paths.vary`: one weight set to several values,
  the cost and the gradient at each.

Layer: above :mod:`chainrule.explainer.render`. May import the model, the
notation, :mod:`chainrule.network` and what is below it; not the builders
(an explanation is read through its public attributes).
"""
