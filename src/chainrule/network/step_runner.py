"""``Network.step`` without per-call waste: what one network's steps reuse.

A learner's loop ``for i in range(1000): net.step(X, y)`` would otherwise
make two fresh workspaces, copy and scan its input, and build a new dict of
parameters on every call. Each network keeps one :class:`StepRunner` (made on
its first ``step``, dropped by ``copy`` and by pickling) that holds:

- the parameters in one flat vector, whose writable views the network
  adopts (``Network.adopt_params``; users still see them read-only through
  ``Network.params``), so the update is one in-place operation, the
  ``gd`` optimizer's step on the flat vector (the same update as ``fit``);
  the network's ``params_version`` says when they were replaced
  (``set_params``) and must be copied in again (:meth:`StepRunner.sync`);
- one :class:`~chainrule.core.workspace.Workspace` (NumPy path), or the
  compiled kernel's buffers when :func:`chainrule.accel.paths` says so: a few
  steps always run on NumPy; a long loop switches to the compiled kernels
  once they are ready (made ready in the background when the steps already
  made would have paid for them);
- the validation fast path: an ``X`` and ``y`` that are already C-contiguous
  arrays of the network's dtype and shape are used as they are, without the
  copy and the finiteness scan. Only when the cost or the gradient comes out
  non-finite does the full check run, so that bad input raises exactly the
  error it always did, before any parameter changes.

Examples
--------
>>> import chainrule as cr
>>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
>>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
>>> round(net.step([[3.0]], [[2.0]], learning_rate=0.1), 12)
0.32
>>> net.step_plan().path
'numpy'
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.accel import Call, Plan, plan
from chainrule.accel.paths import PATHS_BY_NAME, supports
from chainrule.core.backward import backward
from chainrule.core.forward import forward, total_cost
from chainrule.core.params import flat_views, flatten
from chainrule.core.workspace import Workspace
from chainrule.errors import InvalidValueError
from chainrule.train.optimizers import gd
from chainrule.validation import check_positive

Array = np.ndarray

#: Steps between two looks at the plan while the compiled kernels are being
#: made ready in the background (a look costs a few microseconds).
RECHECK_LOADING = 256


class StepRunner:
    """The reused state of one network's :meth:`Network.step` calls.

    Parameters
    ----------
    net : Network
        Its configuration is read once; the network makes a new runner when
        it changes (:meth:`serves`).
    """

    def __init__(self, net) -> None:
        self.sizes, self.activations = list(net.sizes), list(net.activations)
        self.loss, self.bias, self.l2 = net.loss, list(net.bias), float(net.l2)
        self.dtype, self.shapes = net.dtype, net.shapes
        # bce and cce constrain the targets' values: their y is checked in full
        self.fast_ok = self.loss not in ("bce", "cce")
        self.n_in, self.n_out = self.sizes[0], self.sizes[-1]
        self.theta = np.zeros(net.n_params, self.dtype)
        self.params: dict[str, Array] = {}
        self.version = -1  # the network's params_version when last adopted
        self.biases = [k for k in self.shapes if k[0] == "b"]
        self.ws: Workspace | None = None
        self.sgd = gd(1.0)  # the update θ := θ − α ∇J, as fit's gd
        self.sgd_state = None
        # the plan: its batch size, the step count at which to look again,
        # and the compiled kernel's arguments when the plan says compiled
        self.plan = Plan("numpy", "no step yet")
        self.m, self.count, self.recheck = -1, 0, 0
        self.kernel = None
        self.meta: Array | None = None
        self.loss_code = 0
        self.work: Array | None = None
        self.grad = np.empty_like(self.theta)

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
            self.theta[...] = flatten(net.params, self.shapes)
            self.params = flat_views(self.theta, self.shapes)
            net.adopt_params(self.params)
            self.version = net.params_version

    def step(
        self,
        net,
        X: object,
        y: object,
        learning_rate: object,
        update_biases: bool = True,
    ) -> float:
        """One gradient-descent step on the adopted parameters; returns ``J`` before.

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
            X, y = net.check_data(X, y)
            shape = X.shape
        self.count += 1
        if shape[0] != self.m or self.count >= self.recheck:
            self._replan(net, shape[0])
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
            net.check_data(X, y)  # bad input raises its own message here
        if not math.isfinite(J):
            raise InvalidValueError("cost is not finite; parameters left unchanged")
        # a finite cost with an overflowing gradient: the step is taken anyway
        self._descend(lr)
        return J

    def _replan(self, net, m: int) -> None:
        """Ask :func:`chainrule.accel.paths` again (new batch size, or the time
        to look whether the compiled kernels are ready or repaid)."""
        call = Call("step", m=m, n=m, steps=self.count)
        self.plan, self.m, self.kernel = plan(net, call), m, None
        compiled = PATHS_BY_NAME["compiled"]
        if self.plan.path == "compiled":
            kernels = self.plan.kernels
            shape = kernels.work_shape(self.sizes, m)
            if self.work is None or self.work.shape[1] < shape[1]:
                self.work = np.empty(shape, self.dtype)
            self.meta = kernels.plan(self.sizes, self.activations, self.bias)
            self.loss_code = kernels.LOSS_CODES[self.loss]
            self.kernel = kernels.step
            self.recheck = math.inf
        elif supports(compiled, net, call) is None:
            # the compiled path would serve: look again (soon while loading)
            self.recheck = self.count + max(RECHECK_LOADING, self.count)
        else:
            self.recheck = math.inf

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
        self._descend(lr)
        return J, True

    def _descend(self, lr: float) -> None:
        """θ := θ − α ∇J by the ``gd`` optimizer's in-place step."""
        if self.sgd_state is None:
            self.sgd_state = self.sgd.init({"theta": self.theta})
        self.sgd_state = self.sgd.step(
            {"theta": self.grad}, self.sgd_state, {"theta": self.theta}, lr
        )
