"""The figure every plot draws on, and how it is written to a PNG.

:func:`new_figure` imports Matplotlib (the extra ``chainrule[plot]``) when a
plot is drawn, and only its object-oriented API: a
:class:`matplotlib.figure.Figure` rendered by Agg, never ``pyplot``, so no
global state changes and no display is needed. :func:`save` writes it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chainrule.errors import ConfigError, DataFileError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Array = np.ndarray
PathLike = str | os.PathLike | None


def new_figure(figsize: tuple[float, float], dpi: float) -> Figure:
    """A new figure of ``figsize`` inches at ``dpi``, with a constrained layout.

    Raises
    ------
    ConfigError
        Matplotlib is not installed.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ConfigError(
            "plotting needs matplotlib; pip install 'chainrule[plot]'"
        ) from None
    return Figure(figsize=figsize, dpi=dpi, layout="constrained")


def save(fig: Figure, path: PathLike) -> Figure:
    """Write ``fig`` as a PNG of exactly ``figsize * dpi`` pixels; return it."""
    if path is None:
        return fig
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        raise DataFileError(f"path: the folder {str(folder)!r} does not exist")
    fig.savefig(path, format="png", dpi=fig.dpi)
    return fig
