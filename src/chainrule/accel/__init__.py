"""The paths a call can run on, and the one place that chooses: :func:`plan`.

The mathematics is :mod:`chainrule.core` (NumPy); this package holds the
faster ways to run it and the rule that picks one:

- :mod:`~chainrule.accel.paths`: :data:`PATHS`, the table of what each path
  supports, and :func:`plan`, which takes the first row that supports a call
  (and whose one-off cost, if any, the call repays);
- :mod:`~chainrule.accel.loader`: the compiled kernels' state (absent, cold,
  loading, ready) and what making them ready costs; :func:`prepare` does it
  on demand;
- :mod:`~chainrule.accel.compiled`: what the kernels are given, their
  warm-up and full-batch epochs (imports numba);
- :mod:`~chainrule.accel.kernels`: the numba kernels (optional extra
  ``chainrule[fast]``; imported only by the loader);
- :mod:`~chainrule.accel.fused`: minibatch SGD of large ReLU networks at the
  BLAS ceiling;
- :mod:`~chainrule.accel.threads`: how many BLAS threads a fit uses.

Every path agrees with the NumPy path within a stated tolerance
(docs/performance.md), tested on random architectures.

Layer: may import :mod:`chainrule.core` and below (errors, validation).
"""

from chainrule.accel.loader import CompileNotice, prepare, use_compiled
from chainrule.accel.paths import PATHS, Call, Path, Plan, plan

__all__ = [
    "PATHS",
    "Call",
    "CompileNotice",
    "Path",
    "Plan",
    "plan",
    "prepare",
    "use_compiled",
]
