"""``Network.step`` without per-call waste: what one network's steps reuse.

A learner's loop ``for i in range(1000): net.step(X, y)`` used to make two
fresh workspaces, copy and scan its input, and build a new dict of parameters
on every call. A :class:`StepRunner` keeps, per network:

- the parameters in one flat vector, whose writable views the network
  adopts (``Network.adopt_params``; users still see them read-only through
  ``Network.params``), so the update is one in-place operation,
  ``θ −= α ∇J``; the network's ``params_version`` says when they were
  replaced (``set_params``) and must be copied in again (:meth:`StepRunner.sync`);
- one :class:`~chainrule.core.workspace.Workspace` (NumPy path) or the compiled
  kernel's buffers (:mod:`chainrule.core.dispatch`);
- the validation fast path: an ``X`` and ``y`` that are already C-contiguous
  arrays of the network's dtype and shape are used as they are, without the
  copy and the finiteness scan. Only when the cost or the gradient comes out
  non-finite does the full check run, so that bad input raises exactly the
  error it always did, before any parameter changes.

Examples
--------
>>> import chainrule as cr
>>> from chainrule.core.fast_step import runner_for
>>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
>>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
>>> runner = runner_for(net)
>>> runner is runner_for(net)
True
"""

from __future__ import annotations

import math
import weakref

import numpy as np

from chainrule.core import dispatch
from chainrule.core.backward import backward
from chainrule.core.forward import forward, total_cost
from chainrule.core.params import flatten
from chainrule.core.workspace import Workspace
from chainrule.errors import InvalidValueError
from chainrule.validation import check_positive

Array = np.ndarray

#: id(network) -> its runner; an entry leaves with its network (weakref.finalize)
_RUNNERS: dict[int, StepRunner] = {}


def runner_for(net) -> StepRunner:
    """The :class:`StepRunner` of ``net``, made anew when its configuration
    changed, and synchronised with its parameters (:meth:`StepRunner.sync`)."""
    runner = _RUNNERS.get(id(net))
    if runner is None or runner.owner() is not net:
        weakref.finalize(net, _RUNNERS.pop, id(net), None)
        runner = None
    if runner is None or not runner.serves(net):
        runner = _RUNNERS[id(net)] = StepRunner(net)
    runner.sync(net)
    return runner


