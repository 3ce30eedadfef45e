"""What the compiled kernels cover, and the codes they know it by.

The table of paths (:mod:`chainrule.accel.paths`) reads the names; the
kernels' ``if`` chains (:mod:`chainrule.accel.kernels`) and the arguments
made for them (:mod:`chainrule.accel.compiled`) read the codes.

Examples
--------
>>> from chainrule.accel.codes import ACT_CODES, LOSS_CODES
>>> ACT_CODES["sigmoid"], LOSS_CODES["bce"]
(1, 2)
"""

#: Activations: ``f`` and ``f'`` in :func:`chainrule.accel.kernels.activate`
#: and :func:`~chainrule.accel.kernels.backprop`.
ACT_CODES = {"identity": 0, "sigmoid": 1, "relu": 3, "leaky_relu": 4}
#: Costs (``bce`` after a sigmoid): :func:`chainrule.accel.kernels.data_cost`.
LOSS_CODES = {"sse": 0, "mse": 1, "bce": 2}
