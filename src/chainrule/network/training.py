"""The training and the model file of a :class:`~chainrule.network.Network`.

:class:`NetworkTraining` gives ``Network`` the methods that change its
parameters by training, ``step`` (one gradient-descent step, through
the network's :class:`~chainrule.network.step_runner.StepRunner`) and ``fit`` (through
:func:`chainrule.train.fit.fit`), and ``save``, which writes the model file
(:mod:`chainrule.persist.model`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chainrule.network.step_runner import StepRunner
from chainrule.persist import model as _model_file
from chainrule.train import fit as _fit
from chainrule.train.options import History, suggest_options
from chainrule.validation import check_bool


class NetworkTraining:
    """Training and saving of :class:`~chainrule.network.Network`.

    A part of ``Network``, not a class to use alone: its methods use the
    network's configuration, parameters and data checks.
    """

    def step(
        self,
        X: object,
        y: object,
        learning_rate: float = 0.1,
        update_biases: bool = True,
    ) -> float:
        """One gradient-descent step ``W := W − α ∂J/∂W``; returns ``J`` before it.

        ``update_biases=False`` leaves the biases as they are (they still take
        part in the passes), as worked examples with fixed biases do.

        Examples
        --------
        Seed 004: after one step with α = 0.1, w1 = 0.692 and w2 = 0.92.

        >>> import chainrule as cr
        >>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
        >>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
        >>> round(net.step([[3.0]], [[2.0]], learning_rate=0.1), 12)
        0.32
        >>> net.params["W1"].round(12), net.params["W2"].round(12)
        (array([[0.692]]), array([[0.92]]))

        The parameters are updated in place, and the buffers of the pass are
        reused from call to call (see :mod:`chainrule.network.step_runner`).
        """
        if update_biases is not True:
            check_bool("update_biases", update_biases)
        runner = self.__dict__.get("_runner")
        if runner is None or not runner.serves(self):
            runner = self._runner = StepRunner(self)
        runner.sync(self)
        return runner.step(self, X, y, learning_rate, update_biases)

    def step_plan(self):
        """The :class:`~chainrule.accel.Plan` of the last :meth:`step`: its path
        (``"numpy"`` or ``"compiled"``) and why; ``None`` before the first step.

        Examples
        --------
        >>> import chainrule as cr
        >>> net = cr.Network([2, 3, 1], bias=False)
        >>> net.step_plan() is None
        True
        >>> X, y = cr.datasets.test_scores()
        >>> _ = net.step(X, y)
        >>> net.step_plan().path   # a few steps never wait for a compiler
        'numpy'
        """
        runner = self.__dict__.get("_runner")
        return None if runner is None else runner.plan

    # ------------------------------------------------------------ training, io
    @suggest_options
    def fit(
        self, X: object, y: object, optimizer: object = "bfgs", **options: Any
    ) -> History:
        """Train the network in place; returns its :class:`History`.

        Every option is declared once, with its default, the optimizers that
        use it and its help, in :data:`chainrule.train.options.OPTIONS`, and
        is a keyword-only parameter here (the signature is made from it); an
        option the optimizer would ignore (``batch_size`` with ``"lbfgs"``)
        and a misspelt one (``patiance``) are a ``ConfigError``. Everything is
        checked before training starts; a failing check leaves the parameters
        unchanged. See :func:`chainrule.train.fit.fit` and docs/training.md.

        Parameters
        ----------
        X : (n, n_inputs) array_like, or a SciPy sparse matrix
        y : (n, n_outputs) array_like
        optimizer : {"gd", "sgd", "adam", "bfgs", "lbfgs"} or optimizer object
            A shortcut, or e.g. ``cr.optimizers.adam(learning_rate=1e-3)``,
            which carries its hyperparameters.
        {options}

        Examples
        --------
        >>> import chainrule as cr
        >>> X, y = cr.datasets.test_scores()
        >>> net = cr.Network([2, 3, 1], seed=0)
        >>> net.fit(X, y, optimizer="lbfgs", batch_size=2)
        Traceback (most recent call last):
        ...
        chainrule.errors.ConfigError: batch_size: the optimizer 'lbfgs' ... sgd, adam
        >>> net.fit(X, y, optimizer="adam", patiance=3)
        Traceback (most recent call last):
        ...
        chainrule.errors.ConfigError: patiance: ... did you mean `patience`?
        """
        return _fit.fit(self, X, y, optimizer, **options)

    def save(self, path: str, *, metadata: Mapping[str, object] | None = None) -> None:
        """Write the model as safetensors (weights) plus JSON metadata, atomically."""
        _model_file.save(self.config(), self._params, path, metadata=metadata)
