"""The one way partnergraph writes an output file: it is written whole, or not at all and you are told.

Use :func:`write_output` for data in hand, :func:`open_output` when a library writes to a file object::
    size = write_output("report.html", html)              # str (UTF-8) or bytes; returns bytes written
    with open_output("graph.graphml") as out:             # a binary file object
        nx.write_graphml(G, out)
    with open_output("-", text=True) as out:              # "-" or None: standard output
        out.write("...")

What it guarantees, for a path:

* a regular file (or a new one) is written to a temporary file in the same folder, flushed, fsync'd,
  given the old file's permission bits (a new file: 0666 less the umask, as ``open`` would), renamed
  over the target in one step, and the folder fsync'd; on any error the temporary file is removed and
  the old file is left as it was;
* a symlink is followed: the file it points to is replaced, the link stays a link;
* a device, FIFO or socket (``/dev/null``, ``/dev/stdout``, a named pipe) is never renamed over: the
  bytes are written through to it (a FIFO without a reader is an error, not a wait);
* a missing folder, a folder as the target, no permission, a full disk (also when only ``flush`` or
  ``fsync`` fails: ``/dev/full``) each raise :class:`OutputError` saying what and where;
* the call returns only after the bytes are on disk, so "Wrote ..." printed after it is true.

For standard output, errors of ``write`` and ``flush`` are raised as :class:`OutputError` too, except a
closed pipe (``| head``): :class:`BrokenPipeError` is raised for the command line to exit quietly.

This module imports nothing from partnergraph: any layer may use it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

STDOUT = "-"


class OutputError(OSError):
    """An output that was not written; ``str()`` says which and why. Nothing half-written is left."""

    def __init__(self, target: str, message: str):
        self.target, self.message = target, message
        super().__init__(f"{target}: {message}")

    def __str__(self) -> str:
        return f"{self.target}: {self.message}"


# What each refusal of the system means for the user; {folder} is the folder the file goes in.
_REASONS = {
    errno.ENOSPC: "no space left on the device; nothing was written",
    errno.EDQUOT: "disk quota exceeded; nothing was written",
    errno.EFBIG: "the file would be larger than allowed (file size limit); nothing was written",
    errno.EACCES: "no permission to write in {folder}; choose another place or fix the permissions",
    errno.EPERM: "no permission to write in {folder}; choose another place or fix the permissions",
    errno.EROFS: "{folder} is on a read-only file system",
    errno.ENOTDIR: "{folder} is not a folder",
    errno.EISDIR: "is a folder; give a file name",
    errno.ENXIO: "is a FIFO (named pipe) that no program is reading; start the reader first",
    errno.EPIPE: "the program reading this pipe closed it",
}


def _reason(exc: OSError, target: str, folder: str) -> str:
    if exc.errno == errno.ENOENT:  # the folder is missing, or it exists and the name cannot be made
        missing = not os.path.isdir(folder)
        return f"folder {folder} does not exist; create it first" if missing else f"cannot create a file in {folder}"
    reason = _REASONS.get(exc.errno, "cannot write: {strerror}")
    return reason.format(folder=folder, strerror=exc.strerror or exc)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync(fd: int, required: bool) -> None:
    try:
        os.fsync(fd)
    except OSError as exc:
        if required or exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EROFS, errno.EBADF):
            raise


class _Stdout(io.RawIOBase):
    """Binary standard output whose errors become OutputError (BrokenPipeError stays itself)."""

    def __init__(self):
        super().__init__()
        stream = sys.stdout
        self._binary = getattr(stream, "buffer", None)
        self._text = stream if self._binary is None else None

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        try:
            if self._binary is not None:
                self._binary.write(data)
            else:
                self._text.write(bytes(data).decode("utf-8"))
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError("standard output", _stdout_reason(exc)) from None
        return len(data)

    def flush(self) -> None:
        try:
            (self._text or self._binary).flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError("standard output", _stdout_reason(exc)) from None


def _stdout_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device; the output is incomplete"
    return f"cannot write: {exc.strerror or exc}; the output is incomplete"


@contextlib.contextmanager
def open_output(path: str | os.PathLike | None, *, text: bool = False, newline: str | None = None) -> Iterator[IO]:
    """A file object for ``path`` (``None`` or ``"-"``: standard output) that is committed only when the
    ``with`` block ends without an exception; see the module text. ``text=True`` gives UTF-8 text."""
    if path is None or str(path) == STDOUT:
        raw = _Stdout()
        if raw._binary is not None:  # what was printed before, in order
            raw._text = sys.stdout
            raw.flush()
            raw._text = None
        handle = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", newline=newline, write_through=True) \
            if text else io.BufferedWriter(raw)
        try:
            yield handle
            handle.flush()
        finally:
            with contextlib.suppress(Exception):
                handle.detach() if text else None
        return
    target = str(path)
    real = os.path.realpath(target)  # a symlink: replace what it points to, keep the link
    folder = os.path.dirname(real) or "."
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(target, _reason(exc, target, folder)) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(target, "is a folder; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        with _write_through(target, real, info, text, newline) as handle:
            yield handle
        return
    if not os.path.isdir(folder):
        what = "is not a folder" if os.path.exists(folder) else "does not exist; create it first"
        raise OutputError(target, f"folder {os.path.dirname(target) or folder} {what}")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(real)}.", suffix=".partial")
    except OSError as exc:
        raise OutputError(target, _reason(exc, target, folder)) from None
    committed = False
    try:
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        if info is not None and os.geteuid() == 0:  # as root, keep the owner too
            with contextlib.suppress(OSError):
                os.fchown(fd, info.st_uid, info.st_gid)
        with os.fdopen(fd, "wb", closefd=True) as binary:
            fd = -1
            if text:
                wrapper = io.TextIOWrapper(binary, encoding="utf-8", newline=newline)
                yield wrapper
                wrapper.flush()
                wrapper.detach()
            else:
                yield binary
            binary.flush()
            _fsync(binary.fileno(), required=True)
        os.replace(tmp, real)
        committed = True
        with contextlib.suppress(OSError):
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(target, _reason(exc, target, folder)) from None
    finally:
        if fd >= 0:
            os.close(fd)
        if not committed:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def _write_through(target: str, real: str, info: os.stat_result, text: bool, newline: str | None) -> Iterator[IO]:
    """Write into a device, FIFO or socket as it is: never rename over it."""
    try:
        # O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) instead of waiting.
        fd = os.open(real, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        os.set_blocking(fd, True)
    except OSError as exc:
        raise OutputError(target, _reason(exc, target, os.path.dirname(real))) from None
    try:
        with os.fdopen(fd, "wb", closefd=True) as binary:
            fd = -1
            handle = io.TextIOWrapper(binary, encoding="utf-8", newline=newline) if text else binary
            yield handle
            handle.flush()
            _fsync(binary.fileno(), required=False)
            if text:
                handle.detach()
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(target, _reason(exc, target, os.path.dirname(real))) from None
    finally:
        if fd >= 0:
            os.close(fd)


def write_output(path: str | os.PathLike | None, data: bytes | str) -> int:
    """Write ``data`` (str as UTF-8) to ``path`` (``None``/``"-"``: standard output) atomically; return
    the number of bytes written. Raises :class:`OutputError`; see the module text."""
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with open_output(path) as out:
        out.write(payload)
    return len(payload)


def make_folder(path: str | os.PathLike) -> Path:
    """An output folder: created if missing (its parent must exist), refused if it is a file."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(str(path), "is a file; a folder is needed here")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(str(path), _reason(exc, str(path), str(folder.parent))) from None
    return folder
