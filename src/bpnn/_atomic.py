"""The project's one atomic writer: model files, checkpoints, reports, tables and exports.

A write goes to a temporary file in the destination's directory, is flushed and fsync'ed,
gets the usual file mode (``0o666`` less the umask; ``mkstemp`` makes ``0o600``), and is
then moved over the destination with ``os.replace``; the directory is fsync'ed so the
rename itself is durable. A failure or a crash at any moment leaves either the old file or
the new one, never half of one, and no temporary file behind.

This module imports nothing from bpnn (and only the standard library), so every other
module can use it without an import cycle.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Union

__all__ = ["atomic_path", "atomic_write", "atomic_write_text"]

PathLike = Union[str, "os.PathLike[str]"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


@contextlib.contextmanager
def atomic_path(path: PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block succeeds.

    The block writes the temporary file by any means (``write_bytes``, a library's
    ``to_csv``, ``savefig``...); on success it is fsync'ed and renamed over ``path``.
    """
    path = Path(path)
    folder = path.parent  # Path("m.bpnn").parent is Path(".")
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(folder)


def atomic_write(path: PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``path`` as a :class:`~pathlib.Path`."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
