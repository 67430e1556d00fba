"""Replace a whole dataset folder in one step, so a kill at any instant leaves the old or the new one.

:func:`replace_folder` builds the new dataset in a sibling folder ``.NAME.partnergraph-new``
(a copy of the old one, file modes kept, plus the changed files), lets the caller validate it,
then swaps it with the real folder in **one** ``renameat2(RENAME_EXCHANGE)`` call (Linux) and
removes the old copy. Where the exchange call does not exist (other systems, some file systems)
the swap is two renames guarded by a journal file ``.NAME.partnergraph-journal``; the next
:func:`recover` (run by every merge and import, and by readers whose folder is missing) completes
it. A sibling build folder without a journal is an interrupted build: :func:`recover` removes it.

A test hook, ``PARTNERGRAPH_TEST_STOP_AFTER=N``, ends the process (exit status 86, no clean-up,
like a kill) right after step N; ``steps`` counts them, so a test can stop after every one.

A single-file dataset is replaced with one ``os.replace`` of that file (its new text files are
written first; they are unreferenced until the rename).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import stat
from pathlib import Path
from typing import Callable

STOP_ENV = "PARTNERGRAPH_TEST_STOP_AFTER"
STOP_STATUS = 86
NO_EXCHANGE_ENV = "PARTNERGRAPH_TEST_NO_EXCHANGE"  # test hook: use the journaled two-rename swap
NEW_SUFFIX = ".partnergraph-new"
JOURNAL_SUFFIX = ".partnergraph-journal"
OLD_SUFFIX = ".partnergraph-old"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class Steps:
    """Counts the steps of one replacement; stops the process after step ``$PARTNERGRAPH_TEST_STOP_AFTER``."""

    def __init__(self) -> None:
        self.done: list[str] = []
        stop = os.environ.get(STOP_ENV, "")
        self.stop_after = int(stop) if stop.isdigit() else None

    def __call__(self, what: str) -> None:
        self.done.append(what)
        if self.stop_after is not None and len(self.done) >= self.stop_after:
            os._exit(STOP_STATUS)  # as a kill -9 would: no clean-up, no flush of Python buffers


def sibling(target: Path, suffix: str) -> Path:
    return target.parent / f".{target.name}{suffix}"


def default_mode() -> int:
    """The mode a new file gets from open(): 0666 less the umask (0644 with the usual umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` (a new or replaced regular file) and fsync it, mode kept or default."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OSError(errno.EINVAL, f"{path} is not a regular file; refusing to replace it")
    mode = stat.S_IMODE(path.stat().st_mode) if mode is None and path.exists() else (mode or default_mode())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.partnergraph-tmp"
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False when the system cannot."""
    if os.environ.get(NO_EXCHANGE_ENV):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, f"cannot swap {a} and {b}: {os.strerror(code)}")


@contextlib.contextmanager
def locked(target: Path):
    """An exclusive lock while the dataset is rewritten: flock on the folder that holds it (no lock
    file is left behind; two merges beside each other wait for neither, they are refused)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OSError(errno.EBUSY, f"{target.parent} is being rewritten by another partnergraph process; try again")
        yield
    finally:
        os.close(fd)


def recover(target: Path, readers_only: bool = False) -> str | None:
    """Finish or roll back an interrupted replacement of ``target``; say what was done (or None).

    With ``readers_only`` only a journaled swap whose target is missing is completed (a reader must
    not remove a build another process may still be writing).
    """
    target = Path(target)
    new, old, journal = sibling(target, NEW_SUFFIX), sibling(target, OLD_SUFFIX), sibling(target, JOURNAL_SUFFIX)
    if journal.exists():
        done = None
        if not target.exists() and new.is_dir():
            os.rename(new, target)  # the new folder was complete (the journal is written after it)
            done = f"completed an interrupted replacement of {target}"
        if readers_only:
            return done
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(new, ignore_errors=True)
        journal.unlink()
        return done or f"cleaned up after an interrupted replacement of {target}"
    if readers_only:
        return None
    if new.exists() or old.exists():
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        return f"removed an interrupted build beside {target}; {target} is as it was"
    return None


@contextlib.contextmanager
def _replacing(target: Path):
    """Hold the lock of ``target``, finish or undo an interrupted replacement, and give the build
    folder's path beside it (one at a time: the lock keeps other writers out)."""
    with locked(target):
        recover(target)
        yield sibling(target, NEW_SUFFIX)


def _copy_missing(copies: dict[Path, Path] | None, into: Path, steps: Steps) -> None:
    """Copy each file of ``copies`` (relative path -> file) into ``into`` unless it is there already."""
    for rel, origin in (copies or {}).items():
        dest = into / rel
        if not dest.exists():
            write_file(dest, Path(origin).read_bytes())
            steps(f"copy {rel}")


def replace_folder(target: Path, files: dict[Path, bytes], check: Callable[[Path], None],
                   copies: dict[Path, Path] | None = None, steps: Steps | None = None) -> None:
    """Make ``target`` (a folder, existing or not) its old content plus ``files`` (relative path ->
    bytes) and ``copies`` (relative path -> file to copy), after ``check(new_folder)`` accepts it.

    ``check`` raises to refuse; then nothing changes. Modes of existing files and of the folder are kept.
    """
    target, steps = Path(target), steps or Steps()
    with _replacing(target) as new:
        try:
            _build_folder(target, new, files, copies, steps)
            check(new)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        _swap_in(new, target, steps)
        _fsync_dir(target.parent)


def _build_folder(target: Path, new: Path, files: dict[Path, bytes], copies: dict[Path, Path] | None,
                  steps: Steps) -> None:
    if target.exists():
        shutil.copytree(target, new, symlinks=True)
    else:
        new.mkdir()
        os.chmod(new, default_mode() | ((default_mode() & 0o444) >> 2))  # rwx where rw
    steps("copy the dataset into a new folder")
    _copy_missing(copies, new, steps)
    for rel, data in files.items():
        write_file(new / rel, data)
        steps(f"write {rel}")
    for folder in {(new / rel).parent for rel in [*files, *(copies or {})]} | {new}:
        _fsync_dir(folder)


def _swap_in(new: Path, target: Path, steps: Steps) -> None:
    """Put the built folder in place of ``target``: one exchange call, or two renames behind a journal."""
    if not target.exists():
        os.rename(new, target)
        steps("rename the new folder into place")
    elif _exchange(new, target):
        steps("swap the new folder with the old one")
        shutil.rmtree(new)  # now the old dataset
        steps("remove the old folder")
    else:
        journal = sibling(target, JOURNAL_SUFFIX)
        write_file(journal, b"swap\n")
        steps("write the journal")
        os.rename(target, sibling(target, OLD_SUFFIX))
        steps("move the old folder aside")
        os.rename(new, target)
        steps("rename the new folder into place")
        recover(target)
        steps("remove the old folder and the journal")


def replace_file(target: Path, data: bytes, check: Callable[[Path], None], copies: dict[Path, Path] | None = None,
                 steps: Steps | None = None) -> None:
    """Replace one dataset file (and add its new text files) after ``check(scratch_copy)`` accepts it.

    ``check`` receives a path to the new content in a scratch folder beside it.
    """
    target, steps = Path(target), steps or Steps()
    with _replacing(target) as scratch:
        try:
            scratch.mkdir()
            for rel, origin in (copies or {}).items():
                (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(origin, scratch / rel)
            for source in _existing_texts(target):
                dest = scratch / source.relative_to(target.parent)
                if not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, dest)
            (scratch / target.name).write_bytes(data)
            check(scratch / target.name)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        _copy_missing(copies, target.parent, steps)
        write_file(target, data)
        steps(f"write {target.name}")


def _existing_texts(target: Path) -> list[Path]:
    """Text files beside a single-file dataset (its sources' files live in texts/)."""
    folder = target.parent / "texts"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