class StepRunner:
    """The reused state of one network's :meth:`Network.step` calls.

    Parameters
    ----------
    net : Network
        Its configuration is read once; :func:`runner_for` makes a new runner
        when it changes.
    """

    def __init__(self, net) -> None:
        self.sizes, self.activations = list(net.sizes), list(net.activations)
        self.loss, self.bias, self.l2 = net.loss, list(net.bias), float(net.l2)
        self.dtype, self.shapes = net.dtype, net.shapes
        self.owner = weakref.ref(net)
        # bce and cce constrain the targets' values: their y is checked in full
        self.fast_ok = self.loss not in ("bce", "cce")
        self.n_in, self.n_out = self.sizes[0], self.sizes[-1]
        # the path chosen for (m, dispatch.version()): the compiled step or
        # None, with the kernel's arguments (see _make_plan)
        self.key: tuple = (None, None)
        self.kernel = None
        self.meta: Array | None = None
        self.loss_code = 0
        self.theta = np.zeros(net.n_params, self.dtype)
        self.params: dict[str, Array] = {}
        self.version = -1  # the network's params_version when last adopted
        self.biases = [k for k in self.shapes if k[0] == "b"]
        self.grad = np.empty_like(self.theta)
        self.scratch = np.empty_like(self.theta)
        self.ws: Workspace | None = None
        self.work: Array | None = None

    def serves(self, net) -> bool:
        """Whether ``net``'s configuration is still the one this runner was made for."""
        return (
            net.l2 == self.l2
            and net.loss == self.loss
            and net.activations == self.activations
            and net.sizes == self.sizes
            and net.bias == self.bias
            and net.dtype == self.dtype
        )

    def sync(self, net) -> None:
        """Make ``net`` compute with this runner's flat vector.

        Nothing to do while ``net.params_version`` is the one of the last
        adoption; otherwise (first step, or parameters replaced since) the
        network's values are copied in and the views handed over with
        ``net.adopt_params``.
        """
        if net.params_version != self.version:
            net.adopt_params(self.adopt(net.params))
            self.version = net.params_version

    def adopt(self, params) -> dict[str, Array]:
        """Copy ``params`` into the flat vector; returns its views, by name."""
        self.theta[...] = flatten(params, self.shapes)
        views, start = {}, 0
        for name, shape in self.shapes.items():
            stop = start + int(np.prod(shape))
            views[name] = self.theta[start:stop].reshape(shape)
            start = stop
        self.params = views
        return views

    def step(
        self,
        X: object,
        y: object,
        learning_rate: object,
        check_data,
        update_biases: bool = True,
    ) -> float:
        """One gradient-descent step on the adopted parameters; returns ``J`` before.

        ``check_data(X, y)`` is the network's full check (``Network.check_data``).
        ``update_biases=False`` keeps the biases (their gradient is zeroed);
        such a step runs on the NumPy path.

        Raises
        ------
        InvalidTypeError, InvalidValueError
            ``learning_rate`` is not a positive finite number.
        InvalidValueError
            The cost is not finite (parameters left unchanged), or the data
            hold NaN or infinity (the full check's message).
        """
        lr = learning_rate
        if not (type(lr) is float and 0.0 < lr < math.inf):
            lr = check_positive("learning_rate", learning_rate)
        checked = not (  # the fast path: arrays used as they are
            type(X) is np.ndarray
            and type(y) is np.ndarray
            and self.fast_ok
            and len(shape := X.shape) == 2
            and shape[1] == self.n_in
            and shape[0] > 0
            and y.shape == (shape[0], self.n_out)
            and X.dtype == self.dtype
            and y.dtype == self.dtype
            and X.flags.c_contiguous
            and y.flags.c_contiguous
        )
        if checked:
            X, y = check_data(X, y)
            shape = X.shape
        if shape[0] != self.key[0] or dispatch.version() != self.key[1]:
            self._make_plan(shape[0])
        if self.kernel is not None and update_biases:
            J, updated = self.kernel(
                self.theta, X, y, self.meta, self.loss_code, self.l2, lr,
                self.work, self.grad,
            )  # fmt: skip
        else:  # frozen biases (a zero gradient keeps them) run on NumPy
            J, updated = self._numpy_step(
                X, y, lr, () if update_biases else self.biases
            )
        if updated:
            return J
        if not checked:
            check_data(X, y)  # bad input raises its own message here
        if not math.isfinite(J):
            raise InvalidValueError("cost is not finite; parameters left unchanged")
        # a finite cost with an overflowing gradient: the step is taken anyway
        self.theta -= np.multiply(self.grad, lr, out=self.scratch)
        return J

    def _make_plan(self, m: int) -> None:
        """Choose the path for ``m`` examples (and the kernel's arguments)."""
        kernels = dispatch.compiled_for(
            self.activations, self.loss, self.dtype, m, self.theta.size
        )
        self.key, self.kernel = (m, dispatch.version()), None
        if kernels is not None:
            shape = kernels.work_shape(self.sizes, m)
            if self.work is None or self.work.shape[1] < shape[1]:
                self.work = np.empty(shape, self.dtype)
            self.meta = kernels.plan(self.sizes, self.activations, self.bias)
            self.loss_code = kernels.LOSS_CODES[self.loss]
            self.kernel = kernels.step

    def _numpy_step(
        self, X: Array, y: Array, lr: float, frozen=()
    ) -> tuple[float, bool]:
        m, params, acts = X.shape[0], self.params, self.activations
        if self.ws is None or self.ws.n < m:
            self.ws = Workspace(self.shapes, m, self.dtype)
        # unchecked data may hold NaN or infinity: the full check names them
        with np.errstate(all="ignore"):
            _, cache = forward(params, X, acts, out=self.ws)
            J = total_cost(params, cache, y, acts, self.loss, self.l2)
            if not math.isfinite(J):
                return J, False
            backward(params, cache, y, acts, self.loss, self.l2, out=self.ws)
            for k in frozen:  # frozen biases: a zero gradient keeps them
                self.ws.grads[k].fill(0)
            self.grad = self.ws.grad
            if not math.isfinite(np.add.reduce(self.grad)):
                return J, False
        # θ − α g, one operation for every parameter (the values of v − α g[k])
        self.theta -= np.multiply(self.grad, lr, out=self.scratch)
        return J, True
