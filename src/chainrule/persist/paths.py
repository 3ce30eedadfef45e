"""Output paths that protect the user's files, checked before any work.

Every command that writes a file calls :func:`check_outputs` with all the
paths it reads and writes, before it reads data or trains. The rules
(documented in ``docs/errors.md``, "Output paths"):

- an output must not be the same file as any input or any other output of
  the command (same resolved path, or same device and inode: hard links);
- an output that exists must be a regular file: a folder, a device, a FIFO
  or a socket is refused;
- an output that is a **symbolic link is refused** (a rename would replace
  the link, never writing its target): name the target instead;
- an existing read-only output is refused unless ``force``; a replaced
  file keeps its permissions (:func:`chainrule.persist.atomic.atomic_write_bytes`);
- the folder must exist and be writable: a real temporary file is created
  and removed there, so a read-only file system is found before training.

Saves write a temporary file named ``.NAME.chainrule-tmp-PID-XXXX.tmp`` in the
target's folder and rename it over ``NAME``. A save killed before the rename
leaves that file; :func:`remove_stale_temps` (called by every save) removes
those of ``NAME`` whose process is gone.

Examples
--------
>>> import os, tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "data.csv").write_text("x,y\\n1,2\\n")
>>> check_outputs({"--out": folder / "model.safetensors"},
...               {"DATA": folder / "data.csv"})
>>> check_outputs({"--out": folder / "data.csv"}, {"DATA": folder / "data.csv"})
Traceback (most recent call last):
    ...
chainrule.errors.ConfigError: --out: ... is the same file as DATA ...
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from chainrule.errors import ConfigError

#: The marker in the name of a save's temporary file.
TEMP_MARK = ".chainrule-tmp-"

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def temp_prefix(target: Path) -> str:
    """The start of the name of a temporary file for ``target`` (this process)."""
    return f".{target.name}{TEMP_MARK}{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove temporary files of earlier, killed saves to ``target``.

    Only files named ``.NAME.chainrule-tmp-PID-*.tmp`` whose process ``PID``
    no longer runs (or is this process) are removed; returns what was removed.
    """
    folder = target.parent if str(target.parent) else Path(".")
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    start = f".{target.name}{TEMP_MARK}"
    for name in names:
        if not (name.startswith(start) and name.endswith(".tmp")):
            continue
        pid_text = name[len(start) :].split("-", 1)[0]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid != os.getpid() and _alive(pid):
            continue
        path = folder / name
        try:
            if stat.S_ISREG(path.lstat().st_mode):
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed


def check_target(
    option: str, path: Path, *, force: bool = False, probe: bool = True
) -> None:
    """One output path: not a link, not a special file, writable, in a folder.

    ``probe`` creates and removes a temporary file in the folder to prove
    that it is writable.

    Raises
    ------
    ConfigError
        Naming ``option``, the path and what is wrong.
    """
    shown = repr(str(path))
    try:
        st = path.lstat()
    except FileNotFoundError:
        st = None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise ConfigError(f"{option}: {shown} cannot be examined ({exc})") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise ConfigError(
                f"{option}: {shown} is a symbolic link; chainrule does not write "
                f"through links: give the file it points to "
                f"({str(path.resolve())!r}) instead"
            )
        for test, kind in _KINDS:
            if test(st.st_mode):
                raise ConfigError(
                    f"{option}: {shown} is {kind}; expected a regular file name"
                )
        if not force and (st.st_mode & 0o222 == 0 or not os.access(path, os.W_OK)):
            raise ConfigError(
                f"{option}: {shown} is read-only; add --force to replace it"
            )
    if probe:
        _check_folder(option, path)


def _check_folder(option: str, path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigError(f"{option}: the folder {str(folder)!r} does not exist")
    try:
        fd, probe = tempfile.mkstemp(
            prefix=temp_prefix(path), suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise ConfigError(
            f"{option}: cannot write in the folder {str(folder)!r} "
            f"({exc.strerror or exc})"
        ) from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    try:
        st = path.stat()
        ino = (st.st_dev, st.st_ino)
    except OSError:
        ino = None
    return os.path.realpath(path), ino


def check_outputs(
    outputs: Mapping[str, Path | None],
    inputs: Mapping[str, Path | None] | None = None,
    *,
    force: bool = False,
) -> None:
    """Refuse outputs that would destroy an input, each other, or a special file.

    Parameters
    ----------
    outputs : mapping of option name to path or None
        The files the command will write (``None``: not written).
    inputs : mapping of option name to path or None
        The files it reads (data, model, checkpoint).
    force : bool
        Replace a read-only output file.

    Raises
    ------
    ConfigError
        Naming the option, the path and the reason, before anything is read.
    """
    outs = {k: Path(v) for k, v in outputs.items() if v is not None}
    ins = {k: Path(v) for k, v in (inputs or {}).items() if v is not None}
    for option, path in outs.items():
        check_target(option, path, force=force)
    seen: dict[str, tuple[str, tuple | None]] = {}
    for option, path in {**ins, **outs}.items():
        seen[option] = _identity(path)
    names = list(seen)
    for i, a in enumerate(names):
        if a not in outs:
            continue
        for b in names[:i] + names[i + 1 :]:
            (ra, ia), (rb, ib) = seen[a], seen[b]
            if ra == rb or (ia is not None and ia == ib):
                if b in outs and names.index(b) > i:
                    continue  # reported once, from the first of the two
                raise ConfigError(
                    f"{a}: {str(outs[a])!r} is the same file as {b} "
                    f"({str(ins.get(b, outs.get(b)))!r}); writing it would destroy "
                    f"that file: choose another name"
                )


__all__ = [
    "TEMP_MARK",
    "check_outputs",
    "check_target",
    "remove_stale_temps",
]
