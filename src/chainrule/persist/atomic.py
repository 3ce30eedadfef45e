"""Atomic file writes: a crash or an error leaves the old file intact.

Both writers name their temporary file ``.NAME.chainrule-tmp-PID-XXXX.tmp``
(:func:`chainrule.persist.paths.temp_prefix`) in the target's folder, and
first remove those left by killed saves to the same target
(:func:`chainrule.persist.paths.remove_stale_temps`).
"""

from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from chainrule.errors import FileWriteError
from chainrule.persist.paths import check_target, remove_stale_temps, temp_prefix


def _file_mode(target: Path) -> int:
    """The old file's permissions, or those a new file gets under the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file intact.

    The bytes go to a temporary file in the same folder, which is flushed,
    fsynced and then renamed over ``path`` (``os.replace`` is atomic on POSIX
    and Windows); the folder is fsynced last so that the rename is durable.
    On any error the temporary file is removed and the old file is intact.
    The temporary file is named ``.NAME.chainrule-tmp-PID-XXXX.tmp``; those
    left by killed saves to ``path`` are removed first
    (:func:`chainrule.persist.paths.remove_stale_temps`).

    Parameters
    ----------
    path : str or path
    data : bytes

    Raises
    ------
    ConfigError
        ``path`` is a symbolic link, a folder, a device, a FIFO or a socket.
    FileWriteError
        The file cannot be written (permission, disk full, size limit);
        nothing was replaced.

    Examples
    --------
    >>> import os, tempfile
    >>> from chainrule.persist.atomic import atomic_write_bytes
    >>> folder = tempfile.mkdtemp()
    >>> atomic_write_bytes(os.path.join(folder, "a.bin"), b"new")
    >>> os.listdir(folder)
    ['a.bin']
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    check_target("path", target, force=True, probe=False)
    remove_stale_temps(target)
    try:
        _write_and_replace(target, folder, data)
    except OSError as exc:
        raise FileWriteError(
            f"{str(target)!r} cannot be written ({exc.strerror or exc}); "
            "nothing was replaced"
        ) from exc
    _fsync_folder(folder)


def _write_and_replace(target: Path, folder: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(target))  # mkstemp makes it 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs):
    """A file to write as a stream, renamed over ``path`` only when complete.

    Like :func:`atomic_write_bytes` for output too large to build in memory:
    the temporary file is named as in
    :func:`chainrule.persist.paths.temp_prefix`, keeps the old file's
    permissions, and is removed if the ``with`` block raises, leaving
    ``path`` as it was.

    Raises
    ------
    FileWriteError
        A write found no room (disk full, ``ulimit -f``, quota: the
        :data:`NO_ROOM` errors), inside the ``with`` block or when the file
        is completed; the temporary file is removed, ``path`` is as it was.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "p.csv")
    >>> with atomic_open(path, newline="") as fh:
    ...     _ = fh.write("a,b\\n")
    >>> open(path).read()
    'a,b\\n'
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    check_target("path", target, force=True, probe=False)
    remove_stale_temps(target)
    mode_bits = _file_mode(target)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=temp_prefix(target), suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            try:
                yield fh
            except OSError as exc:
                if exc.errno not in NO_ROOM:  # not a write of fh: as it is
                    raise
                raise _cannot_write(target, exc) from exc
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode_bits)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, FileWriteError) or exc.errno not in NO_ROOM:
            raise
        raise _cannot_write(target, exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


#: The errors of a write that finds no room: disk full, file-size limit
#: (``ulimit -f``), disk quota.
NO_ROOM = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def _cannot_write(target: Path, exc: OSError) -> FileWriteError:
    return FileWriteError(
        f"{str(target)!r} cannot be written ({exc.strerror or exc}); "
        "nothing was replaced"
    )


__all__ = ["NO_ROOM", "atomic_open", "atomic_write_bytes"]
