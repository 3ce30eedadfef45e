"""The figure every plot draws on, and how it is written to a PNG.

:func:`new_figure` imports Matplotlib (the extra ``chainrule[plot]``) when a
plot is drawn, and only its object-oriented API: a
:class:`matplotlib.figure.Figure` rendered by Agg, never ``pyplot``, so no
global state changes and no display is needed. :func:`save` writes it
through :func:`chainrule.persist.atomic.atomic_write_bytes`, the writer of
every file chainrule makes: never through a link, never into a FIFO or a
device, and a failed write leaves the old file as it was.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chainrule.errors import ConfigError, DataFileError
from chainrule.persist.atomic import atomic_write_bytes

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
    """Write ``fig`` as a PNG of exactly ``figsize * dpi`` pixels; return it.

    The PNG is drawn in memory, then written atomically.

    Raises
    ------
    DataFileError
        The folder does not exist.
    ConfigError
        ``path`` is a symbolic link, a folder, a FIFO, a device or a socket.
    FileWriteError
        The file cannot be written; nothing was replaced.
    """
    if path is None:
        return fig
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        raise DataFileError(f"path: the folder {str(folder)!r} does not exist")
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=fig.dpi)
    atomic_write_bytes(path, png.getvalue())
    return fig
